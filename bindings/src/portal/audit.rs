//! The access log.

use super::Portal;
use crate::convert::{self, Result};
use crate::model::audit::{AccessLogFilter, AccessLogPage, ChainReport};

#[uniffi::export]
impl Portal {
    /// Every access-log entry about the acting service user ("who looked at my plan"), newest
    /// first, filtered and paged.
    #[uniffi::method(default(filter))]
    pub fn access_log(&self, actor: String, filter: AccessLogFilter) -> Result<AccessLogPage> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.access_log(&actor, filter.into_core()?)?.into())
    }

    /// Walks the whole access log and reports the first entry that was edited, deleted,
    /// inserted or moved.
    pub fn verify_access_log(&self) -> Result<ChainReport> {
        Ok(self.inner.verify_access_log()?.into())
    }
}
