//! The change feed through the facade: what is new for the acting person since their cursor.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::messaging::Attempt;
use super::{Portal, acting};
use crate::error::{CursorProblem, DenyReason, Error, Result};
use crate::model::audit::AccessAction;
use crate::model::feed::ChangeSubject;
use crate::model::ids::ConversationId;
use crate::model::messaging::Message;
use crate::model::people::{Actor, Role};
use crate::model::team::Proposal;
use crate::policy::feed::{decode_cursor, encode_cursor};
use crate::policy::messaging::{ConversationAction, Verdict};

/// The most changes one call returns.
pub const CHANGES_PAGE_MAX: usize = 200;

/// One thing that is new for the acting person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Change {
    /// A message in one of their conversations (their own included, e.g. sent from another
    /// device).
    Message {
        /// The message.
        message: Message,
    },
    /// A proposal made to them (service user) or by them (provider), as it stands now.
    Proposal {
        /// The proposal.
        proposal: Proposal,
    },
    /// A decision on such a proposal: the proposal as it stands now.
    Decision {
        /// The proposal.
        proposal: Proposal,
    },
}

/// What is new since a cursor, in the order it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// The changes, oldest first.
    pub changes: Vec<Change>,
    /// Where to carry on: pass it to the next [`Portal::changes_since`]. Opaque, stable across
    /// restarts, and good only for the person it was given to.
    pub cursor: String,
    /// Whether more changes wait: call again with `cursor` at once.
    pub more: bool,
}

impl Portal {
    /// What is new for the acting service user or provider since `cursor` (from the start of
    /// their feed without one): messages in the conversations they may read, proposals made to
    /// or by them, and decisions on those; at most [`CHANGES_PAGE_MAX`] a call, with a cursor to
    /// carry on from. Messages in a conversation a provider has lost (their membership ended)
    /// are left out. A provider's read of message text is logged, one entry per conversation.
    ///
    /// A cursor that was not given to this person, is damaged, or points past the newest change
    /// (another database, or one restored from an older backup) is refused with
    /// [`Error::InvalidCursor`]: start again without one.
    ///
    /// ```
    /// use recovery_core::*;
    ///
    /// # let portal = Portal::open_in_memory();
    /// # let anna = Actor::new(portal.register(NewPerson::service_user("Anna"))?.id);
    /// # let nils = Actor::new(
    /// #     portal.register(NewPerson::provider("Nils", Profession::Physician, "DPS"))?.id,
    /// # );
    /// # let invitation = portal.invite(&anna, nils.id)?;
    /// # portal.accept_invitation(&nils, invitation.id)?;
    /// // An app keeps the cursor between syncs (it is a plain string) and asks for what is new.
    /// let mut cursor: Option<String> = None;
    /// let mut sync = |cursor: &mut Option<String>| -> Result<Vec<Change>> {
    ///     let mut new = Vec::new();
    ///     loop {
    ///         let batch = portal.changes_since(&nils, cursor.as_deref())?;
    ///         new.extend(batch.changes);
    ///         *cursor = Some(batch.cursor);
    ///         if !batch.more {
    ///             return Ok(new);
    ///         }
    ///     }
    /// };
    /// assert!(sync(&mut cursor)?.is_empty());
    /// portal.start_conversation(&anna, NewConversation {
    ///     with: vec![nils.id],
    ///     subject: String::new(),
    ///     message: NewMessage::text("Hello"),
    /// })?;
    /// let new = sync(&mut cursor)?;
    /// assert!(matches!(&new[..], [Change::Message { message }] if message.body == "Hello"));
    /// assert!(sync(&mut cursor)?.is_empty());
    ///
    /// // Another person's cursor is refused.
    /// assert!(matches!(
    ///     portal.changes_since(&anna, cursor.as_deref()),
    ///     Err(Error::InvalidCursor(CursorProblem::NotOurs))
    /// ));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn changes_since(&self, actor: &Actor, cursor: Option<&str>) -> Result<Changes> {
        self.write(|tx| {
            let me = acting(tx, actor)?;
            if !matches!(me.role, Role::ServiceUser | Role::Provider) {
                return Err(Error::PermissionDenied(DenyReason::WrongRole));
            }
            let head = tx.last_change()?;
            let after = match cursor {
                None => 0,
                Some(c) => decode_cursor(me.id, c).map_err(Error::InvalidCursor)?,
            };
            if after > head {
                return Err(Error::InvalidCursor(CursorProblem::Ahead));
            }
            let mut records = tx.changes_for(me.id, after, CHANGES_PAGE_MAX + 1)?;
            let more = records.len() > CHANGES_PAGE_MAX;
            records.truncate(CHANGES_PAGE_MAX);
            // Past the last change read, or (when there is no more) past every change so far:
            // the next call need not look at anything addressed to others before it.
            let position = match records.last() {
                Some(last) if more => last.seq,
                _ => head,
            };

            let mut readable: HashMap<ConversationId, bool> = HashMap::new();
            let mut read_from = Vec::new();
            let mut changes = Vec::with_capacity(records.len());
            for record in records {
                match record.subject {
                    ChangeSubject::Message {
                        conversation,
                        message,
                    } => {
                        let may_read = match readable.get(&conversation) {
                            Some(&known) => known,
                            None => {
                                let facts = self.conversation_facts(tx, conversation)?;
                                let known =
                                    facts.verdict(&me, ConversationAction::Read) == Verdict::Allow;
                                if known && me.id != facts.conversation.service_user {
                                    read_from.push(facts.conversation);
                                }
                                readable.insert(conversation, known);
                                known
                            }
                        };
                        if may_read {
                            if let Some(message) = tx.message(message)? {
                                changes.push(Change::Message { message });
                            }
                        }
                    }
                    ChangeSubject::Proposal { proposal } => {
                        if let Some(proposal) = tx.proposal(proposal)? {
                            changes.push(Change::Proposal { proposal });
                        }
                    }
                    ChangeSubject::Decision { proposal } => {
                        if let Some(proposal) = tx.proposal(proposal)? {
                            changes.push(Change::Decision { proposal });
                        }
                    }
                }
            }
            for conversation in &read_from {
                let attempt = Attempt::new(AccessAction::ReadMessages, conversation.id.as_uuid());
                self.log_read(tx, &me, conversation, attempt)?;
            }
            Ok(Changes {
                changes,
                cursor: encode_cursor(me.id, position),
                more,
            })
        })
    }
}
