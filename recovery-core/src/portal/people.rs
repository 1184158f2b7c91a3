//! Accounts.

use super::{Portal, acting};
use crate::error::{Error, Problem, Result};
use crate::model::ids::UserId;
use crate::model::people::{Actor, NewPerson, Person, ProviderDetails, Role};
use crate::policy::text::{TextKind, clean};

impl Portal {
    /// Registers a person the host has authenticated, in any role.
    ///
    /// Providers must come with [`ProviderDetails`]; nobody else may.
    pub fn register(&self, new: NewPerson) -> Result<Person> {
        let limits = &self.config.limits;
        let display_name = clean(
            "person.display_name",
            &new.display_name,
            TextKind::Title,
            limits,
        )?;
        let provider = match (new.role, new.provider) {
            (Role::Provider, Some(details)) => Some(ProviderDetails {
                profession: details.profession,
                organisation: clean(
                    "person.provider.organisation",
                    &details.organisation,
                    TextKind::Title,
                    limits,
                )?,
            }),
            (Role::Provider, None) => {
                return Err(Error::invalid(
                    "person.provider",
                    Problem::Inconsistent("a provider needs a profession and an organisation"),
                ));
            }
            (_, Some(_)) => {
                return Err(Error::invalid(
                    "person.provider",
                    Problem::Inconsistent("only providers have provider details"),
                ));
            }
            (_, None) => None,
        };
        let person = Person {
            id: UserId::new(),
            role: new.role,
            display_name,
            provider,
            registered_at: self.clock.now(),
        };
        self.write(|tx| {
            tx.insert_person(&person)?;
            Ok(())
        })?;
        Ok(person)
    }

    /// The acting person's own account.
    pub fn me(&self, actor: &Actor) -> Result<Person> {
        self.read(|tx| acting(tx, actor))
    }
}
