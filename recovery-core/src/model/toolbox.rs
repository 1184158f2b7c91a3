//! The service user's toolbox: life domains, status, goals, activities, medications, network map,
//! crisis plan, exercises, diary and daily registrations.
//!
//! Every toolbox item is an [`Item`]: the content the user wrote plus who changed it when. Every
//! change keeps the earlier version, which the owner can read back as the item's history.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{ActivityId, DomainId, GoalId, ItemId, MeasureId, UserId};

/// A toolbox item: its content and the facts of its latest version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item<Id, T> {
    /// The item's id.
    pub id: Id,
    /// The service user who owns the item.
    pub owner: UserId,
    /// 1 for a new item, one more for every change.
    pub version: u32,
    /// When version 1 was written.
    pub created_at: DateTime<Utc>,
    /// When this version was written.
    pub updated_at: DateTime<Utc>,
    /// Who wrote this version (the owner, or the provider whose proposal the owner accepted).
    pub updated_by: UserId,
    /// What the item says.
    pub content: T,
}

/// A life domain as named in a goal or status entry: one from the configured catalogue, or one
/// the service user added.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum DomainRef {
    /// A catalogue domain by its key, e.g. `housing`.
    Catalogue(String),
    /// A domain the service user added.
    Own(DomainId),
}

impl fmt::Display for DomainRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DomainRef::Catalogue(key) => write!(f, "catalogue:{key}"),
            DomainRef::Own(id) => write!(f, "own:{id}"),
        }
    }
}

/// A string that is not a [`DomainRef`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a domain reference (expected `catalogue:KEY` or `own:UUID`)")]
pub struct DomainRefParseError;

impl FromStr for DomainRef {
    type Err = DomainRefParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(key) = s.strip_prefix("catalogue:") {
            let valid = !key.is_empty()
                && key.len() <= 64
                && key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            return valid
                .then(|| DomainRef::Catalogue(key.to_owned()))
                .ok_or(DomainRefParseError);
        }
        if let Some(id) = s.strip_prefix("own:") {
            return id
                .parse()
                .map(DomainRef::Own)
                .map_err(|_| DomainRefParseError);
        }
        Err(DomainRefParseError)
    }
}

impl From<DomainRef> for String {
    fn from(d: DomainRef) -> String {
        d.to_string()
    }
}

impl TryFrom<String> for DomainRef {
    type Error = DomainRefParseError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// Text in the languages the portal ships: English and Norwegian Bokmål.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    /// English.
    pub en: String,
    /// Norwegian Bokmål.
    pub nb: String,
}

impl Localized {
    /// Text with both languages given.
    pub fn new(en: impl Into<String>, nb: impl Into<String>) -> Self {
        Self {
            en: en.into(),
            nb: nb.into(),
        }
    }

    /// The same text in both languages (a user's own label).
    pub fn same(text: impl Into<String>) -> Self {
        let text = text.into();
        Self {
            en: text.clone(),
            nb: text,
        }
    }

    /// The text in a language, by BCP 47 tag: `nb`, `no` and `nn` give Bokmål, anything else
    /// English.
    pub fn get(&self, lang: &str) -> &str {
        match lang.split(['-', '_']).next() {
            Some("nb" | "no" | "nn") => &self.nb,
            _ => &self.en,
        }
    }
}

/// A life domain as the user sees it in their toolbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifeDomain {
    /// How goals and status entries refer to it.
    pub domain: DomainRef,
    /// Its label.
    pub label: Localized,
}

/// A life domain the service user added to the catalogue's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnDomain {
    /// Its label (a title: 1-200 characters).
    pub label: String,
}

/// "What is important in my life": one text per service user, kept with its history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatMatters {
    /// The text (a body: up to 20,000 characters).
    pub text: String,
}

/// How things are in one life domain at one moment. Entries are never changed: a new entry is
/// the next point in the domain's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEntry {
    /// The domain.
    pub domain: DomainRef,
    /// How things are now (a body).
    pub now: String,
    /// What helps (a body, may be empty).
    pub helps: String,
    /// What hinders (a body, may be empty).
    pub hinders: String,
    /// An optional self-rating from 1 (stuck) to 10 (self-reliant), after Recovery Star's ladder.
    pub rating: Option<u8>,
}

