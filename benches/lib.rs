//! Raw-rusqlite baselines for the benchmarks, and the fixtures both sides share.
//!
//! A baseline does the storage work a portal call needs and nothing else: the SQLite store's own
//! schema (its migration SQL, included from `recovery-core`), the same pragmas and statement
//! cache size, the same SQL text as the store issues, cached statements, the same rows, and the
//! same decoding of bodies into `recovery-core`'s types with serde_json. What the portal adds on top (checking who acts,
//! text rules, assembling the dashboard) is what the benchmarks measure.

use std::path::Path;

use chrono::{DateTime, Utc};
use recovery_core::{
    Actor, DomainRef, Error, GoalLifecycle, ItemBody, ItemId, ItemKind, ItemRecord, NewActivity,
    NewGoal, NewPerson, NewStatus, Person, Portal, Role, UserId,
};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

/// The SQLite store's schema: its migrations, in order, exactly as the store applies them.
/// A unit test below fails when the store gains a migration this list lacks.
pub const MIGRATIONS: [&str; 6] = [
    include_str!("../recovery-core/src/store/sqlite/migrations/001_init.sql"),
    include_str!("../recovery-core/src/store/sqlite/migrations/002_care_teams.sql"),
    include_str!("../recovery-core/src/store/sqlite/migrations/003_access_log.sql"),
    include_str!("../recovery-core/src/store/sqlite/migrations/004_forum.sql"),
    include_str!("../recovery-core/src/store/sqlite/migrations/005_messaging.sql"),
    include_str!("../recovery-core/src/store/sqlite/migrations/006_usage.sql"),
];

/// The columns the store selects for every item read.
const ITEM_COLUMNS: &str = "id, owner, version, created_at, updated_at, updated_by, removed, body";

/// What the dashboard's queries return, decoded: the baseline's answer to `Portal::home`.
#[derive(Debug, Default)]
pub struct HomeRows {
    /// The acting person.
    pub person: Option<Person>,
    /// Every item row read, decoded (domains, current items, latest statuses, recent lists).
    pub items: Vec<ItemRecord>,
}

/// One SQLite connection used the way the store uses it, without the portal.
#[derive(Debug)]
pub struct RawToolbox {
    conn: Connection,
}

/// A raw-baseline failure: SQLite's, or a body that does not encode or decode.
#[derive(Debug, thiserror::Error)]
pub enum RawError {
    /// SQLite failed.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// serde_json failed.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// A stored value is not what the schema promises.
    #[error("stored value does not decode")]
    Undecodable,
}

impl RawToolbox {
    /// Opens a connection with the store's pragmas (WAL, `synchronous = NORMAL`, foreign keys),
    /// creating the schema if the file is new.
    pub fn open(path: &Path) -> Result<Self, RawError> {
        let conn = Self::connect(path)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if version == 0 {
            for (n, sql) in MIGRATIONS.iter().enumerate() {
                let version = n + 1;
                conn.execute_batch(&format!(
                    "BEGIN IMMEDIATE; {sql}; PRAGMA user_version = {version}; COMMIT;"
                ))?;
            }
        }
        Ok(Self { conn })
    }

    /// Opens a connection on a database the portal already made, to read the same rows.
    pub fn attach(path: &Path) -> Result<Self, RawError> {
        Ok(Self {
            conn: Self::connect(path)?,
        })
    }

