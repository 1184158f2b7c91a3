//! Secure messaging through the facade: conversations between a service user and providers in
//! their care team, messages with snapshots of toolbox items, read state and unread counts.
//!
//! Who may do what is [`policy::messaging`](crate::policy::messaging). The access log gets an
//! entry for every conversation started, message sent and snapshot attached (by anyone), every
//! read of a conversation's messages or of an attachment by a provider, and every refused
//! attempt by anyone but the service user. Entries hold ids and scopes, never text.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::toolbox::{typed, typed_all};
use super::{Portal, acting};
use crate::error::{DenyReason, Error, Problem, Result};
use crate::model::audit::{AccessAction, AccessEvent, Outcome};
use crate::model::feed::{ChangeSubject, NewChange};
use crate::model::ids::*;
use crate::model::messaging::*;
use crate::model::people::{Actor, Person, Role};
use crate::model::team::{Membership, Scope, TeamStatus};
use crate::model::toolbox::{ItemKind, ItemRecord};
use crate::model::usage::{Module, UsageAction, UsageEvent};
use crate::policy::messaging::{self, ConversationAction, Verdict};
use crate::policy::text::{TextKind, clean};
use crate::store::{ItemQuery, MembershipQuery, MessageQuery, Transaction};

/// Messages per page when the caller does not say.
pub const MESSAGE_PAGE_DEFAULT: usize = 50;
/// The most messages one page holds.
pub const MESSAGE_PAGE_MAX: usize = 200;
/// The most snapshots one message may carry.
pub const MESSAGE_ATTACHMENTS_MAX: usize = 10;

/// A snapshot of the sender's own toolbox to attach to a message. It is taken when the message
/// is sent; later changes to the items do not reach it.
///
/// An item that is not the sender's is [`Problem::NotOwned`] (a provider owns no toolbox, so
/// anything a provider attaches is); a removed or unknown one is [`Error::NotFound`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum Attach {
    /// The whole medication list, as it is now (an empty list is a list too).
    Medications,
    /// One goal with its current activities.
    Goal(GoalId),
    /// The crisis plan: [`Error::NotFound`] (kind `crisis plan`, the sender's id) if there is
    /// none yet.
    CrisisPlan,
    /// One status entry.
    Status(StatusId),
}

/// A message to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMessage {
    /// The text (a body: required, at most [`TextLimits::body`](crate::TextLimits) characters).
    pub body: String,
    /// Snapshots to attach, at most [`MESSAGE_ATTACHMENTS_MAX`], each once. Only a service user
    /// attaches, and only from their own toolbox.
    pub attachments: Vec<Attach>,
}

impl NewMessage {
    /// A message with text only.
    pub fn text(body: impl Into<String>) -> Self {
        Self {
            body: body.into(),
            attachments: Vec::new(),
        }
    }

    /// The same message with one more snapshot attached.
    pub fn attach(mut self, attach: Attach) -> Self {
        self.attachments.push(attach);
        self
    }
}

/// A conversation to start, with its first message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewConversation {
    /// Everyone else in it. A service user names providers in their care team; a provider names
    /// the service user (and any other providers in their team).
    pub with: Vec<UserId>,
    /// What it is about (a title, may be empty).
    pub subject: String,
    /// The first message.
    pub message: NewMessage,
}

/// A conversation just started, and its first message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Started {
    /// The conversation.
    pub conversation: Conversation,
    /// Its first message.
    pub message: Message,
}

/// A person in a conversation, as the other participants see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// Who.
    pub person: UserId,
    /// Their role.
    pub role: Role,
    /// Their display name.
    pub display_name: String,
    /// Whether they still take part: always for the service user; for a provider, while the
    /// membership that let them in is active.
    pub active: bool,
}

/// A conversation as its list shows it to one participant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationOverview {
    /// The conversation.
    pub conversation: Conversation,
    /// Everyone in it, the service user first.
    pub participants: Vec<Participant>,
    /// How many of its messages the acting person has not read.
    pub unread: u64,
    /// Whether the acting person may send a message in it now.
    pub can_post: bool,
}

