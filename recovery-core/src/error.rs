//! The errors every [`Portal`](crate::Portal) call can return.
//!
//! Errors name fields, kinds and ids, never the text a person wrote: they end up in host logs and
//! crash reports, and health text must not.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::store::StoreError;

/// Everything that can go wrong in a portal call. A call that returns an error has changed
/// nothing, except that a denied access is written to the access log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input broke a documented rule.
    #[error("invalid {field}: {problem}")]
    Invalid {
        /// The field, as named in the input type (e.g. `goal.title`).
        field: &'static str,
        /// What is wrong with it.
        problem: Problem,
    },
    /// An id names nothing the portal knows (or nothing of the kind expected).
    #[error("{kind} {id} not found")]
    NotFound {
        /// What kind of thing was looked for.
        kind: &'static str,
        /// The id that was given.
        id: String,
    },
    /// The acting person has no account.
    #[error("unknown actor {0}")]
    UnknownActor(String),
    /// The acting person may not do this.
    #[error("permission denied: {0}")]
    PermissionDenied(DenyReason),
    /// The change is not allowed from the item's current state.
    #[error("{kind} cannot go from {from} to {to}")]
    InvalidTransition {
        /// What kind of thing.
        kind: &'static str,
        /// Its current state.
        from: &'static str,
        /// The state asked for.
        to: &'static str,
    },
    /// The provider is not an active member of the service user's care team.
    #[error("provider {provider} is not in the care team")]
    NotInCareTeam {
        /// The provider named.
        provider: String,
    },
    /// Too many posts or flags in too short a time. Nothing was written.
    #[error("rate limited: no more {action} until {retry_after_secs} s from now")]
    RateLimited {
        /// What was limited: `post` or `flag`.
        action: &'static str,
        /// How many seconds until the next one is allowed (at least 1).
        retry_after_secs: u64,
    },
    /// The acting forum member is suspended: they may read, but not post, edit or flag.
    #[error("suspended from the forum until {}", until.map_or_else(|| "further notice".to_owned(), |t| t.to_rfc3339()))]
    Suspended {
        /// When the suspension ends by itself; `None` means permanent.
        until: Option<DateTime<Utc>>,
    },
    /// The thread is locked: only moderators may post in it.
    #[error("forum thread {thread} is locked")]
    ThreadLocked {
        /// The thread.
        thread: String,
    },
    /// The post can no longer be edited by its author.
    #[error("the edit window of {minutes} minutes has passed")]
    EditWindowClosed {
        /// The configured window.
        minutes: u32,
    },
    /// Nobody in the conversation but the service user is still in their care team: the
    /// conversation can be read, but not written to.
    #[error("conversation {conversation} is closed: none of its providers is in the care team")]
    ConversationClosed {
        /// The conversation.
        conversation: String,
    },
    /// A cursor this portal did not hand to the acting person, or can no longer use.
    #[error("invalid cursor: {0}")]
    InvalidCursor(CursorProblem),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Error {
    /// An [`Error::NotFound`] for a typed id.
    pub fn not_found(kind: &'static str, id: impl fmt::Display) -> Self {
        Error::NotFound {
            kind,
            id: id.to_string(),
        }
    }

    pub(crate) fn invalid(field: &'static str, problem: Problem) -> Self {
        Error::Invalid { field, problem }
    }
}