    fn connect(path: &Path) -> Result<Connection, RawError> {
        let conn = Connection::open(path)?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // As the store does: keep query plans instead of re-preparing on every run.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }

    /// Adds a person in its own transaction.
    pub fn insert_person(&self, person: &Person) -> Result<(), RawError> {
        self.in_transaction("BEGIN IMMEDIATE", |conn| {
            conn.prepare_cached(
                "INSERT INTO people (id, role, display_name, profession, organisation, registered_at)
                 VALUES (?1, ?2, ?3, NULL, NULL, ?4)",
            )?
            .execute(params![
                person.id.as_uuid().as_bytes(),
                person.role.as_str(),
                person.display_name,
                nanos(person.registered_at)?,
            ])?;
            Ok(())
        })
    }

    /// Writes a new item's row in its own transaction, as the store's `insert_item` does: one
    /// `INSERT INTO items`, whose trigger writes the first `item_versions` row. The body is
    /// encoded here, as the store encodes it.
    pub fn insert_item(&self, record: &ItemRecord) -> Result<(), RawError> {
        let body = serde_json::to_string(&record.body)?;
        self.in_transaction("BEGIN IMMEDIATE", |conn| {
            conn.prepare_cached(
                "INSERT INTO items (id, owner, kind, domain, parent, version, created_at, updated_at,
                                    updated_by, removed, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                record.id.as_uuid().as_bytes(),
                record.owner.as_uuid().as_bytes(),
                record.kind().as_str(),
                record.body.domain().map(ToString::to_string),
                record.body.parent().map(|p| *p.as_uuid().as_bytes()),
                nanos(record.created_at)?,
                nanos(record.updated_at)?,
                record.updated_by.as_uuid().as_bytes(),
                record.removed,
                body,
            ])?;
            Ok(())
        })
    }

    /// Reads what the dashboard reads, with the store's SQL, in one read transaction: the
    /// person; the owner's own domains; their current items of the seven dashboard kinds; the
    /// latest status of each of `domains`; the ten newest activity completions, exercise
    /// completions and diary entries; and the registrations of each measure found. Every row
    /// is decoded into an [`ItemRecord`] (ids, times, and the body with serde_json).
    pub fn home_rows(&self, owner: UserId, domains: &[DomainRef]) -> Result<HomeRows, RawError> {
        self.in_transaction("BEGIN DEFERRED", |conn| {
            let mut home = HomeRows {
                person: read_person(conn, owner)?,
                items: Vec::new(),
            };
            let owner_value = || Value::Blob(owner.as_uuid().as_bytes().to_vec());
            let text = |s: &str| Value::Text(s.to_owned());

            let own_domains = format!(
                "SELECT {ITEM_COLUMNS} FROM items WHERE owner = ? AND kind = ? AND removed = 0 \
                 ORDER BY created_at, id"
            );
            read_items(conn, &own_domains, vec![owner_value(), text("domain")], &mut home.items)?;

            // The store sorts the kinds' names before binding them.
            let mut kinds = [
                ItemKind::WhatMatters,
                ItemKind::Goal,
                ItemKind::Activity,
                ItemKind::Medication,
                ItemKind::NetworkPerson,
                ItemKind::CrisisPlan,
                ItemKind::Measure,
            ]
            .map(ItemKind::as_str);
            kinds.sort_unstable();
            let current = format!(
                "SELECT {ITEM_COLUMNS} FROM items WHERE owner = ? AND kind IN (?, ?, ?, ?, ?, ?, ?) \
                 AND removed = 0 ORDER BY created_at, id"
            );
            let mut values = vec![owner_value()];
            values.extend(kinds.iter().map(|k| text(k)));
            let first_current = home.items.len();
            read_items(conn, &current, values, &mut home.items)?;
            let measures: Vec<ItemId> = home.items[first_current..]
                .iter()
                .filter(|r| r.kind() == ItemKind::Measure)
                .map(|r| r.id)
                .collect();

            let latest_status = format!(
                "SELECT {ITEM_COLUMNS} FROM items WHERE owner = ? AND kind = ? AND domain = ? \
                 AND removed = 0 ORDER BY created_at DESC, id DESC LIMIT ?"
            );
            for domain in domains {
                let values = vec![owner_value(), text("status"), text(&domain.to_string()), Value::Integer(1)];
                read_items(conn, &latest_status, values, &mut home.items)?;
            }

            let newest = format!(
                "SELECT {ITEM_COLUMNS} FROM items WHERE owner = ? AND kind = ? AND removed = 0 \
                 ORDER BY created_at DESC, id DESC LIMIT ?"
            );
            for kind in [ItemKind::ActivityCompletion, ItemKind::ExerciseCompletion, ItemKind::Diary] {
                let values = vec![owner_value(), text(kind.as_str()), Value::Integer(10)];
                read_items(conn, &newest, values, &mut home.items)?;
            }

            let registrations = format!(
                "SELECT {ITEM_COLUMNS} FROM items WHERE owner = ? AND kind = ? AND parent = ? \
                 AND removed = 0 ORDER BY created_at, id"
            );
            for measure in measures {
                let values = vec![
                    owner_value(),
                    text("registration"),
                    Value::Blob(measure.as_uuid().as_bytes().to_vec()),
                ];
                read_items(conn, &registrations, values, &mut home.items)?;
            }
            Ok(home)
        })
    }

