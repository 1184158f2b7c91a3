//! The dashboard.

use super::Portal;
use crate::convert::{self, Result};
use crate::model::home::Home;

#[uniffi::export]
impl Portal {
    /// The actor's whole dashboard in one call: what matters, every domain with its latest
    /// status, goals and activities, medications, network, crisis plan, recent completions and
    /// diary entries, and measures with their latest registrations.
    pub fn home(&self, actor: String) -> Result<Home> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.home(&actor)?.into())
    }
}
