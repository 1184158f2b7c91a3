//! rusqlite errors as [`StoreError`]s, by SQLite result code.
//!
//! Details hold what SQLite says about the statement ("UNIQUE constraint failed: items.id") or a
//! fixed description, never a bound value or a stored value: those may be health text.

use rusqlite::ErrorCode;

use crate::store::StoreError;

/// The [`StoreError`] for a rusqlite error.
pub(super) fn store_error(error: rusqlite::Error) -> StoreError {
    match error {
        rusqlite::Error::SqliteFailure(failure, message) => {
            let detail = message.unwrap_or_else(|| failure.to_string());
            match failure.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Busy,
                ErrorCode::DiskFull => StoreError::Full,
                ErrorCode::DatabaseCorrupt => StoreError::Corrupt { detail },
                ErrorCode::NotADatabase => StoreError::NotADatabase,
                ErrorCode::ReadOnly => StoreError::ReadOnly,
                ErrorCode::CannotOpen | ErrorCode::SystemIoFailure => StoreError::Io { detail },
                ErrorCode::ConstraintViolation => StoreError::Conflict { detail },
                _ => StoreError::Backend { detail },
            }
        }
        // A stored value that does not convert: only damage (or a foreign writer) puts one in
        // a STRICT table. The inner errors may quote the value, so they are dropped.
        rusqlite::Error::FromSqlConversionFailure(column, ..)
        | rusqlite::Error::IntegralValueOutOfRange(column, _)
        | rusqlite::Error::Utf8Error(column, _)
        | rusqlite::Error::InvalidColumnType(column, ..) => StoreError::Corrupt {
            detail: format!("a stored value in result column {column} does not decode"),
        },
        other => StoreError::Backend {
            detail: driver_failure(&other).to_owned(),
        },
    }
}

/// A fixed description of a rusqlite error that did not come from SQLite itself. Some of these
/// carry values (a conversion error's source), so their own messages are not used.
fn driver_failure(error: &rusqlite::Error) -> &'static str {
    match error {
        rusqlite::Error::QueryReturnedNoRows => "the query returned no rows",
        rusqlite::Error::QueryReturnedMoreThanOneRow => "the query returned more than one row",
        rusqlite::Error::ExecuteReturnedResults => {
            "a statement returned rows where none were expected"
        }
        rusqlite::Error::InvalidParameterCount(..) | rusqlite::Error::InvalidParameterName(_) => {
            "a statement was given the wrong parameters"
        }
        rusqlite::Error::InvalidColumnIndex(_) | rusqlite::Error::InvalidColumnName(_) => {
            "a statement was read by a column it does not have"
        }
        rusqlite::Error::ToSqlConversionFailure(_) => "a value could not be bound",
        rusqlite::Error::InvalidPath(_) => "the path cannot be given to SQLite",
        rusqlite::Error::NulError(_) => "a string holds a NUL character",
        _ => "the SQLite driver failed",
    }
}

/// Adds the subject of a failed write (an id) to a conflict's detail.
pub(super) fn about(error: StoreError, subject: impl std::fmt::Display) -> StoreError {
    match error {
        StoreError::Conflict { detail } => StoreError::Conflict {
            detail: format!("{subject}: {detail}"),
        },
        other => other,
    }
}

/// An update's outcome: exactly one row changed, or a conflict naming what could not be updated
/// (its WHERE clause carries the rules, so zero rows means a rule said no).
pub(super) fn updated_one(
    changed: usize,
    subject: impl std::fmt::Display,
) -> Result<(), StoreError> {
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict {
            detail: format!("{subject} cannot be updated"),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use rusqlite::ffi;

    use super::*;

    fn failure(code: i32, message: &str) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(code), Some(message.to_owned()))
    }

    #[test]
    fn sqlite_result_codes_map_to_store_errors() {
        type Expected = fn(&StoreError) -> bool;
        let cases: [(i32, Expected); 13] = [
            (ffi::SQLITE_BUSY, |e| matches!(e, StoreError::Busy)),
            (ffi::SQLITE_LOCKED, |e| matches!(e, StoreError::Busy)),
            (ffi::SQLITE_BUSY_SNAPSHOT, |e| matches!(e, StoreError::Busy)),
            (ffi::SQLITE_FULL, |e| matches!(e, StoreError::Full)),
            (ffi::SQLITE_CORRUPT, |e| {
                matches!(e, StoreError::Corrupt { .. })
            }),
            (ffi::SQLITE_NOTADB, |e| {
                matches!(e, StoreError::NotADatabase)
            }),
            (ffi::SQLITE_READONLY, |e| matches!(e, StoreError::ReadOnly)),
            (ffi::SQLITE_CANTOPEN, |e| matches!(e, StoreError::Io { .. })),
            (ffi::SQLITE_IOERR_SHORT_READ, |e| {
                matches!(e, StoreError::Io { .. })
            }),
            (ffi::SQLITE_CONSTRAINT_UNIQUE, |e| {
                matches!(e, StoreError::Conflict { .. })
            }),
            (ffi::SQLITE_CONSTRAINT_FOREIGNKEY, |e| {
                matches!(e, StoreError::Conflict { .. })
            }),
            (ffi::SQLITE_MISMATCH, |e| {
                matches!(e, StoreError::Backend { .. })
            }),
            (ffi::SQLITE_ERROR, |e| {
                matches!(e, StoreError::Backend { .. })
            }),
        ];
        for (code, expected) in cases {
            let mapped = store_error(failure(code, "engine message"));
            assert!(expected(&mapped), "code {code} mapped to {mapped:?}");
        }
    }

    #[test]
    fn conversion_failures_do_not_quote_the_value() {
        let inner = serde_json::from_str::<u8>("\"I feel hopeless\"").unwrap_err();
        assert!(
            inner.to_string().contains("hopeless"),
            "the inner error quotes the value"
        );
        let error = rusqlite::Error::FromSqlConversionFailure(
            7,
            rusqlite::types::Type::Text,
            Box::new(inner),
        );
        let mapped = store_error(error);
        assert!(matches!(mapped, StoreError::Corrupt { .. }));
        assert!(!mapped.to_string().contains("hopeless"));
        assert!(!format!("{mapped:?}").contains("hopeless"));
    }

    #[test]
    fn conflicts_name_their_subject() {
        let mapped = about(
            store_error(failure(
                ffi::SQLITE_CONSTRAINT_UNIQUE,
                "UNIQUE constraint failed: items.id",
            )),
            "item 42",
        );
        assert!(
            matches!(mapped, StoreError::Conflict { ref detail } if detail == "item 42: UNIQUE constraint failed: items.id")
        );
        assert!(matches!(
            about(StoreError::Full, "item 42"),
            StoreError::Full
        ));
    }
}
