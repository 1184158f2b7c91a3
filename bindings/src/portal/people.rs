//! Accounts.

use super::Portal;
use crate::convert::{self, Result};
use crate::model::people::{NewPerson, Person};

#[uniffi::export]
impl Portal {
    /// Registers a person the host has authenticated, in any role. Providers must come with
    /// provider details; nobody else may.
    pub fn register(&self, person: NewPerson) -> Result<Person> {
        Ok(self.inner.register(person.into())?.into())
    }

    /// The acting person's own account.
    pub fn me(&self, actor: String) -> Result<Person> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.me(&actor)?.into())
    }
}