/// The acting person's conversations, the most recently active first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    /// The conversations they may read.
    pub conversations: Vec<ConversationOverview>,
    /// Unread messages in all of them.
    pub unread_total: u64,
}

/// How many messages of one conversation are unread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadCount {
    /// The conversation.
    pub conversation: ConversationId,
    /// Its unread messages (at least 1).
    pub unread: u64,
}

/// The acting person's unread messages: a badge's worth, cheaper than the [`Inbox`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadCounts {
    /// Each conversation with unread messages, in conversation id order (oldest first).
    pub conversations: Vec<UnreadCount>,
    /// Unread messages in all of them.
    pub total: u64,
}

/// One page of a conversation, newest message first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePage {
    /// The conversation, as the acting person's list shows it.
    pub conversation: ConversationOverview,
    /// The messages on this page, newest first.
    pub messages: Vec<Message>,
    /// Pass as `before` for the next (older) page; `None` on the last page.
    pub next: Option<u64>,
}

/// What a call does to a conversation, as the access log names it.
#[derive(Clone, Debug)]
pub(super) struct Attempt {
    action: AccessAction,
    target: Uuid,
    scope: Option<Scope>,
}

impl Attempt {
    pub(super) fn new(action: AccessAction, target: Uuid) -> Self {
        Self {
            action,
            target,
            scope: None,
        }
    }

    fn in_scope(mut self, scope: Scope) -> Self {
        self.scope = Some(scope);
        self
    }
}

/// A conversation with the current state of its providers' memberships.
pub(super) struct Facts {
    pub(super) conversation: Conversation,
    pub(super) memberships: Vec<Membership>,
}

impl Facts {
    pub(super) fn verdict(&self, me: &Person, action: ConversationAction) -> Verdict {
        messaging::decide(&self.conversation, me, &self.memberships, action)
    }

    /// Who a new message goes to: the service user, the sender, and every provider who still
    /// takes part.
    fn recipients(&self, sender: UserId) -> Vec<UserId> {
        let c = &self.conversation;
        c.participants()
            .filter(|&p| {
                p == c.service_user
                    || p == sender
                    || messaging::seat_active(c, p, &self.memberships)
            })
            .collect()
    }
}

impl Portal {
    // ----- shared steps --------------------------------------------------------------------------

    /// A conversation and the current state of its providers' memberships, or NotFound.
    pub(super) fn conversation_facts(
        &self,
        tx: &mut dyn Transaction,
        id: ConversationId,
    ) -> Result<Facts> {
        let conversation = tx
            .conversation(id)?
            .ok_or_else(|| Error::not_found(ConversationId::kind(), id))?;
        let mut memberships = Vec::with_capacity(conversation.providers.len());
        for seat in &conversation.providers {
            memberships.extend(tx.membership(seat.membership)?);
        }
        Ok(Facts {
            conversation,
            memberships,
        })
    }

    /// An access-log entry about a conversation's service user.
    fn conversation_event(
        &self,
        actor: UserId,
        conversation: &Conversation,
        attempt: Attempt,
        outcome: Outcome,
    ) -> AccessEvent {
        AccessEvent {
            at: self.clock.now(),
            actor,
            subject: conversation.service_user,
            action: attempt.action,
            scope: attempt.scope,
            counterpart: None,
            target: Some(attempt.target),
            level: None,
            outcome,
            moderation_reason: None,
        }
    }

