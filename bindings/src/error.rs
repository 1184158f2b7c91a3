//! The error every exported call can raise, with the same kinds as [`recovery_core::Error`].
//!
//! Each kind arrives in Kotlin, Swift and Python as its own exception class (a subclass of
//! `RecoveryException` in Kotlin, a case of `RecoveryError` in Swift, a subclass of
//! `RecoveryError` in Python), carrying the same facts as in Rust: field names, kinds and ids,
//! never the text a person wrote.

use std::time::SystemTime;

use recovery_core::store::StoreError;

/// Everything that can go wrong in a call.
#[derive(Clone, Debug, PartialEq, thiserror::Error, uniffi::Error)]
pub enum RecoveryError {
    /// An input broke a documented rule, or could not be read (a malformed id, date or domain).
    #[error("invalid {field}: {problem}")]
    Invalid {
        /// The field, as named in the input type (e.g. `goal.title`), or the argument's name.
        field: String,
        /// What is wrong with it.
        problem: Problem,
    },
    /// An id names nothing the portal knows (or nothing of the kind expected).
    #[error("{kind} {id} not found")]
    NotFound {
        /// What kind of thing was looked for (e.g. `goal`).
        kind: String,
        /// The id that was given.
        id: String,
    },
    /// The acting person has no account.
    #[error("unknown actor {id}")]
    UnknownActor {
        /// The id given as the actor.
        id: String,
    },
    /// The acting person may not do this.
    #[error("permission denied: {reason}")]
    PermissionDenied {
        /// Why.
        reason: DenyReason,
    },
    /// The change is not allowed from the item's current state.
    #[error("{kind} cannot go from {from_state} to {to_state}")]
    InvalidTransition {
        /// What kind of thing (e.g. `goal`).
        kind: String,
        /// Its current state (e.g. `rejected`).
        from_state: String,
        /// The state asked for.
        to_state: String,
    },
    /// The provider is not an active member of the service user's care team.
    #[error("provider {provider} is not in the care team")]
    NotInCareTeam {
        /// The provider named.
        provider: String,
    },
    /// Too many forum posts or flags in too short a time. Nothing was written.
    #[error("rate limited: no more {action} until {retry_after_secs} s from now")]
    RateLimited {
        /// What was limited: `post` or `flag`.
        action: String,
        /// How many seconds until the next one is allowed (at least 1).
        retry_after_secs: u64,
    },
    /// The acting forum member is suspended: they may read, but not post, edit or flag.
    #[error("suspended from the forum")]
    Suspended {
        /// When the suspension ends by itself; none means permanent.
        until: Option<SystemTime>,
    },
    /// The forum thread is locked: only moderators may post in it.
    #[error("forum thread {thread} is locked")]
    ThreadLocked {
        /// The thread.
        thread: String,
    },
    /// The forum post can no longer be edited by its author.
    #[error("the edit window of {minutes} minutes has passed")]
    EditWindowClosed {
        /// The configured window.
        minutes: u32,
    },
    /// Nobody in the conversation but the service user is still in their care team: it can be
    /// read, but not written to. Nothing was written.
    #[error("conversation {conversation} is closed")]
    ConversationClosed {
        /// The conversation.
        conversation: String,
    },
    /// A change-feed cursor this portal did not hand to the acting person, or can no longer
    /// use. Nothing was read; start again without a cursor.
    #[error("invalid cursor: {problem}")]
    InvalidCursor {
        /// Why it was refused.
        problem: CursorProblem,
    },
    /// The store failed.
    #[error("storage ({kind}): {detail}")]
    Storage {
        /// What kind of failure.
        kind: StorageKind,
        /// What the store reported: paths, engine messages and ids, never health text.
        detail: String,
    },
    /// An error of a kind this version of the bindings does not know yet: the core library has
    /// a newer kind than the bindings were built for. Reaching it is a bug in the bindings.
    #[error("unexpected error: {detail}")]
    Unexpected {
        /// The core library's description (ids and kinds only).
        detail: String,
    },
}

