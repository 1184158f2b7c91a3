//! Care teams, the sharing grants inside them, and providers' proposals and comments.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{CommentId, GoalId, ItemId, MembershipId, ProposalId, UserId};
use super::toolbox::{DomainRef, ItemKind};

/// Where a provider's membership of a care team stands: the subset of FHIR CareTeam status that
/// a service user's own team needs. `suspended` and `entered-in-error` are not used: ending and
/// re-inviting covers both, and keeps every past membership visible in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TeamStatus {
    /// Invited, waiting for the provider's answer (FHIR `proposed`).
    Proposed,
    /// Accepted: the provider is in the team (FHIR `active`).
    Active,
    /// Declined or ended by either side (FHIR `inactive`). Final.
    Inactive,
}

impl TeamStatus {
    /// The FHIR code.
    pub const fn code(self) -> &'static str {
        match self {
            TeamStatus::Proposed => "proposed",
            TeamStatus::Active => "active",
            TeamStatus::Inactive => "inactive",
        }
    }
}

/// One provider's place in one service user's care team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// Its id.
    pub id: MembershipId,
    /// The service user whose team it is.
    pub service_user: UserId,
    /// The provider.
    pub provider: UserId,
    /// Where it stands.
    pub status: TeamStatus,
    /// When the service user invited the provider.
    pub invited_at: DateTime<Utc>,
    /// When the provider accepted, if they did.
    pub accepted_at: Option<DateTime<Utc>>,
    /// When it was declined or ended, and by whom.
    pub ended: Option<(DateTime<Utc>, UserId)>,
}

/// A part of the toolbox that can be shared on its own.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Scope {
    /// "What is important in my life".
    WhatMatters,
    /// One life domain: its status entries, goals and activities (with their completions).
    Domain(DomainRef),
    /// The medication list.
    Medications,
    /// The network map.
    NetworkMap,
    /// The crisis plan.
    CrisisPlan,
    /// Exercise completions.
    Exercises,
    /// The diary.
    Diary,
    /// Measures and daily registrations.
    Registrations,
}

impl Scope {
    /// The scope a toolbox item falls under, given its kind and (for domain items) domain.
    /// Own-domain records themselves fall under their own domain.
    pub fn of_item(kind: ItemKind, domain: Option<&DomainRef>, id: ItemId) -> Scope {
        match kind {
            ItemKind::WhatMatters => Scope::WhatMatters,
            ItemKind::Domain => Scope::Domain(DomainRef::Own(id.as_uuid().into())),
            ItemKind::Status
            | ItemKind::Goal
            | ItemKind::Activity
            | ItemKind::ActivityCompletion => {
                domain.cloned().map_or(Scope::WhatMatters, Scope::Domain)
            }
            ItemKind::Medication => Scope::Medications,
            ItemKind::NetworkPerson => Scope::NetworkMap,
            ItemKind::CrisisPlan => Scope::CrisisPlan,
            ItemKind::ExerciseCompletion => Scope::Exercises,
            ItemKind::Diary => Scope::Diary,
            ItemKind::Measure | ItemKind::Registration => Scope::Registrations,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::WhatMatters => f.write_str("what-matters"),
            Scope::Domain(d) => write!(f, "domain/{d}"),
            Scope::Medications => f.write_str("medications"),
            Scope::NetworkMap => f.write_str("network-map"),
            Scope::CrisisPlan => f.write_str("crisis-plan"),
            Scope::Exercises => f.write_str("exercises"),
            Scope::Diary => f.write_str("diary"),
            Scope::Registrations => f.write_str("registrations"),
        }
    }
}

/// A string that is not a [`Scope`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a sharing scope")]
pub struct ScopeParseError;