    fn in_transaction<T>(
        &self,
        begin: &str,
        f: impl FnOnce(&Connection) -> Result<T, RawError>,
    ) -> Result<T, RawError> {
        self.conn.prepare_cached(begin)?.execute([])?;
        match f(&self.conn) {
            Ok(out) => {
                self.conn.prepare_cached("COMMIT")?.execute([])?;
                Ok(out)
            }
            Err(e) => {
                self.conn.execute_batch("ROLLBACK")?;
                Err(e)
            }
        }
    }
}

fn nanos(time: DateTime<Utc>) -> Result<i64, RawError> {
    time.timestamp_nanos_opt().ok_or(RawError::Undecodable)
}

fn uuid_at(row: &Row<'_>, idx: usize) -> Result<uuid::Uuid, RawError> {
    let bytes = row.get_ref(idx)?.as_blob().map_err(rusqlite::Error::from)?;
    uuid::Uuid::from_slice(bytes).map_err(|_| RawError::Undecodable)
}

fn read_person(conn: &Connection, id: UserId) -> Result<Option<Person>, RawError> {
    let mut statement = conn.prepare_cached(
        "SELECT id, role, display_name, profession, organisation, registered_at
         FROM people WHERE id = ?1",
    )?;
    let row = statement
        .query_row([id.as_uuid().as_bytes()], |row| {
            Ok((
                row.get::<_, Vec<u8>>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(5)?,
            ))
        })
        .optional()?;
    row.map(|(id, role, display_name, registered_at)| {
        Ok(Person {
            id: UserId::from_uuid(uuid::Uuid::from_slice(&id).map_err(|_| RawError::Undecodable)?),
            role: Role::parse(&role).ok_or(RawError::Undecodable)?,
            display_name,
            provider: None,
            registered_at: DateTime::from_timestamp_nanos(registered_at),
        })
    })
    .transpose()
}

fn read_items(
    conn: &Connection,
    sql: &str,
    values: Vec<Value>,
    out: &mut Vec<ItemRecord>,
) -> Result<(), RawError> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(params_from_iter(values))?;
    while let Some(row) = rows.next()? {
        out.push(ItemRecord {
            id: ItemId::from_uuid(uuid_at(row, 0)?),
            owner: UserId::from_uuid(uuid_at(row, 1)?),
            version: row.get(2)?,
            created_at: DateTime::from_timestamp_nanos(row.get(3)?),
            updated_at: DateTime::from_timestamp_nanos(row.get(4)?),
            updated_by: UserId::from_uuid(uuid_at(row, 5)?),
            removed: row.get(6)?,
            body: serde_json::from_str::<ItemBody>(
                row.get_ref(7)?.as_str().map_err(rusqlite::Error::from)?,
            )?,
        });
    }
    Ok(())
}