/// What is wrong with an input field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// Empty, or only whitespace, where text is required.
    #[error("must not be empty")]
    Empty,
    /// Longer than allowed.
    #[error("is {actual} characters; at most {max} are allowed")]
    TooLong {
        /// The limit.
        max: usize,
        /// The length given (after normalisation).
        actual: usize,
    },
    /// Contains a control character (other than newline and tab in bodies) or a bidirectional
    /// override.
    #[error("contains a forbidden character (U+{code:04X}) at character {position}")]
    ForbiddenCharacter {
        /// The code point.
        code: u32,
        /// Its position, counted in characters from 0.
        position: usize,
    },
    /// A number outside its range.
    #[error("must be between {min} and {max}")]
    OutOfRange {
        /// The smallest allowed value.
        min: i64,
        /// The largest allowed value.
        max: i64,
    },
    /// A number that is not finite.
    #[error("must be a finite number")]
    NotFinite,
    /// A date outside the range the portal accepts.
    #[error("is not a plausible date")]
    ImplausibleDate,
    /// Something that may appear only once appears twice.
    #[error("contains a duplicate")]
    Duplicate,
    /// A value of the wrong kind (e.g. yes/no for a numeric measure).
    #[error("does not match the expected kind ({expected})")]
    WrongKind {
        /// The kind expected.
        expected: &'static str,
    },
    /// A value that is not one the portal knows (e.g. an unknown catalogue key).
    #[error("is not a known value")]
    Unknown,
    /// The person named has the wrong role for this (e.g. inviting someone who is not a
    /// provider).
    #[error("names a person whose role is not {expected}")]
    WrongRole {
        /// The role needed.
        expected: &'static str,
    },
    /// A value that must be given is missing, or one that must not be given is present.
    #[error("{0}")]
    Inconsistent(&'static str),
    /// Shorter than allowed.
    #[error("is {actual} characters; at least {min} are needed")]
    TooShort {
        /// The limit.
        min: usize,
        /// The length given (after normalisation).
        actual: usize,
    },
    /// Another holds this value, or one that looks the same (a forum pseudonym).
    #[error("is taken, or looks too much like one that is")]
    Taken,
    /// Looks like contact details (`email` or `phone`).
    #[error("looks like contact details ({kind})")]
    ContactDetails {
        /// What it looks like: `email` or `phone`.
        kind: &'static str,
    },
    /// Has a run of more digits than allowed (an id, account or phone number).
    #[error("has a run of more than {max} digits")]
    DigitRun {
        /// The longest run allowed.
        max: usize,
    },
    /// Contains the person's registered name.
    #[error("contains the person's name")]
    RevealsName,
    /// Names something of someone else's where only the person's own will do (e.g. attaching
    /// another person's toolbox item to a message).
    #[error("names something the person does not own")]
    NotOwned,
}

/// Why a cursor was refused. Whatever the reason, nothing was read or changed; an app that
/// gets one starts again without a cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum CursorProblem {
    /// Not a cursor at all: the wrong length or characters.
    #[error("not a cursor")]
    Malformed,
    /// A cursor format this version of the library does not read.
    #[error("a cursor format this library does not know")]
    UnknownVersion,
    /// Issued to someone else, for something else, or damaged: its checksum does not match.
    #[error("not a cursor issued to this person")]
    NotOurs,
    /// Points past the newest change: it comes from another database, or from before this one
    /// was restored from an older backup.
    #[error("points past the newest change")]
    Ahead,
}

/// Why an action was denied. Part of the answer, and of the access log.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DenyReason {
    /// The data belongs to someone else, who has not shared it with the actor.
    #[error("not shared with the actor")]
    NotShared,
    /// The actor's role may not do this at all.
    #[error("the actor's role may not do this")]
    WrongRole,
    /// The actor is not an active member of the owner's care team.
    #[error("no active care team between the actor and the owner")]
    NoCareTeam,
    /// The grant that allowed this has expired.
    #[error("the grant has expired")]
    GrantExpired,
    /// Only the owner may change their toolbox; providers propose instead.
    #[error("only the owner may change this")]
    OwnerOnly,
    /// The actor is not the person this invitation, proposal or team is for.
    #[error("the actor is not a party to this")]
    NotAParty,
    /// The actor has not joined the forum.
    #[error("the actor has not joined the forum")]
    NotAMember,
}

impl DenyReason {
    /// Every reason.
    pub const ALL: [DenyReason; 7] = [
        DenyReason::NotShared,
        DenyReason::WrongRole,
        DenyReason::NoCareTeam,
        DenyReason::GrantExpired,
        DenyReason::OwnerOnly,
        DenyReason::NotAParty,
        DenyReason::NotAMember,
    ];

    /// Parses [`DenyReason::as_str`] back.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// A stable machine name, used in the access log.
    pub const fn as_str(self) -> &'static str {
        match self {
            DenyReason::NotShared => "not-shared",
            DenyReason::WrongRole => "wrong-role",
            DenyReason::NoCareTeam => "no-care-team",
            DenyReason::GrantExpired => "grant-expired",
            DenyReason::OwnerOnly => "owner-only",
            DenyReason::NotAParty => "not-a-party",
            DenyReason::NotAMember => "not-a-member",
        }
    }
}

/// The result of a portal call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
