//! People with accounts and the roles they hold.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::UserId;

/// What a person does in the portal. A person holds exactly one role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Owns a toolbox and decides who sees what of it.
    ServiceUser,
    /// A professional the service user may invite into their care team.
    Provider,
    /// Keeps the peer-support forum safe; often an employed peer consultant.
    Moderator,
    /// Reads pseudonymised usage reports, nothing else.
    Researcher,
    /// Manages accounts.
    Admin,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 5] = [
        Role::ServiceUser,
        Role::Provider,
        Role::Moderator,
        Role::Researcher,
        Role::Admin,
    ];

    /// A stable machine name (`service-user`, `provider`, ...), used in storage.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::ServiceUser => "service-user",
            Role::Provider => "provider",
            Role::Moderator => "moderator",
            Role::Researcher => "researcher",
            Role::Admin => "admin",
        }
    }

    /// Parses [`Role::as_str`] back.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A provider's profession. ReConnect's providers came from nine professions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profession {
    /// Psychologist.
    Psychologist,
    /// Psychiatrist.
    Psychiatrist,
    /// Physician (general practitioner or other).
    Physician,
    /// Mental health nurse.
    MentalHealthNurse,
    /// Social worker.
    SocialWorker,
    /// Occupational therapist.
    OccupationalTherapist,
    /// Social educator (vernepleier / sosionom in Norway).
    SocialEducator,
    /// Employed peer worker / service-user consultant.
    PeerWorker,
    /// Any other profession.
    Other,
}

/// The facts a provider account carries beyond its name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderDetails {
    /// Their profession.
    pub profession: Profession,
    /// The organisation they work for (1-200 characters).
    pub organisation: String,
}

/// A person with an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Their id.
    pub id: UserId,
    /// Their role.
    pub role: Role,
    /// The name shown to those they work with (1-200 characters). Forum pseudonyms are separate.
    pub display_name: String,
    /// Present exactly when `role` is [`Role::Provider`].
    pub provider: Option<ProviderDetails>,
    /// When the account was registered.
    pub registered_at: DateTime<Utc>,
}

/// What the host supplies to register a person it has authenticated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPerson {
    /// The role the person holds.
    pub role: Role,
    /// Their display name (1-200 characters).
    pub display_name: String,
    /// Required for providers and refused for everyone else.
    pub provider: Option<ProviderDetails>,
}

impl NewPerson {
    /// A service user with the given display name.
    pub fn service_user(display_name: impl Into<String>) -> Self {
        Self {
            role: Role::ServiceUser,
            display_name: display_name.into(),
            provider: None,
        }
    }

    /// A provider with a profession and organisation.
    pub fn provider(
        display_name: impl Into<String>,
        profession: Profession,
        organisation: impl Into<String>,
    ) -> Self {
        Self {
            role: Role::Provider,
            display_name: display_name.into(),
            provider: Some(ProviderDetails {
                profession,
                organisation: organisation.into(),
            }),
        }
    }

    /// A person in any role without provider details (moderator, researcher, admin, service user).
    pub fn with_role(role: Role, display_name: impl Into<String>) -> Self {
        Self {
            role,
            display_name: display_name.into(),
            provider: None,
        }
    }
}

/// Who is acting. The host authenticates the person and names them here; the portal checks
/// everything else (that they exist, their role, what they may see and do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// The acting person.
    pub id: UserId,
}

impl Actor {
    /// The person with this id is acting.
    pub const fn new(id: UserId) -> Self {
        Self { id }
    }
}

impl From<UserId> for Actor {
    fn from(id: UserId) -> Self {
        Self::new(id)
    }
}
