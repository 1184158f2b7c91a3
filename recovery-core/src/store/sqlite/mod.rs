//! The embedded SQLite store (feature `sqlite`, on by default): one database file per portal.
//!
//! - **Safe with what it is given.** A file that is not a recovery-core database, a damaged
//!   one, or one written by a newer version of the library is refused with a typed
//!   [`StoreError`] and left byte-for-byte as it was: never rewritten, repaired or deleted.
//! - **Durable.** WAL journal, `synchronous = NORMAL` (an application crash loses nothing
//!   committed) or `FULL` with [`SqliteOptions::synchronous_full`] (a power cut neither).
//! - **Versioned.** The schema version is `PRAGMA user_version`; migrations run on open, each
//!   in one transaction (see `MIGRATIONS.md`).
//! - **History kept.** Every version of every toolbox item stays in `item_versions`; the
//!   access log is append-only.
//!
//! One file per capability: `people.rs`, `toolbox.rs`, `team.rs`, `audit.rs`, `forum.rs`,
//! `messaging.rs` and `feed.rs` hold each capability's SQL; `migrations/` its tables.
//!
//! The layout and encodings are recorded in `docs/adr/0002-sqlite-store.md`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::{Connection, MAIN_DB, OpenFlags};

use super::{Store, StoreError, Transaction, TxMode};
use crate::config::SqliteOptions;

mod audit;
mod cipher;
mod encoding;
mod error;
mod feed;
mod forum;
mod messaging;
mod migrations;
mod people;
mod team;
mod toolbox;
mod transaction;
mod usage;
mod validate;
mod wal;

#[cfg(test)]
mod tests;

#[cfg(feature = "sqlcipher")]
pub use cipher::DatabaseKey;
#[cfg(not(feature = "sqlcipher"))]
use cipher::DatabaseKey;
use error::store_error;
use transaction::SqliteTx;
use validate::Existing;

/// Enough cached statements for every item query shape the portal uses, and then some.
const STATEMENT_CACHE: usize = 64;

