//! The access log (`003_access_log.sql`, and `004_forum.sql` for moderation reasons):
//! append-only, one row per entry, `seq` as the rowid.

use rusqlite::types::{Value, ValueRef};
use rusqlite::{OptionalExtension, Row, params, params_from_iter};

use super::encoding::{
    name_to_sql, optional_uuid_at, time_bound, time_from_sql, time_to_sql, uuid_at,
};
use super::error::store_error;
use super::transaction::SqliteTx;
use crate::error::DenyReason;
use crate::model::audit::{AccessAction, AccessEntry, AccessEvent, Outcome};
use crate::model::forum::ForumReason;
use crate::model::ids::UserId;
use crate::model::team::Level;
use crate::store::{AccessQuery, AuditTx, StoreError};

const ENTRY_COLUMNS: &str = "seq, at, actor, subject, action, scope, counterpart, target, level, \
                             outcome, reason, prev_hash, hash, moderation_reason";

/// Appends an entry only if its `seq` is the next one: the rule is the statement's WHERE
/// clause, so a gap or a repeat inserts nothing.
pub(super) const APPEND_ACCESS: &str = "\
    INSERT INTO access_log (seq, at, actor, subject, action, scope, counterpart, target, level, \
                            outcome, reason, prev_hash, hash, moderation_reason) \
    SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14 \
    WHERE ?1 = coalesce((SELECT max(seq) FROM access_log), 0) + 1";

/// The last entry's sequence number and hash (`max` of the rowid is one step down the b-tree).
pub(super) const LAST_ACCESS: &str =
    "SELECT seq, hash FROM access_log WHERE seq = (SELECT max(seq) FROM access_log)";

/// Entries after a sequence number, in order.
pub(super) const ACCESS_RANGE: &str = "\
    SELECT seq, at, actor, subject, action, scope, counterpart, target, level, outcome, reason, \
           prev_hash, hash, moderation_reason \
    FROM access_log WHERE seq > ?1 ORDER BY seq LIMIT ?2";

