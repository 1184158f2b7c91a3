//! Care teams, sharing grants, proposals and comments.

use std::time::SystemTime;

use recovery_core::model::team as core;

use super::home::{GoalOverview, MeasureOverview};
use super::people::Person;
use super::toolbox::*;
use crate::convert::{self, Result, all, day, timestamp};

/// Where a provider's membership of a care team stands (FHIR CareTeam status).
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum TeamStatus {
    /// Invited, waiting for the provider's answer.
    Proposed,
    /// Accepted: the provider is in the team.
    Active,
    /// Declined or ended by either side. Final.
    Inactive,
}

/// One provider's place in one service user's care team.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Membership {
    /// Its id.
    pub id: String,
    /// The service user whose team it is.
    pub service_user: String,
    /// The provider.
    pub provider: String,
    /// Where it stands.
    pub status: TeamStatus,
    /// When the service user invited the provider.
    pub invited_at: SystemTime,
    /// When the provider accepted, if they did.
    pub accepted_at: Option<SystemTime>,
    /// When it was declined or ended.
    pub ended_at: Option<SystemTime>,
    /// Who declined or ended it.
    pub ended_by: Option<String>,
}

/// A part of the toolbox that can be shared on its own.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Scope {
    /// "What is important in my life".
    WhatMatters,
    /// One life domain: its status entries, goals and activities (with their completions).
    Domain {
        /// The domain (`catalogue:KEY` or `own:UUID`).
        domain: String,
    },
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

/// How much of a scope a provider may see and do: `None < View < Suggest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Level {
    /// Nothing: sharing at this level revokes.
    None,
    /// Read the scope.
    View,
    /// Read, comment, and propose goals or activities.
    Suggest,
}

/// A service user's decision to share one scope with one provider in their team.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Grant {
    /// The membership it belongs to: ending the membership ends the grant.
    pub membership: String,
    /// The scope.
    pub scope: Scope,
    /// The level.
    pub level: Level,
    /// When the grant lapses by itself, if ever.
    pub expires_at: Option<SystemTime>,
    /// When it was given.
    pub granted_at: SystemTime,
}

/// The level and expiry of a grant to set.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Sharing {
    /// The level: `None` revokes.
    pub level: Level,
    /// When the grant lapses by itself, if ever.
    #[uniffi(default = None)]
    pub expires_at: Option<SystemTime>,
}

/// What a provider proposes.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum ProposalContent {
    /// A new goal.
    Goal {
        /// Its domain.
        domain: String,
        /// Its title.
        title: String,
        /// Why it might matter (may be empty).
        why: String,
        /// A suggested target date (`YYYY-MM-DD`).
        target_date: Option<String>,
    },
    /// A new activity under one of the user's goals.
    Activity {
        /// The goal.
        goal: String,
        /// What to do.
        title: String,
        /// A suggested due date (`YYYY-MM-DD`).
        due: Option<String>,
    },
}

/// Where a proposal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum ProposalStatus {
    /// Waiting for the service user.
    Pending,
    /// Accepted: the item is now the user's, authored by the provider.
    Accepted,
    /// Turned down.
    Rejected,
}

/// A provider's proposal of a goal or activity for a service user's toolbox.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Proposal {
    /// Its id.
    pub id: String,
    /// The service user it is for.
    pub owner: String,
    /// The provider who proposed it.
    pub provider: String,
    /// What is proposed.
    pub content: ProposalContent,
    /// Where it stands.
    pub status: ProposalStatus,
    /// When it was made.
    pub proposed_at: SystemTime,
    /// When the user decided.
    pub decided_at: Option<SystemTime>,
    /// The goal or activity it became, once accepted.
    pub accepted_as: Option<String>,
}

/// A provider's comment on one of the service user's toolbox items.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Comment {
    /// Its id.
    pub id: String,
    /// Whose toolbox.
    pub owner: String,
    /// The item commented on.
    pub item: String,
    /// Who wrote it.
    pub author: String,
    /// The text.
    pub text: String,
    /// When it was written.
    pub written_at: SystemTime,
}

/// A provider in a service user's care team, as the service user sees them.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TeamMember {
    /// The membership.
    pub membership: Membership,
    /// The provider.
    pub provider: Person,
    /// What is shared with them now (expired grants left out).
    pub grants: Vec<Grant>,
}

/// One service user in a provider's caseload.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CaseloadEntry {
    /// The membership (invited or active).
    pub membership: Membership,
    /// The service user.
    pub service_user: Person,
    /// What they share with the provider now (expired grants left out).
    pub grants: Vec<Grant>,
    /// The provider's proposals waiting for the service user's decision.
    pub pending_proposals: Vec<Proposal>,
}

