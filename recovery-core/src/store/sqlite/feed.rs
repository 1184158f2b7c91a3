//! The change feed (`004_messaging.sql`): `changes`, numbered by their rowid, and each
//! person's `change_recipients`.

use rusqlite::{Row, params};

use super::encoding::{optional_uuid_at, time_from_sql, time_to_sql, uuid_at};
use super::error::store_error;
use super::transaction::SqliteTx;
use crate::model::feed::{ChangeKind, ChangeRecord, ChangeSubject, NewChange};
use crate::model::ids::{ConversationId, MessageId, ProposalId, UserId};
use crate::store::{FeedTx, StoreError};

/// A new change; SQLite numbers it one past the largest `seq` (rows are never deleted, so
/// numbers are never reused).
pub(super) const INSERT_CHANGE: &str =
    "INSERT INTO changes (at, kind, target, conversation) VALUES (?1, ?2, ?3, ?4)";

/// One recipient of a change.
pub(super) const INSERT_RECIPIENT: &str =
    "INSERT INTO change_recipients (recipient, seq) VALUES (?1, ?2)";

/// The last change's number (`max` of the rowid is one step down the b-tree).
pub(super) const LAST_CHANGE: &str = "SELECT coalesce(max(seq), 0) FROM changes";

/// A person's changes after a number, in order.
pub(super) const CHANGES_FOR: &str = "\
    SELECT c.seq, c.at, c.kind, c.target, c.conversation \
    FROM change_recipients AS r JOIN changes AS c ON c.seq = r.seq \
    WHERE r.recipient = ?1 AND r.seq > ?2 ORDER BY r.seq LIMIT ?3";

impl FeedTx for SqliteTx<'_> {
    fn append_change(&mut self, change: &NewChange) -> Result<u64, StoreError> {
        let at = time_to_sql(change.at, "at")?;
        let (target, conversation) = match change.subject {
            ChangeSubject::Message {
                conversation,
                message,
            } => (message.as_uuid(), Some(conversation.as_uuid().into_bytes())),
            ChangeSubject::Proposal { proposal } | ChangeSubject::Decision { proposal } => {
                (proposal.as_uuid(), None)
            }
        };
        let seq = self.atomically(|conn| {
            conn.prepare_cached(INSERT_CHANGE)
                .and_then(|mut s| {
                    s.execute(params![
                        at,
                        change.subject.kind().as_str(),
                        target.as_bytes(),
                        conversation,
                    ])
                })
                .map_err(store_error)?;
            let seq = conn.last_insert_rowid();
            let mut insert = conn.prepare_cached(INSERT_RECIPIENT).map_err(store_error)?;
            for person in &change.recipients {
                insert
                    .execute(params![person.as_uuid().as_bytes(), seq])
                    .map_err(|e| match store_error(e) {
                        StoreError::Conflict { .. } => StoreError::Conflict {
                            detail: "a change names a recipient twice".to_owned(),
                        },
                        other => other,
                    })?;
            }
            Ok(seq)
        })?;
        seq_from_sql(seq)
    }

    fn last_change(&mut self) -> Result<u64, StoreError> {
        let last: i64 = self
            .conn()?
            .prepare_cached(LAST_CHANGE)
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(store_error)?;
        seq_from_sql(last)
    }

    fn changes_for(
        &mut self,
        recipient: UserId,
        after: u64,
        limit: usize,
    ) -> Result<Vec<ChangeRecord>, StoreError> {
        // Every stored seq fits an i64; a larger `after` is past all of them.
        let Ok(after) = i64::try_from(after) else {
            return Ok(Vec::new());
        };
        let rows = self
            .conn()?
            .prepare_cached(CHANGES_FOR)
            .and_then(|mut s| {
                s.query_map(
                    params![
                        recipient.as_uuid().as_bytes(),
                        after,
                        i64::try_from(limit).unwrap_or(i64::MAX),
                    ],
                    ChangeRow::read,
                )?
                .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter().map(ChangeRow::into_record).collect()
    }
}

fn seq_from_sql(seq: i64) -> Result<u64, StoreError> {
    u64::try_from(seq).map_err(|_| StoreError::Corrupt {
        detail: "a change has a negative sequence number".to_owned(),
    })
}

/// One change as read, before its kind is parsed.
struct ChangeRow {
    seq: i64,
    at: i64,
    kind: String,
    target: uuid::Uuid,
    conversation: Option<uuid::Uuid>,
}

impl ChangeRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            seq: row.get(0)?,
            at: row.get(1)?,
            kind: row.get(2)?,
            target: uuid_at(row, 3)?,
            conversation: optional_uuid_at(row, 4)?,
        })
    }

    fn into_record(self) -> Result<ChangeRecord, StoreError> {
        let corrupt = || StoreError::Corrupt {
            detail: format!("change {}: stored kind does not fit", self.seq),
        };
        let subject = match (ChangeKind::parse(&self.kind), self.conversation) {
            (Some(ChangeKind::Message), Some(conversation)) => ChangeSubject::Message {
                conversation: ConversationId::from_uuid(conversation),
                message: MessageId::from_uuid(self.target),
            },
            (Some(ChangeKind::Proposal), None) => ChangeSubject::Proposal {
                proposal: ProposalId::from_uuid(self.target),
            },
            (Some(ChangeKind::Decision), None) => ChangeSubject::Decision {
                proposal: ProposalId::from_uuid(self.target),
            },
            _ => return Err(corrupt()),
        };
        Ok(ChangeRecord {
            seq: seq_from_sql(self.seq)?,
            at: time_from_sql(self.at),
            subject,
        })
    }
}
