//! The portal's tunables, as a record every field of which has a default: `PortalConfig()` in
//! Kotlin and Swift, `PortalConfig()` in Python.

use crate::model::toolbox::{Exercise, Localized};

/// What a host can tune when it opens a portal.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PortalConfig {
    /// The longest title, name or label, in characters after NFC normalisation.
    #[uniffi(default = 200)]
    pub title_limit: u32,
    /// The longest body (status, notes, diary, plans), in characters.
    #[uniffi(default = 20000)]
    pub body_limit: u32,
    /// The life-domain catalogue every service user starts with. None: ReConnect's six.
    #[uniffi(default = None)]
    pub domains: Option<DomainCatalogue>,
    /// The exercise catalogue. None: the shipped one (sleep hygiene, mindfulness, strengths).
    #[uniffi(default = None)]
    pub exercises: Option<Vec<Exercise>>,
    /// SQLite `synchronous = FULL`: survives power loss as well as crashes, at about a fifth of
    /// the write rate. The default (`NORMAL` in WAL mode) loses nothing committed in a crash.
    #[uniffi(default = false)]
    pub synchronous_full: bool,
    /// How long a write waits for another writer's lock before failing with a `Busy` storage
    /// error, in milliseconds.
    #[uniffi(default = 5000)]
    pub busy_timeout_ms: u32,
}

/// Which life-domain catalogue a portal offers every service user.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum DomainCatalogue {
    /// ReConnect's six domains (the default).
    Reconnect,
    /// Recovery Star's ten outcome areas.
    RecoveryStar,
    /// A host's own list.
    Custom {
        /// The domains; keys must be unique, lowercase ASCII letters, digits and hyphens.
        domains: Vec<CatalogueDomain>,
    },
}

/// One domain in a catalogue.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CatalogueDomain {
    /// Its stable key, e.g. `housing`.
    pub key: String,
    /// Its label.
    pub label: Localized,
}

impl Default for PortalConfig {
    /// The core's defaults. The same numbers appear as `#[uniffi(default)]` literals above; a
    /// test keeps the two equal.
    fn default() -> Self {
        let core = recovery_core::PortalConfig::default();
        Self {
            title_limit: u32::try_from(core.limits.title).unwrap_or(u32::MAX),
            body_limit: u32::try_from(core.limits.body).unwrap_or(u32::MAX),
            domains: None,
            exercises: None,
            synchronous_full: core.sqlite.synchronous_full,
            busy_timeout_ms: core.sqlite.busy_timeout_ms,
        }
    }
}

impl From<PortalConfig> for recovery_core::PortalConfig {
    fn from(c: PortalConfig) -> Self {
        let defaults = recovery_core::PortalConfig::default();
        Self {
            limits: recovery_core::TextLimits {
                title: crate::convert::limit(c.title_limit),
                body: crate::convert::limit(c.body_limit),
            },
            domains: c
                .domains
                .map(Into::into)
                .unwrap_or_else(|| defaults.domains.clone()),
            exercises: c
                .exercises
                .map(|e| e.into_iter().map(Into::into).collect())
                .unwrap_or_else(|| defaults.exercises.clone()),
            sqlite: recovery_core::SqliteOptions {
                synchronous_full: c.synchronous_full,
                busy_timeout_ms: c.busy_timeout_ms,
                ..recovery_core::SqliteOptions::default()
            },
            // Tunables the bindings do not expose yet (the forum's) keep the core's defaults.
            ..defaults
        }
    }
}

impl From<DomainCatalogue> for recovery_core::DomainCatalogue {
    fn from(c: DomainCatalogue) -> Self {
        match c {
            DomainCatalogue::Reconnect => recovery_core::DomainCatalogue::Reconnect,
            DomainCatalogue::RecoveryStar => recovery_core::DomainCatalogue::RecoveryStar,
            DomainCatalogue::Custom { domains } => recovery_core::DomainCatalogue::Custom(
                domains
                    .into_iter()
                    .map(|d| recovery_core::CatalogueDomain {
                        key: d.key,
                        label: d.label.into(),
                    })
                    .collect(),
            ),
        }
    }
}

/// The default configuration, as the core defines it: lets a host start from the defaults and
/// change one field.
#[uniffi::export]
pub fn default_config() -> PortalConfig {
    PortalConfig::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `#[uniffi(default = …)]` literals the foreign languages use, written out once more.
    fn foreign_defaults() -> PortalConfig {
        PortalConfig {
            title_limit: 200,
            body_limit: 20000,
            domains: None,
            exercises: None,
            synchronous_full: false,
            busy_timeout_ms: 5000,
        }
    }

    #[test]
    fn foreign_defaults_are_the_core_defaults() {
        assert_eq!(foreign_defaults(), PortalConfig::default());
        let core: recovery_core::PortalConfig = foreign_defaults().into();
        assert_eq!(core, recovery_core::PortalConfig::default());
    }

    #[test]
    fn a_custom_catalogue_reaches_the_core() {
        let config = PortalConfig {
            domains: Some(DomainCatalogue::Custom {
                domains: vec![CatalogueDomain {
                    key: "sleep".into(),
                    label: Localized {
                        en: "Sleep".into(),
                        nb: "Søvn".into(),
                    },
                }],
            }),
            ..PortalConfig::default()
        };
        let core: recovery_core::PortalConfig = config.into();
        assert!(core.domains.contains("sleep"));
        assert!(!core.domains.contains("housing"));
    }
}