/// The dashboard benchmark's service user: 7 life domains (the 6 of the default catalogue and 1
/// of her own), 20 goals spread over them, 5 activities under each goal (100 in all), and 9
/// status entries. Returns the acting person and her domains.
pub fn fill_dashboard(portal: &Portal) -> Result<(Actor, Vec<DomainRef>), Error> {
    let anna = portal.register(NewPerson::service_user("Anna"))?;
    let me = Actor::new(anna.id);
    portal.add_domain(&me, "Music")?;
    let domains: Vec<DomainRef> = portal.domains(&me)?.into_iter().map(|d| d.domain).collect();
    for (i, domain) in domains.iter().enumerate() {
        let entries = if i < 2 { 2 } else { 1 };
        for n in 0..entries {
            portal.add_status(
                &me,
                NewStatus {
                    domain: domain.clone(),
                    now: format!("How things are, entry {n}."),
                    helps: "Walking.".into(),
                    hinders: "Bad sleep.".into(),
                    rating: Some(5),
                },
            )?;
        }
    }
    for g in 0..20 {
        let goal = portal.add_goal(
            &me,
            NewGoal {
                why: "Because it matters to me.".into(),
                lifecycle: GoalLifecycle::Active,
                ..NewGoal::new(
                    domains[g % domains.len()].clone(),
                    format!("Goal number {g}"),
                )
            },
        )?;
        for a in 0..5 {
            portal.add_activity(
                &me,
                NewActivity {
                    goal: goal.id,
                    title: format!("Activity {a} toward goal {g}"),
                    due: None,
                },
            )?;
        }
    }
    Ok((me, domains))
}

/// Criterion's measurement of the benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`):
/// user and system time spent on this thread, whatever else the machine is running. Wall time
/// on a shared 2-core machine swings with its neighbours' load; CPU time compares the work a
/// call does much more steadily. Time spent blocked (waiting for the disk) is not counted.
#[cfg(unix)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ThreadCpuTime;

#[cfg(unix)]
impl criterion::measurement::Measurement for ThreadCpuTime {
    type Intermediate = u128;
    type Value = u128;

    fn start(&self) -> u128 {
        thread_cpu_nanos()
    }

    fn end(&self, started: u128) -> u128 {
        thread_cpu_nanos().saturating_sub(started)
    }

    fn add(&self, a: &u128, b: &u128) -> u128 {
        a + b
    }

    fn zero(&self) -> u128 {
        0
    }

    fn to_f64(&self, value: &u128) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn criterion::measurement::ValueFormatter {
        &Nanoseconds
    }
}

#[cfg(unix)]
fn thread_cpu_nanos() -> u128 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    // Neither field is negative for a CPU-time clock.
    u128::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u128::try_from(t.tv_nsec).unwrap_or(0)
}

/// Shows nanosecond values the way criterion shows wall time.
#[cfg(unix)]
struct Nanoseconds;

#[cfg(unix)]
impl criterion::measurement::ValueFormatter for Nanoseconds {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical < 1e3 {
            (1.0, "ns")
        } else if typical < 1e6 {
            (1e-3, "µs")
        } else if typical < 1e9 {
            (1e-6, "ms")
        } else {
            (1e-9, "s")
        };
        for v in values {
            *v *= factor;
        }
        unit
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &criterion::Throughput,
        values: &mut [f64],
    ) -> &'static str {
        use criterion::Throughput;
        let per_iteration = match *throughput {
            Throughput::Bits(n)
            | Throughput::Bytes(n)
            | Throughput::BytesDecimal(n)
            | Throughput::Elements(n)
            | Throughput::ElementsAndBytes { elements: n, .. } => n as f64,
        };
        for v in values {
            *v = per_iteration * 1e9 / *v;
        }
        "/s (CPU)"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

#[cfg(test)]
mod tests {
    use recovery_core::store::SqliteStore;

    use super::*;

    #[test]
    fn the_baseline_applies_every_migration_of_the_store() {
        assert_eq!(MIGRATIONS.len(), SqliteStore::SCHEMA_VERSION as usize);
    }

    #[test]
    fn the_baseline_schema_matches_the_store_schema() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let schema = |conn: &Connection| -> Vec<(String, Option<String>)> {
            let mut statement = conn
                .prepare("SELECT name, sql FROM sqlite_schema ORDER BY name")
                .expect("schema query");
            statement
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
                .expect("schema rows")
                .collect::<Result<_, _>>()
                .expect("schema rows")
        };
        let portal_path = dir.path().join("portal.sqlite");
        drop(
            Portal::open(&portal_path, recovery_core::PortalConfig::default())
                .expect("portal opens"),
        );
        let raw = RawToolbox::open(&dir.path().join("raw.sqlite")).expect("raw database opens");
        let store = Connection::open(&portal_path).expect("store file opens");
        assert_eq!(schema(&raw.conn), schema(&store));
    }
}
