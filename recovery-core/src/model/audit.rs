//! The access log: who touched whose data, when, and whether it was allowed.
//!
//! Entries hold ids, scopes, actions and outcomes, never health text, so the log can be kept
//! (and its chain verified) even after a person's toolbox is erased.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::forum::ForumReason;
use super::ids::UserId;
use super::team::{Level, Scope};
use crate::error::DenyReason;

/// What was done or attempted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessAction {
    /// Read data in a scope.
    View,
    /// Tried to change another person's toolbox.
    Change,
    /// Invited a provider.
    Invite,
    /// Accepted an invitation.
    Accept,
    /// Declined an invitation.
    Decline,
    /// Ended a care-team membership.
    End,
    /// Shared a scope at a level.
    Grant,
    /// Stopped sharing a scope.
    Revoke,
    /// Proposed a goal or activity.
    Propose,
    /// Commented on an item.
    Comment,
    /// Accepted a proposal.
    AcceptProposal,
    /// Rejected a proposal.
    RejectProposal,
    /// A moderator approved a held or flagged forum post.
    ForumApprove,
    /// A moderator hid a forum post.
    ForumHide,
    /// A moderator edited a forum post.
    ForumEdit,
    /// A moderator locked a forum thread.
    ForumLock,
    /// A moderator unlocked a forum thread.
    ForumUnlock,
    /// A moderator warned a forum member.
    ForumWarn,
    /// A moderator suspended a forum member.
    ForumSuspend,
    /// A moderator lifted a forum member's suspension.
    ForumLift,
    /// Started a conversation (the target is the conversation).
    StartConversation,
    /// Sent a message (the target is the message).
    SendMessage,
    /// Attached a snapshot of toolbox items to a message (the target is the attachment, the
    /// scope where its content comes from).
    Attach,
    /// Read a conversation's messages (the target is the conversation).
    ReadMessages,
    /// Read an attachment (the target is the attachment, the scope where its content comes
    /// from).
    ReadAttachment,
}

impl AccessAction {
    /// Every action.
    pub const ALL: [AccessAction; 25] = [
        AccessAction::View,
        AccessAction::Change,
        AccessAction::Invite,
        AccessAction::Accept,
        AccessAction::Decline,
        AccessAction::End,
        AccessAction::Grant,
        AccessAction::Revoke,
        AccessAction::Propose,
        AccessAction::Comment,
        AccessAction::AcceptProposal,
        AccessAction::RejectProposal,
        AccessAction::ForumApprove,
        AccessAction::ForumHide,
        AccessAction::ForumEdit,
        AccessAction::ForumLock,
        AccessAction::ForumUnlock,
        AccessAction::ForumWarn,
        AccessAction::ForumSuspend,
        AccessAction::ForumLift,
        AccessAction::StartConversation,
        AccessAction::SendMessage,
        AccessAction::Attach,
        AccessAction::ReadMessages,
        AccessAction::ReadAttachment,
    ];

    /// A stable machine name, used in storage and in the hash.
    pub const fn as_str(self) -> &'static str {
        match self {
            AccessAction::View => "view",
            AccessAction::Change => "change",
            AccessAction::Invite => "invite",
            AccessAction::Accept => "accept",
            AccessAction::Decline => "decline",
            AccessAction::End => "end",
            AccessAction::Grant => "grant",
            AccessAction::Revoke => "revoke",
            AccessAction::Propose => "propose",
            AccessAction::Comment => "comment",
            AccessAction::AcceptProposal => "accept-proposal",
            AccessAction::RejectProposal => "reject-proposal",
            AccessAction::ForumApprove => "forum-approve",
            AccessAction::ForumHide => "forum-hide",
            AccessAction::ForumEdit => "forum-edit",
            AccessAction::ForumLock => "forum-lock",
            AccessAction::ForumUnlock => "forum-unlock",
            AccessAction::ForumWarn => "forum-warn",
            AccessAction::ForumSuspend => "forum-suspend",
            AccessAction::ForumLift => "forum-lift",
            AccessAction::StartConversation => "start-conversation",
            AccessAction::SendMessage => "send-message",
            AccessAction::Attach => "attach",
            AccessAction::ReadMessages => "read-messages",
            AccessAction::ReadAttachment => "read-attachment",
        }
    }

    /// Parses [`AccessAction::as_str`] back.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Whether the action was allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome", content = "reason")]
pub enum Outcome {
    /// It went ahead.
    Allowed,
    /// It was refused, for this reason.
    Denied(DenyReason),
}

/// One entry of the access log, as the portal builds it before it is chained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// Who acted.
    pub actor: UserId,
    /// Whose data or team it concerns.
    pub subject: UserId,
    /// What was done.
    pub action: AccessAction,
    /// The scope, where one applies.
    pub scope: Option<Scope>,
    /// The other person involved, e.g. the provider a grant is for.
    pub counterpart: Option<UserId>,
    /// The thing acted on: an item, membership or proposal id.
    pub target: Option<Uuid>,
    /// The level granted, for grants.
    pub level: Option<Level>,
    /// Allowed or denied.
    pub outcome: Outcome,
    /// The reason code of a moderation action (never the moderator's free-text note).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderation_reason: Option<ForumReason>,
}

/// A chained entry of the access log, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntry {
    /// Its position in the log, from 1, without gaps.
    pub seq: u64,
    /// What happened.
    pub event: AccessEvent,
    /// The hash of the entry before it (all zeros for the first).
    pub prev_hash: [u8; 32],
    /// SHA-256 of this entry's canonical encoding, which includes `prev_hash`.
    pub hash: [u8; 32],
}

/// How the chain was found broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BreakKind {
    /// The entry's content no longer matches its hash.
    Edited,
    /// One or more entries before this one are missing.
    Deleted,
    /// This entry was not part of the chain: it links to where the next entry links.
    Inserted,
    /// This entry links to an entry that comes later: entries were moved.
    Reordered,
}

/// The first place where the chain is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainBreak {
    /// The sequence number of the entry where the break shows.
    pub seq: u64,
    /// What kind of break.
    pub kind: BreakKind,
}

/// The result of verifying the access log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    /// How many entries were read.
    pub entries: u64,
    /// The first break, if any: `None` means the chain is intact.
    pub first_break: Option<ChainBreak>,
}

impl ChainReport {
    /// Whether the chain is intact.
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}