impl FromStr for Scope {
    type Err = ScopeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "what-matters" => Scope::WhatMatters,
            "medications" => Scope::Medications,
            "network-map" => Scope::NetworkMap,
            "crisis-plan" => Scope::CrisisPlan,
            "exercises" => Scope::Exercises,
            "diary" => Scope::Diary,
            "registrations" => Scope::Registrations,
            other => {
                let domain = other.strip_prefix("domain/").ok_or(ScopeParseError)?;
                Scope::Domain(domain.parse().map_err(|_| ScopeParseError)?)
            }
        })
    }
}

impl From<Scope> for String {
    fn from(s: Scope) -> String {
        s.to_string()
    }
}

impl TryFrom<String> for Scope {
    type Error = ScopeParseError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// How much of a scope a provider may see and do. Ordered: `None < View < Suggest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Nothing: the default.
    None,
    /// Read the scope.
    View,
    /// Read, comment, and propose goals or activities for the user to accept or reject.
    Suggest,
}

impl Level {
    /// Parses [`Level::as_str`] back.
    pub fn parse(s: &str) -> Option<Self> {
        [Level::None, Level::View, Level::Suggest]
            .into_iter()
            .find(|l| l.as_str() == s)
    }

    /// A stable machine name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::View => "view",
            Level::Suggest => "suggest",
        }
    }
}

/// A service user's decision to share one scope with one provider in their team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The membership it belongs to: ending the membership ends the grant.
    pub membership: MembershipId,
    /// The scope.
    pub scope: Scope,
    /// The level: never [`Level::None`] in a stored grant (that is a revocation).
    pub level: Level,
    /// When the grant lapses by itself, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was given.
    pub granted_at: DateTime<Utc>,
}

impl Grant {
    /// The level in force at `now`: [`Level::None`] once expired.
    pub fn level_at(&self, now: DateTime<Utc>) -> Level {
        match self.expires_at {
            Some(end) if now >= end => Level::None,
            _ => self.level,
        }
    }
}

/// What a provider proposes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ProposalContent {
    /// A new goal.
    Goal {
        /// Its domain.
        domain: DomainRef,
        /// Its title.
        title: String,
        /// Why it might matter (may be empty).
        why: String,
        /// A suggested target date.
        target_date: Option<NaiveDate>,
    },
    /// A new activity under one of the user's goals.
    Activity {
        /// The goal.
        goal: GoalId,
        /// What to do.
        title: String,
        /// A suggested due date.
        due: Option<NaiveDate>,
    },
}

/// Where a proposal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProposalStatus {
    /// Waiting for the service user.
    Pending,
    /// Accepted: the item is now the user's, authored by the provider.
    Accepted,
    /// Turned down.
    Rejected,
}

impl ProposalStatus {
    /// A stable machine name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Pending => "pending",
            ProposalStatus::Accepted => "accepted",
            ProposalStatus::Rejected => "rejected",
        }
    }
}

/// A provider's proposal of a goal or activity for a service user's toolbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// Its id.
    pub id: ProposalId,
    /// The service user it is for.
    pub owner: UserId,
    /// The provider who proposed it.
    pub provider: UserId,
    /// What is proposed.
    pub content: ProposalContent,
    /// Where it stands.
    pub status: ProposalStatus,
    /// When it was made.
    pub proposed_at: DateTime<Utc>,
    /// When the user decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// The goal or activity it became, once accepted.
    pub accepted_as: Option<ItemId>,
}

impl Proposal {
    /// The scope the proposal falls under (the goal's domain).
    pub fn domain(&self) -> Option<&DomainRef> {
        match &self.content {
            ProposalContent::Goal { domain, .. } => Some(domain),
            ProposalContent::Activity { .. } => None,
        }
    }
}

/// A provider's comment on one of the service user's toolbox items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// Its id.
    pub id: CommentId,
    /// Whose toolbox.
    pub owner: UserId,
    /// The item commented on.
    pub item: ItemId,
    /// Who wrote it.
    pub author: UserId,
    /// The text (a body).
    pub text: String,
    /// When it was written.
    pub written_at: DateTime<Utc>,
}