impl AuditTx for SqliteTx<'_> {
    fn append_access(&mut self, entry: &AccessEntry) -> Result<(), StoreError> {
        let out_of_sequence = || StoreError::Conflict {
            detail: format!("access entry {} out of sequence", entry.seq),
        };
        let seq = i64::try_from(entry.seq).map_err(|_| out_of_sequence())?;
        let e = &entry.event;
        let (outcome, reason) = match e.outcome {
            Outcome::Allowed => ("allowed", None),
            Outcome::Denied(reason) => ("denied", Some(name_to_sql(reason)?)),
        };
        let level = e.level.map(name_to_sql).transpose()?;
        let at = time_to_sql(e.at, "at")?;
        let appended = self
            .conn()?
            .prepare_cached(APPEND_ACCESS)
            .and_then(|mut s| {
                s.execute(params![
                    seq,
                    at,
                    e.actor.as_uuid().as_bytes(),
                    e.subject.as_uuid().as_bytes(),
                    e.action.as_str(),
                    e.scope.as_ref().map(ToString::to_string),
                    e.counterpart.map(|c| c.as_uuid().into_bytes()),
                    e.target.map(uuid::Uuid::into_bytes),
                    level,
                    outcome,
                    reason,
                    entry.prev_hash,
                    entry.hash,
                    e.moderation_reason.map(ForumReason::as_str),
                ])
            })
            .map_err(store_error)?;
        if appended == 1 {
            Ok(())
        } else {
            Err(out_of_sequence())
        }
    }

    fn last_access(&mut self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        let last = self
            .conn()?
            .prepare_cached(LAST_ACCESS)
            .and_then(|mut s| {
                s.query_row([], |row| {
                    Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))
                })
                .optional()
            })
            .map_err(store_error)?;
        last.map(|(seq, hash)| Ok((seq_from_sql(seq)?, hash_from_sql(&hash, seq)?)))
            .transpose()
    }

    fn access_entries(&mut self, query: &AccessQuery) -> Result<Vec<AccessEntry>, StoreError> {
        let (sql, values) = access_entries_sql(query);
        let rows = self
            .conn()?
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(values), read_entry)?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter().collect()
    }

    fn access_range(
        &mut self,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<AccessEntry>, StoreError> {
        let rows = self
            .conn()?
            .prepare_cached(ACCESS_RANGE)
            .and_then(|mut s| {
                s.query_map(
                    params![
                        i64::try_from(after_seq).unwrap_or(i64::MAX),
                        i64::try_from(limit).unwrap_or(i64::MAX),
                    ],
                    read_entry,
                )?
                .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter().collect()
    }
}

/// The SQL and parameters for an [`AccessQuery`]: newest first, through
/// `access_log_by_subject` (the subject, then `seq` as the keyset).
pub(super) fn access_entries_sql(query: &AccessQuery) -> (String, Vec<Value>) {
    let mut sql = format!("SELECT {ENTRY_COLUMNS} FROM access_log WHERE subject = ?");
    let mut values = vec![Value::Blob(query.subject.as_uuid().as_bytes().to_vec())];
    if let Some(party) = query.party {
        sql.push_str(" AND (actor = ? OR counterpart = ?)");
        let party = party.as_uuid().as_bytes().to_vec();
        values.push(Value::Blob(party.clone()));
        values.push(Value::Blob(party));
    }
    if let Some(scope) = &query.scope {
        sql.push_str(" AND scope = ?");
        values.push(Value::Text(scope.to_string()));
    }
    if let Some(from) = query.from {
        sql.push_str(" AND at >= ?");
        values.push(time_bound(from));
    }
    if let Some(until) = query.until {
        sql.push_str(" AND at < ?");
        values.push(time_bound(until));
    }
    if let Some(before) = query.before_seq {
        sql.push_str(" AND seq < ?");
        // Every stored seq fits an i64, so a larger bound excludes nothing.
        values.push(Value::Integer(i64::try_from(before).unwrap_or(i64::MAX)));
    }
    sql.push_str(" ORDER BY seq DESC LIMIT ?");
    values.push(Value::Integer(
        i64::try_from(query.limit).unwrap_or(i64::MAX),
    ));
    (sql, values)
}

fn seq_from_sql(seq: i64) -> Result<u64, StoreError> {
    u64::try_from(seq).map_err(|_| StoreError::Corrupt {
        detail: "an access entry has a negative sequence number".to_owned(),
    })
}

fn hash_from_sql(hash: &[u8], seq: i64) -> Result<[u8; 32], StoreError> {
    hash.try_into().map_err(|_| StoreError::Corrupt {
        detail: format!("access entry {seq}: a stored hash is not 32 bytes"),
    })
}

/// Decodes one `access_log` row straight from SQLite's buffers: names are matched as borrowed
/// text and hashes copied from the BLOBs, so verifying a long chain allocates only for domain
/// scopes. The outer result is SQLite's; the inner one reports stored values this library does
/// not know as [`StoreError::Corrupt`].
fn read_entry(row: &Row<'_>) -> rusqlite::Result<Result<AccessEntry, StoreError>> {
    let seq: i64 = row.get(0)?;
    let corrupt = |what: &str| StoreError::Corrupt {
        detail: format!("access entry {seq}: stored {what} is not one this library knows"),
    };
    let text = |idx: usize| -> rusqlite::Result<Option<&str>> {
        match row.get_ref(idx)? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(bytes) => Ok(std::str::from_utf8(bytes).ok()),
            _ => Ok(Some("\u{0}not text")),
        }
    };
    let blob = |idx: usize| -> rusqlite::Result<&[u8]> {
        match row.get_ref(idx)? {
            ValueRef::Blob(bytes) => Ok(bytes),
            _ => Ok(&[]),
        }
    };
    let at: i64 = row.get(1)?;
    let actor = UserId::from_uuid(uuid_at(row, 2)?);
    let subject = UserId::from_uuid(uuid_at(row, 3)?);
    let counterpart = optional_uuid_at(row, 6)?.map(UserId::from_uuid);
    let target = optional_uuid_at(row, 7)?;
    let Some(action) = text(4)?.and_then(AccessAction::parse) else {
        return Ok(Err(corrupt("action")));
    };
    let scope = match text(5)? {
        None => None,
        Some(s) => match s.parse() {
            Ok(scope) => Some(scope),
            Err(_) => return Ok(Err(corrupt("scope"))),
        },
    };
    let level = match text(8)? {
        None => None,
        Some(name) => match Level::parse(name) {
            Some(level) => Some(level),
            None => return Ok(Err(corrupt("level"))),
        },
    };
    let outcome = match (text(9)?, text(10)?) {
        (Some("allowed"), None) => Outcome::Allowed,
        (Some("denied"), Some(reason)) => match DenyReason::parse(reason) {
            Some(reason) => Outcome::Denied(reason),
            None => return Ok(Err(corrupt("reason"))),
        },
        _ => return Ok(Err(corrupt("outcome"))),
    };
    let moderation_reason = match text(13)? {
        None => None,
        Some(name) => match ForumReason::parse(name) {
            Some(reason) => Some(reason),
            None => return Ok(Err(corrupt("moderation reason"))),
        },
    };
    let (prev_hash, hash) = (blob(11)?, blob(12)?);
    let hashes = hash_from_sql(prev_hash, seq).and_then(|p| Ok((p, hash_from_sql(hash, seq)?)));
    Ok((|| {
        let (prev_hash, hash) = hashes?;
        Ok(AccessEntry {
            seq: seq_from_sql(seq)?,
            event: AccessEvent {
                at: time_from_sql(at),
                actor,
                subject,
                action,
                scope,
                counterpart,
                target,
                level,
                outcome,
                moderation_reason,
            },
            prev_hash,
            hash,
        })
    })())
}
