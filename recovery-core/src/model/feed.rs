//! The change feed: one ordered list per person of what happened that concerns them (messages in
//! their conversations, proposals made to or by them and decisions on those), so that an app can
//! sync and notify without polling every list.
//!
//! Every change has a sequence number, one more than the change before it in the whole store,
//! given in commit order. A person's feed is the changes addressed to them, in that order; a
//! position in it is a sequence number, which the portal hands out inside an opaque cursor.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{ConversationId, MessageId, ProposalId, UserId};

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ChangeSubject {
    /// A message was sent.
    Message {
        /// Its conversation.
        conversation: ConversationId,
        /// The message.
        message: MessageId,
    },
    /// A provider made a proposal.
    Proposal {
        /// The proposal.
        proposal: ProposalId,
    },
    /// The service user accepted or rejected a proposal.
    Decision {
        /// The proposal.
        proposal: ProposalId,
    },
}

/// The kinds of change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// [`ChangeSubject::Message`].
    Message,
    /// [`ChangeSubject::Proposal`].
    Proposal,
    /// [`ChangeSubject::Decision`].
    Decision,
}

impl ChangeKind {
    /// Every kind.
    pub const ALL: [ChangeKind; 3] = [
        ChangeKind::Message,
        ChangeKind::Proposal,
        ChangeKind::Decision,
    ];

    /// A stable machine name, used in storage.
    pub const fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Message => "message",
            ChangeKind::Proposal => "proposal",
            ChangeKind::Decision => "decision",
        }
    }

    /// Parses [`ChangeKind::as_str`] back.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl ChangeSubject {
    /// The kind of change.
    pub const fn kind(&self) -> ChangeKind {
        match self {
            ChangeSubject::Message { .. } => ChangeKind::Message,
            ChangeSubject::Proposal { .. } => ChangeKind::Proposal,
            ChangeSubject::Decision { .. } => ChangeKind::Decision,
        }
    }
}

/// A change to append to the feed, with everyone whose feed it goes into.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewChange {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What changed.
    pub subject: ChangeSubject,
    /// Whose feeds it goes into, without duplicates.
    pub recipients: Vec<UserId>,
}

/// A change as the feed holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    /// Its sequence number: one more than the change before it in the whole store, from 1.
    pub seq: u64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What changed.
    pub subject: ChangeSubject,
}
