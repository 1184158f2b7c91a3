//! The service user's toolbox: content records, the item records that wrap them, and the inputs
//! of the toolbox calls.
//!
//! Each content record has the name and fields of its core type; ids and domains are strings,
//! days are `YYYY-MM-DD` strings, moments are timestamps. Each `…Item` record is the core's
//! `Item<Id, T>`: the content plus who changed it when.

use std::time::SystemTime;

use crate::convert::{self, Result, day, timestamp};

/// Text in the languages the portal ships: English and Norwegian Bokmål.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Localized {
    /// English.
    pub en: String,
    /// Norwegian Bokmål.
    pub nb: String,
}

/// A life domain as the user sees it in their toolbox.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct LifeDomain {
    /// How goals and status entries refer to it: `catalogue:KEY` or `own:UUID`. Pass this
    /// string wherever a call asks for a domain.
    pub domain: String,
    /// Its label.
    pub label: Localized,
}

/// A life domain the service user added to the catalogue's.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct OwnDomain {
    /// Its label (1-200 characters).
    pub label: String,
}

/// "What is important in my life": one text per service user, kept with its history.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct WhatMatters {
    /// The text (up to 20,000 characters).
    pub text: String,
}

/// How things are in one life domain at one moment.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StatusEntry {
    /// The domain (`catalogue:KEY` or `own:UUID`).
    pub domain: String,
    /// How things are now.
    pub now: String,
    /// What helps (may be empty).
    pub helps: String,
    /// What hinders (may be empty).
    pub hinders: String,
    /// A self-rating from 1 (stuck) to 10 (self-reliant).
    pub rating: Option<i32>,
}

/// Where a goal is in its life, after FHIR Goal `lifecycleStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
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

/// How a goal is going, after FHIR Goal `achievementStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
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
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Goal {
    /// The domain it belongs to; fixed when the goal is created.
    pub domain: String,
    /// The goal (1-200 characters).
    pub title: String,
    /// Why it matters (may be empty).
    pub why: String,
    /// When the user hopes to reach it (`YYYY-MM-DD`).
    pub target_date: Option<String>,
    /// Where it is in its life.
    pub lifecycle: GoalLifecycle,
    /// How it is going.
    pub achievement: Option<GoalAchievement>,
    /// Who wrote it: the service user, or the provider whose proposal they accepted.
    pub authored_by: String,
}

/// The state of an activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
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
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Activity {
    /// The goal it serves.
    pub goal: String,
    /// The goal's domain.
    pub domain: String,
    /// What to do (1-200 characters).
    pub title: String,
    /// When it is due (`YYYY-MM-DD`).
    pub due: Option<String>,
    /// Its state.
    pub state: ActivityState,
    /// Who wrote it.
    pub authored_by: String,
}

/// One time the user did an activity.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ActivityCompletion {
    /// The activity.
    pub activity: String,
    /// The day it was done (`YYYY-MM-DD`).
    pub on: String,
    /// How it went (may be empty).
    pub note: String,
}

/// The status of a medication, after FHIR MedicationStatement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
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
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Medication {
    /// Its name (1-200 characters).
    pub name: String,
    /// Its status.
    pub status: MedicationStatus,
    /// Dose and schedule as the user writes it (may be empty).
    #[uniffi(default = "")]
    pub dose: String,
    /// What it is meant to do (may be empty).
    #[uniffi(default = "")]
    pub purpose: String,
    /// Whether a doctor prescribed it.
    #[uniffi(default = false)]
    pub prescribed: bool,
    /// The user's own experiences with it (may be empty).
    #[uniffi(default = "")]
    pub experiences: String,
    /// Questions for the doctor (may be empty).
    #[uniffi(default = "")]
    pub questions: String,
}

/// How a person on the network map is related to the service user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
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
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct NetworkPerson {
    /// How the user names them: a label, not necessarily a real name (1-200 characters).
    pub label: String,
    /// How they are related.
    pub relation: Relation,
    /// Closeness ring: 1 (closest) to 3.
    pub closeness: i32,
    /// The support they give, without duplicates.
    #[uniffi(default)]
    pub support: Vec<SupportKind>,
    /// Their provider account's id, if they have one.
    #[uniffi(default = None)]
    pub provider: Option<String>,
}

