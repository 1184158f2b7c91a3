//! The exported object: [`Portal`], wrapping [`recovery_core::Portal`].
//!
//! Every method takes the acting person's id first, as `recovery_core::Portal` takes an
//! `Actor`, parses what the foreign language handed in, calls the core and converts the answer.
//! The methods are split by capability like the core's facade (`people`, `toolbox`, `home`, `team`, `audit`, `messaging`, `forum`, `usage`);
//! a new capability adds one file here with its own `#[uniffi::export] impl Portal` block.

use std::sync::Arc;

use crate::config::PortalConfig;

mod audit;
mod forum;
mod home;
mod messaging;
mod open;
mod people;
mod team;
mod toolbox;
mod usage;

/// The e-recovery portal. Safe to share between threads and to call from many at once: every
/// call is one transaction in the core.
#[derive(Debug, uniffi::Object)]
pub struct Portal {
    inner: recovery_core::Portal,
}

#[uniffi::export]
impl Portal {
    /// A portal that keeps everything in memory, for tests and previews.
    #[uniffi::constructor(default(config))]
    pub fn open_in_memory(config: PortalConfig) -> Arc<Self> {
        let inner = recovery_core::Portal::with_store(
            recovery_core::store::MemoryStore::new(),
            config.into(),
        );
        Arc::new(Self { inner })
    }
}

impl Portal {
    /// The wrapped core portal, for Rust callers that hold the exported object.
    pub fn core(&self) -> &recovery_core::Portal {
        &self.inner
    }
}
