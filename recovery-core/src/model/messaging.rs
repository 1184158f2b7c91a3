//! Secure messaging: conversations between a service user and providers in their care team,
//! immutable messages, snapshots of toolbox items attached to them, and read state.
//!
//! Messages are numbered within their conversation from 1 without gaps (`seq`). A participant's
//! read state is the number of the last message they have read, so the unread count of a
//! conversation is `last_seq - read_seq`: sending marks the conversation read up to the message
//! sent, so the messages after a participant's mark are never their own.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{
    ActivityId, AttachmentId, ConversationId, CrisisPlanId, GoalId, ItemId, MedicationId,
    MembershipId, MessageId, StatusId, UserId,
};
use super::team::Scope;
use super::toolbox::{Activity, CrisisPlan, Goal, Item, Medication, StatusEntry};

/// A provider in a conversation, with the care-team membership that let them in. When that
/// membership ends, the provider loses the conversation; inviting them again makes a new
/// membership, which does not bring old conversations back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ConversationProvider {
    /// The provider.
    pub provider: UserId,
    /// Their membership of the service user's care team when the conversation started.
    pub membership: MembershipId,
}

/// A conversation between one service user and one or more providers in their care team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    /// Its id.
    pub id: ConversationId,
    /// The service user: the conversation is about them and always stays theirs.
    pub service_user: UserId,
    /// The providers, in the order they were named.
    pub providers: Vec<ConversationProvider>,
    /// What it is about (a title, may be empty).
    pub subject: String,
    /// Who started it: the service user or one of the providers.
    pub started_by: UserId,
    /// When it was started.
    pub started_at: DateTime<Utc>,
    /// How many messages it holds: the `seq` of the last one, 0 before the first.
    pub last_seq: u64,
    /// When the last message was sent (`started_at` before the first).
    pub last_message_at: DateTime<Utc>,
}

impl Conversation {
    /// Everyone in it: the service user first, then the providers.
    pub fn participants(&self) -> impl Iterator<Item = UserId> + '_ {
        std::iter::once(self.service_user).chain(self.providers.iter().map(|p| p.provider))
    }

    /// Whether a person takes part in it.
    pub fn has_participant(&self, person: UserId) -> bool {
        self.participants().any(|p| p == person)
    }

    /// A provider's seat in it, if they have one.
    pub fn provider(&self, provider: UserId) -> Option<&ConversationProvider> {
        self.providers.iter().find(|p| p.provider == provider)
    }
}

/// A message. Messages are never changed once sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Its id.
    pub id: MessageId,
    /// The conversation it belongs to.
    pub conversation: ConversationId,
    /// Its place in the conversation: 1 for the first message, one more for each after it.
    pub seq: u64,
    /// Who wrote it.
    pub author: UserId,
    /// The text (a body).
    pub body: String,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
    /// What is attached, in the order attached. Read each with `Portal::attachment`.
    pub attachments: Vec<AttachmentInfo>,
}

/// What kind of toolbox snapshot an attachment holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SnapshotKind {
    /// The medication list.
    Medications,
    /// A goal with its activities.
    Goal,
    /// The crisis plan.
    CrisisPlan,
    /// A status entry.
    Status,
}

impl SnapshotKind {
    /// Every kind.
    pub const ALL: [SnapshotKind; 4] = [
        SnapshotKind::Medications,
        SnapshotKind::Goal,
        SnapshotKind::CrisisPlan,
        SnapshotKind::Status,
    ];

    /// A stable machine name, used in storage.
    pub const fn as_str(self) -> &'static str {
        match self {
            SnapshotKind::Medications => "medications",
            SnapshotKind::Goal => "goal",
            SnapshotKind::CrisisPlan => "crisis-plan",
            SnapshotKind::Status => "status",
        }
    }

    /// Parses [`SnapshotKind::as_str`] back.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An attachment as a message lists it: enough to show it, not its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AttachmentInfo {
    /// The attachment's id.
    pub id: AttachmentId,
    /// What it holds.
    pub kind: SnapshotKind,
    /// The toolbox item it was taken from (`None` for the medication list, which is many).
    pub source: Option<ItemId>,
}

/// A copy of toolbox items as they were when the message was sent. Later changes to the items
/// do not reach it, and the conversation's participants see it whatever the sharing grants say.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Snapshot {
    /// The whole medication list.
    Medications {
        /// The medications, oldest first (may be empty: "I take none").
        medications: Vec<Item<MedicationId, Medication>>,
    },
    /// A goal with its activities.
    Goal {
        /// The goal.
        goal: Item<GoalId, Goal>,
        /// Its activities, oldest first.
        activities: Vec<Item<ActivityId, Activity>>,
    },
    /// The crisis plan.
    CrisisPlan {
        /// The plan.
        crisis_plan: Item<CrisisPlanId, CrisisPlan>,
    },
    /// One status entry of a life domain.
    Status {
        /// The entry.
        status: Item<StatusId, StatusEntry>,
    },
}

impl Snapshot {
    /// What kind of snapshot this is.
    pub const fn kind(&self) -> SnapshotKind {
        match self {
            Snapshot::Medications { .. } => SnapshotKind::Medications,
            Snapshot::Goal { .. } => SnapshotKind::Goal,
            Snapshot::CrisisPlan { .. } => SnapshotKind::CrisisPlan,
            Snapshot::Status { .. } => SnapshotKind::Status,
        }
    }

    /// The item it was taken from (`None` for the medication list).
    pub fn source(&self) -> Option<ItemId> {
        match self {
            Snapshot::Medications { .. } => None,
            Snapshot::Goal { goal, .. } => Some(goal.id.item()),
            Snapshot::CrisisPlan { crisis_plan } => Some(crisis_plan.id.item()),
            Snapshot::Status { status } => Some(status.id.item()),
        }
    }

    /// The sharing scope its content comes from, for the access log.
    pub fn scope(&self) -> Scope {
        match self {
            Snapshot::Medications { .. } => Scope::Medications,
            Snapshot::Goal { goal, .. } => Scope::Domain(goal.content.domain.clone()),
            Snapshot::CrisisPlan { .. } => Scope::CrisisPlan,
            Snapshot::Status { status } => Scope::Domain(status.content.domain.clone()),
        }
    }
}

/// A snapshot attached to a message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    /// Its id.
    pub id: AttachmentId,
    /// The message it is attached to.
    pub message: MessageId,
    /// The message's conversation.
    pub conversation: ConversationId,
    /// Whose toolbox it was taken from: always the message's author.
    pub owner: UserId,
    /// When it was taken (the message's send time).
    pub taken_at: DateTime<Utc>,
    /// What it holds.
    pub snapshot: Snapshot,
}

impl Attachment {
    /// How a message lists this attachment.
    pub fn info(&self) -> AttachmentInfo {
        AttachmentInfo {
            id: self.id,
            kind: self.snapshot.kind(),
            source: self.snapshot.source(),
        }
    }
}

/// One person's place in one conversation, with what a list of conversations needs to know
/// about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participation {
    /// The conversation.
    pub conversation: ConversationId,
    /// Its service user.
    pub service_user: UserId,
    /// The person's membership in it, if they are one of its providers.
    pub membership: Option<MembershipId>,
    /// The `seq` of the last message the person has read (0: none).
    pub read_seq: u64,
    /// The `seq` of the conversation's last message (0: none).
    pub last_seq: u64,
    /// When the last message was sent.
    pub last_message_at: DateTime<Utc>,
}

impl Participation {
    /// How many messages the person has not read.
    pub const fn unread(&self) -> u64 {
        self.last_seq.saturating_sub(self.read_seq)
    }
}