/// Where a goal is in its life, after FHIR Goal `lifecycleStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoalLifecycle {
    /// Proposed by a provider, waiting for the service user's decision.
    Proposed,
    /// Planned, not yet started.
    Planned,
    /// Agreed to, not yet started.
    Accepted,
    /// Being worked on.
    Active,
    /// Paused.
    OnHold,
    /// Finished.
    Completed,
    /// Given up.
    Cancelled,
    /// Should never have existed; kept only for history.
    EnteredInError,
    /// A proposal the service user turned down.
    Rejected,
}

impl GoalLifecycle {
    /// Every lifecycle state.
    pub const ALL: [GoalLifecycle; 9] = [
        GoalLifecycle::Proposed,
        GoalLifecycle::Planned,
        GoalLifecycle::Accepted,
        GoalLifecycle::Active,
        GoalLifecycle::OnHold,
        GoalLifecycle::Completed,
        GoalLifecycle::Cancelled,
        GoalLifecycle::EnteredInError,
        GoalLifecycle::Rejected,
    ];

    /// The FHIR code, e.g. `on-hold`.
    pub const fn code(self) -> &'static str {
        match self {
            GoalLifecycle::Proposed => "proposed",
            GoalLifecycle::Planned => "planned",
            GoalLifecycle::Accepted => "accepted",
            GoalLifecycle::Active => "active",
            GoalLifecycle::OnHold => "on-hold",
            GoalLifecycle::Completed => "completed",
            GoalLifecycle::Cancelled => "cancelled",
            GoalLifecycle::EnteredInError => "entered-in-error",
            GoalLifecycle::Rejected => "rejected",
        }
    }

    /// Whether the goal is still being pursued (shown on the dashboard as current).
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            GoalLifecycle::Planned
                | GoalLifecycle::Accepted
                | GoalLifecycle::Active
                | GoalLifecycle::OnHold
        )
    }
}

/// How a goal is going, after FHIR Goal `achievementStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoalAchievement {
    /// Work has started.
    InProgress,
    /// Getting closer.
    Improving,
    /// Getting further away.
    Worsening,
    /// No change.
    NoChange,
    /// Reached.
    Achieved,
    /// Reached and kept.
    Sustaining,
    /// Not reached.
    NotAchieved,
    /// No progress.
    NoProgress,
    /// Cannot be reached.
    NotAttainable,
}

/// A goal in one life domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    /// The domain it belongs to; fixed when the goal is created.
    pub domain: DomainRef,
    /// The goal (a title: 1-200 characters).
    pub title: String,
    /// Why it matters (a body, may be empty).
    pub why: String,
    /// When the user hopes to reach it.
    pub target_date: Option<NaiveDate>,
    /// Where it is in its life.
    pub lifecycle: GoalLifecycle,
    /// How it is going.
    pub achievement: Option<GoalAchievement>,
    /// Who wrote it: the service user, or the provider whose proposal they accepted.
    pub authored_by: UserId,
}

/// The state of an activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActivityState {
    /// Still to do.
    Planned,
    /// Done.
    Done,
    /// Skipped this time.
    Skipped,
    /// No longer planned.
    Cancelled,
}

/// A step toward a goal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// The goal it serves; fixed when the activity is created.
    pub goal: GoalId,
    /// The goal's domain, copied so that sharing by domain needs no lookup.
    pub domain: DomainRef,
    /// What to do (a title).
    pub title: String,
    /// When it is due.
    pub due: Option<NaiveDate>,
    /// Its state.
    pub state: ActivityState,
    /// Who wrote it: the service user, or the provider whose proposal they accepted.
    pub authored_by: UserId,
}

/// One time the user did an activity (recurring activities collect many).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityCompletion {
    /// The activity.
    pub activity: ActivityId,
    /// The day it was done.
    pub on: NaiveDate,
    /// How it went (a body, may be empty).
    pub note: String,
}

/// The status of a medication, after FHIR MedicationStatement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MedicationStatus {
    /// Being taken.
    Active,
    /// The course is finished.
    Completed,
    /// Should never have been listed.
    EnteredInError,
    /// Will be taken.
    Intended,
    /// Stopped before the course was finished.
    Stopped,
    /// Paused.
    OnHold,
    /// Not known.
    Unknown,
    /// Not being taken.
    NotTaken,
}