    /// Checks that `me` may take `action` on the conversation. A refusal of anyone but the
    /// service user is logged as the `attempt` and returned as [`Error::PermissionDenied`] (the
    /// portal commits the log entry alone); a closed conversation is
    /// [`Error::ConversationClosed`], with nothing written.
    fn enter(
        &self,
        tx: &mut dyn Transaction,
        me: &Person,
        facts: &Facts,
        action: ConversationAction,
        attempt: Attempt,
    ) -> Result<()> {
        match facts.verdict(me, action) {
            Verdict::Allow => Ok(()),
            Verdict::Closed => Err(Error::ConversationClosed {
                conversation: facts.conversation.id.to_string(),
            }),
            Verdict::Deny(reason) => {
                if me.id != facts.conversation.service_user {
                    let event = self.conversation_event(
                        me.id,
                        &facts.conversation,
                        attempt,
                        Outcome::Denied(reason),
                    );
                    self.log(tx, event)?;
                }
                Err(Error::PermissionDenied(reason))
            }
        }
    }

    /// Logs a provider's read of a conversation's text (the service user's own reads are not
    /// logged).
    pub(super) fn log_read(
        &self,
        tx: &mut dyn Transaction,
        me: &Person,
        conversation: &Conversation,
        attempt: Attempt,
    ) -> Result<()> {
        if me.id == conversation.service_user {
            return Ok(());
        }
        let event = self.conversation_event(me.id, conversation, attempt, Outcome::Allowed);
        self.log(tx, event)
    }

    fn message_body(&self, body: &str) -> Result<String> {
        clean("message.body", body, TextKind::Body, &self.config.limits)
    }

    /// At most [`MESSAGE_ATTACHMENTS_MAX`] attachments, each once.
    fn check_attachments(attachments: &[Attach]) -> Result<()> {
        if attachments.len() > MESSAGE_ATTACHMENTS_MAX {
            return Err(Error::invalid(
                "message.attachments",
                Problem::OutOfRange {
                    min: 0,
                    max: MESSAGE_ATTACHMENTS_MAX as i64,
                },
            ));
        }
        let distinct: HashSet<&Attach> = attachments.iter().collect();
        if distinct.len() != attachments.len() {
            return Err(Error::invalid("message.attachments", Problem::Duplicate));
        }
        Ok(())
    }

    /// A frozen copy of some of `me`'s toolbox. Only a service user has a toolbox; an item of
    /// someone else's is [`Problem::NotOwned`].
    fn snapshot(&self, tx: &mut dyn Transaction, me: &Person, attach: Attach) -> Result<Snapshot> {
        const FIELD: &str = "message.attachments";
        if me.role != Role::ServiceUser {
            return Err(Error::invalid(FIELD, Problem::NotOwned));
        }
        let mine = || ItemQuery::owner(me.id);
        // The current item of a kind, checked to be `me`'s.
        let own = |tx: &mut dyn Transaction, id: ItemId, kind: ItemKind| -> Result<ItemRecord> {
            let record = tx
                .item(id)?
                .filter(|r| r.kind() == kind && !r.removed)
                .ok_or_else(|| Error::not_found(kind.as_str(), id))?;
            if record.owner != me.id {
                return Err(Error::invalid(FIELD, Problem::NotOwned));
            }
            Ok(record)
        };
        Ok(match attach {
            Attach::Medications => Snapshot::Medications {
                medications: typed_all(tx.items(&mine().kind(ItemKind::Medication))?),
            },
            Attach::Goal(id) => {
                let record = own(tx, id.item(), ItemKind::Goal)?;
                let activities = tx.items(&mine().kind(ItemKind::Activity).parent(id.item()))?;
                Snapshot::Goal {
                    goal: typed(record).ok_or_else(|| Error::not_found("goal", id))?,
                    activities: typed_all(activities),
                }
            }
            Attach::CrisisPlan => Snapshot::CrisisPlan {
                crisis_plan: tx
                    .items(&mine().kind(ItemKind::CrisisPlan).newest(1))?
                    .pop()
                    .and_then(typed)
                    .ok_or_else(|| Error::not_found("crisis plan", me.id))?,
            },
            Attach::Status(id) => {
                let record = own(tx, id.item(), ItemKind::Status)?;
                Snapshot::Status {
                    status: typed(record).ok_or_else(|| Error::not_found("status entry", id))?,
                }
            }
        })
    }

