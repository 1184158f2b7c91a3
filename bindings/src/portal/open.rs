//! Opening a portal on its SQLite file.

use std::sync::Arc;

use super::Portal;
use crate::config::PortalConfig;
use crate::convert::Result;

#[uniffi::export]
impl Portal {
    /// Opens (or creates) a portal in an SQLite file.
    ///
    /// Refuses a file written by a newer version of the library, a file that is not a
    /// recovery-core database and a corrupt file, each with a `Storage` error of its own kind,
    /// without touching the file.
    #[uniffi::constructor(default(config))]
    pub fn open(path: String, config: PortalConfig) -> Result<Arc<Self>> {
        let inner = recovery_core::Portal::open(path, config.into())?;
        Ok(Arc::new(Self { inner }))
    }
}