/// What is wrong with an input field.
#[derive(Clone, Debug, PartialEq, thiserror::Error, uniffi::Enum)]
pub enum Problem {
    /// Empty, or only whitespace, where text is required.
    #[error("must not be empty")]
    Empty,
    /// Longer than allowed, in characters after NFC normalisation.
    #[error("is {actual} characters; at most {max} are allowed")]
    TooLong {
        /// The limit.
        max: u64,
        /// The length given.
        actual: u64,
    },
    /// Contains a control character (other than newline and tab in bodies) or a bidirectional
    /// override.
    #[error("contains a forbidden character (U+{code:04X}) at character {position}")]
    ForbiddenCharacter {
        /// The code point.
        code: u32,
        /// Its position, counted in characters from 0.
        position: u64,
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
        expected: String,
    },
    /// A value that is not one the portal knows (e.g. an unknown catalogue key).
    #[error("is not a known value")]
    Unknown,
    /// The person named has the wrong role for this (e.g. inviting someone who is not a
    /// provider).
    #[error("names a person whose role is not {expected}")]
    WrongRole {
        /// The role needed.
        expected: String,
    },
    /// A value that must be given is missing, or one that must not be given is present.
    #[error("{reason}")]
    Inconsistent {
        /// Which rule (a fixed sentence, no user text).
        reason: String,
    },
    /// Shorter than allowed.
    #[error("is {actual} characters; at least {min} are needed")]
    TooShort {
        /// The limit.
        min: u64,
        /// The length given.
        actual: u64,
    },
    /// Another holds this value, or one that looks the same (a forum pseudonym).
    #[error("is taken, or looks too much like one that is")]
    Taken,
    /// Looks like contact details (`email` or `phone`).
    #[error("looks like contact details ({kind})")]
    ContactDetails {
        /// What it looks like: `email` or `phone`.
        kind: String,
    },
    /// Has a run of more digits than allowed (an id, account or phone number).
    #[error("has a run of more than {max} digits")]
    DigitRun {
        /// The longest run allowed.
        max: u64,
    },
    /// Contains the person's registered name.
    #[error("contains the person's name")]
    RevealsName,
    /// Names something of someone else's where only the person's own will do (e.g. attaching
    /// another person's toolbox item to a message).
    #[error("names something the person does not own")]
    NotOwned,
    /// Not an id: ids cross the boundary as UUID strings.
    #[error("is not an id (expected a UUID)")]
    MalformedId,
    /// Not a date: dates cross the boundary as `YYYY-MM-DD`.
    #[error("is not a date (expected YYYY-MM-DD)")]
    MalformedDate,
    /// Not a domain reference: `catalogue:KEY` or `own:UUID`, as in `LifeDomain.domain`.
    #[error("is not a domain reference (expected catalogue:KEY or own:UUID)")]
    MalformedDomain,
    /// A problem this version of the bindings does not know yet (see
    /// [`RecoveryError::Unexpected`]).
    #[error("{description}")]
    Other {
        /// The core library's description.
        description: String,
    },
}

/// Why an action was denied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, uniffi::Enum)]
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
    /// A reason this version of the bindings does not know yet.
    #[error("denied for another reason")]
    Other,
}

/// Why a change-feed cursor was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, uniffi::Enum)]
pub enum CursorProblem {
    /// Not a cursor at all: the wrong length or characters.
    #[error("not a cursor")]
    Malformed,
    /// A cursor format this version of the library does not read.
    #[error("a cursor format this library does not know")]
    UnknownVersion,
    /// Issued to someone else, for something else, or damaged.
    #[error("not a cursor issued to this person")]
    NotOurs,
    /// Points past the newest change (another database, or a restored older backup).
    #[error("points past the newest change")]
    Ahead,
    /// A reason this version of the bindings does not know yet.
    #[error("refused for another reason")]
    Other,
}

impl From<recovery_core::CursorProblem> for CursorProblem {
    fn from(problem: recovery_core::CursorProblem) -> Self {
        use recovery_core::CursorProblem as C;
        match problem {
            C::Malformed => CursorProblem::Malformed,
            C::UnknownVersion => CursorProblem::UnknownVersion,
            C::NotOurs => CursorProblem::NotOurs,
            C::Ahead => CursorProblem::Ahead,
            _ => CursorProblem::Other,
        }
    }
}

/// What kind of storage failure happened, after [`StoreError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, uniffi::Enum)]
pub enum StorageKind {
    /// The file is not a database of ours (or not a database at all). It was left untouched.
    #[error("not-a-database")]
    NotADatabase,
    /// The database is damaged. It was left untouched.
    #[error("corrupt")]
    Corrupt,
    /// The key does not open the database (another key, or not an encrypted database). It was
    /// left untouched.
    #[error("wrong-key")]
    WrongKey,
    /// The database is not encrypted, so it cannot be opened or re-keyed with a key.
    #[error("not-encrypted")]
    NotEncrypted,
    /// The database was written by a newer version of this library.
    #[error("too-new")]
    TooNew,
    /// Another writer held the database longer than the busy timeout.
    #[error("busy")]
    Busy,
    /// The disk or the database's size limit is full. Nothing of the call was written.
    #[error("full")]
    Full,
    /// The database cannot be written (read-only file, directory or medium).
    #[error("read-only")]
    ReadOnly,
    /// The file cannot be opened or read.
    #[error("io")]
    Io,
    /// A write broke a rule the store keeps (a duplicate id, a version out of order).
    #[error("conflict")]
    Conflict,
    /// Anything else the backend reported.
    #[error("backend")]
    Backend,
}

