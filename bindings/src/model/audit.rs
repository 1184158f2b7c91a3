//! The access log: who touched whose data, when, and whether it was allowed.

use std::time::SystemTime;

use recovery_core::model::audit as core;

use super::team::{Level, Scope};
use crate::convert::{self, Result, all, timestamp};
use crate::error::DenyReason;

/// What was done or attempted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
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
    /// Attached a snapshot of toolbox items to a message (the target is the attachment).
    Attach,
    /// Read a conversation's messages (the target is the conversation).
    ReadMessages,
    /// Read an attachment (the target is the attachment).
    ReadAttachment,
}

/// Whether the action was allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Outcome {
    /// It went ahead.
    Allowed,
    /// It was refused.
    Denied {
        /// Why.
        reason: DenyReason,
    },
}

/// One entry of the access log.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AccessEvent {
    /// When.
    pub at: SystemTime,
    /// Who acted.
    pub actor: String,
    /// Whose data or team it concerns.
    pub subject: String,
    /// What was done.
    pub action: AccessAction,
    /// The scope, where one applies.
    pub scope: Option<Scope>,
    /// The other person involved, e.g. the provider a grant is for.
    pub counterpart: Option<String>,
    /// The thing acted on: an item, membership or proposal id.
    pub target: Option<String>,
    /// The level granted, for grants.
    pub level: Option<Level>,
    /// Allowed or denied.
    pub outcome: Outcome,
}

/// A chained entry of the access log.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AccessEntry {
    /// Its position in the log, from 1, without gaps.
    pub seq: u64,
    /// What happened.
    pub event: AccessEvent,
    /// The hash of the entry before it, as 64 lowercase hex digits.
    pub prev_hash: String,
    /// SHA-256 of this entry's canonical encoding, as 64 lowercase hex digits.
    pub hash: String,
}

/// What a service user asks of their access log. Every field has a default: all entries, newest
/// first, 50 per page.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AccessLogFilter {
    /// Only entries where this person (e.g. a provider) acted or was named.
    #[uniffi(default = None)]
    pub party: Option<String>,
    /// Only entries about this scope.
    #[uniffi(default = None)]
    pub scope: Option<Scope>,
    /// Only entries at or after this time (the core's `from`).
    #[uniffi(default = None)]
    pub since: Option<SystemTime>,
    /// Only entries before this time.
    #[uniffi(default = None)]
    pub until: Option<SystemTime>,
    /// The cursor from the previous page's `next`.
    #[uniffi(default = None)]
    pub before: Option<u64>,
    /// Entries per page: 1 to 500 (0 means 50).
    #[uniffi(default = 0)]
    pub limit: u32,
}

/// One page of the access log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AccessLogPage {
    /// The entries.
    pub entries: Vec<AccessEntry>,
    /// Pass as `AccessLogFilter.before` for the next page; none on the last page.
    pub next: Option<u64>,
}

/// How the chain was found broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum BreakKind {
    /// The entry's content no longer matches its hash.
    Edited,
    /// One or more entries before this one are missing.
    Deleted,
    /// This entry was not part of the chain.
    Inserted,
    /// Entries were moved.
    Reordered,
}

/// The first place where the chain is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ChainBreak {
    /// The sequence number of the entry where the break shows.
    pub seq: u64,
    /// What kind of break.
    pub kind: BreakKind,
}

/// The result of verifying the access log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ChainReport {
    /// How many entries were read.
    pub entries: u64,
    /// The first break, if any: none means the chain is intact.
    pub first_break: Option<ChainBreak>,
}

