//! Accounts: the `people` table.

use rusqlite::{OptionalExtension, params};

use super::encoding::{name_from_sql, name_to_sql, time_from_sql, time_to_sql, uuid_at};
use super::error::{about, store_error};
use super::transaction::SqliteTx;
use crate::model::ids::UserId;
use crate::model::people::{Person, ProviderDetails, Role};
use crate::store::{PeopleTx, StoreError};

/// A new account.
pub(super) const INSERT_PERSON: &str = "\
    INSERT INTO people (id, role, display_name, profession, organisation, registered_at) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// One account by id.
pub(super) const SELECT_PERSON: &str = "\
    SELECT id, role, display_name, profession, organisation, registered_at \
    FROM people WHERE id = ?1";

impl PeopleTx for SqliteTx<'_> {
    fn insert_person(&mut self, person: &Person) -> Result<(), StoreError> {
        let (profession, organisation) = match &person.provider {
            Some(p) => (
                Some(name_to_sql(p.profession)?),
                Some(p.organisation.as_str()),
            ),
            None => (None, None),
        };
        let registered_at = time_to_sql(person.registered_at, "registered_at")?;
        self.conn()?
            .prepare_cached(INSERT_PERSON)
            .and_then(|mut s| {
                s.execute(params![
                    person.id.as_uuid().as_bytes(),
                    person.role.as_str(),
                    person.display_name,
                    profession,
                    organisation,
                    registered_at,
                ])
            })
            .map_err(|e| about(store_error(e), format_args!("person {}", person.id)))?;
        Ok(())
    }

    fn person(&mut self, id: UserId) -> Result<Option<Person>, StoreError> {
        let row = self
            .conn()?
            .prepare_cached(SELECT_PERSON)
            .and_then(|mut s| {
                s.query_row([id.as_uuid().as_bytes()], |row| {
                    Ok(PersonRow {
                        id: UserId::from_uuid(uuid_at(row, 0)?),
                        role: row.get(1)?,
                        display_name: row.get(2)?,
                        profession: row.get(3)?,
                        organisation: row.get(4)?,
                        registered_at: row.get(5)?,
                    })
                })
                .optional()
            })
            .map_err(store_error)?;
        row.map(PersonRow::into_person).transpose()
    }
}

/// One `people` row as read, before its names are parsed.
struct PersonRow {
    id: UserId,
    role: String,
    display_name: String,
    profession: Option<String>,
    organisation: Option<String>,
    registered_at: i64,
}

impl PersonRow {
    fn into_person(self) -> Result<Person, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt {
            detail: format!(
                "person {}: stored {what} is not one this library knows",
                self.id
            ),
        };
        let role = Role::parse(&self.role).ok_or_else(|| corrupt("role"))?;
        let provider = match (self.profession, self.organisation) {
            (Some(profession), Some(organisation)) => Some(ProviderDetails {
                profession: name_from_sql(&profession).ok_or_else(|| corrupt("profession"))?,
                organisation,
            }),
            _ => None,
        };
        Ok(Person {
            id: self.id,
            role,
            display_name: self.display_name,
            provider,
            registered_at: time_from_sql(self.registered_at),
        })
    }
}