/// A [`Store`] in an SQLite database: a file, or memory for tests.
///
/// `SqliteStore` is `Send + Sync`. It holds one connection; transactions take turns on it, and
/// other processes or stores on the same file wait for each other's writes up to
/// [`SqliteOptions::busy_timeout_ms`].
///
/// ```
/// use recovery_core::store::{SqliteStore, Store, TxMode};
/// use recovery_core::SqliteOptions;
///
/// # let dir = std::env::temp_dir().join(format!("recovery-sqlite-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).ok();
/// let store = SqliteStore::open(dir.join("portal.sqlite"), &SqliteOptions::default())?;
/// let tx = store.transaction(TxMode::Read)?;
/// tx.commit()?;
/// # drop(store);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), recovery_core::store::StoreError>(())
/// ```
pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
    /// Opened with a key (feature `sqlcipher`).
    encrypted: bool,
    /// Damage was found: nothing more is committed, and closing leaves the log as it is.
    damaged: AtomicBool,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("encrypted", &self.encrypted)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// The newest schema version (`PRAGMA user_version`) this library writes and reads.
    pub const SCHEMA_VERSION: u32 = migrations::LATEST;

    /// The `PRAGMA application_id` that marks a file as a recovery-core database.
    pub const APPLICATION_ID: i32 = migrations::APPLICATION_ID;

    /// Opens the database at `path`, creating it if there is no file (or an empty one), and
    /// brings its schema up to [`SqliteStore::SCHEMA_VERSION`].
    ///
    /// Before anything is written, the file is checked; these leave it untouched:
    /// - [`StoreError::NotADatabase`]: not an SQLite file, or another application's database;
    /// - [`StoreError::Corrupt`]: the file is damaged where opening reads it (its schema), or
    ///   anywhere, if it is about to be migrated; or its write-ahead log (`-wal`, left by a
    ///   crash or an open connection) is damaged anywhere but in its last transaction, which
    ///   SQLite would otherwise read up to the damage and silently drop the transactions after
    ///   it (a torn last transaction is dropped, as a crash while writing it would leave it);
    /// - [`StoreError::TooNew`]: written by a newer version of this library;
    /// - [`StoreError::Io`]: the path is a directory, or cannot be read or created;
    /// - [`StoreError::ReadOnly`]: the file or its directory cannot be written.
    ///
    /// Damage in pages that opening does not read is reported as [`StoreError::Corrupt`] by the
    /// first call that reads them, and by [`SqliteStore::check_integrity`].
    pub fn open(path: impl AsRef<Path>, options: &SqliteOptions) -> Result<Self, StoreError> {
        Self::open_with(path.as_ref(), options, None)
    }

    /// Opens (or creates) an encrypted database at `path` with `key` (feature `sqlcipher`).
    ///
    /// Every page of the file and of its write-ahead log is encrypted with AES-256 and
    /// authenticated with HMAC-SHA512 (SQLCipher 4). Besides the refusals of
    /// [`SqliteStore::open`], these leave the file untouched:
    /// - [`StoreError::WrongKey`]: the key does not open it (or it is not an encrypted
    ///   database at all);
    /// - [`StoreError::NotEncrypted`]: it is an unencrypted SQLite database.
    ///
    /// A changed byte in a page is [`StoreError::Corrupt`] when the page is read (its HMAC
    /// fails), or [`StoreError::WrongKey`] if it is in the first page.
    #[cfg(feature = "sqlcipher")]
    pub fn open_encrypted(
        path: impl AsRef<Path>,
        key: &DatabaseKey,
        options: &SqliteOptions,
    ) -> Result<Self, StoreError> {
        Self::open_with(path.as_ref(), options, Some(key))
    }

    fn open_with(
        path: &Path,
        options: &SqliteOptions,
        key: Option<&DatabaseKey>,
    ) -> Result<Self, StoreError> {
        let flags = match validate::validate(path, key, options)? {
            Existing::Fresh => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
            // It was checked as it is: if it has vanished since, do not make a new one.
            Existing::Ours { .. } => OpenFlags::SQLITE_OPEN_READ_WRITE,
        };
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(store_error)?;
        // Until the file has proved sound (its schema read and migrated), closing must not
        // checkpoint the log into it: a failure anywhere below drops the connection.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )
        .map_err(store_error)?;
        if let Some(key) = key {
            cipher::unlock(&conn, key)?;
        }
        // SQLite silently opens a write-protected file read-only.
        if conn.is_readonly(MAIN_DB).map_err(store_error)? {
            return Err(StoreError::ReadOnly);
        }
        let mut store = Self::prepare(conn, options, Some(path.to_path_buf()))?;
        store.encrypted = key.is_some();
        if let Err(e) = store.migrate_to(Self::SCHEMA_VERSION) {
            if matches!(e, StoreError::Corrupt { .. }) {
                // Closing would checkpoint the log into the damaged file.
                store.damage_found();
            }
            return Err(e);
        }
        store
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                false,
            )
            .map_err(store_error)?;
        Ok(store)
    }

    /// Re-encrypts the whole database under `key`, in one transaction: every row is kept, and
    /// from now on only `key` opens the file (feature `sqlcipher`).
    ///
    /// Takes time in proportion to the file's size. Other stores or processes must not have
    /// the file open meanwhile: they hold the old key. Keep both keys until this returns: if
    /// the process dies during the call, the file opens with the old key or, once the
    /// transaction committed, with the new one.
    ///
    /// [`StoreError::NotEncrypted`] if the store was not opened with a key.
    #[cfg(feature = "sqlcipher")]
    pub fn rekey(&self, key: &DatabaseKey) -> Result<(), StoreError> {
        if !self.encrypted {
            return Err(StoreError::NotEncrypted);
        }
        let conn = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !conn.is_autocommit() {
            // A transaction whose rollback failed in Drop (an I/O error) is still open.
            conn.execute_batch("ROLLBACK").map_err(store_error)?;
        }
        cipher::rekey(&conn, key)?;
        // Reading the schema through the new key proves the rewrite took.
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| {
            row.get::<_, i64>(0)
        })
        .map_err(store_error)?;
        Ok(())
    }

    /// Whether the store was opened with a key.
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// Changes the size limit while the store is open, as [`SqliteOptions::max_page_count`]
    /// sets it at opening (`None`: SQLite's own limit). Returns the limit now in force, in
    /// pages: never less than the file's present size. A host raises it when the user has
    /// freed space; writes refused with [`StoreError::Full`] then succeed again.
    pub fn set_max_page_count(&self, pages: Option<u32>) -> Result<u32, StoreError> {
        let conn = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        apply_max_page_count(&conn, pages)
    }

    /// A store in memory, gone when dropped: for tests, benchmarks and demos.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory().map_err(store_error)?;
        let store = Self::prepare(conn, &SqliteOptions::default(), None)?;
        store.migrate_to(Self::SCHEMA_VERSION)?;
        Ok(store)
    }

    /// The file the store keeps its data in; `None` for a store in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Reads the whole database and checks every page and record (SQLite's `quick_check`):
    /// [`StoreError::Corrupt`] with SQLite's first finding if the file is damaged. Takes time in
    /// proportion to the file's size, and waits for any open transaction to finish.
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        let conn = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        validate::check_integrity(&conn)
    }

    /// Creates a database at `path` with the schema only up to `version`, as an older version of
    /// the library would have left it, and closes it. For migration tests: fill the file with
    /// rows of that version through `rusqlite`, then [`SqliteStore::open`] it.
    #[doc(hidden)]
    pub fn create_at_version(path: impl AsRef<Path>, version: u32) -> Result<(), StoreError> {
        let path = path.as_ref();
        if version > Self::SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found: version,
                supported: Self::SCHEMA_VERSION,
            });
        }
        if validate::validate(path, None, &SqliteOptions::default())? != Existing::Fresh {
            return Err(StoreError::Conflict {
                detail: "a database already exists at the path".to_owned(),
            });
        }
        let conn = Connection::open(path).map_err(store_error)?;
        let store = Self::prepare(conn, &SqliteOptions::default(), Some(path.to_path_buf()))?;
        store.migrate_to(version)
    }

    /// Checks the write-ahead log beside the database file at `path` (its `-wal` file, if there
    /// is one) as opening does, without opening or writing anything: [`StoreError::Corrupt`] if
    /// it is damaged anywhere but in a torn last transaction. For the benchmark of that check.
    #[doc(hidden)]
    pub fn check_write_ahead_log(path: impl AsRef<Path>) -> Result<(), StoreError> {
        wal::check_log_of(path.as_ref())
    }

    /// Applies the connection settings every store runs with.
    fn prepare(
        conn: Connection,
        options: &SqliteOptions,
        path: Option<PathBuf>,
    ) -> Result<Self, StoreError> {
        conn.busy_timeout(Duration::from_millis(u64::from(options.busy_timeout_ms)))
            .map_err(store_error)?;
        // Returns the mode now in force: `memory` for a store in memory, `wal` for a file
        // unless the file system cannot share memory between processes.
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(store_error)?;
        if path.is_some() && !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend {
                detail: format!("the database cannot use WAL (journal mode stays {mode})"),
            });
        }
        let synchronous = if options.synchronous_full {
            "FULL"
        } else {
            "NORMAL"
        };
        conn.pragma_update(None, "synchronous", synchronous)
            .map_err(store_error)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(store_error)?;
        // SQLite re-plans a cached statement on every run when a bound value could change its
        // plan, which every keyset query with an ORDER BY here qualifies for; the plans are
        // fixed by our indexes (query_plans tests), so keep them: the query planner stability
        // guarantee stops the re-preparing (it was 39% of the dashboard's time).
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )
        .map_err(store_error)?;
        if options.max_page_count.is_some() {
            apply_max_page_count(&conn, options.max_page_count)?;
        }
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(Self {
            conn: Mutex::new(conn),
            path,
            encrypted: false,
            damaged: AtomicBool::new(false),
        })
    }

    fn migrate_to(&self, version: u32) -> Result<(), StoreError> {
        let conn = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        migrations::migrate(&conn, version)
    }
}