/// The crisis plan, after WRAP. Every part may be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, uniffi::Record)]
pub struct CrisisPlan {
    /// Signs that a crisis is coming.
    #[uniffi(default = "")]
    pub warning_signs: String,
    /// What helps.
    #[uniffi(default = "")]
    pub what_helps: String,
    /// What does not help.
    #[uniffi(default = "")]
    pub what_does_not_help: String,
    /// Whom to contact.
    #[uniffi(default = "")]
    pub contacts: String,
    /// Whom not to involve.
    #[uniffi(default = "")]
    pub do_not_involve: String,
    /// Treatment preferences.
    #[uniffi(default = "")]
    pub treatment_preferences: String,
}

/// An exercise in the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
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
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ExerciseCompletion {
    /// The exercise's key.
    pub exercise: String,
    /// The day it was done (`YYYY-MM-DD`).
    pub on: String,
    /// How it went (may be empty).
    pub note: String,
}

/// A diary entry.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DiaryEntry {
    /// The day it is about (`YYYY-MM-DD`).
    pub day: String,
    /// What the user wrote.
    pub text: String,
}

/// What a measure records each day.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum MeasureKind {
    /// A number, e.g. hours of sleep, with an optional unit (may be empty).
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
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Measure {
    /// Its name, e.g. "Hours of sleep" (1-200 characters).
    pub name: String,
    /// What it records.
    pub kind: MeasureKind,
}

/// One registered value.
#[derive(Clone, Copy, Debug, PartialEq, uniffi::Enum)]
pub enum MeasureValue {
    /// For a `Number` measure: a finite number.
    Number {
        /// The number.
        value: f64,
    },
    /// For a `YesNo` measure.
    YesNo {
        /// Yes or no.
        value: bool,
    },
    /// For a `Scale` measure: 1 to 10.
    Scale {
        /// The point on the scale.
        value: i32,
    },
}

/// The value of one measure on one day.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct Registration {
    /// The measure.
    pub measure: String,
    /// The day (`YYYY-MM-DD`).
    pub day: String,
    /// The value.
    pub value: MeasureValue,
}

/// The kinds of toolbox item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum ItemKind {
    /// An own life domain.
    Domain,
    /// What matters.
    WhatMatters,
    /// A status entry.
    Status,
    /// A goal.
    Goal,
    /// An activity.
    Activity,
    /// An activity completion.
    ActivityCompletion,
    /// A medication.
    Medication,
    /// A person on the network map.
    NetworkPerson,
    /// The crisis plan.
    CrisisPlan,
    /// An exercise completion.
    ExerciseCompletion,
    /// A diary entry.
    Diary,
    /// A measure.
    Measure,
    /// A registration.
    Registration,
}

/// The content of any toolbox item, as its history shows it.
#[derive(Clone, Debug, PartialEq, uniffi::Enum)]
#[allow(missing_docs)] // each variant's content is the record of the same meaning
pub enum ItemBody {
    Domain { content: OwnDomain },
    WhatMatters { content: WhatMatters },
    Status { content: StatusEntry },
    Goal { content: Goal },
    Activity { content: Activity },
    ActivityCompletion { content: ActivityCompletion },
    Medication { content: Medication },
    NetworkPerson { content: NetworkPerson },
    CrisisPlan { content: CrisisPlan },
    ExerciseCompletion { content: ExerciseCompletion },
    Diary { content: DiaryEntry },
    Measure { content: Measure },
    Registration { content: Registration },
}

/// One stored version of a toolbox item: what `history` returns.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ItemVersion {
    /// The item's id.
    pub id: String,
    /// Its kind.
    pub kind: ItemKind,
    /// The service user who owns it.
    pub owner: String,
    /// 1 for a new item, one more for every change.
    pub version: u32,
    /// When version 1 was written.
    pub created_at: SystemTime,
    /// When this version was written.
    pub updated_at: SystemTime,
    /// Who wrote this version.
    pub updated_by: String,
    /// Whether this version removes the item from the toolbox.
    pub removed: bool,
    /// The content.
    pub body: ItemBody,
}

