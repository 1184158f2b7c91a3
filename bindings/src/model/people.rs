//! People with accounts and the roles they hold.

use std::time::SystemTime;

use crate::convert::timestamp;

/// What a person does in the portal. A person holds exactly one role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
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

/// A provider's profession.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
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
    /// Social educator.
    SocialEducator,
    /// Employed peer worker / service-user consultant.
    PeerWorker,
    /// Any other profession.
    Other,
}

/// The facts a provider account carries beyond its name.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ProviderDetails {
    /// Their profession.
    pub profession: Profession,
    /// The organisation they work for (1-200 characters).
    pub organisation: String,
}

/// A person with an account.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Person {
    /// Their id: pass it as the acting person to act as them.
    pub id: String,
    /// Their role.
    pub role: Role,
    /// The name shown to those they work with.
    pub display_name: String,
    /// Present exactly when `role` is `Provider`.
    pub provider: Option<ProviderDetails>,
    /// When the account was registered.
    pub registered_at: SystemTime,
}

/// What the host supplies to register a person it has authenticated.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct NewPerson {
    /// The role the person holds.
    pub role: Role,
    /// Their display name (1-200 characters).
    pub display_name: String,
    /// Required for providers and refused for everyone else.
    #[uniffi(default = None)]
    pub provider: Option<ProviderDetails>,
}

impl From<Role> for recovery_core::Role {
    fn from(role: Role) -> Self {
        match role {
            Role::ServiceUser => recovery_core::Role::ServiceUser,
            Role::Provider => recovery_core::Role::Provider,
            Role::Moderator => recovery_core::Role::Moderator,
            Role::Researcher => recovery_core::Role::Researcher,
            Role::Admin => recovery_core::Role::Admin,
        }
    }
}

impl From<recovery_core::Role> for Role {
    fn from(role: recovery_core::Role) -> Self {
        match role {
            recovery_core::Role::ServiceUser => Role::ServiceUser,
            recovery_core::Role::Provider => Role::Provider,
            recovery_core::Role::Moderator => Role::Moderator,
            recovery_core::Role::Researcher => Role::Researcher,
            recovery_core::Role::Admin => Role::Admin,
        }
    }
}

impl From<Profession> for recovery_core::Profession {
    fn from(p: Profession) -> Self {
        use recovery_core::Profession as P;
        match p {
            Profession::Psychologist => P::Psychologist,
            Profession::Psychiatrist => P::Psychiatrist,
            Profession::Physician => P::Physician,
            Profession::MentalHealthNurse => P::MentalHealthNurse,
            Profession::SocialWorker => P::SocialWorker,
            Profession::OccupationalTherapist => P::OccupationalTherapist,
            Profession::SocialEducator => P::SocialEducator,
            Profession::PeerWorker => P::PeerWorker,
            Profession::Other => P::Other,
        }
    }
}

impl From<recovery_core::Profession> for Profession {
    fn from(p: recovery_core::Profession) -> Self {
        use recovery_core::Profession as P;
        match p {
            P::Psychologist => Profession::Psychologist,
            P::Psychiatrist => Profession::Psychiatrist,
            P::Physician => Profession::Physician,
            P::MentalHealthNurse => Profession::MentalHealthNurse,
            P::SocialWorker => Profession::SocialWorker,
            P::OccupationalTherapist => Profession::OccupationalTherapist,
            P::SocialEducator => Profession::SocialEducator,
            P::PeerWorker => Profession::PeerWorker,
            P::Other => Profession::Other,
        }
    }
}

impl From<ProviderDetails> for recovery_core::ProviderDetails {
    fn from(d: ProviderDetails) -> Self {
        Self {
            profession: d.profession.into(),
            organisation: d.organisation,
        }
    }
}

impl From<recovery_core::ProviderDetails> for ProviderDetails {
    fn from(d: recovery_core::ProviderDetails) -> Self {
        Self {
            profession: d.profession.into(),
            organisation: d.organisation,
        }
    }
}

impl From<recovery_core::Person> for Person {
    fn from(p: recovery_core::Person) -> Self {
        Self {
            id: p.id.to_string(),
            role: p.role.into(),
            display_name: p.display_name,
            provider: p.provider.map(Into::into),
            registered_at: timestamp(p.registered_at),
        }
    }
}

impl From<NewPerson> for recovery_core::NewPerson {
    fn from(new: NewPerson) -> Self {
        Self {
            role: new.role.into(),
            display_name: new.display_name,
            provider: new.provider.map(Into::into),
        }
    }
}