/// SQLite's own page limit (`SQLITE_MAX_PAGE_COUNT`), set when no limit is asked for.
const SQLITE_MAX_PAGES: u32 = 0xFFFF_FFFE;

/// Sets `PRAGMA max_page_count` and returns the limit SQLite put in force.
fn apply_max_page_count(conn: &Connection, pages: Option<u32>) -> Result<u32, StoreError> {
    let asked = pages.unwrap_or(SQLITE_MAX_PAGES);
    let in_force: i64 = conn
        .pragma_update_and_check(None, "max_page_count", asked, |row| row.get(0))
        .map_err(store_error)?;
    u32::try_from(in_force).map_err(|_| StoreError::Backend {
        detail: "max_page_count out of range".to_owned(),
    })
}

impl Store for SqliteStore {
    fn transaction(&self, mode: TxMode) -> Result<Box<dyn Transaction + '_>, StoreError> {
        Ok(Box::new(SqliteTx::begin(&self.conn, mode, &self.damaged)?))
    }

    /// From now on, no transaction that changed anything commits (each fails with
    /// [`StoreError::Corrupt`]), no checkpoint copies the log into the file, and closing
    /// leaves the `-wal` file as it is: the file and its log keep the bytes they had when the
    /// damage was found.
    fn damage_found(&self) {
        self.damaged.store(true, Ordering::Relaxed);
        let conn = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Best effort: if these fail, the refusal to commit still holds.
        let _ = conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        );
        let _ = conn.pragma_update(None, "wal_autocheckpoint", 0);
    }
}