// ----- conversions -------------------------------------------------------------------------------

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl From<core::AccessAction> for AccessAction {
    fn from(a: core::AccessAction) -> Self {
        use core::AccessAction as A;
        match a {
            A::View => AccessAction::View,
            A::Change => AccessAction::Change,
            A::Invite => AccessAction::Invite,
            A::Accept => AccessAction::Accept,
            A::Decline => AccessAction::Decline,
            A::End => AccessAction::End,
            A::Grant => AccessAction::Grant,
            A::Revoke => AccessAction::Revoke,
            A::Propose => AccessAction::Propose,
            A::Comment => AccessAction::Comment,
            A::AcceptProposal => AccessAction::AcceptProposal,
            A::RejectProposal => AccessAction::RejectProposal,
            A::ForumApprove => AccessAction::ForumApprove,
            A::ForumHide => AccessAction::ForumHide,
            A::ForumEdit => AccessAction::ForumEdit,
            A::ForumLock => AccessAction::ForumLock,
            A::ForumUnlock => AccessAction::ForumUnlock,
            A::ForumWarn => AccessAction::ForumWarn,
            A::ForumSuspend => AccessAction::ForumSuspend,
            A::ForumLift => AccessAction::ForumLift,
            A::StartConversation => AccessAction::StartConversation,
            A::SendMessage => AccessAction::SendMessage,
            A::Attach => AccessAction::Attach,
            A::ReadMessages => AccessAction::ReadMessages,
            A::ReadAttachment => AccessAction::ReadAttachment,
        }
    }
}

impl From<core::Outcome> for Outcome {
    fn from(o: core::Outcome) -> Self {
        match o {
            core::Outcome::Allowed => Outcome::Allowed,
            core::Outcome::Denied(reason) => Outcome::Denied {
                reason: reason.into(),
            },
        }
    }
}

impl From<core::AccessEvent> for AccessEvent {
    fn from(e: core::AccessEvent) -> Self {
        Self {
            at: timestamp(e.at),
            actor: e.actor.to_string(),
            subject: e.subject.to_string(),
            action: e.action.into(),
            scope: e.scope.map(Into::into),
            counterpart: e.counterpart.map(|id| id.to_string()),
            target: e.target.map(|id| id.to_string()),
            level: e.level.map(Into::into),
            outcome: e.outcome.into(),
        }
    }
}

impl From<core::AccessEntry> for AccessEntry {
    fn from(e: core::AccessEntry) -> Self {
        Self {
            seq: e.seq,
            prev_hash: hex(&e.prev_hash),
            hash: hex(&e.hash),
            event: e.event.into(),
        }
    }
}

impl AccessLogFilter {
    /// The core's form of this input.
    pub(crate) fn into_core(self) -> Result<recovery_core::AccessLogFilter> {
        Ok(recovery_core::AccessLogFilter {
            party: self
                .party
                .map(|p| convert::id("filter.party", &p))
                .transpose()?,
            scope: self.scope.map(|s| s.into_core()).transpose()?,
            from: convert::optional_moment("filter.since", self.since)?,
            until: convert::optional_moment("filter.until", self.until)?,
            before: self.before,
            limit: convert::limit(self.limit),
        })
    }
}

impl From<recovery_core::AccessLogPage> for AccessLogPage {
    fn from(p: recovery_core::AccessLogPage) -> Self {
        Self {
            entries: all(p.entries),
            next: p.next,
        }
    }
}

impl From<core::BreakKind> for BreakKind {
    fn from(k: core::BreakKind) -> Self {
        match k {
            core::BreakKind::Edited => BreakKind::Edited,
            core::BreakKind::Deleted => BreakKind::Deleted,
            core::BreakKind::Inserted => BreakKind::Inserted,
            core::BreakKind::Reordered => BreakKind::Reordered,
        }
    }
}

impl From<core::ChainReport> for ChainReport {
    fn from(r: core::ChainReport) -> Self {
        Self {
            entries: r.entries,
            first_break: r.first_break.map(|b| ChainBreak {
                seq: b.seq,
                kind: b.kind.into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_cross_as_lowercase_hex() {
        let mut bytes = [0u8; 32];
        bytes[0] = 0xab;
        bytes[31] = 0x01;
        let text = hex(&bytes);
        assert_eq!(text.len(), 64);
        assert!(text.starts_with("ab00"));
        assert!(text.ends_with("0001"));
    }

    #[test]
    fn a_malformed_party_names_the_field() {
        let filter = AccessLogFilter {
            party: Some("someone".into()),
            scope: None,
            since: None,
            until: None,
            before: None,
            limit: 0,
        };
        assert!(matches!(
            filter.into_core(),
            Err(crate::RecoveryError::Invalid { field, .. }) if field == "filter.party"
        ));
    }
}