/// Declares the record for `Item<Id, T>` of each content type: the content plus the facts of
/// its latest version. One line per kind keeps new kinds mechanical.
macro_rules! item_records {
    ($($(#[$doc:meta])* $name:ident($id:ident, $content:ident);)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, uniffi::Record)]
        pub struct $name {
            /// The item's id.
            pub id: String,
            /// The service user who owns the item.
            pub owner: String,
            /// 1 for a new item, one more for every change.
            pub version: u32,
            /// When version 1 was written.
            pub created_at: SystemTime,
            /// When this version was written.
            pub updated_at: SystemTime,
            /// Who wrote this version.
            pub updated_by: String,
            /// What the item says.
            pub content: $content,
        }

        impl From<recovery_core::Item<recovery_core::$id, recovery_core::$content>> for $name {
            fn from(item: recovery_core::Item<recovery_core::$id, recovery_core::$content>) -> Self {
                Self {
                    id: item.id.to_string(),
                    owner: item.owner.to_string(),
                    version: item.version,
                    created_at: timestamp(item.created_at),
                    updated_at: timestamp(item.updated_at),
                    updated_by: item.updated_by.to_string(),
                    content: item.content.into(),
                }
            }
        }
    )*};
}

item_records! {
    /// A life domain the user added, with its version facts.
    OwnDomainItem(DomainId, OwnDomain);
    /// "What matters", with its version facts.
    WhatMattersItem(WhatMattersId, WhatMatters);
    /// A status entry, with its version facts.
    StatusEntryItem(StatusId, StatusEntry);
    /// A goal, with its version facts.
    GoalItem(GoalId, Goal);
    /// An activity, with its version facts.
    ActivityItem(ActivityId, Activity);
    /// An activity completion, with its version facts.
    ActivityCompletionItem(CompletionId, ActivityCompletion);
    /// A medication, with its version facts.
    MedicationItem(MedicationId, Medication);
    /// A person on the network map, with its version facts.
    NetworkPersonItem(NetworkPersonId, NetworkPerson);
    /// The crisis plan, with its version facts.
    CrisisPlanItem(CrisisPlanId, CrisisPlan);
    /// An exercise completion, with its version facts.
    ExerciseCompletionItem(ExerciseCompletionId, ExerciseCompletion);
    /// A diary entry, with its version facts.
    DiaryEntryItem(DiaryEntryId, DiaryEntry);
    /// A measure, with its version facts.
    MeasureItem(MeasureId, Measure);
    /// A registration, with its version facts.
    RegistrationItem(RegistrationId, Registration);
}

// ----- inputs ------------------------------------------------------------------------------------

/// A new goal.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct NewGoal {
    /// The domain it belongs to (`LifeDomain.domain`).
    pub domain: String,
    /// The goal (1-200 characters).
    pub title: String,
    /// Why it matters (may be empty).
    #[uniffi(default = "")]
    pub why: String,
    /// When the user hopes to reach it (`YYYY-MM-DD`).
    #[uniffi(default = None)]
    pub target_date: Option<String>,
    /// The state it starts in: planned, accepted, active or on-hold. None means active.
    #[uniffi(default = None)]
    pub lifecycle: Option<GoalLifecycle>,
}

/// The parts of a goal its owner can change.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct GoalEdit {
    /// The goal (1-200 characters).
    pub title: String,
    /// Why it matters (may be empty).
    pub why: String,
    /// When the user hopes to reach it (`YYYY-MM-DD`).
    pub target_date: Option<String>,
    /// Where it is in its life.
    pub lifecycle: GoalLifecycle,
    /// How it is going.
    pub achievement: Option<GoalAchievement>,
}

/// A new activity under a goal.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct NewActivity {
    /// The goal's id.
    pub goal: String,
    /// What to do (1-200 characters).
    pub title: String,
    /// When it is due (`YYYY-MM-DD`).
    #[uniffi(default = None)]
    pub due: Option<String>,
}

/// The parts of an activity its owner can change.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ActivityEdit {
    /// What to do (1-200 characters).
    pub title: String,
    /// When it is due (`YYYY-MM-DD`).
    pub due: Option<String>,
    /// Its state.
    pub state: ActivityState,
}