impl RecoveryError {
    /// An [`RecoveryError::Invalid`] for a field.
    pub(crate) fn invalid(field: &str, problem: Problem) -> Self {
        RecoveryError::Invalid {
            field: field.to_owned(),
            problem,
        }
    }
}

impl From<recovery_core::Error> for RecoveryError {
    fn from(error: recovery_core::Error) -> Self {
        use recovery_core::Error as E;
        match error {
            E::Invalid { field, problem } => RecoveryError::invalid(field, problem.into()),
            E::NotFound { kind, id } => RecoveryError::NotFound {
                kind: kind.to_owned(),
                id,
            },
            E::UnknownActor(id) => RecoveryError::UnknownActor { id },
            E::PermissionDenied(reason) => RecoveryError::PermissionDenied {
                reason: reason.into(),
            },
            E::InvalidTransition { kind, from, to } => RecoveryError::InvalidTransition {
                kind: kind.to_owned(),
                from_state: from.to_owned(),
                to_state: to.to_owned(),
            },
            E::NotInCareTeam { provider } => RecoveryError::NotInCareTeam { provider },
            E::RateLimited {
                action,
                retry_after_secs,
            } => RecoveryError::RateLimited {
                action: action.to_owned(),
                retry_after_secs,
            },
            E::Suspended { until } => RecoveryError::Suspended {
                until: until.map(crate::convert::timestamp),
            },
            E::ThreadLocked { thread } => RecoveryError::ThreadLocked { thread },
            E::EditWindowClosed { minutes } => RecoveryError::EditWindowClosed { minutes },
            E::ConversationClosed { conversation } => {
                RecoveryError::ConversationClosed { conversation }
            }
            E::InvalidCursor(problem) => RecoveryError::InvalidCursor {
                problem: problem.into(),
            },
            E::Store(store) => store.into(),
            // `Error` is non-exhaustive; a kind added to the core reaches hosts described, not
            // lost, until it gets its own variant here.
            other => RecoveryError::Unexpected {
                detail: other.to_string(),
            },
        }
    }
}

impl From<StoreError> for RecoveryError {
    fn from(error: StoreError) -> Self {
        let kind = match &error {
            StoreError::NotADatabase => StorageKind::NotADatabase,
            StoreError::Corrupt { .. } => StorageKind::Corrupt,
            StoreError::WrongKey => StorageKind::WrongKey,
            StoreError::NotEncrypted => StorageKind::NotEncrypted,
            StoreError::TooNew { .. } => StorageKind::TooNew,
            StoreError::Busy => StorageKind::Busy,
            StoreError::Full => StorageKind::Full,
            StoreError::ReadOnly => StorageKind::ReadOnly,
            StoreError::Io { .. } => StorageKind::Io,
            StoreError::Conflict { .. } => StorageKind::Conflict,
            _ => StorageKind::Backend,
        };
        RecoveryError::Storage {
            kind,
            detail: error.to_string(),
        }
    }
}

impl From<recovery_core::Problem> for Problem {
    fn from(problem: recovery_core::Problem) -> Self {
        use recovery_core::Problem as P;
        // usize always fits in u64 on the platforms UniFFI targets; saturate rather than panic.
        let wide = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        match problem {
            P::Empty => Problem::Empty,
            P::TooLong { max, actual } => Problem::TooLong {
                max: wide(max),
                actual: wide(actual),
            },
            P::ForbiddenCharacter { code, position } => Problem::ForbiddenCharacter {
                code,
                position: wide(position),
            },
            P::OutOfRange { min, max } => Problem::OutOfRange { min, max },
            P::NotFinite => Problem::NotFinite,
            P::ImplausibleDate => Problem::ImplausibleDate,
            P::Duplicate => Problem::Duplicate,
            P::WrongKind { expected } => Problem::WrongKind {
                expected: expected.to_owned(),
            },
            P::Unknown => Problem::Unknown,
            P::WrongRole { expected } => Problem::WrongRole {
                expected: expected.to_owned(),
            },
            P::TooShort { min, actual } => Problem::TooShort {
                min: wide(min),
                actual: wide(actual),
            },
            P::Taken => Problem::Taken,
            P::ContactDetails { kind } => Problem::ContactDetails {
                kind: kind.to_owned(),
            },
            P::DigitRun { max } => Problem::DigitRun { max: wide(max) },
            P::RevealsName => Problem::RevealsName,
            P::NotOwned => Problem::NotOwned,
            P::Inconsistent(reason) => Problem::Inconsistent {
                reason: reason.to_owned(),
            },
            other => Problem::Other {
                description: other.to_string(),
            },
        }
    }
}

