//! What is at a path, found out without writing to it.
//!
//! Opening a database read-write can write to it before any query runs: switching to WAL
//! rewrites the header, and closing the last connection checkpoints the log into the file. So a
//! file is judged first, from its header bytes and through a read-only connection, and only a
//! recovery-core database no newer than this code (or no database at all) is opened for writing.
//! Everything else gets a typed error and is left byte-for-byte as it was.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::cipher::{self, DatabaseKey};
use super::error::store_error;
use super::migrations::{self, APPLICATION_ID, LATEST};
use crate::config::SqliteOptions;
use crate::store::StoreError;

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// The size of the database header.
const HEADER_LEN: usize = 100;

/// What a path holds, as far as opening it is concerned.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Existing {
    /// Nothing, an empty file or an empty SQLite database: a new database is made there.
    Fresh,
    /// A recovery-core database at this schema version (at most [`LATEST`]).
    Ours {
        /// Its `user_version`.
        version: u32,
    },
}

/// Judges the file at `path` without writing to it: as a plain database, or as one encrypted
/// with `key`.
pub(super) fn validate(
    path: &Path,
    key: Option<&DatabaseKey>,
    options: &SqliteOptions,
) -> Result<Existing, StoreError> {
    let metadata = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Existing::Fresh),
        Err(e) => return Err(io_error(&e)),
    };
    if metadata.is_dir() {
        return Err(StoreError::Io {
            detail: "the path is a directory".to_owned(),
        });
    }
    if !metadata.is_file() {
        return Err(StoreError::Io {
            detail: "the path is not a regular file".to_owned(),
        });
    }
    // SQLite makes an empty file into a database: nothing is lost by doing so.
    if metadata.len() == 0 {
        return Ok(Existing::Fresh);
    }
    // Before any connection reads the log: SQLite would silently stop at damage in it.
    super::wal::check_log_of(path)?;
    let plain = has_sqlite_header(path)?;
    match (plain, key) {
        (false, None) => return Err(StoreError::NotADatabase),
        (true, Some(_)) => return Err(StoreError::NotEncrypted),
        // An encrypted file's first bytes are its salt: nothing to check before the key.
        _ => {}
    }

    let conn = open_read_only(path)?;
    // Another process may be writing (or checkpointing): wait for it as a write would.
    conn.busy_timeout(std::time::Duration::from_millis(u64::from(
        options.busy_timeout_ms,
    )))
    .map_err(store_error)?;
    if let Some(key) = key {
        cipher::unlock(&conn, key)?;
    }
    // Reading the schema makes SQLite parse page 1: a damaged one fails here, and so does a
    // wrong key.
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
        .map_err(store_error)
        .map_err(|e| {
            if key.is_some() {
                cipher::wrong_key(e)
            } else {
                e
            }
        })?;
    let application_id = migrations::application_id(&conn)?;
    let version = migrations::version(&conn)?;

    if application_id != APPLICATION_ID {
        return if application_id == 0 && objects == 0 && version == 0 {
            Ok(Existing::Fresh)
        } else {
            Err(StoreError::NotADatabase)
        };
    }
    if version > LATEST {
        return Err(StoreError::TooNew {
            found: version,
            supported: LATEST,
        });
    }
    if version < LATEST {
        // A migration is about to write: make sure the whole file is sound first.
        check_integrity(&conn)?;
    }
    Ok(Existing::Ours { version })
}

/// A read-only connection that leaves no files behind. Even a read-only connection creates
/// `-wal` and `-shm` files beside a WAL database, and leaves them. With no `-wal` file present,
/// every committed page is in the main file, so it is opened `immutable`: no locks, no side
/// files. A `-wal` file means the database is in use or was not closed cleanly; then its log
/// must be read too, through an ordinary read-only connection.
fn open_read_only(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut log = path.as_os_str().to_owned();
    log.push("-wal");
    let in_use = Path::new(&log).try_exists().map_err(|e| io_error(&e))?;
    let conn = match (in_use, path.to_str()) {
        (false, Some(name)) => Connection::open_with_flags(
            format!("{}?immutable=1", file_uri(name)),
            flags | OpenFlags::SQLITE_OPEN_URI,
        ),
        _ => Connection::open_with_flags(path, flags),
    };
    conn.map_err(store_error)
}

/// A file name as a `file:` URI: every byte but unreserved characters and `/` percent-encoded,
/// so that `?`, `#` and `%` in a name stay part of it. An absolute path gets an empty
/// authority (`file:///data/x`), so that a path starting `//` is not read as a host name.
fn file_uri(name: &str) -> String {
    let mut out = String::from(if name.starts_with('/') {
        "file://"
    } else {
        "file:"
    });
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Whether the file starts like an (unencrypted) SQLite 3 database.
fn has_sqlite_header(path: &Path) -> Result<bool, StoreError> {
    let mut file = File::open(path).map_err(|e| io_error(&e))?;
    let mut header = [0u8; HEADER_LEN];
    match file.read_exact(&mut header) {
        Ok(()) => Ok(header.starts_with(SQLITE_MAGIC)),
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(io_error(&e)),
    }
}

/// Runs SQLite's `quick_check` (every page and record, without cross-checking index contents):
/// [`StoreError::Corrupt`] with SQLite's first finding if the file is damaged.
pub(super) fn check_integrity(conn: &Connection) -> Result<(), StoreError> {
    let finding: String = conn
        .query_row("PRAGMA quick_check(1)", [], |row| row.get(0))
        .map_err(store_error)?;
    if finding == "ok" {
        Ok(())
    } else {
        // Findings name pages, cells and indexes ("Tree 5 page 7 cell 2: ..."), not values.
        Err(StoreError::Corrupt { detail: finding })
    }
}

/// An I/O error, by the OS's message only (the path is the caller's own).
fn io_error(error: &std::io::Error) -> StoreError {
    StoreError::Io {
        detail: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::file_uri;

    #[test]
    fn file_uris_escape_everything_but_unreserved_characters() {
        assert_eq!(
            file_uri("/data/portal.sqlite"),
            "file:///data/portal.sqlite"
        );
        assert_eq!(file_uri("//data/x"), "file:////data/x");
        assert_eq!(file_uri("/a b/c?d#e%f"), "file:///a%20b/c%3Fd%23e%25f");
        assert_eq!(file_uri("dagbok-ø.db"), "file:dagbok-%C3%B8.db");
    }
}
