//! The usage log and the researcher's report.

use std::time::SystemTime;

use super::Portal;
use crate::convert::{self, Result};
use crate::model::usage::UsageReport;

#[uniffi::export]
impl Portal {
    /// Records that the host showed a module to the actor: `home`, `toolbox`,
    /// `toolbox.goals`, `messages`, `forum`, ... An unknown name is refused (`Invalid` on
    /// `module`).
    pub fn record_visit(&self, actor: String, module: String) -> Result<()> {
        let actor = convert::actor(&actor)?;
        let module: recovery_core::Module = module.parse().map_err(recovery_core::Error::from)?;
        Ok(self.inner.record_visit(&actor, module)?)
    }

    /// The usage report over `start` (included) to `end` (excluded), for a researcher only.
    /// Care teams appear under pseudonyms made with `export_key` (at least 16 bytes, kept by
    /// the caller); the report holds no names and no free text.
    pub fn usage_report(
        &self,
        actor: String,
        start: SystemTime,
        end: SystemTime,
        export_key: Vec<u8>,
    ) -> Result<UsageReport> {
        let actor = convert::actor(&actor)?;
        let start = convert::moment("period.start", start)?;
        let end = convert::moment("period.end", end)?;
        let period = recovery_core::Period::new(start, end).map_err(recovery_core::Error::from)?;
        let key = recovery_core::ExportKey::new(export_key)?;
        Ok(self.inner.usage_report(&actor, period, &key)?.into())
    }
}