/// A new status entry for a domain.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct NewStatus {
    /// The domain (`LifeDomain.domain`).
    pub domain: String,
    /// How things are now.
    pub now: String,
    /// What helps (may be empty).
    #[uniffi(default = "")]
    pub helps: String,
    /// What hinders (may be empty).
    #[uniffi(default = "")]
    pub hinders: String,
    /// A self-rating from 1 to 10.
    #[uniffi(default = None)]
    pub rating: Option<i32>,
}

impl NewGoal {
    /// The core's form of this input.
    pub(crate) fn into_core(self) -> Result<recovery_core::NewGoal> {
        Ok(recovery_core::NewGoal {
            domain: convert::domain("goal.domain", &self.domain)?,
            title: self.title,
            why: self.why,
            target_date: convert::optional_date("goal.target_date", self.target_date.as_deref())?,
            lifecycle: self.lifecycle.unwrap_or(GoalLifecycle::Active).into(),
        })
    }
}

impl GoalEdit {
    /// The core's form of this input.
    pub(crate) fn into_core(self) -> Result<recovery_core::GoalEdit> {
        Ok(recovery_core::GoalEdit {
            title: self.title,
            why: self.why,
            target_date: convert::optional_date("goal.target_date", self.target_date.as_deref())?,
            lifecycle: self.lifecycle.into(),
            achievement: self.achievement.map(Into::into),
        })
    }
}

impl NewActivity {
    /// The core's form of this input.
    pub(crate) fn into_core(self) -> Result<recovery_core::NewActivity> {
        Ok(recovery_core::NewActivity {
            goal: convert::id("activity.goal", &self.goal)?,
            title: self.title,
            due: convert::optional_date("activity.due", self.due.as_deref())?,
        })
    }
}

impl ActivityEdit {
    /// The core's form of this input.
    pub(crate) fn into_core(self) -> Result<recovery_core::ActivityEdit> {
        Ok(recovery_core::ActivityEdit {
            title: self.title,
            due: convert::optional_date("activity.due", self.due.as_deref())?,
            state: self.state.into(),
        })
    }
}

impl NewStatus {
    /// The core's form of this input.
    pub(crate) fn into_core(self) -> Result<recovery_core::NewStatus> {
        Ok(recovery_core::NewStatus {
            domain: convert::domain("status.domain", &self.domain)?,
            now: self.now,
            helps: self.helps,
            hinders: self.hinders,
            rating: self
                .rating
                .map(|r| convert::small("status.rating", r, 1, 10))
                .transpose()?,
        })
    }
}

impl NetworkPerson {
    /// The core's form of this input.
    pub(crate) fn into_core(self) -> Result<recovery_core::NetworkPerson> {
        Ok(recovery_core::NetworkPerson {
            label: self.label,
            relation: self.relation.into(),
            closeness: convert::small("network_person.closeness", self.closeness, 1, 3)?,
            support: self.support.into_iter().map(Into::into).collect(),
            provider: self
                .provider
                .map(|p| convert::id("network_person.provider", &p))
                .transpose()?,
        })
    }
}

impl DiaryEntry {
    /// The core's form of this input.
    pub(crate) fn into_core(self) -> Result<recovery_core::DiaryEntry> {
        Ok(recovery_core::DiaryEntry {
            day: convert::date("diary.day", &self.day)?,
            text: self.text,
        })
    }
}

impl MeasureValue {
    /// The core's form of this input.
    pub(crate) fn into_core(self) -> Result<recovery_core::MeasureValue> {
        Ok(match self {
            MeasureValue::Number { value } => recovery_core::MeasureValue::Number(value),
            MeasureValue::YesNo { value } => recovery_core::MeasureValue::YesNo(value),
            MeasureValue::Scale { value } => recovery_core::MeasureValue::Scale(convert::small(
                "registration.value",
                value,
                1,
                10,
            )?),
        })
    }
}

// ----- conversions -------------------------------------------------------------------------------