    /// Writes a message with its snapshots, moves the sender's read mark to it, puts it in the
    /// recipients' feeds and logs it: everything a send writes, in the caller's transaction.
    fn post(
        &self,
        tx: &mut dyn Transaction,
        me: &Person,
        facts: &Facts,
        body: String,
        attach: &[Attach],
    ) -> Result<Message> {
        let c = &facts.conversation;
        let mut snapshots = Vec::with_capacity(attach.len());
        for &a in attach {
            snapshots.push(self.snapshot(tx, me, a)?);
        }
        let now = self.clock.now();
        let id = MessageId::new();
        let attachments: Vec<Attachment> = snapshots
            .into_iter()
            .map(|snapshot| Attachment {
                id: AttachmentId::new(),
                message: id,
                conversation: c.id,
                owner: me.id,
                taken_at: now,
                snapshot,
            })
            .collect();
        let message = Message {
            id,
            conversation: c.id,
            seq: c.last_seq + 1,
            author: me.id,
            body,
            sent_at: now,
            attachments: attachments.iter().map(Attachment::info).collect(),
        };
        tx.insert_message(&message, &attachments)?;
        let mut sent = UsageEvent::new(now, me.id, me.role, Module::Messages, UsageAction::Message)
            .about(facts.conversation.service_user);
        sent.conversation = Some(facts.conversation.id);
        self.note_event(tx, sent)?;
        tx.set_read_seq(c.id, me.id, message.seq)?;
        tx.append_change(&NewChange {
            at: now,
            subject: ChangeSubject::Message {
                conversation: c.id,
                message: id,
            },
            recipients: facts.recipients(me.id),
        })?;
        let sent = Attempt::new(AccessAction::SendMessage, id.as_uuid());
        let event = self.conversation_event(me.id, c, sent, Outcome::Allowed);
        self.log(tx, event)?;
        for a in &attachments {
            let attached =
                Attempt::new(AccessAction::Attach, a.id.as_uuid()).in_scope(a.snapshot.scope());
            let event = self.conversation_event(me.id, c, attached, Outcome::Allowed);
            self.log(tx, event)?;
        }
        Ok(message)
    }

    /// How a conversation shows in `me`'s list.
    fn overview(
        &self,
        tx: &mut dyn Transaction,
        me: &Person,
        facts: Facts,
        read_seq: u64,
        people: &mut HashMap<UserId, Person>,
    ) -> Result<ConversationOverview> {
        let c = &facts.conversation;
        let mut participants = Vec::with_capacity(1 + c.providers.len());
        for id in c.participants() {
            let person = match people.get(&id) {
                Some(p) => p.clone(),
                None => {
                    let p = tx
                        .person(id)?
                        .ok_or_else(|| Error::not_found("person", id))?;
                    people.insert(id, p.clone());
                    p
                }
            };
            participants.push(Participant {
                person: id,
                role: person.role,
                display_name: person.display_name,
                active: id == c.service_user || messaging::seat_active(c, id, &facts.memberships),
            });
        }
        let can_post = facts.verdict(me, ConversationAction::Post) == Verdict::Allow;
        Ok(ConversationOverview {
            unread: c.last_seq.saturating_sub(read_seq),
            participants,
            can_post,
            conversation: facts.conversation,
        })
    }

    /// The ids of `me`'s active memberships, if `me` is a provider (`None` for a service user,
    /// whose conversations are always theirs).
    fn active_seats(
        tx: &mut dyn Transaction,
        me: &Person,
    ) -> Result<Option<HashSet<MembershipId>>> {
        match me.role {
            Role::ServiceUser => Ok(None),
            Role::Provider => {
                let query = MembershipQuery {
                    service_user: None,
                    provider: Some(me.id),
                };
                Ok(Some(
                    tx.memberships(&query)?
                        .into_iter()
                        .filter(|m| m.status == TeamStatus::Active)
                        .map(|m| m.id)
                        .collect(),
                ))
            }
            _ => Err(Error::PermissionDenied(DenyReason::WrongRole)),
        }
    }

