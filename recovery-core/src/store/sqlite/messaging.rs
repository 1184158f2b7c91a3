//! Messaging: conversations, their participants and read marks, messages and attachments
//! (`004_messaging.sql`).

use rusqlite::{OptionalExtension, Row, params};

use super::encoding::{
    json_from_sql, json_to_sql, optional_uuid_at, time_from_sql, time_to_sql, uuid_at,
};
use super::error::{about, store_error, updated_one};
use super::transaction::SqliteTx;
use crate::model::ids::{AttachmentId, ConversationId, MembershipId, MessageId, UserId};
use crate::model::messaging::{
    Attachment, AttachmentInfo, Conversation, ConversationProvider, Message, Participation,
};
use crate::store::{MessageQuery, MessagingTx, StoreError};

/// A new conversation; its participants follow.
pub(super) const INSERT_CONVERSATION: &str = "\
    INSERT INTO conversations (id, service_user, subject, started_by, started_at, last_seq, \
                               last_message_at) \
    VALUES (?1, ?2, ?3, ?4, ?5, 0, ?5)";

/// One participant of a new conversation, with nothing read.
pub(super) const INSERT_PARTICIPANT: &str = "\
    INSERT INTO conversation_participants (conversation, person, membership, position, read_seq) \
    VALUES (?1, ?2, ?3, ?4, 0)";

/// One conversation by id.
pub(super) const SELECT_CONVERSATION: &str = "\
    SELECT id, service_user, subject, started_by, started_at, last_seq, last_message_at \
    FROM conversations WHERE id = ?1";

/// A conversation's participants in the order named (the service user first).
pub(super) const SELECT_PARTICIPANTS: &str = "\
    SELECT person, membership FROM conversation_participants \
    WHERE conversation = ?1 ORDER BY position";

/// Makes a message the conversation's last: only if it is the next one. The rule that messages
/// are numbered without gaps is this WHERE clause.
pub(super) const ADVANCE_CONVERSATION: &str = "\
    UPDATE conversations SET last_seq = ?2, last_message_at = ?3 \
    WHERE id = ?1 AND last_seq = ?2 - 1";

/// A new message, only from someone who takes part in the conversation.
pub(super) const INSERT_MESSAGE: &str = "\
    INSERT INTO messages (id, conversation, seq, author, body, sent_at, attachments) \
    SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 \
    WHERE EXISTS (SELECT 1 FROM conversation_participants WHERE conversation = ?2 AND person = ?4)";

/// A new attachment.
pub(super) const INSERT_ATTACHMENT: &str = "\
    INSERT INTO attachments (id, message, conversation, owner, position, kind, source, taken_at, \
                             snapshot) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// One message by id.
pub(super) const SELECT_MESSAGE: &str = "\
    SELECT id, conversation, seq, author, body, sent_at, attachments FROM messages WHERE id = ?1";

/// The newest page of a conversation.
pub(super) const SELECT_NEWEST_MESSAGES: &str = "\
    SELECT id, conversation, seq, author, body, sent_at, attachments FROM messages \
    WHERE conversation = ?1 ORDER BY seq DESC LIMIT ?2";

/// The page before a `seq`.
pub(super) const SELECT_MESSAGES_BEFORE: &str = "\
    SELECT id, conversation, seq, author, body, sent_at, attachments FROM messages \
    WHERE conversation = ?1 AND seq < ?3 ORDER BY seq DESC LIMIT ?2";

/// One attachment by id.
pub(super) const SELECT_ATTACHMENT: &str = "\
    SELECT id, message, conversation, owner, taken_at, snapshot FROM attachments WHERE id = ?1";

/// A participant's read mark.
pub(super) const SELECT_READ_SEQ: &str = "\
    SELECT read_seq FROM conversation_participants WHERE conversation = ?1 AND person = ?2";

/// Sets a participant's read mark, at most up to the conversation's last message.
pub(super) const SET_READ_SEQ: &str = "\
    UPDATE conversation_participants SET read_seq = ?3 \
    WHERE conversation = ?1 AND person = ?2 \
      AND ?3 <= (SELECT last_seq FROM conversations WHERE id = ?1)";

/// A person's conversations with their read marks: the inbox and the unread counts.
pub(super) const SELECT_PARTICIPATIONS: &str = "\
    SELECT p.conversation, c.service_user, p.membership, p.read_seq, c.last_seq, \
           c.last_message_at \
    FROM conversation_participants AS p JOIN conversations AS c ON c.id = p.conversation \
    WHERE p.person = ?1 ORDER BY p.conversation";