impl From<recovery_core::DenyReason> for DenyReason {
    fn from(reason: recovery_core::DenyReason) -> Self {
        match reason {
            recovery_core::DenyReason::NotShared => DenyReason::NotShared,
            recovery_core::DenyReason::WrongRole => DenyReason::WrongRole,
            recovery_core::DenyReason::NoCareTeam => DenyReason::NoCareTeam,
            recovery_core::DenyReason::GrantExpired => DenyReason::GrantExpired,
            recovery_core::DenyReason::OwnerOnly => DenyReason::OwnerOnly,
            recovery_core::DenyReason::NotAParty => DenyReason::NotAParty,
            recovery_core::DenyReason::NotAMember => DenyReason::NotAMember,
            _ => DenyReason::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_kind_maps_to_its_own_kind() {
        let invalid: RecoveryError = recovery_core::Error::Invalid {
            field: "goal.title",
            problem: recovery_core::Problem::Empty,
        }
        .into();
        assert_eq!(
            invalid,
            RecoveryError::invalid("goal.title", Problem::Empty)
        );

        let not_found: RecoveryError = recovery_core::Error::not_found("goal", "abc").into();
        assert_eq!(
            not_found,
            RecoveryError::NotFound {
                kind: "goal".into(),
                id: "abc".into()
            }
        );

        let team: RecoveryError = recovery_core::Error::NotInCareTeam {
            provider: "p1".into(),
        }
        .into();
        assert_eq!(
            team,
            RecoveryError::NotInCareTeam {
                provider: "p1".into()
            }
        );

        let limited: RecoveryError = recovery_core::Error::RateLimited {
            action: "post",
            retry_after_secs: 30,
        }
        .into();
        assert_eq!(
            limited,
            RecoveryError::RateLimited {
                action: "post".into(),
                retry_after_secs: 30
            }
        );
        let suspended: RecoveryError = recovery_core::Error::Suspended { until: None }.into();
        assert_eq!(suspended, RecoveryError::Suspended { until: None });
        let locked: RecoveryError = recovery_core::Error::ThreadLocked {
            thread: "t1".into(),
        }
        .into();
        assert_eq!(
            locked,
            RecoveryError::ThreadLocked {
                thread: "t1".into()
            }
        );
        let window: RecoveryError = recovery_core::Error::EditWindowClosed { minutes: 15 }.into();
        assert_eq!(window, RecoveryError::EditWindowClosed { minutes: 15 });

        let unknown: RecoveryError = recovery_core::Error::UnknownActor("u1".into()).into();
        assert_eq!(unknown, RecoveryError::UnknownActor { id: "u1".into() });

        let denied: RecoveryError =
            recovery_core::Error::PermissionDenied(recovery_core::DenyReason::NotShared).into();
        assert_eq!(
            denied,
            RecoveryError::PermissionDenied {
                reason: DenyReason::NotShared
            }
        );

        let transition: RecoveryError = recovery_core::Error::InvalidTransition {
            kind: "goal",
            from: "rejected",
            to: "active",
        }
        .into();
        assert_eq!(
            transition,
            RecoveryError::InvalidTransition {
                kind: "goal".into(),
                from_state: "rejected".into(),
                to_state: "active".into()
            }
        );

        let closed: RecoveryError = recovery_core::Error::ConversationClosed {
            conversation: "c1".into(),
        }
        .into();
        assert_eq!(
            closed,
            RecoveryError::ConversationClosed {
                conversation: "c1".into()
            }
        );
    }

    #[test]
    fn every_cursor_problem_keeps_its_name() {
        use recovery_core::CursorProblem as C;
        for (core, ours) in [
            (C::Malformed, CursorProblem::Malformed),
            (C::UnknownVersion, CursorProblem::UnknownVersion),
            (C::NotOurs, CursorProblem::NotOurs),
            (C::Ahead, CursorProblem::Ahead),
        ] {
            let error: RecoveryError = recovery_core::Error::InvalidCursor(core).into();
            assert_eq!(error, RecoveryError::InvalidCursor { problem: ours });
        }
    }

    #[test]
    fn a_snapshot_of_another_persons_item_is_not_owned() {
        assert_eq!(
            Problem::from(recovery_core::Problem::NotOwned),
            Problem::NotOwned
        );
    }

    #[test]
    fn store_errors_keep_their_kind_and_description() {
        let cases = [
            (StoreError::NotADatabase, StorageKind::NotADatabase),
            (
                StoreError::Corrupt {
                    detail: "page 3".into(),
                },
                StorageKind::Corrupt,
            ),
            (
                StoreError::TooNew {
                    found: 9,
                    supported: 1,
                },
                StorageKind::TooNew,
            ),
            (StoreError::Busy, StorageKind::Busy),
            (StoreError::WrongKey, StorageKind::WrongKey),
            (StoreError::NotEncrypted, StorageKind::NotEncrypted),
            (StoreError::Full, StorageKind::Full),
            (StoreError::ReadOnly, StorageKind::ReadOnly),
            (
                StoreError::Io {
                    detail: "denied".into(),
                },
                StorageKind::Io,
            ),
            (
                StoreError::Conflict {
                    detail: "dup".into(),
                },
                StorageKind::Conflict,
            ),
            (
                StoreError::Backend { detail: "x".into() },
                StorageKind::Backend,
            ),
        ];
        for (store, expected) in cases {
            let description = store.to_string();
            let mapped: RecoveryError = recovery_core::Error::Store(store).into();
            assert_eq!(
                mapped,
                RecoveryError::Storage {
                    kind: expected,
                    detail: description
                }
            );
        }
    }

    #[test]
    fn problems_keep_their_numbers() {
        let too_long: Problem = recovery_core::Problem::TooLong {
            max: 200,
            actual: 201,
        }
        .into();
        assert_eq!(
            too_long,
            Problem::TooLong {
                max: 200,
                actual: 201
            }
        );
        let forbidden: Problem = recovery_core::Problem::ForbiddenCharacter {
            code: 0x202E,
            position: 2,
        }
        .into();
        assert_eq!(
            forbidden,
            Problem::ForbiddenCharacter {
                code: 0x202E,
                position: 2
            }
        );
        let range: Problem = recovery_core::Problem::OutOfRange { min: 1, max: 10 }.into();
        assert_eq!(range, Problem::OutOfRange { min: 1, max: 10 });
        let kind: Problem = recovery_core::Problem::WrongKind { expected: "scale" }.into();
        assert_eq!(
            kind,
            Problem::WrongKind {
                expected: "scale".into()
            }
        );
        let role: Problem = recovery_core::Problem::WrongRole {
            expected: "provider",
        }
        .into();
        assert_eq!(
            role,
            Problem::WrongRole {
                expected: "provider".into()
            }
        );
        let short: Problem = recovery_core::Problem::TooShort { min: 3, actual: 1 }.into();
        assert_eq!(short, Problem::TooShort { min: 3, actual: 1 });
        let contact: Problem = recovery_core::Problem::ContactDetails { kind: "email" }.into();
        assert_eq!(
            contact,
            Problem::ContactDetails {
                kind: "email".into()
            }
        );
        let digits: Problem = recovery_core::Problem::DigitRun { max: 6 }.into();
        assert_eq!(digits, Problem::DigitRun { max: 6 });
        let inconsistent: Problem = recovery_core::Problem::Inconsistent("only providers").into();
        assert_eq!(
            inconsistent,
            Problem::Inconsistent {
                reason: "only providers".into()
            }
        );
    }

    #[test]
    fn every_deny_reason_keeps_its_name() {
        use recovery_core::DenyReason as D;
        let pairs = [
            (D::NotShared, DenyReason::NotShared),
            (D::WrongRole, DenyReason::WrongRole),
            (D::NoCareTeam, DenyReason::NoCareTeam),
            (D::GrantExpired, DenyReason::GrantExpired),
            (D::OwnerOnly, DenyReason::OwnerOnly),
            (D::NotAParty, DenyReason::NotAParty),
            (D::NotAMember, DenyReason::NotAMember),
        ];
        for (core, mirrored) in pairs {
            assert_eq!(DenyReason::from(core), mirrored);
            assert_eq!(core.to_string(), mirrored.to_string());
        }
    }

    #[test]
    fn messages_name_field_and_problem() {
        let error = RecoveryError::invalid("goal.title", Problem::Empty);
        assert_eq!(error.to_string(), "invalid goal.title: must not be empty");
    }
}
