//! Secure messaging and the change feed: conversations between a service user and providers in
//! their care team, messages with snapshots of toolbox items, read state, and what is new since
//! a cursor.
//!
//! Ids are UUID strings, moments are timestamps, message numbers (`seq`) are counted from 1 in
//! each conversation. The change feed's cursor is an opaque string: keep it and hand it back.

use std::time::SystemTime;

use crate::convert::{self, Result, all, timestamp};
use crate::model::people::Role;
use crate::model::team::Proposal;
use crate::model::toolbox::{
    ActivityItem, CrisisPlanItem, GoalItem, MedicationItem, StatusEntryItem,
};

/// What a snapshot attached to a message shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum SnapshotKind {
    /// The medication list, whole.
    Medications,
    /// One goal with its activities.
    Goal,
    /// The crisis plan.
    CrisisPlan,
    /// One status entry.
    Status,
}

/// A toolbox item of the sender's own to attach to a message, as a snapshot taken when it is
/// sent. The recipients may read the snapshot whatever the sender shares with them.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Attach {
    /// The medication list.
    Medications,
    /// A goal, with its activities.
    Goal {
        /// The goal's id.
        goal: String,
    },
    /// The crisis plan.
    CrisisPlan,
    /// A status entry.
    Status {
        /// The status entry's id.
        status: String,
    },
}

/// A message to send.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct NewMessage {
    /// What it says (1 character or more, within the configured limit).
    pub body: String,
    /// Snapshots to attach (at most 10).
    #[uniffi(default = [])]
    pub attachments: Vec<Attach>,
}

/// A conversation to start, with its first message.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct NewConversation {
    /// Everyone in it but the acting person (the core's `with`): the providers a service user
    /// writes to, or the service user (and any other providers) a provider writes to.
    pub others: Vec<String>,
    /// Its subject (may be empty).
    #[uniffi(default = "")]
    pub subject: String,
    /// The first message.
    pub message: NewMessage,
}

/// A provider in a conversation, with the care-team membership that lets them in.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ConversationProvider {
    /// The provider.
    pub provider: String,
    /// Their membership in the service user's care team.
    pub membership: String,
}

/// A conversation between one service user and providers in their care team.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Conversation {
    /// Its id.
    pub id: String,
    /// The service user it is about.
    pub service_user: String,
    /// The providers in it.
    pub providers: Vec<ConversationProvider>,
    /// Its subject (may be empty).
    pub subject: String,
    /// Who started it.
    pub started_by: String,
    /// When.
    pub started_at: SystemTime,
    /// The number of its newest message.
    pub last_seq: u64,
    /// When its newest message was sent.
    pub last_message_at: SystemTime,
}

/// What a message says about one of its snapshots, without the snapshot itself.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AttachmentInfo {
    /// The attachment's id: pass it to `attachment` to read the snapshot.
    pub id: String,
    /// What it shows.
    pub kind: SnapshotKind,
    /// The toolbox item it was taken of; none for the medication list.
    pub source: Option<String>,
}

/// A message in a conversation.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Message {
    /// Its id.
    pub id: String,
    /// Its conversation.
    pub conversation: String,
    /// Its number in the conversation, from 1.
    pub seq: u64,
    /// Who wrote it.
    pub author: String,
    /// What it says.
    pub body: String,
    /// When it was sent.
    pub sent_at: SystemTime,
    /// Its snapshots.
    pub attachments: Vec<AttachmentInfo>,
}

/// The toolbox content of a snapshot, as it was when the message was sent.
#[derive(Clone, Debug, PartialEq, uniffi::Enum)]
pub enum Snapshot {
    /// The medication list.
    Medications {
        /// Every medication on it.
        medications: Vec<MedicationItem>,
    },
    /// A goal with its activities.
    Goal {
        /// The goal.
        goal: GoalItem,
        /// Its activities.
        activities: Vec<ActivityItem>,
    },
    /// The crisis plan.
    CrisisPlan {
        /// The plan.
        crisis_plan: CrisisPlanItem,
    },
    /// A status entry.
    Status {
        /// The entry.
        status: StatusEntryItem,
    },
}

/// A snapshot attached to a message.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct Attachment {
    /// Its id.
    pub id: String,
    /// The message it belongs to.
    pub message: String,
    /// That message's conversation.
    pub conversation: String,
    /// The service user whose toolbox it was taken from.
    pub owner: String,
    /// When it was taken.
    pub taken_at: SystemTime,
    /// What it shows.
    pub snapshot: Snapshot,
}

/// A conversation just started, with its first message.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Started {
    /// The conversation.
    pub conversation: Conversation,
    /// Its first message.
    pub message: Message,
}

/// Someone in a conversation, as its list shows them.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Participant {
    /// The person.
    pub person: String,
    /// Their role.
    pub role: Role,
    /// Their display name.
    pub display_name: String,
    /// Whether they are still in it (a provider who left the care team is not).
    pub active: bool,
}

