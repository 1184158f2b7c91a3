//! The dashboard: a service user's whole toolbox in one record, so that one screen is one call.

use super::people::Person;
use super::toolbox::*;
use crate::convert::all;

/// Everything on a service user's dashboard.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct Home {
    /// Whose dashboard it is.
    pub person: Person,
    /// "What is important in my life".
    pub what_matters: Option<WhatMattersItem>,
    /// Every life domain with its latest status and its goals.
    pub domains: Vec<DomainOverview>,
    /// The medication list.
    pub medications: Vec<MedicationItem>,
    /// The network map.
    pub network: Vec<NetworkPersonItem>,
    /// The crisis plan.
    pub crisis_plan: Option<CrisisPlanItem>,
    /// The latest activity completions, newest first.
    pub recent_completions: Vec<ActivityCompletionItem>,
    /// The latest exercise completions, newest first.
    pub recent_exercises: Vec<ExerciseCompletionItem>,
    /// The latest diary entries, newest first.
    pub recent_diary: Vec<DiaryEntryItem>,
    /// Each measure with its latest registrations.
    pub measures: Vec<MeasureOverview>,
}

/// One life domain on the dashboard.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct DomainOverview {
    /// The domain.
    pub domain: LifeDomain,
    /// Its latest status entry.
    pub latest_status: Option<StatusEntryItem>,
    /// Its goals, oldest first.
    pub goals: Vec<GoalOverview>,
}

/// A goal with its activities.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct GoalOverview {
    /// The goal.
    pub goal: GoalItem,
    /// Its activities, oldest first.
    pub activities: Vec<ActivityItem>,
}

/// A measure with its latest registrations.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct MeasureOverview {
    /// The measure.
    pub measure: MeasureItem,
    /// Its latest registrations, newest day first.
    pub recent: Vec<RegistrationItem>,
}

impl From<recovery_core::Home> for Home {
    fn from(h: recovery_core::Home) -> Self {
        Self {
            person: h.person.into(),
            what_matters: h.what_matters.map(Into::into),
            domains: all(h.domains),
            medications: all(h.medications),
            network: all(h.network),
            crisis_plan: h.crisis_plan.map(Into::into),
            recent_completions: all(h.recent_completions),
            recent_exercises: all(h.recent_exercises),
            recent_diary: all(h.recent_diary),
            measures: all(h.measures),
        }
    }
}

impl From<recovery_core::DomainOverview> for DomainOverview {
    fn from(d: recovery_core::DomainOverview) -> Self {
        Self {
            domain: d.domain.into(),
            latest_status: d.latest_status.map(Into::into),
            goals: all(d.goals),
        }
    }
}

impl From<recovery_core::GoalOverview> for GoalOverview {
    fn from(g: recovery_core::GoalOverview) -> Self {
        Self {
            goal: g.goal.into(),
            activities: all(g.activities),
        }
    }
}

impl From<recovery_core::MeasureOverview> for MeasureOverview {
    fn from(m: recovery_core::MeasureOverview) -> Self {
        Self {
            measure: m.measure.into(),
            recent: all(m.recent),
        }
    }
}
