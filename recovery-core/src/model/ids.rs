//! Typed identifiers.
//!
//! Every entity has its own id type so that a `GoalId` can never be passed where an `ActivityId`
//! is expected. Ids are UUIDv7: time-ordered, so that indexes on them stay compact and a newer
//! item sorts after an older one.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $label:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered (UUIDv7) id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps an existing UUID, e.g. one read back from a host's own store.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The underlying UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// What kind of entity this id names, for error messages.
            pub const fn kind() -> &'static str {
                $label
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    };
}

id_type!(
    /// A person with an account: service user, provider, moderator, researcher or admin.
    UserId,
    "person"
);
id_type!(
    /// Any toolbox item, whatever its kind. Every typed toolbox id converts into one.
    ItemId,
    "item"
);

macro_rules! item_id_type {
    ($(#[$doc:meta])* $name:ident, $label:literal) => {
        id_type!($(#[$doc])* $name, $label);

        impl From<$name> for ItemId {
            fn from(id: $name) -> ItemId {
                ItemId(id.0)
            }
        }

        impl $name {
            /// This id as a generic toolbox [`ItemId`], e.g. to read its history.
            pub const fn item(&self) -> ItemId {
                ItemId(self.0)
            }
        }
    };
}

item_id_type!(
    /// A life domain the service user added themselves.
    DomainId,
    "domain"
);
item_id_type!(
    /// The service user's "what is important in my life".
    WhatMattersId,
    "what-matters"
);
item_id_type!(
    /// A status entry for one life domain.
    StatusId,
    "status entry"
);
item_id_type!(
    /// A goal.
    GoalId,
    "goal"
);
item_id_type!(
    /// An activity under a goal.
    ActivityId,
    "activity"
);
item_id_type!(
    /// One completion of an activity.
    CompletionId,
    "activity completion"
);
item_id_type!(
    /// A medication on the service user's list.
    MedicationId,
    "medication"
);
item_id_type!(
    /// A person on the service user's network map.
    NetworkPersonId,
    "network person"
);
item_id_type!(
    /// The service user's crisis plan.
    CrisisPlanId,
    "crisis plan"
);
item_id_type!(
    /// One completion of an exercise from the catalogue.
    ExerciseCompletionId,
    "exercise completion"
);
item_id_type!(
    /// A diary entry.
    DiaryEntryId,
    "diary entry"
);
item_id_type!(
    /// A user-defined measure for daily registrations.
    MeasureId,
    "measure"
);
item_id_type!(
    /// One daily registration of a measure.
    RegistrationId,
    "registration"
);

id_type!(
    /// One invitation of a provider into a service user's care team, and the membership it
    /// becomes. Re-inviting after an end makes a new membership that starts with nothing shared.
    MembershipId,
    "care team membership"
);
id_type!(
    /// A provider's proposal of a goal or activity.
    ProposalId,
    "proposal"
);
id_type!(
    /// A provider's comment on a toolbox item.
    CommentId,
    "comment"
);

id_type!(
    /// A person's membership of the peer-support forum. Other members and moderators see this
    /// id and the pseudonym, never the [`UserId`] behind them.
    MemberId,
    "forum member"
);
id_type!(
    /// A forum thread.
    ThreadId,
    "forum thread"
);
id_type!(
    /// A forum post.
    PostId,
    "forum post"
);
id_type!(
    /// One moderator action (approve, hide, edit, lock, unlock, warn, suspend, lift).
    ModerationId,
    "moderation action"
);

id_type!(
    /// A conversation between a service user and providers in their care team.
    ConversationId,
    "conversation"
);
id_type!(
    /// A message in a conversation.
    MessageId,
    "message"
);
id_type!(
    /// A snapshot of toolbox items attached to a message.
    AttachmentId,
    "attachment"
);
