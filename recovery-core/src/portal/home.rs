//! The dashboard: a service user's whole toolbox in one call.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Portal;
use super::toolbox::{sort_newest_day_first, typed, typed_all};
use crate::error::Result;
use crate::model::ids::*;
use crate::model::people::{Actor, Person};
use crate::model::toolbox::*;
use crate::policy::access::Action;
use crate::store::ItemQuery;

/// How many recent diary entries, exercise and activity completions the dashboard shows.
pub const HOME_RECENT: usize = 10;
/// How many recent registrations per measure the dashboard shows.
pub const HOME_REGISTRATIONS: usize = 7;

/// Everything on a service user's dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Home {
    /// Whose dashboard it is.
    pub person: Person,
    /// "What is important in my life".
    pub what_matters: Option<Item<WhatMattersId, WhatMatters>>,
    /// Every life domain with its latest status and its goals.
    pub domains: Vec<DomainOverview>,
    /// The medication list.
    pub medications: Vec<Item<MedicationId, Medication>>,
    /// The network map.
    pub network: Vec<Item<NetworkPersonId, NetworkPerson>>,
    /// The crisis plan.
    pub crisis_plan: Option<Item<CrisisPlanId, CrisisPlan>>,
    /// The latest activity completions, newest first.
    pub recent_completions: Vec<Item<CompletionId, ActivityCompletion>>,
    /// The latest exercise completions, newest first.
    pub recent_exercises: Vec<Item<ExerciseCompletionId, ExerciseCompletion>>,
    /// The latest diary entries, newest first.
    pub recent_diary: Vec<Item<DiaryEntryId, DiaryEntry>>,
    /// Each measure with its latest registrations.
    pub measures: Vec<MeasureOverview>,
}

/// One life domain on the dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DomainOverview {
    /// The domain.
    pub domain: LifeDomain,
    /// Its latest status entry.
    pub latest_status: Option<Item<StatusId, StatusEntry>>,
    /// Its goals, oldest first.
    pub goals: Vec<GoalOverview>,
}

/// A goal with its activities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalOverview {
    /// The goal.
    pub goal: Item<GoalId, Goal>,
    /// Its activities, oldest first.
    pub activities: Vec<Item<ActivityId, Activity>>,
}

/// A measure with its latest registrations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasureOverview {
    /// The measure.
    pub measure: Item<MeasureId, Measure>,
    /// Its latest registrations, newest day first.
    pub recent: Vec<Item<RegistrationId, Registration>>,
}

impl Home {
    /// Every goal on the dashboard, domain by domain.
    pub fn goals(&self) -> impl Iterator<Item = &GoalOverview> {
        self.domains.iter().flat_map(|d| d.goals.iter())
    }

    /// The day of the latest registration of each measure, if any.
    pub fn last_registered(&self) -> impl Iterator<Item = (&str, Option<NaiveDate>)> {
        self.measures.iter().map(|m| {
            (
                m.measure.content.name.as_str(),
                m.recent.first().map(|r| r.content.day),
            )
        })
    }
}

impl Portal {
    /// The actor's whole dashboard in one call: what matters, every domain with its latest
    /// status, goals and activities, medications, network, crisis plan, recent completions and
    /// diary entries, and measures with their latest registrations.
    pub fn home(&self, actor: &Actor) -> Result<Home> {
        self.read(|tx| {
            let me = self.toolbox_owner(tx, actor, Action::View)?;
            let life_domains = self.life_domains(tx, &me)?;
            let current = tx.items(&ItemQuery::owner(me.id).kinds(&[
                ItemKind::WhatMatters,
                ItemKind::Goal,
                ItemKind::Activity,
                ItemKind::Medication,
                ItemKind::NetworkPerson,
                ItemKind::CrisisPlan,
                ItemKind::Measure,
            ]))?;
            let mut what_matters = None;
            let mut crisis_plan = None;
            let mut goals = Vec::new();
            let mut activities = Vec::new();
            let mut medications = Vec::new();
            let mut network = Vec::new();
            let mut measures = Vec::new();
            for record in current {
                match record.kind() {
                    ItemKind::WhatMatters => what_matters = typed(record),
                    ItemKind::CrisisPlan => crisis_plan = typed(record),
                    ItemKind::Goal => goals.extend(typed::<Goal>(record)),
                    ItemKind::Activity => activities.extend(typed::<Activity>(record)),
                    ItemKind::Medication => medications.extend(typed(record)),
                    ItemKind::NetworkPerson => network.extend(typed(record)),
                    ItemKind::Measure => measures.extend(typed::<Measure>(record)),
                    _ => {}
                }
            }

            let mut domains = Vec::with_capacity(life_domains.len());
            for domain in life_domains {
                let status = tx.items(
                    &ItemQuery::owner(me.id)
                        .kind(ItemKind::Status)
                        .domain(domain.domain.clone())
                        .newest(1),
                )?;
                let goals_here = goals
                    .iter()
                    .filter(|g| g.content.domain == domain.domain)
                    .map(|goal| GoalOverview {
                        activities: activities
                            .iter()
                            .filter(|a| a.content.goal == goal.id)
                            .cloned()
                            .collect(),
                        goal: goal.clone(),
                    })
                    .collect();
                domains.push(DomainOverview {
                    latest_status: status.into_iter().next().and_then(typed),
                    goals: goals_here,
                    domain,
                });
            }

            let recent = |kind| ItemQuery::owner(me.id).kind(kind).newest(HOME_RECENT);
            let recent_completions = typed_all(tx.items(&recent(ItemKind::ActivityCompletion))?);
            let recent_exercises = typed_all(tx.items(&recent(ItemKind::ExerciseCompletion))?);
            let recent_diary = typed_all(tx.items(&recent(ItemKind::Diary))?);

            let mut measure_overviews = Vec::with_capacity(measures.len());
            for measure in measures {
                let query = ItemQuery::owner(me.id)
                    .kind(ItemKind::Registration)
                    .parent(measure.id.item());
                let mut recent = typed_all::<Registration>(tx.items(&query)?);
                sort_newest_day_first(&mut recent);
                recent.truncate(HOME_REGISTRATIONS);
                measure_overviews.push(MeasureOverview { measure, recent });
            }

            Ok(Home {
                person: me,
                what_matters,
                domains,
                medications,
                network,
                crisis_plan,
                recent_completions,
                recent_exercises,
                recent_diary,
                measures: measure_overviews,
            })
        })
    }
}
