//! The schema's numbered migrations and the runner that applies them.
//!
//! A database's schema version is its `PRAGMA user_version`: the number of the last migration
//! applied. Each migration runs in its own `BEGIN IMMEDIATE` transaction together with the
//! version bump, so a crash leaves the file at one version or the next, never between. How to
//! add one: `MIGRATIONS.md` beside this file.

use rusqlite::Connection;

use super::error::store_error;
use crate::store::StoreError;

/// Every migration, in order: entry `n - 1` takes a database from version `n - 1` to `n`.
/// Adding a migration is adding a line; never edit a shipped one.
const MIGRATIONS: &[Migration] = &[
    Migration::new(1, include_str!("migrations/001_init.sql")),
    Migration::new(2, include_str!("migrations/002_care_teams.sql")),
    Migration::new(3, include_str!("migrations/003_access_log.sql")),
    Migration::new(4, include_str!("migrations/004_forum.sql")),
    Migration::new(5, include_str!("migrations/005_messaging.sql")),
    Migration::new(6, include_str!("migrations/006_usage.sql")),
];

/// The newest schema version this code knows.
pub(super) const LATEST: u32 = MIGRATIONS.len() as u32;

/// `PRAGMA application_id` of every recovery-core database: "RCOR" in ASCII. A file with another
/// id is someone else's.
pub(super) const APPLICATION_ID: i32 = 0x5243_4F52;

/// One step of the schema: the SQL that takes a database from `version - 1` to `version`.
struct Migration {
    version: u32,
    sql: &'static str,
}

impl Migration {
    const fn new(version: u32, sql: &'static str) -> Self {
        Self { version, sql }
    }
}

/// The schema version of an open database.
pub(super) fn version(conn: &Connection) -> Result<u32, StoreError> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(store_error)?;
    // user_version is a signed 32-bit field; a negative one is no version of ours.
    u32::try_from(version).map_err(|_| StoreError::NotADatabase)
}

/// The application id of an open database.
pub(super) fn application_id(conn: &Connection) -> Result<i32, StoreError> {
    conn.pragma_query_value(None, "application_id", |row| row.get(0))
        .map_err(store_error)
}

/// Brings the database up to `target` (at most [`LATEST`]), one migration per transaction.
/// Refuses a database newer than this code. Safe to run by several connections at once: the
/// version is re-read under the write lock before each step.
pub(super) fn migrate(conn: &Connection, target: u32) -> Result<(), StoreError> {
    if target > LATEST {
        return Err(StoreError::TooNew {
            found: target,
            supported: LATEST,
        });
    }
    // Most opens find the database current; they take no write lock.
    let current = version(conn)?;
    refuse_too_new(current)?;
    if current >= target {
        return Ok(());
    }
    for migration in MIGRATIONS.iter().take(target as usize) {
        in_immediate_transaction(conn, |conn| {
            let found = version(conn)?;
            refuse_too_new(found)?;
            if found >= migration.version {
                return Ok(());
            }
            conn.execute_batch(migration.sql).map_err(store_error)?;
            conn.pragma_update(None, "user_version", migration.version)
                .map_err(store_error)?;
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(store_error)
        })?;
    }
    Ok(())
}

fn refuse_too_new(found: u32) -> Result<(), StoreError> {
    if found > LATEST {
        return Err(StoreError::TooNew {
            found,
            supported: LATEST,
        });
    }
    Ok(())
}

fn in_immediate_transaction(
    conn: &Connection,
    step: impl FnOnce(&Connection) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(store_error)?;
    match step(conn).and_then(|()| conn.execute_batch("COMMIT").map_err(store_error)) {
        Ok(()) => Ok(()),
        Err(e) => {
            // SQLite may already have rolled back (after SQLITE_FULL, for one); then there is
            // nothing left to undo.
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            Err(e)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_one_by_one_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1);
        }
        assert_eq!(LATEST as usize, MIGRATIONS.len());
    }

    #[test]
    fn migrating_to_a_middle_version_stops_there() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn, 0).unwrap();
        assert_eq!(version(&conn).unwrap(), 0);
        assert_eq!(application_id(&conn).unwrap(), 0);
        migrate(&conn, 1).unwrap();
        assert_eq!(version(&conn).unwrap(), 1);
        assert_eq!(application_id(&conn).unwrap(), APPLICATION_ID);
        migrate(&conn, 2).unwrap();
        assert_eq!(version(&conn).unwrap(), 2);
        migrate(&conn, 1).unwrap();
        assert_eq!(version(&conn).unwrap(), 2, "migrating never goes back");
    }

    #[test]
    fn a_failing_later_migration_keeps_the_earlier_ones() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn, 1).unwrap();
        // A table of the same name makes migration 2 fail after its first tables.
        conn.execute_batch("CREATE TABLE comments (x INTEGER)")
            .unwrap();
        let err = migrate(&conn, LATEST).unwrap_err();
        assert!(matches!(err, StoreError::Backend { .. }), "{err:?}");
        assert_eq!(version(&conn).unwrap(), 1, "migration 1 stays applied");
        let memberships: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'memberships'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(memberships, 0, "migration 2 was rolled back as a whole");
        // Once the obstacle is gone, the next open carries on from version 1.
        conn.execute_batch("DROP TABLE comments").unwrap();
        migrate(&conn, LATEST).unwrap();
        assert_eq!(version(&conn).unwrap(), LATEST);
    }

    #[test]
    fn a_failing_migration_leaves_the_version_and_schema_unchanged() {
        let conn = Connection::open_in_memory().unwrap();
        // A table of the same name makes migration 1 fail halfway through its script.
        conn.execute_batch("CREATE TABLE item_versions (x INTEGER)")
            .unwrap();
        let err = migrate(&conn, LATEST).unwrap_err();
        assert!(matches!(err, StoreError::Backend { .. }), "{err:?}");
        assert_eq!(version(&conn).unwrap(), 0);
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            tables, 1,
            "people and items were rolled back with the failed step"
        );
        assert!(conn.is_autocommit());
    }

    #[test]
    fn a_version_beyond_the_code_is_refused() {
        let conn = Connection::open_in_memory().unwrap();
        assert!(matches!(
            migrate(&conn, LATEST + 1),
            Err(StoreError::TooNew { found, supported }) if found == LATEST + 1 && supported == LATEST
        ));
        conn.pragma_update(None, "user_version", LATEST + 1)
            .unwrap();
        assert!(matches!(
            migrate(&conn, LATEST),
            Err(StoreError::TooNew { .. })
        ));
    }
}