/// A medication on the service user's own list, prescribed or not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Medication {
    /// Its name (a title).
    pub name: String,
    /// Dose and schedule as the user writes it (a title, may be empty).
    pub dose: String,
    /// What it is meant to do (a body, may be empty).
    pub purpose: String,
    /// Whether a doctor prescribed it.
    pub prescribed: bool,
    /// Its status.
    pub status: MedicationStatus,
    /// The user's own experiences with it (a body, may be empty).
    pub experiences: String,
    /// Questions for the doctor (a body, may be empty).
    pub questions: String,
}

/// How a person on the network map is related to the service user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// Family.
    Family,
    /// A friend.
    Friend,
    /// A peer with lived experience.
    Peer,
    /// A professional.
    Professional,
    /// Anyone else.
    Other,
}

/// A kind of support a person gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SupportKind {
    /// Someone to talk to.
    Emotional,
    /// Help with practical things.
    Practical,
    /// Advice and information.
    Information,
    /// Company and activities.
    Company,
    /// Someone to call in a crisis.
    Crisis,
}

/// A person on the service user's network map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkPerson {
    /// How the user names them: a label, not necessarily a real name (a title).
    pub label: String,
    /// How they are related.
    pub relation: Relation,
    /// Closeness ring: 1 (closest) to 3.
    pub closeness: u8,
    /// The support they give, without duplicates.
    pub support: Vec<SupportKind>,
    /// Their provider account, if they have one.
    pub provider: Option<UserId>,
}

/// The crisis plan, after WRAP. Every part is a body and may be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrisisPlan {
    /// Signs that a crisis is coming.
    pub warning_signs: String,
    /// What helps.
    pub what_helps: String,
    /// What does not help.
    pub what_does_not_help: String,
    /// Whom to contact.
    pub contacts: String,
    /// Whom not to involve.
    pub do_not_involve: String,
    /// Treatment preferences.
    pub treatment_preferences: String,
}

/// An exercise in the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exercise {
    /// Its stable key, e.g. `sleep-hygiene`.
    pub key: String,
    /// Its title.
    pub title: Localized,
    /// One sentence on what it is for.
    pub summary: Localized,
    /// The steps, in order.
    pub steps: Vec<Localized>,
}

/// One time the user did an exercise from the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseCompletion {
    /// The exercise's key.
    pub exercise: String,
    /// The day it was done.
    pub on: NaiveDate,
    /// How it went (a body, may be empty).
    pub note: String,
}

/// A diary entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiaryEntry {
    /// The day it is about.
    pub day: NaiveDate,
    /// What the user wrote (a body).
    pub text: String,
}

/// What a measure records each day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum MeasureKind {
    /// A number, e.g. hours of sleep, with an optional unit (a title, may be empty).
    Number {
        /// The unit, e.g. `hours`.
        unit: String,
    },
    /// Yes or no, e.g. "took a walk".
    YesNo,
    /// A 1-10 scale, e.g. anxiety.
    Scale,
}

/// A measure the service user defined for daily registrations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    /// Its name, e.g. "Hours of sleep" (a title).
    pub name: String,
    /// What it records.
    pub kind: MeasureKind,
}

/// One registered value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum MeasureValue {
    /// For [`MeasureKind::Number`]: a finite number.
    Number(f64),
    /// For [`MeasureKind::YesNo`].
    YesNo(bool),
    /// For [`MeasureKind::Scale`]: 1 to 10.
    Scale(u8),
}

/// The value of one measure on one day. Registering again for the same day makes a new version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    /// The measure.
    pub measure: MeasureId,
    /// The day.
    pub day: NaiveDate,
    /// The value.
    pub value: MeasureValue,
}

/// The kinds of toolbox item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// [`OwnDomain`].
    Domain,
    /// [`WhatMatters`].
    WhatMatters,
    /// [`StatusEntry`].
    Status,
    /// [`Goal`].
    Goal,
    /// [`Activity`].
    Activity,
    /// [`ActivityCompletion`].
    ActivityCompletion,
    /// [`Medication`].
    Medication,
    /// [`NetworkPerson`].
    NetworkPerson,
    /// [`CrisisPlan`].
    CrisisPlan,
    /// [`ExerciseCompletion`].
    ExerciseCompletion,
    /// [`DiaryEntry`].
    Diary,
    /// [`Measure`].
    Measure,
    /// [`Registration`].
    Registration,
}