/// Declares `From` both ways between a unit-only mirror enum and its core enum.
macro_rules! mirror_enum {
    ($($name:ident { $($variant:ident),* $(,)? })*) => {$(
        impl From<$name> for recovery_core::$name {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant => recovery_core::$name::$variant,)*
                }
            }
        }

        impl From<recovery_core::$name> for $name {
            fn from(value: recovery_core::$name) -> Self {
                match value {
                    $(recovery_core::$name::$variant => $name::$variant,)*
                }
            }
        }
    )*};
}

mirror_enum! {
    GoalLifecycle { Proposed, Planned, Accepted, Active, OnHold, Completed, Cancelled, EnteredInError, Rejected }
    GoalAchievement { InProgress, Improving, Worsening, NoChange, Achieved, Sustaining, NotAchieved, NoProgress, NotAttainable }
    ActivityState { Planned, Done, Skipped, Cancelled }
    MedicationStatus { Active, Completed, EnteredInError, Intended, Stopped, OnHold, Unknown, NotTaken }
    Relation { Family, Friend, Peer, Professional, Other }
    SupportKind { Emotional, Practical, Information, Company, Crisis }
    ItemKind {
        Domain, WhatMatters, Status, Goal, Activity, ActivityCompletion, Medication, NetworkPerson,
        CrisisPlan, ExerciseCompletion, Diary, Measure, Registration,
    }
}

impl From<recovery_core::Localized> for Localized {
    fn from(l: recovery_core::Localized) -> Self {
        Self { en: l.en, nb: l.nb }
    }
}

impl From<Localized> for recovery_core::Localized {
    fn from(l: Localized) -> Self {
        Self { en: l.en, nb: l.nb }
    }
}

impl From<recovery_core::LifeDomain> for LifeDomain {
    fn from(d: recovery_core::LifeDomain) -> Self {
        Self {
            domain: d.domain.to_string(),
            label: d.label.into(),
        }
    }
}

impl From<recovery_core::OwnDomain> for OwnDomain {
    fn from(d: recovery_core::OwnDomain) -> Self {
        Self { label: d.label }
    }
}

impl From<recovery_core::WhatMatters> for WhatMatters {
    fn from(w: recovery_core::WhatMatters) -> Self {
        Self { text: w.text }
    }
}

impl From<recovery_core::StatusEntry> for StatusEntry {
    fn from(s: recovery_core::StatusEntry) -> Self {
        Self {
            domain: s.domain.to_string(),
            now: s.now,
            helps: s.helps,
            hinders: s.hinders,
            rating: s.rating.map(i32::from),
        }
    }
}

impl From<recovery_core::Goal> for Goal {
    fn from(g: recovery_core::Goal) -> Self {
        Self {
            domain: g.domain.to_string(),
            title: g.title,
            why: g.why,
            target_date: g.target_date.map(day),
            lifecycle: g.lifecycle.into(),
            achievement: g.achievement.map(Into::into),
            authored_by: g.authored_by.to_string(),
        }
    }
}

impl From<recovery_core::Activity> for Activity {
    fn from(a: recovery_core::Activity) -> Self {
        Self {
            goal: a.goal.to_string(),
            domain: a.domain.to_string(),
            title: a.title,
            due: a.due.map(day),
            state: a.state.into(),
            authored_by: a.authored_by.to_string(),
        }
    }
}

impl From<recovery_core::ActivityCompletion> for ActivityCompletion {
    fn from(c: recovery_core::ActivityCompletion) -> Self {
        Self {
            activity: c.activity.to_string(),
            on: day(c.on),
            note: c.note,
        }
    }
}

impl From<recovery_core::Medication> for Medication {
    fn from(m: recovery_core::Medication) -> Self {
        Self {
            name: m.name,
            status: m.status.into(),
            dose: m.dose,
            purpose: m.purpose,
            prescribed: m.prescribed,
            experiences: m.experiences,
            questions: m.questions,
        }
    }
}

impl From<Medication> for recovery_core::Medication {
    fn from(m: Medication) -> Self {
        Self {
            name: m.name,
            dose: m.dose,
            purpose: m.purpose,
            prescribed: m.prescribed,
            status: m.status.into(),
            experiences: m.experiences,
            questions: m.questions,
        }
    }
}

