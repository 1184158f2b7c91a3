//! The store conformance suite on the SQLite store: every case on a fresh database file in its
//! own temporary directory, and again on a fresh in-memory database.

use recovery_core::SqliteOptions;
use recovery_core::store::{SqliteStore, Store, StoreError, Transaction, TxMode};
use tempfile::TempDir;

/// An SQLite store in a temporary directory that lives exactly as long as the store: the
/// directory also holds the WAL and shared-memory files SQLite creates beside the database.
struct TempSqlite {
    // Declared first so that it closes before the directory is removed.
    store: SqliteStore,
    _dir: TempDir,
}

impl Store for TempSqlite {
    fn transaction(&self, mode: TxMode) -> Result<Box<dyn Transaction + '_>, StoreError> {
        self.store.transaction(mode)
    }
}

fn on_file() -> TempSqlite {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(
        dir.path().join("conformance.sqlite"),
        &SqliteOptions::default(),
    )
    .expect("a new SQLite store opens");
    TempSqlite { store, _dir: dir }
}

recovery_core::store_conformance_tests!(on_file);

mod in_memory {
    recovery_core::store_conformance_tests!(|| {
        recovery_core::store::SqliteStore::open_in_memory()
            .expect("an in-memory SQLite store opens")
    });
}