/// A conversation as the acting person's list shows it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
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
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Inbox {
    /// The conversations they may read.
    pub conversations: Vec<ConversationOverview>,
    /// Unread messages in all of them.
    pub unread_total: u64,
}

/// How many messages of one conversation are unread.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct UnreadCount {
    /// The conversation.
    pub conversation: String,
    /// Its unread messages (at least 1).
    pub unread: u64,
}

/// The acting person's unread messages: a badge's worth, cheaper than the inbox.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct UnreadCounts {
    /// Each conversation with unread messages.
    pub conversations: Vec<UnreadCount>,
    /// Unread messages in all of them.
    pub total: u64,
}

/// One page of a conversation, newest message first.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct MessagePage {
    /// The conversation, as the acting person's list shows it.
    pub conversation: ConversationOverview,
    /// The messages on this page, newest first.
    pub messages: Vec<Message>,
    /// Pass as `before` for the next (older) page; none on the last page.
    pub next: Option<u64>,
}

/// Something new for the acting person in the change feed. The variants are named for what
/// happened so that they do not shadow the record types they carry in Kotlin and Swift.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Change {
    /// A message in one of their conversations.
    MessageSent {
        /// The message.
        message: Message,
    },
    /// A provider proposed something to them (as the service user).
    ProposalMade {
        /// The proposal.
        proposal: Proposal,
    },
    /// The service user decided a proposal the acting provider made.
    ProposalDecided {
        /// The proposal, as decided.
        proposal: Proposal,
    },
}

/// What is new since a cursor.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Changes {
    /// The changes, oldest first.
    pub changes: Vec<Change>,
    /// Hand this to the next `changes_since` call. It works only for the acting person.
    pub cursor: String,
    /// Whether there are more changes past this page: call again at once.
    pub more: bool,
}

impl From<recovery_core::SnapshotKind> for SnapshotKind {
    fn from(k: recovery_core::SnapshotKind) -> Self {
        use recovery_core::SnapshotKind as K;
        match k {
            K::Medications => SnapshotKind::Medications,
            K::Goal => SnapshotKind::Goal,
            K::CrisisPlan => SnapshotKind::CrisisPlan,
            K::Status => SnapshotKind::Status,
        }
    }
}

impl Attach {
    /// Parses the ids in it.
    pub(crate) fn into_core(self) -> Result<recovery_core::Attach> {
        use recovery_core::Attach as A;
        Ok(match self {
            Attach::Medications => A::Medications,
            Attach::Goal { goal } => A::Goal(convert::id("attachment.goal", &goal)?),
            Attach::CrisisPlan => A::CrisisPlan,
            Attach::Status { status } => A::Status(convert::id("attachment.status", &status)?),
        })
    }
}

impl NewMessage {
    /// Parses the ids in its attachments.
    pub(crate) fn into_core(self) -> Result<recovery_core::NewMessage> {
        Ok(recovery_core::NewMessage {
            body: self.body,
            attachments: self
                .attachments
                .into_iter()
                .map(Attach::into_core)
                .collect::<Result<_>>()?,
        })
    }
}

impl NewConversation {
    /// Parses the people's ids and the message.
    pub(crate) fn into_core(self) -> Result<recovery_core::NewConversation> {
        Ok(recovery_core::NewConversation {
            with: self
                .others
                .iter()
                .map(|id| convert::id("conversation.with", id))
                .collect::<Result<_>>()?,
            subject: self.subject,
            message: self.message.into_core()?,
        })
    }
}

impl From<recovery_core::ConversationProvider> for ConversationProvider {
    fn from(p: recovery_core::ConversationProvider) -> Self {
        Self {
            provider: p.provider.to_string(),
            membership: p.membership.to_string(),
        }
    }
}

impl From<recovery_core::Conversation> for Conversation {
    fn from(c: recovery_core::Conversation) -> Self {
        Self {
            id: c.id.to_string(),
            service_user: c.service_user.to_string(),
            providers: all(c.providers),
            subject: c.subject,
            started_by: c.started_by.to_string(),
            started_at: timestamp(c.started_at),
            last_seq: c.last_seq,
            last_message_at: timestamp(c.last_message_at),
        }
    }
}

impl From<recovery_core::AttachmentInfo> for AttachmentInfo {
    fn from(a: recovery_core::AttachmentInfo) -> Self {
        Self {
            id: a.id.to_string(),
            kind: a.kind.into(),
            source: a.source.map(|s| s.to_string()),
        }
    }
}

impl From<recovery_core::Message> for Message {
    fn from(m: recovery_core::Message) -> Self {
        Self {
            id: m.id.to_string(),
            conversation: m.conversation.to_string(),
            seq: m.seq,
            author: m.author.to_string(),
            body: m.body,
            sent_at: timestamp(m.sent_at),
            attachments: all(m.attachments),
        }
    }
}