    /// The conversations `me` may read, with their read state.
    fn readable_participations(
        tx: &mut dyn Transaction,
        me: &Person,
    ) -> Result<Vec<Participation>> {
        let seats = Self::active_seats(tx, me)?;
        let mut all = tx.participations(me.id)?;
        all.retain(|p| match (&seats, p.membership) {
            (None, None) => p.service_user == me.id,
            (Some(active), Some(m)) => active.contains(&m),
            _ => false,
        });
        Ok(all)
    }

    // ----- conversations -------------------------------------------------------------------------

    /// Starts a conversation with its first message. A service user starts one with providers
    /// in their care team; a provider with a service user whose team they are in (and other
    /// providers of that team). Everyone named must be an active member now:
    /// [`Error::NotInCareTeam`] names the first who is not. A provider who is not in the
    /// service user's team is refused with [`Error::PermissionDenied`], and the attempt logged.
    ///
    /// ```
    /// use recovery_core::*;
    ///
    /// let portal = Portal::open_in_memory();
    /// let anna = Actor::new(portal.register(NewPerson::service_user("Anna"))?.id);
    /// let nils = Actor::new(
    ///     portal.register(NewPerson::provider("Nils", Profession::Physician, "DPS"))?.id,
    /// );
    /// let invitation = portal.invite(&anna, nils.id)?;
    /// portal.accept_invitation(&nils, invitation.id)?;
    /// portal.add_medication(&anna, Medication {
    ///     name: "Melatonin".into(),
    ///     dose: "3 mg".into(),
    ///     purpose: String::new(),
    ///     prescribed: true,
    ///     status: MedicationStatus::Active,
    ///     experiences: String::new(),
    ///     questions: String::new(),
    /// })?;
    ///
    /// // Anna sends her medication list to Nils; nothing is shared with him otherwise.
    /// let started = portal.start_conversation(&anna, NewConversation {
    ///     with: vec![nils.id],
    ///     subject: "Before Thursday".into(),
    ///     message: NewMessage::text("This is what I take now.").attach(Attach::Medications),
    /// })?;
    /// assert_eq!(portal.unread_counts(&nils)?.total, 1);
    ///
    /// let page = portal.messages(&nils, started.conversation.id, None, 0)?;
    /// let list = portal.attachment(&nils, page.messages[0].attachments[0].id)?;
    /// assert!(matches!(list.snapshot, Snapshot::Medications { ref medications } if medications.len() == 1));
    /// portal.mark_read(&nils, started.conversation.id, page.messages[0].seq)?;
    /// portal.send_message(&nils, started.conversation.id, NewMessage::text("Thanks, see you then."))?;
    /// assert_eq!(portal.unread_counts(&anna)?.total, 1);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn start_conversation(&self, actor: &Actor, new: NewConversation) -> Result<Started> {
        let subject = clean(
            "conversation.subject",
            &new.subject,
            TextKind::OptionalTitle,
            &self.config.limits,
        )?;
        let body = self.message_body(&new.message.body)?;
        Self::check_attachments(&new.message.attachments)?;
        self.write(|tx| {
            let me = acting(tx, actor)?;
            let mut others = Vec::with_capacity(new.with.len());
            for id in &new.with {
                others.push(
                    tx.person(*id)?
                        .ok_or_else(|| Error::not_found("person", id))?,
                );
            }
            let service_user = messaging::service_user_of(&me, &others)?;
            let now = self.clock.now();
            let mut providers = Vec::new();
            let mut memberships = Vec::new();
            for person in std::iter::once(&me).chain(&others) {
                if person.role != Role::Provider {
                    continue;
                }
                let membership = self
                    .current_membership(tx, service_user, person.id)?
                    .filter(|m| m.status == TeamStatus::Active);
                let Some(membership) = membership else {
                    if person.id == me.id {
                        let event = AccessEvent {
                            at: now,
                            actor: me.id,
                            subject: service_user,
                            action: AccessAction::StartConversation,
                            scope: None,
                            counterpart: None,
                            target: None,
                            level: None,
                            outcome: Outcome::Denied(DenyReason::NoCareTeam),
                            moderation_reason: None,
                        };
                        self.log(tx, event)?;
                        return Err(Error::PermissionDenied(DenyReason::NoCareTeam));
                    }
                    return Err(Error::NotInCareTeam {
                        provider: person.id.to_string(),
                    });
                };
                providers.push(ConversationProvider {
                    provider: person.id,
                    membership: membership.id,
                });
                memberships.push(membership);
            }
            let conversation = Conversation {
                id: ConversationId::new(),
                service_user,
                providers,
                subject,
                started_by: me.id,
                started_at: now,
                last_seq: 0,
                last_message_at: now,
            };
            tx.insert_conversation(&conversation)?;
            let started = Attempt::new(AccessAction::StartConversation, conversation.id.as_uuid());
            let event = self.conversation_event(me.id, &conversation, started, Outcome::Allowed);
            self.log(tx, event)?;
            let mut facts = Facts {
                conversation,
                memberships,
            };
            let message = self.post(tx, &me, &facts, body, &new.message.attachments)?;
            facts.conversation.last_seq = message.seq;
            facts.conversation.last_message_at = message.sent_at;
            Ok(Started {
                conversation: facts.conversation,
                message,
            })
        })
    }

    /// Sends a message in a conversation. The service user may send while at least one of its
    /// providers is still in the team ([`Error::ConversationClosed`] after); a provider while
    /// the membership that let them in is active. Sending marks the conversation read up to the
    /// message sent. The message, its snapshots, the feed entries and the access-log entries
    /// commit together.
    pub fn send_message(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        message: NewMessage,
    ) -> Result<Message> {
        let body = self.message_body(&message.body)?;
        Self::check_attachments(&message.attachments)?;
        self.write(|tx| {
            let me = acting(tx, actor)?;
            let facts = self.conversation_facts(tx, conversation)?;
            let attempt = Attempt::new(AccessAction::SendMessage, conversation.as_uuid());
            self.enter(tx, &me, &facts, ConversationAction::Post, attempt)?;
            self.post(tx, &me, &facts, body, &message.attachments)
        })
    }

    /// A page of a conversation, newest message first: the newest `limit` messages (0 means
    /// [`MESSAGE_PAGE_DEFAULT`], at most [`MESSAGE_PAGE_MAX`]), or those before `before` (a
    /// previous page's [`MessagePage::next`]). Reading does not mark messages read; see
    /// [`Portal::mark_read`]. A provider's read is logged.
    pub fn messages(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        before: Option<u64>,
        limit: usize,
    ) -> Result<MessagePage> {
        let limit = page_limit(limit)?;
        self.write(|tx| {
            let me = acting(tx, actor)?;
            let facts = self.conversation_facts(tx, conversation)?;
            let attempt = Attempt::new(AccessAction::ReadMessages, conversation.as_uuid());
            self.enter(tx, &me, &facts, ConversationAction::Read, attempt.clone())?;
            let mut messages = tx.messages(&MessageQuery {
                conversation,
                before_seq: before,
                limit: limit + 1,
            })?;
            let next = if messages.len() > limit {
                messages.truncate(limit);
                messages.last().map(|m| m.seq)
            } else {
                None
            };
            self.log_read(tx, &me, &facts.conversation, attempt)?;
            let read_seq = tx.read_seq(conversation, me.id)?.unwrap_or(0);
            let overview = self.overview(tx, &me, facts, read_seq, &mut HashMap::new())?;
            Ok(MessagePage {
                conversation: overview,
                messages,
                next,
            })
        })
    }

    /// One snapshot attached to a message, for anyone who may read its conversation, whatever
    /// the sharing grants say. A provider's read is logged with the snapshot's scope.
    pub fn attachment(&self, actor: &Actor, id: AttachmentId) -> Result<Attachment> {
        self.write(|tx| {
            let me = acting(tx, actor)?;
            let attachment = tx
                .attachment(id)?
                .ok_or_else(|| Error::not_found(AttachmentId::kind(), id))?;
            let facts = self.conversation_facts(tx, attachment.conversation)?;
            let attempt = Attempt::new(AccessAction::ReadAttachment, id.as_uuid())
                .in_scope(attachment.snapshot.scope());
            self.enter(tx, &me, &facts, ConversationAction::Read, attempt.clone())?;
            self.log_read(tx, &me, &facts.conversation, attempt)?;
            Ok(attachment)
        })
    }

    /// Marks a conversation read up to and including message `through` (a `seq`, at most the
    /// last one). A mark never moves back. Returns how many messages are still unread.
    pub fn mark_read(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        through: u64,
    ) -> Result<u64> {
        self.write(|tx| {
            let me = acting(tx, actor)?;
            let facts = self.conversation_facts(tx, conversation)?;
            let attempt = Attempt::new(AccessAction::ReadMessages, conversation.as_uuid());
            self.enter(tx, &me, &facts, ConversationAction::Read, attempt)?;
            let last = facts.conversation.last_seq;
            if through > last {
                return Err(Error::invalid(
                    "read.through",
                    Problem::OutOfRange {
                        min: 0,
                        max: i64::try_from(last).unwrap_or(i64::MAX),
                    },
                ));
            }
            let current = tx.read_seq(conversation, me.id)?.unwrap_or(0);
            if through > current {
                tx.set_read_seq(conversation, me.id, through)?;
            }
            Ok(last.saturating_sub(current.max(through)))
        })
    }

    /// The acting person's conversations, the most recently active first, with unread counts:
    /// for a service user all of theirs; for a provider those whose membership is still active.
    pub fn inbox(&self, actor: &Actor) -> Result<Inbox> {
        self.read(|tx| {
            let me = acting(tx, actor)?;
            let participations = Self::readable_participations(tx, &me)?;
            let mut people = HashMap::new();
            let mut conversations = Vec::with_capacity(participations.len());
            for p in participations {
                let facts = self.conversation_facts(tx, p.conversation)?;
                conversations.push(self.overview(tx, &me, facts, p.read_seq, &mut people)?);
            }
            conversations.sort_by(|a, b| {
                let key =
                    |o: &ConversationOverview| (o.conversation.last_message_at, o.conversation.id);
                key(b).cmp(&key(a))
            });
            let unread_total = conversations.iter().map(|c| c.unread).sum();
            Ok(Inbox {
                conversations,
                unread_total,
            })
        })
    }

    /// The acting person's unread messages per conversation and in total, over the
    /// conversations they may read (as [`Portal::inbox`]).
    pub fn unread_counts(&self, actor: &Actor) -> Result<UnreadCounts> {
        self.read(|tx| {
            let me = acting(tx, actor)?;
            let conversations: Vec<UnreadCount> = Self::readable_participations(tx, &me)?
                .into_iter()
                .filter(|p| p.unread() > 0)
                .map(|p| UnreadCount {
                    conversation: p.conversation,
                    unread: p.unread(),
                })
                .collect();
            let total = conversations.iter().map(|c| c.unread).sum();
            Ok(UnreadCounts {
                conversations,
                total,
            })
        })
    }
}

/// A page size: 0 means the default; more than the maximum is refused.
fn page_limit(limit: usize) -> Result<usize> {
    match limit {
        0 => Ok(MESSAGE_PAGE_DEFAULT),
        n if n <= MESSAGE_PAGE_MAX => Ok(n),
        _ => Err(Error::invalid(
            "messages.limit",
            Problem::OutOfRange {
                min: 1,
                max: MESSAGE_PAGE_MAX as i64,
            },
        )),
    }
}
