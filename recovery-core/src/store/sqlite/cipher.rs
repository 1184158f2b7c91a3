//! Encryption at rest (feature `sqlcipher`): the key the host supplies, and how a connection is
//! unlocked and re-keyed with it.
//!
//! The key is 32 raw bytes, used by SQLCipher as its AES-256 key directly (its `x'…'` raw-key
//! form), so opening costs no key derivation: the host's keystore (Android Keystore, iOS
//! Keychain) is where the secret lives and where a passphrase, if any, is stretched. Every page
//! of the database and of its write-ahead log is encrypted and carries an HMAC-SHA512, so a
//! changed byte is found when its page is read. See `docs/adr/0007-durability-and-encryption.md`.

use rusqlite::Connection;

use crate::store::StoreError;

#[cfg(feature = "sqlcipher")]
pub use keyed::DatabaseKey;

#[cfg(not(feature = "sqlcipher"))]
pub(super) use unkeyed::DatabaseKey;

/// Unlocks `conn` with `key`. SQLCipher checks the key only when the first page is read: a
/// wrong key shows up as `SQLITE_NOTADB` on the first query (see [`wrong_key`]).
pub(super) fn unlock(conn: &Connection, key: &DatabaseKey) -> Result<(), StoreError> {
    key.apply(conn, "key")
}

/// Re-encrypts every page of the database `conn` has open under `key`, in one transaction.
#[cfg(feature = "sqlcipher")]
pub(super) fn rekey(conn: &Connection, key: &DatabaseKey) -> Result<(), StoreError> {
    key.apply(conn, "rekey")
}

/// Reads a keyed database's first page: the error a wrong key gives is
/// [`StoreError::WrongKey`] rather than [`StoreError::NotADatabase`].
pub(super) fn wrong_key(error: StoreError) -> StoreError {
    match error {
        StoreError::NotADatabase => StoreError::WrongKey,
        other => other,
    }
}

#[cfg(feature = "sqlcipher")]
mod keyed {
    use std::fmt;

    use super::*;
    use crate::error::{Error, Problem};
    use crate::store::sqlite::error::store_error;

    /// The key of an encrypted database: 32 random bytes the host keeps in its platform's
    /// keystore and hands to [`Portal::open_encrypted`](crate::Portal::open_encrypted).
    ///
    /// It is never logged or shown: `Debug` prints `DatabaseKey(..)`, and the bytes are
    /// overwritten with zeros when the key is dropped (as far as safe Rust can make sure; the
    /// copy inside SQLCipher is wiped by SQLCipher when the connection closes).
    ///
    /// ```
    /// use recovery_core::store::sqlite::DatabaseKey;
    ///
    /// let key = DatabaseKey::from_bytes([7; 32]);
    /// assert_eq!(format!("{key:?}"), "DatabaseKey(..)");
    /// assert!(DatabaseKey::from_slice(&[7; 16]).is_err());
    /// ```
    pub struct DatabaseKey {
        bytes: [u8; Self::LEN],
    }

    impl DatabaseKey {
        /// How many bytes a key has.
        pub const LEN: usize = 32;

        /// A key from its 32 bytes.
        pub fn from_bytes(bytes: [u8; Self::LEN]) -> Self {
            Self { bytes }
        }

        /// A key from a slice (e.g. a byte array from a keystore or across FFI):
        /// [`Error::Invalid`] on `key` unless it holds exactly 32 bytes.
        pub fn from_slice(bytes: &[u8]) -> crate::Result<Self> {
            let bytes = <[u8; Self::LEN]>::try_from(bytes).map_err(|_| Error::Invalid {
                field: "key",
                problem: Problem::Inconsistent("a database key is exactly 32 bytes"),
            })?;
            Ok(Self { bytes })
        }

        /// Runs `PRAGMA <pragma> = "x'<hex>'"` on `conn`, wiping the statement text after.
        pub(super) fn apply(&self, conn: &Connection, pragma: &str) -> Result<(), StoreError> {
            // SQLCipher logs failed page decryptions to stderr by default; the portal reports
            // them as typed errors instead.
            conn.execute_batch("PRAGMA cipher_log_level = NONE")
                .map_err(store_error)?;
            let mut statement = String::with_capacity(pragma.len() + 16 + 2 * Self::LEN);
            statement.push_str("PRAGMA ");
            statement.push_str(pragma);
            statement.push_str(" = \"x'");
            for byte in self.bytes {
                statement.push(hex_digit(byte >> 4));
                statement.push(hex_digit(byte & 0x0f));
            }
            statement.push_str("'\"");
            let outcome = conn.execute_batch(&statement);
            let mut text = statement.into_bytes();
            text.fill(0);
            std::hint::black_box(&text);
            // The engine's error message may quote the statement: keep only its code.
            outcome.map_err(|e| match store_error(e) {
                StoreError::Backend { .. } => StoreError::Backend {
                    detail: format!("PRAGMA {pragma} failed"),
                },
                other => other,
            })?;
            // Without SQLCipher linked, `PRAGMA key` is an unknown pragma SQLite ignores, and
            // the file would be written in the clear: refuse instead.
            let cipher: Option<String> = conn
                .query_row("PRAGMA cipher_version", [], |row| row.get(0))
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    other => Err(other),
                })
                .map_err(store_error)?;
            if cipher.is_none_or(|v| v.is_empty()) {
                return Err(StoreError::Backend {
                    detail: "SQLCipher is not the SQLite linked into this program".to_owned(),
                });
            }
            Ok(())
        }
    }

    fn hex_digit(nibble: u8) -> char {
        char::from(b"0123456789abcdef"[usize::from(nibble & 0x0f)])
    }

    impl fmt::Debug for DatabaseKey {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("DatabaseKey(..)")
        }
    }

    impl Drop for DatabaseKey {
        fn drop(&mut self) {
            self.bytes.fill(0);
            std::hint::black_box(&self.bytes);
        }
    }
}

#[cfg(not(feature = "sqlcipher"))]
mod unkeyed {
    use super::*;

    /// Without the `sqlcipher` feature there are no keys: this type has no values, so every
    /// keyed path is unreachable.
    pub(in crate::store::sqlite) enum DatabaseKey {}

    impl DatabaseKey {
        pub(super) fn apply(&self, _conn: &Connection, _pragma: &str) -> Result<(), StoreError> {
            match *self {}
        }
    }
}