/// What a scope of someone's toolbox holds, as `view` returns it.
#[derive(Clone, Debug, PartialEq, uniffi::Enum)]
pub enum ScopeView {
    /// "What is important in my life".
    WhatMatters {
        /// The text, if written.
        what_matters: Option<WhatMattersItem>,
    },
    /// One life domain.
    Domain {
        /// The domain.
        domain: LifeDomain,
        /// Its status entries, newest first.
        status: Vec<StatusEntryItem>,
        /// Its goals with their activities.
        goals: Vec<GoalOverview>,
    },
    /// The medication list.
    Medications {
        /// The medications.
        medications: Vec<MedicationItem>,
    },
    /// The network map.
    NetworkMap {
        /// The people.
        network: Vec<NetworkPersonItem>,
    },
    /// The crisis plan.
    CrisisPlan {
        /// The plan, if made.
        crisis_plan: Option<CrisisPlanItem>,
    },
    /// Exercise completions, newest first.
    Exercises {
        /// The completions.
        completions: Vec<ExerciseCompletionItem>,
    },
    /// The diary, newest first.
    Diary {
        /// The entries.
        entries: Vec<DiaryEntryItem>,
    },
    /// Measures with every registration, newest day first.
    Registrations {
        /// The measures.
        measures: Vec<MeasureOverview>,
    },
}

// ----- conversions -------------------------------------------------------------------------------

impl From<core::TeamStatus> for TeamStatus {
    fn from(s: core::TeamStatus) -> Self {
        match s {
            core::TeamStatus::Proposed => TeamStatus::Proposed,
            core::TeamStatus::Active => TeamStatus::Active,
            core::TeamStatus::Inactive => TeamStatus::Inactive,
        }
    }
}

impl From<core::Membership> for Membership {
    fn from(m: core::Membership) -> Self {
        Self {
            id: m.id.to_string(),
            service_user: m.service_user.to_string(),
            provider: m.provider.to_string(),
            status: m.status.into(),
            invited_at: timestamp(m.invited_at),
            accepted_at: m.accepted_at.map(timestamp),
            ended_at: m.ended.map(|(at, _)| timestamp(at)),
            ended_by: m.ended.map(|(_, by)| by.to_string()),
        }
    }
}

impl From<core::Scope> for Scope {
    fn from(s: core::Scope) -> Self {
        match s {
            core::Scope::WhatMatters => Scope::WhatMatters,
            core::Scope::Domain(d) => Scope::Domain {
                domain: d.to_string(),
            },
            core::Scope::Medications => Scope::Medications,
            core::Scope::NetworkMap => Scope::NetworkMap,
            core::Scope::CrisisPlan => Scope::CrisisPlan,
            core::Scope::Exercises => Scope::Exercises,
            core::Scope::Diary => Scope::Diary,
            core::Scope::Registrations => Scope::Registrations,
        }
    }
}

impl Scope {
    /// The core's form of this input.
    pub(crate) fn into_core(self) -> Result<core::Scope> {
        Ok(match self {
            Scope::WhatMatters => core::Scope::WhatMatters,
            Scope::Domain { domain } => {
                core::Scope::Domain(convert::domain("scope.domain", &domain)?)
            }
            Scope::Medications => core::Scope::Medications,
            Scope::NetworkMap => core::Scope::NetworkMap,
            Scope::CrisisPlan => core::Scope::CrisisPlan,
            Scope::Exercises => core::Scope::Exercises,
            Scope::Diary => core::Scope::Diary,
            Scope::Registrations => core::Scope::Registrations,
        })
    }
}

impl From<core::Level> for Level {
    fn from(l: core::Level) -> Self {
        match l {
            core::Level::None => Level::None,
            core::Level::View => Level::View,
            core::Level::Suggest => Level::Suggest,
        }
    }
}

impl From<Level> for core::Level {
    fn from(l: Level) -> Self {
        match l {
            Level::None => core::Level::None,
            Level::View => core::Level::View,
            Level::Suggest => core::Level::Suggest,
        }
    }
}

impl From<core::Grant> for Grant {
    fn from(g: core::Grant) -> Self {
        Self {
            membership: g.membership.to_string(),
            scope: g.scope.into(),
            level: g.level.into(),
            expires_at: g.expires_at.map(timestamp),
            granted_at: timestamp(g.granted_at),
        }
    }
}

impl Sharing {
    /// The core's form of this input.
    pub(crate) fn into_core(self) -> Result<recovery_core::Sharing> {
        Ok(recovery_core::Sharing {
            level: self.level.into(),
            expires_at: convert::optional_moment("grant.expires_at", self.expires_at)?,
        })
    }
}

