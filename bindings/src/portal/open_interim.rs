//! INTERIM, removed when `recovery_core::SqliteStore` lands on main: `open` keeps everything in
//! memory and ignores the path, so that the foreign suites can be written against the final
//! API before the store exists. Only built without the `sqlite` feature.

use std::sync::Arc;

use super::Portal;
use crate::config::PortalConfig;
use crate::convert::Result;

#[uniffi::export]
impl Portal {
    /// Opens a portal (interim: in memory; the path is ignored).
    #[uniffi::constructor(default(config))]
    pub fn open(path: String, config: PortalConfig) -> Result<Arc<Self>> {
        let _ = path;
        Ok(Self::open_in_memory(config))
    }
}