impl From<recovery_core::Snapshot> for Snapshot {
    fn from(s: recovery_core::Snapshot) -> Self {
        use recovery_core::Snapshot as S;
        match s {
            S::Medications { medications } => Snapshot::Medications {
                medications: all(medications),
            },
            S::Goal { goal, activities } => Snapshot::Goal {
                goal: goal.into(),
                activities: all(activities),
            },
            S::CrisisPlan { crisis_plan } => Snapshot::CrisisPlan {
                crisis_plan: crisis_plan.into(),
            },
            S::Status { status } => Snapshot::Status {
                status: status.into(),
            },
        }
    }
}

impl From<recovery_core::Attachment> for Attachment {
    fn from(a: recovery_core::Attachment) -> Self {
        Self {
            id: a.id.to_string(),
            message: a.message.to_string(),
            conversation: a.conversation.to_string(),
            owner: a.owner.to_string(),
            taken_at: timestamp(a.taken_at),
            snapshot: a.snapshot.into(),
        }
    }
}

impl From<recovery_core::Started> for Started {
    fn from(s: recovery_core::Started) -> Self {
        Self {
            conversation: s.conversation.into(),
            message: s.message.into(),
        }
    }
}

impl From<recovery_core::Participant> for Participant {
    fn from(p: recovery_core::Participant) -> Self {
        Self {
            person: p.person.to_string(),
            role: p.role.into(),
            display_name: p.display_name,
            active: p.active,
        }
    }
}

impl From<recovery_core::ConversationOverview> for ConversationOverview {
    fn from(o: recovery_core::ConversationOverview) -> Self {
        Self {
            conversation: o.conversation.into(),
            participants: all(o.participants),
            unread: o.unread,
            can_post: o.can_post,
        }
    }
}

impl From<recovery_core::Inbox> for Inbox {
    fn from(i: recovery_core::Inbox) -> Self {
        Self {
            conversations: all(i.conversations),
            unread_total: i.unread_total,
        }
    }
}

impl From<recovery_core::UnreadCount> for UnreadCount {
    fn from(c: recovery_core::UnreadCount) -> Self {
        Self {
            conversation: c.conversation.to_string(),
            unread: c.unread,
        }
    }
}

impl From<recovery_core::UnreadCounts> for UnreadCounts {
    fn from(c: recovery_core::UnreadCounts) -> Self {
        Self {
            conversations: all(c.conversations),
            total: c.total,
        }
    }
}

impl From<recovery_core::MessagePage> for MessagePage {
    fn from(p: recovery_core::MessagePage) -> Self {
        Self {
            conversation: p.conversation.into(),
            messages: all(p.messages),
            next: p.next,
        }
    }
}

impl From<recovery_core::Change> for Change {
    fn from(c: recovery_core::Change) -> Self {
        use recovery_core::Change as C;
        match c {
            C::Message { message } => Change::MessageSent {
                message: message.into(),
            },
            C::Proposal { proposal } => Change::ProposalMade {
                proposal: proposal.into(),
            },
            C::Decision { proposal } => Change::ProposalDecided {
                proposal: proposal.into(),
            },
        }
    }
}

impl From<recovery_core::Changes> for Changes {
    fn from(c: recovery_core::Changes) -> Self {
        Self {
            changes: all(c.changes),
            cursor: c.cursor,
            more: c.more,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Problem, RecoveryError};

    fn field_of(error: RecoveryError) -> String {
        match error {
            RecoveryError::Invalid {
                field,
                problem: Problem::MalformedId,
            } => field,
            other => panic!("expected a malformed id, got {other:?}"),
        }
    }

    #[test]
    fn a_malformed_id_in_a_conversation_names_its_field() {
        let message = |attachments| NewMessage {
            body: "Hello".into(),
            attachments,
        };
        let bad_goal = message(vec![Attach::Goal { goal: "x".into() }]);
        assert_eq!(
            field_of(bad_goal.into_core().expect_err("a malformed id")),
            "attachment.goal"
        );
        let bad_status = message(vec![Attach::Status { status: "x".into() }]);
        assert_eq!(
            field_of(bad_status.into_core().expect_err("a malformed id")),
            "attachment.status"
        );
        let bad_person = NewConversation {
            others: vec!["not-a-uuid".into()],
            subject: String::new(),
            message: message(vec![Attach::Medications]),
        };
        assert_eq!(
            field_of(bad_person.into_core().expect_err("a malformed id")),
            "conversation.with"
        );
    }

    #[test]
    fn a_conversation_crosses_with_its_people_and_attachments() {
        let nurse = recovery_core::UserId::new();
        let goal = recovery_core::GoalId::new();
        let new = NewConversation {
            others: vec![nurse.to_string()],
            subject: "Tuesday".into(),
            message: NewMessage {
                body: "Hello".into(),
                attachments: vec![
                    Attach::Medications,
                    Attach::Goal {
                        goal: goal.to_string(),
                    },
                    Attach::CrisisPlan,
                ],
            },
        }
        .into_core()
        .expect("well-formed ids");
        assert_eq!(new.with, vec![nurse]);
        assert_eq!(
            new.message.attachments,
            vec![
                recovery_core::Attach::Medications,
                recovery_core::Attach::Goal(goal),
                recovery_core::Attach::CrisisPlan,
            ]
        );
    }
}
