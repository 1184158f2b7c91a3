//! The portal's tunables.

use serde::{Deserialize, Serialize};

use crate::model::catalogue::{DomainCatalogue, default_exercises};
use crate::model::toolbox::Exercise;

/// Everything a host can tune. Serde-friendly so that it can live in the host's own config file;
/// missing fields take their defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PortalConfig {
    /// Text length limits.
    pub limits: TextLimits,
    /// The life-domain catalogue every service user starts with.
    pub domains: DomainCatalogue,
    /// The exercise catalogue.
    pub exercises: Vec<Exercise>,
    /// Options for the SQLite store (ignored by other stores).
    pub sqlite: SqliteOptions,
}

impl Default for PortalConfig {
    fn default() -> Self {
        Self {
            limits: TextLimits::default(),
            domains: DomainCatalogue::default(),
            exercises: default_exercises(),
            sqlite: SqliteOptions::default(),
        }
    }
}

/// Length limits, counted in Unicode scalar values after NFC normalisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TextLimits {
    /// Titles, names and labels: one line, 1 to this many characters (default 200).
    pub title: usize,
    /// Bodies (status text, notes, diary, plans): up to this many characters (default 20,000).
    pub body: usize,
}

impl Default for TextLimits {
    fn default() -> Self {
        Self {
            title: 200,
            body: 20_000,
        }
    }
}

/// How the SQLite store trades durability for speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SqliteOptions {
    /// `synchronous = FULL` instead of `NORMAL`: survives power loss as well as crashes, at
    /// about a fifth of the write rate. With `NORMAL` (the default) in WAL mode, an application
    /// crash loses nothing committed; a power cut may lose the last transactions.
    pub synchronous_full: bool,
    /// How long a write waits for another writer's lock before failing with
    /// [`StoreError::Busy`](crate::store::StoreError::Busy), in milliseconds (default 5,000).
    pub busy_timeout_ms: u32,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            synchronous_full: false,
            busy_timeout_ms: 5_000,
        }
    }
}