impl ItemKind {
    /// Every kind, in a stable order.
    pub const ALL: [ItemKind; 13] = [
        ItemKind::Domain,
        ItemKind::WhatMatters,
        ItemKind::Status,
        ItemKind::Goal,
        ItemKind::Activity,
        ItemKind::ActivityCompletion,
        ItemKind::Medication,
        ItemKind::NetworkPerson,
        ItemKind::CrisisPlan,
        ItemKind::ExerciseCompletion,
        ItemKind::Diary,
        ItemKind::Measure,
        ItemKind::Registration,
    ];

    /// A stable machine name, used in storage.
    pub const fn as_str(self) -> &'static str {
        match self {
            ItemKind::Domain => "domain",
            ItemKind::WhatMatters => "what-matters",
            ItemKind::Status => "status",
            ItemKind::Goal => "goal",
            ItemKind::Activity => "activity",
            ItemKind::ActivityCompletion => "activity-completion",
            ItemKind::Medication => "medication",
            ItemKind::NetworkPerson => "network-person",
            ItemKind::CrisisPlan => "crisis-plan",
            ItemKind::ExerciseCompletion => "exercise-completion",
            ItemKind::Diary => "diary",
            ItemKind::Measure => "measure",
            ItemKind::Registration => "registration",
        }
    }

    /// Parses [`ItemKind::as_str`] back.
    pub fn parse(s: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The content of any toolbox item, as the store keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "content")]
#[allow(missing_docs)] // each variant holds the type of the same name
pub enum ItemBody {
    Domain(OwnDomain),
    WhatMatters(WhatMatters),
    Status(StatusEntry),
    Goal(Goal),
    Activity(Activity),
    ActivityCompletion(ActivityCompletion),
    Medication(Medication),
    NetworkPerson(NetworkPerson),
    CrisisPlan(CrisisPlan),
    ExerciseCompletion(ExerciseCompletion),
    Diary(DiaryEntry),
    Measure(Measure),
    Registration(Registration),
}

impl ItemBody {
    /// The kind of item this content belongs to.
    pub const fn kind(&self) -> ItemKind {
        match self {
            ItemBody::Domain(_) => ItemKind::Domain,
            ItemBody::WhatMatters(_) => ItemKind::WhatMatters,
            ItemBody::Status(_) => ItemKind::Status,
            ItemBody::Goal(_) => ItemKind::Goal,
            ItemBody::Activity(_) => ItemKind::Activity,
            ItemBody::ActivityCompletion(_) => ItemKind::ActivityCompletion,
            ItemBody::Medication(_) => ItemKind::Medication,
            ItemBody::NetworkPerson(_) => ItemKind::NetworkPerson,
            ItemBody::CrisisPlan(_) => ItemKind::CrisisPlan,
            ItemBody::ExerciseCompletion(_) => ItemKind::ExerciseCompletion,
            ItemBody::Diary(_) => ItemKind::Diary,
            ItemBody::Measure(_) => ItemKind::Measure,
            ItemBody::Registration(_) => ItemKind::Registration,
        }
    }

    /// The life domain the item belongs to, for items that belong to one.
    pub fn domain(&self) -> Option<&DomainRef> {
        match self {
            ItemBody::Status(s) => Some(&s.domain),
            ItemBody::Goal(g) => Some(&g.domain),
            ItemBody::Activity(a) => Some(&a.domain),
            _ => None,
        }
    }

    /// The item this one hangs under (an activity's goal, a completion's activity, a
    /// registration's measure).
    pub fn parent(&self) -> Option<ItemId> {
        match self {
            ItemBody::Activity(a) => Some(a.goal.item()),
            ItemBody::ActivityCompletion(c) => Some(c.activity.item()),
            ItemBody::Registration(r) => Some(r.measure.item()),
            _ => None,
        }
    }
}

/// One stored version of a toolbox item, as the [`Store`](crate::store::Store) keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemRecord {
    /// The item's id.
    pub id: ItemId,
    /// The service user who owns it.
    pub owner: UserId,
    /// 1 for a new item, one more for every change.
    pub version: u32,
    /// When version 1 was written.
    pub created_at: DateTime<Utc>,
    /// When this version was written.
    pub updated_at: DateTime<Utc>,
    /// Who wrote this version.
    pub updated_by: UserId,
    /// Whether this version removes the item from the toolbox (it stays in the history).
    pub removed: bool,
    /// The content.
    pub body: ItemBody,
}

impl ItemRecord {
    /// The item's kind.
    pub const fn kind(&self) -> ItemKind {
        self.body.kind()
    }
}