impl MessagingTx for SqliteTx<'_> {
    fn insert_conversation(&mut self, conversation: &Conversation) -> Result<(), StoreError> {
        let refused = || StoreError::Conflict {
            detail: format!("conversation {} exists or is not new", conversation.id),
        };
        let mut people: Vec<UserId> = conversation.participants().collect();
        people.sort();
        people.dedup();
        if conversation.last_seq != 0 || people.len() != 1 + conversation.providers.len() {
            return Err(refused());
        }
        let started_at = time_to_sql(conversation.started_at, "started_at")?;
        let id = conversation.id.as_uuid().into_bytes();
        self.atomically(|conn| {
            conn.prepare_cached(INSERT_CONVERSATION)
                .and_then(|mut s| {
                    s.execute(params![
                        id,
                        conversation.service_user.as_uuid().as_bytes(),
                        conversation.subject,
                        conversation.started_by.as_uuid().as_bytes(),
                        started_at,
                    ])
                })
                .map_err(store_error)?;
            let mut insert = conn
                .prepare_cached(INSERT_PARTICIPANT)
                .map_err(store_error)?;
            insert
                .execute(params![
                    id,
                    conversation.service_user.as_uuid().as_bytes(),
                    None::<[u8; 16]>,
                    0,
                ])
                .map_err(store_error)?;
            for (position, seat) in (1_i64..).zip(&conversation.providers) {
                insert
                    .execute(params![
                        id,
                        seat.provider.as_uuid().as_bytes(),
                        seat.membership.as_uuid().as_bytes(),
                        position,
                    ])
                    .map_err(store_error)?;
            }
            Ok(())
        })
        .map_err(|e| about(e, format_args!("conversation {}", conversation.id)))
    }

    fn conversation(&mut self, id: ConversationId) -> Result<Option<Conversation>, StoreError> {
        let conn = self.conn()?;
        let row = conn
            .prepare_cached(SELECT_CONVERSATION)
            .and_then(|mut s| {
                s.query_row([id.as_uuid().as_bytes()], ConversationRow::read)
                    .optional()
            })
            .map_err(store_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let seats = conn
            .prepare_cached(SELECT_PARTICIPANTS)
            .and_then(|mut s| {
                s.query_map([id.as_uuid().as_bytes()], |r| {
                    Ok((
                        UserId::from_uuid(uuid_at(r, 0)?),
                        optional_uuid_at(r, 1)?.map(MembershipId::from_uuid),
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        row.into_conversation(seats).map(Some)
    }

    fn insert_message(
        &mut self,
        message: &Message,
        attachments: &[Attachment],
    ) -> Result<(), StoreError> {
        let refused = || StoreError::Conflict {
            detail: format!("message {} cannot be added", message.id),
        };
        let mut ids: Vec<AttachmentId> = attachments.iter().map(|a| a.id).collect();
        ids.sort();
        ids.dedup();
        let attachments_match = attachments.len() == message.attachments.len()
            && ids.len() == attachments.len()
            && attachments
                .iter()
                .zip(&message.attachments)
                .all(|(a, info)| {
                    a.info() == *info
                        && a.message == message.id
                        && a.conversation == message.conversation
                });
        let seq = i64::try_from(message.seq).map_err(|_| refused())?;
        if !attachments_match {
            return Err(refused());
        }
        let sent_at = time_to_sql(message.sent_at, "sent_at")?;
        let listed = json_to_sql(&message.attachments, format_args!("message {}", message.id))?;
        let encoded: Vec<AttachmentColumns> = attachments
            .iter()
            .map(AttachmentColumns::of)
            .collect::<Result<_, _>>()?;
        let conversation = message.conversation.as_uuid().into_bytes();
        let id = message.id.as_uuid().into_bytes();
        self.atomically(|conn| {
            let advanced = conn
                .prepare_cached(ADVANCE_CONVERSATION)
                .and_then(|mut s| s.execute(params![conversation, seq, sent_at]))
                .map_err(store_error)?;
            if advanced != 1 {
                return Err(refused());
            }
            let inserted = conn
                .prepare_cached(INSERT_MESSAGE)
                .and_then(|mut s| {
                    s.execute(params![
                        id,
                        conversation,
                        seq,
                        message.author.as_uuid().as_bytes(),
                        message.body,
                        sent_at,
                        listed,
                    ])
                })
                .map_err(store_error)?;
            if inserted != 1 {
                return Err(refused());
            }
            if !encoded.is_empty() {
                let mut insert = conn
                    .prepare_cached(INSERT_ATTACHMENT)
                    .map_err(store_error)?;
                for (position, a) in (0_i64..).zip(&encoded) {
                    insert
                        .execute(params![
                            a.id,
                            id,
                            conversation,
                            a.owner,
                            position,
                            a.kind,
                            a.source,
                            a.taken_at,
                            a.snapshot,
                        ])
                        .map_err(store_error)?;
                }
            }
            Ok(())
        })
        .map_err(|e| about(e, format_args!("message {}", message.id)))
    }

    fn message(&mut self, id: MessageId) -> Result<Option<Message>, StoreError> {
        let row = self
            .conn()?
            .prepare_cached(SELECT_MESSAGE)
            .and_then(|mut s| {
                s.query_row([id.as_uuid().as_bytes()], MessageRow::read)
                    .optional()
            })
            .map_err(store_error)?;
        row.map(MessageRow::into_message).transpose()
    }

    fn messages(&mut self, query: &MessageQuery) -> Result<Vec<Message>, StoreError> {
        let conversation = query.conversation.as_uuid().into_bytes();
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
        let conn = self.conn()?;
        let rows = match query.before_seq {
            None => conn
                .prepare_cached(SELECT_NEWEST_MESSAGES)
                .and_then(|mut s| {
                    s.query_map(params![conversation, limit], MessageRow::read)?
                        .collect::<Result<Vec<_>, _>>()
                }),
            Some(before) => {
                // Every stored seq fits an i64, so a larger bound excludes nothing.
                let before = i64::try_from(before).unwrap_or(i64::MAX);
                conn.prepare_cached(SELECT_MESSAGES_BEFORE)
                    .and_then(|mut s| {
                        s.query_map(params![conversation, limit, before], MessageRow::read)?
                            .collect::<Result<Vec<_>, _>>()
                    })
            }
        }
        .map_err(store_error)?;
        rows.into_iter().map(MessageRow::into_message).collect()
    }

    fn attachment(&mut self, id: AttachmentId) -> Result<Option<Attachment>, StoreError> {
        let row = self
            .conn()?
            .prepare_cached(SELECT_ATTACHMENT)
            .and_then(|mut s| {
                s.query_row([id.as_uuid().as_bytes()], |r| {
                    Ok((
                        AttachmentId::from_uuid(uuid_at(r, 0)?),
                        MessageId::from_uuid(uuid_at(r, 1)?),
                        ConversationId::from_uuid(uuid_at(r, 2)?),
                        UserId::from_uuid(uuid_at(r, 3)?),
                        r.get::<_, i64>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                })
                .optional()
            })
            .map_err(store_error)?;
        row.map(|(id, message, conversation, owner, taken_at, snapshot)| {
            Ok(Attachment {
                snapshot: json_from_sql(&snapshot, format_args!("attachment {id}"))?,
                id,
                message,
                conversation,
                owner,
                taken_at: time_from_sql(taken_at),
            })
        })
        .transpose()
    }

    fn read_seq(
        &mut self,
        conversation: ConversationId,
        person: UserId,
    ) -> Result<Option<u64>, StoreError> {
        let read = self
            .conn()?
            .prepare_cached(SELECT_READ_SEQ)
            .and_then(|mut s| {
                s.query_row(
                    params![
                        conversation.as_uuid().as_bytes(),
                        person.as_uuid().as_bytes()
                    ],
                    |r| r.get::<_, i64>(0),
                )
                .optional()
            })
            .map_err(store_error)?;
        read.map(|n| seq_from_sql(n, conversation)).transpose()
    }

    fn set_read_seq(
        &mut self,
        conversation: ConversationId,
        person: UserId,
        read_seq: u64,
    ) -> Result<(), StoreError> {
        let subject = format_args!("the read mark of conversation {conversation}");
        let Ok(read_seq) = i64::try_from(read_seq) else {
            return updated_one(0, subject);
        };
        let changed = self
            .conn()?
            .prepare_cached(SET_READ_SEQ)
            .and_then(|mut s| {
                s.execute(params![
                    conversation.as_uuid().as_bytes(),
                    person.as_uuid().as_bytes(),
                    read_seq,
                ])
            })
            .map_err(store_error)?;
        updated_one(changed, subject)
    }

    fn participations(&mut self, person: UserId) -> Result<Vec<Participation>, StoreError> {
        let rows = self
            .conn()?
            .prepare_cached(SELECT_PARTICIPATIONS)
            .and_then(|mut s| {
                s.query_map([person.as_uuid().as_bytes()], |r| {
                    Ok((
                        ConversationId::from_uuid(uuid_at(r, 0)?),
                        UserId::from_uuid(uuid_at(r, 1)?),
                        optional_uuid_at(r, 2)?.map(MembershipId::from_uuid),
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, i64>(5)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter()
            .map(|(conversation, service_user, membership, read, last, at)| {
                Ok(Participation {
                    conversation,
                    service_user,
                    membership,
                    read_seq: seq_from_sql(read, conversation)?,
                    last_seq: seq_from_sql(last, conversation)?,
                    last_message_at: time_from_sql(at),
                })
            })
            .collect()
    }
}

/// A stored `seq`, `last_seq` or `read_seq`; the tables' CHECKs keep them from being negative.
fn seq_from_sql(n: i64, conversation: ConversationId) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| StoreError::Corrupt {
        detail: format!("conversation {conversation}: a stored message number is negative"),
    })
}

/// One `conversations` row as read.
struct ConversationRow {
    id: ConversationId,
    service_user: UserId,
    subject: String,
    started_by: UserId,
    started_at: i64,
    last_seq: i64,
    last_message_at: i64,
}

impl ConversationRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: ConversationId::from_uuid(uuid_at(row, 0)?),
            service_user: UserId::from_uuid(uuid_at(row, 1)?),
            subject: row.get(2)?,
            started_by: UserId::from_uuid(uuid_at(row, 3)?),
            started_at: row.get(4)?,
            last_seq: row.get(5)?,
            last_message_at: row.get(6)?,
        })
    }

    /// The conversation, with its participants as read in position order.
    fn into_conversation(
        self,
        seats: Vec<(UserId, Option<MembershipId>)>,
    ) -> Result<Conversation, StoreError> {
        let corrupt = || StoreError::Corrupt {
            detail: format!("conversation {}: stored participants do not fit", self.id),
        };
        let mut seats = seats.into_iter();
        match seats.next() {
            Some((first, None)) if first == self.service_user => {}
            _ => return Err(corrupt()),
        }
        let providers = seats
            .map(|(provider, membership)| {
                membership
                    .map(|membership| ConversationProvider {
                        provider,
                        membership,
                    })
                    .ok_or_else(corrupt)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Conversation {
            last_seq: seq_from_sql(self.last_seq, self.id)?,
            id: self.id,
            service_user: self.service_user,
            providers,
            subject: self.subject,
            started_by: self.started_by,
            started_at: time_from_sql(self.started_at),
            last_message_at: time_from_sql(self.last_message_at),
        })
    }
}

/// One `messages` row as read, before its attachment list is parsed.
struct MessageRow {
    id: MessageId,
    conversation: ConversationId,
    seq: i64,
    author: UserId,
    body: String,
    sent_at: i64,
    attachments: String,
}

impl MessageRow {
    /// Reads a message query's columns (`id, conversation, seq, author, body, sent_at,
    /// attachments`) from a row.
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: MessageId::from_uuid(uuid_at(row, 0)?),
            conversation: ConversationId::from_uuid(uuid_at(row, 1)?),
            seq: row.get(2)?,
            author: UserId::from_uuid(uuid_at(row, 3)?),
            body: row.get(4)?,
            sent_at: row.get(5)?,
            attachments: row.get(6)?,
        })
    }

    fn into_message(self) -> Result<Message, StoreError> {
        let attachments: Vec<AttachmentInfo> = if self.attachments == "[]" {
            Vec::new()
        } else {
            json_from_sql(&self.attachments, format_args!("message {}", self.id))?
        };
        Ok(Message {
            seq: seq_from_sql(self.seq, self.conversation)?,
            id: self.id,
            conversation: self.conversation,
            author: self.author,
            body: self.body,
            sent_at: time_from_sql(self.sent_at),
            attachments,
        })
    }
}

/// An attachment's columns, encoded.
struct AttachmentColumns {
    id: [u8; 16],
    owner: [u8; 16],
    kind: &'static str,
    source: Option<[u8; 16]>,
    taken_at: i64,
    snapshot: String,
}

impl AttachmentColumns {
    fn of(a: &Attachment) -> Result<Self, StoreError> {
        Ok(Self {
            id: a.id.as_uuid().into_bytes(),
            owner: a.owner.as_uuid().into_bytes(),
            kind: a.snapshot.kind().as_str(),
            source: a.snapshot.source().map(|s| s.as_uuid().into_bytes()),
            taken_at: time_to_sql(a.taken_at, "taken_at")?,
            snapshot: json_to_sql(&a.snapshot, format_args!("attachment {}", a.id))?,
        })
    }
}