impl From<recovery_core::NetworkPerson> for NetworkPerson {
    fn from(p: recovery_core::NetworkPerson) -> Self {
        Self {
            label: p.label,
            relation: p.relation.into(),
            closeness: i32::from(p.closeness),
            support: p.support.into_iter().map(Into::into).collect(),
            provider: p.provider.map(|id| id.to_string()),
        }
    }
}

impl From<recovery_core::CrisisPlan> for CrisisPlan {
    fn from(p: recovery_core::CrisisPlan) -> Self {
        Self {
            warning_signs: p.warning_signs,
            what_helps: p.what_helps,
            what_does_not_help: p.what_does_not_help,
            contacts: p.contacts,
            do_not_involve: p.do_not_involve,
            treatment_preferences: p.treatment_preferences,
        }
    }
}

impl From<CrisisPlan> for recovery_core::CrisisPlan {
    fn from(p: CrisisPlan) -> Self {
        Self {
            warning_signs: p.warning_signs,
            what_helps: p.what_helps,
            what_does_not_help: p.what_does_not_help,
            contacts: p.contacts,
            do_not_involve: p.do_not_involve,
            treatment_preferences: p.treatment_preferences,
        }
    }
}

impl From<recovery_core::Exercise> for Exercise {
    fn from(e: recovery_core::Exercise) -> Self {
        Self {
            key: e.key,
            title: e.title.into(),
            summary: e.summary.into(),
            steps: e.steps.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<Exercise> for recovery_core::Exercise {
    fn from(e: Exercise) -> Self {
        Self {
            key: e.key,
            title: e.title.into(),
            summary: e.summary.into(),
            steps: e.steps.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<recovery_core::ExerciseCompletion> for ExerciseCompletion {
    fn from(c: recovery_core::ExerciseCompletion) -> Self {
        Self {
            exercise: c.exercise,
            on: day(c.on),
            note: c.note,
        }
    }
}

impl From<recovery_core::DiaryEntry> for DiaryEntry {
    fn from(d: recovery_core::DiaryEntry) -> Self {
        Self {
            day: day(d.day),
            text: d.text,
        }
    }
}

impl From<recovery_core::MeasureKind> for MeasureKind {
    fn from(k: recovery_core::MeasureKind) -> Self {
        match k {
            recovery_core::MeasureKind::Number { unit } => MeasureKind::Number { unit },
            recovery_core::MeasureKind::YesNo => MeasureKind::YesNo,
            recovery_core::MeasureKind::Scale => MeasureKind::Scale,
        }
    }
}

impl From<MeasureKind> for recovery_core::MeasureKind {
    fn from(k: MeasureKind) -> Self {
        match k {
            MeasureKind::Number { unit } => recovery_core::MeasureKind::Number { unit },
            MeasureKind::YesNo => recovery_core::MeasureKind::YesNo,
            MeasureKind::Scale => recovery_core::MeasureKind::Scale,
        }
    }
}

impl From<recovery_core::Measure> for Measure {
    fn from(m: recovery_core::Measure) -> Self {
        Self {
            name: m.name,
            kind: m.kind.into(),
        }
    }
}

impl From<Measure> for recovery_core::Measure {
    fn from(m: Measure) -> Self {
        Self {
            name: m.name,
            kind: m.kind.into(),
        }
    }
}

impl From<recovery_core::MeasureValue> for MeasureValue {
    fn from(v: recovery_core::MeasureValue) -> Self {
        match v {
            recovery_core::MeasureValue::Number(value) => MeasureValue::Number { value },
            recovery_core::MeasureValue::YesNo(value) => MeasureValue::YesNo { value },
            recovery_core::MeasureValue::Scale(value) => MeasureValue::Scale {
                value: i32::from(value),
            },
        }
    }
}

impl From<recovery_core::Registration> for Registration {
    fn from(r: recovery_core::Registration) -> Self {
        Self {
            measure: r.measure.to_string(),
            day: day(r.day),
            value: r.value.into(),
        }
    }
}

impl From<recovery_core::ItemBody> for ItemBody {
    fn from(body: recovery_core::ItemBody) -> Self {
        use recovery_core::ItemBody as B;
        match body {
            B::Domain(c) => ItemBody::Domain { content: c.into() },
            B::WhatMatters(c) => ItemBody::WhatMatters { content: c.into() },
            B::Status(c) => ItemBody::Status { content: c.into() },
            B::Goal(c) => ItemBody::Goal { content: c.into() },
            B::Activity(c) => ItemBody::Activity { content: c.into() },
            B::ActivityCompletion(c) => ItemBody::ActivityCompletion { content: c.into() },
            B::Medication(c) => ItemBody::Medication { content: c.into() },
            B::NetworkPerson(c) => ItemBody::NetworkPerson { content: c.into() },
            B::CrisisPlan(c) => ItemBody::CrisisPlan { content: c.into() },
            B::ExerciseCompletion(c) => ItemBody::ExerciseCompletion { content: c.into() },
            B::Diary(c) => ItemBody::Diary { content: c.into() },
            B::Measure(c) => ItemBody::Measure { content: c.into() },
            B::Registration(c) => ItemBody::Registration { content: c.into() },
        }
    }
}

impl From<recovery_core::ItemRecord> for ItemVersion {
    fn from(r: recovery_core::ItemRecord) -> Self {
        Self {
            id: r.id.to_string(),
            kind: r.kind().into(),
            owner: r.owner.to_string(),
            version: r.version,
            created_at: timestamp(r.created_at),
            updated_at: timestamp(r.updated_at),
            updated_by: r.updated_by.to_string(),
            removed: r.removed,
            body: r.body.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Problem, RecoveryError};

    fn invalid(result: Result<impl std::fmt::Debug>) -> (String, Problem) {
        match result {
            Err(RecoveryError::Invalid { field, problem }) => (field, problem),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn new_goal_without_lifecycle_starts_active() {
        let goal = NewGoal {
            domain: "catalogue:housing".into(),
            title: "Find a flat".into(),
            why: String::new(),
            target_date: Some("2030-01-31".into()),
            lifecycle: None,
        }
        .into_core()
        .expect("valid input");
        assert_eq!(goal.lifecycle, recovery_core::GoalLifecycle::Active);
        assert_eq!(goal.target_date.map(day).as_deref(), Some("2030-01-31"));
    }

    #[test]
    fn inputs_name_the_field_that_cannot_be_read() {
        let goal = NewGoal {
            domain: "housing".into(),
            title: "t".into(),
            why: String::new(),
            target_date: None,
            lifecycle: None,
        };
        assert_eq!(
            invalid(goal.into_core()),
            ("goal.domain".into(), Problem::MalformedDomain)
        );

        let activity = NewActivity {
            goal: "g".into(),
            title: "t".into(),
            due: None,
        };
        assert_eq!(
            invalid(activity.into_core()),
            ("activity.goal".into(), Problem::MalformedId)
        );

        let edit = ActivityEdit {
            title: "t".into(),
            due: Some("31.12.2030".into()),
            state: ActivityState::Done,
        };
        assert_eq!(
            invalid(edit.into_core()),
            ("activity.due".into(), Problem::MalformedDate)
        );

        let person = NetworkPerson {
            label: "Sister".into(),
            relation: Relation::Family,
            closeness: 4,
            support: vec![],
            provider: None,
        };
        assert_eq!(
            invalid(person.into_core()),
            (
                "network_person.closeness".into(),
                Problem::OutOfRange { min: 1, max: 3 }
            )
        );

        assert_eq!(
            invalid(MeasureValue::Scale { value: 300 }.into_core()),
            (
                "registration.value".into(),
                Problem::OutOfRange { min: 1, max: 10 }
            )
        );
    }

    #[test]
    fn registrations_and_status_round_trip_their_numbers() {
        let value = MeasureValue::Scale { value: 7 }
            .into_core()
            .expect("in range");
        assert_eq!(MeasureValue::from(value), MeasureValue::Scale { value: 7 });
        let status = NewStatus {
            domain: "catalogue:housing".into(),
            now: "n".into(),
            helps: String::new(),
            hinders: String::new(),
            rating: Some(10),
        }
        .into_core()
        .expect("valid");
        assert_eq!(status.rating, Some(10));
    }
}