impl From<core::ProposalContent> for ProposalContent {
    fn from(c: core::ProposalContent) -> Self {
        match c {
            core::ProposalContent::Goal {
                domain,
                title,
                why,
                target_date,
            } => ProposalContent::Goal {
                domain: domain.to_string(),
                title,
                why,
                target_date: target_date.map(day),
            },
            core::ProposalContent::Activity { goal, title, due } => ProposalContent::Activity {
                goal: goal.to_string(),
                title,
                due: due.map(day),
            },
        }
    }
}

impl From<core::ProposalStatus> for ProposalStatus {
    fn from(s: core::ProposalStatus) -> Self {
        match s {
            core::ProposalStatus::Pending => ProposalStatus::Pending,
            core::ProposalStatus::Accepted => ProposalStatus::Accepted,
            core::ProposalStatus::Rejected => ProposalStatus::Rejected,
        }
    }
}

impl From<ProposalStatus> for core::ProposalStatus {
    fn from(s: ProposalStatus) -> Self {
        match s {
            ProposalStatus::Pending => core::ProposalStatus::Pending,
            ProposalStatus::Accepted => core::ProposalStatus::Accepted,
            ProposalStatus::Rejected => core::ProposalStatus::Rejected,
        }
    }
}

impl From<core::Proposal> for Proposal {
    fn from(p: core::Proposal) -> Self {
        Self {
            id: p.id.to_string(),
            owner: p.owner.to_string(),
            provider: p.provider.to_string(),
            content: p.content.into(),
            status: p.status.into(),
            proposed_at: timestamp(p.proposed_at),
            decided_at: p.decided_at.map(timestamp),
            accepted_as: p.accepted_as.map(|id| id.to_string()),
        }
    }
}

impl From<core::Comment> for Comment {
    fn from(c: core::Comment) -> Self {
        Self {
            id: c.id.to_string(),
            owner: c.owner.to_string(),
            item: c.item.to_string(),
            author: c.author.to_string(),
            text: c.text,
            written_at: timestamp(c.written_at),
        }
    }
}

impl From<recovery_core::TeamMember> for TeamMember {
    fn from(m: recovery_core::TeamMember) -> Self {
        Self {
            membership: m.membership.into(),
            provider: m.provider.into(),
            grants: all(m.grants),
        }
    }
}

impl From<recovery_core::CaseloadEntry> for CaseloadEntry {
    fn from(e: recovery_core::CaseloadEntry) -> Self {
        Self {
            membership: e.membership.into(),
            service_user: e.service_user.into(),
            grants: all(e.grants),
            pending_proposals: all(e.pending_proposals),
        }
    }
}

impl From<recovery_core::ScopeView> for ScopeView {
    fn from(v: recovery_core::ScopeView) -> Self {
        use recovery_core::ScopeView as V;
        match v {
            V::WhatMatters { what_matters } => ScopeView::WhatMatters {
                what_matters: what_matters.map(Into::into),
            },
            V::Domain {
                domain,
                status,
                goals,
            } => ScopeView::Domain {
                domain: domain.into(),
                status: all(status),
                goals: all(goals),
            },
            V::Medications { medications } => ScopeView::Medications {
                medications: all(medications),
            },
            V::NetworkMap { network } => ScopeView::NetworkMap {
                network: all(network),
            },
            V::CrisisPlan { crisis_plan } => ScopeView::CrisisPlan {
                crisis_plan: crisis_plan.map(Into::into),
            },
            V::Exercises { completions } => ScopeView::Exercises {
                completions: all(completions),
            },
            V::Diary { entries } => ScopeView::Diary {
                entries: all(entries),
            },
            V::Registrations { measures } => ScopeView::Registrations {
                measures: all(measures),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Problem, RecoveryError};

    #[test]
    fn scopes_round_trip_and_a_bad_domain_names_the_field() {
        let scopes = [
            Scope::WhatMatters,
            Scope::Domain {
                domain: "catalogue:housing".into(),
            },
            Scope::Medications,
            Scope::NetworkMap,
            Scope::CrisisPlan,
            Scope::Exercises,
            Scope::Diary,
            Scope::Registrations,
        ];
        for scope in scopes {
            let core = scope.clone().into_core().expect("valid scope");
            assert_eq!(Scope::from(core), scope);
        }
        let bad = Scope::Domain {
            domain: "housing".into(),
        }
        .into_core();
        assert_eq!(
            bad,
            Err(RecoveryError::Invalid {
                field: "scope.domain".into(),
                problem: Problem::MalformedDomain
            })
        );
    }
}
