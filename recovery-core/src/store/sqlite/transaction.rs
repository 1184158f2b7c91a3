//! A transaction: the connection's lock held for its whole life, `BEGIN` at the start, `COMMIT`
//! on commit and `ROLLBACK` if dropped without.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

use super::error::store_error;
use crate::store::{StoreError, Transaction, TxMode};

/// A transaction on the store's one connection. The [`PeopleTx`](crate::store::PeopleTx) and
/// [`ToolboxTx`](crate::store::ToolboxTx) methods live beside their SQL in `people.rs` and
/// `toolbox.rs`.
pub(super) struct SqliteTx<'a> {
    conn: MutexGuard<'a, Connection>,
    /// Set once damage was found in the file: then nothing more is committed.
    damaged: &'a AtomicBool,
    /// The connection's change count when the transaction began.
    changes_at_begin: u64,
}

impl<'a> SqliteTx<'a> {
    /// Takes the connection and begins: `IMMEDIATE` takes the write lock now, so a write
    /// transaction waits for other writers (up to the busy timeout) at its start rather than
    /// failing halfway; `DEFERRED` reads from one snapshot without blocking writers.
    pub(super) fn begin(
        conn: &'a Mutex<Connection>,
        mode: TxMode,
        damaged: &'a AtomicBool,
    ) -> Result<Self, StoreError> {
        // A panic while the lock was held dropped that transaction first, which rolled it back:
        // the connection behind a poisoned lock is consistent.
        let conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !conn.is_autocommit() {
            // A transaction whose rollback failed in Drop (an I/O error) is still open.
            conn.execute_batch("ROLLBACK").map_err(store_error)?;
        }
        let begin = match mode {
            TxMode::Read => "BEGIN DEFERRED",
            TxMode::Write => "BEGIN IMMEDIATE",
        };
        conn.prepare_cached(begin)
            .and_then(|mut s| s.execute([]))
            .map_err(store_error)?;
        let changes_at_begin = conn.total_changes();
        Ok(Self {
            conn,
            damaged,
            changes_at_begin,
        })
    }

    /// The connection, while the transaction is still open. After some errors (a full disk, an
    /// I/O error) SQLite rolls the whole transaction back by itself; a statement run after that
    /// would commit on its own, so it is refused instead.
    pub(super) fn conn(&self) -> Result<&Connection, StoreError> {
        if self.conn.is_autocommit() {
            return Err(StoreError::Backend {
                detail: "the transaction was rolled back after an earlier error".to_owned(),
            });
        }
        Ok(&self.conn)
    }

    /// Runs a write of several statements as one: if any fails, a savepoint takes back the
    /// ones before it, so a refused write leaves no trace and the transaction stays usable.
    pub(super) fn atomically<T>(
        &self,
        write: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.conn()?;
        let run = |sql: &str| {
            conn.prepare_cached(sql)
                .and_then(|mut s| s.execute([]))
                .map_err(store_error)
        };
        run("SAVEPOINT atomic_write")?;
        match write(conn) {
            Ok(out) => {
                run("RELEASE atomic_write")?;
                Ok(out)
            }
            Err(e) => {
                // After some errors (a full disk) SQLite has already rolled the whole
                // transaction back, savepoint and all; then there is nothing left to undo.
                if !conn.is_autocommit() {
                    let _ = run("ROLLBACK TO atomic_write");
                    let _ = run("RELEASE atomic_write");
                }
                Err(e)
            }
        }
    }
}

impl Transaction for SqliteTx<'_> {
    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        if self.damaged.load(Ordering::Relaxed)
            && self.conn.total_changes() != self.changes_at_begin
        {
            // Drop rolls the changes back: a damaged file is not written to.
            return Err(StoreError::Corrupt {
                detail: "damage was found in the database earlier; it is no longer written"
                    .to_owned(),
            });
        }
        // On failure the transaction may still be open; Drop rolls it back.
        self.conn
            .prepare_cached("COMMIT")
            .and_then(|mut s| s.execute([]))
            .map_err(store_error)?;
        Ok(())
    }
}

impl Drop for SqliteTx<'_> {
    fn drop(&mut self) {
        if !self.conn.is_autocommit() {
            // Nothing to report to: if this fails, the next `begin` rolls back again.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
