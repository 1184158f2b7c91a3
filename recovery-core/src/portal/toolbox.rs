//! The service user's toolbox through the facade.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Portal, acting};
use crate::error::{Error, Problem, Result};
use crate::model::ids::*;
use crate::model::people::{Actor, Person};
use crate::model::team::Scope;
use crate::model::toolbox::*;
use crate::model::usage::{Module, UsageAction};
use crate::policy::access::{self, Action, Decision};
use crate::policy::goals;
use crate::policy::text::{TextKind, clean, in_range};
use crate::store::{ItemQuery, Transaction};

/// Content that is one kind of toolbox item, with the id type that names it.
pub(crate) trait Content: Sized {
    type Id: From<uuid::Uuid> + Into<ItemId> + Copy;
    const KIND: ItemKind;
    fn into_body(self) -> ItemBody;
    fn from_body(body: ItemBody) -> Option<Self>;
}

macro_rules! content {
    ($($ty:ty => $id:ty, $variant:ident;)*) => {$(
        impl Content for $ty {
            type Id = $id;
            const KIND: ItemKind = ItemKind::$variant;
            fn into_body(self) -> ItemBody {
                ItemBody::$variant(self)
            }
            fn from_body(body: ItemBody) -> Option<Self> {
                match body {
                    ItemBody::$variant(c) => Some(c),
                    _ => None,
                }
            }
        }
    )*};
}

content! {
    OwnDomain => DomainId, Domain;
    WhatMatters => WhatMattersId, WhatMatters;
    StatusEntry => StatusId, Status;
    Goal => GoalId, Goal;
    Activity => ActivityId, Activity;
    ActivityCompletion => CompletionId, ActivityCompletion;
    Medication => MedicationId, Medication;
    NetworkPerson => NetworkPersonId, NetworkPerson;
    CrisisPlan => CrisisPlanId, CrisisPlan;
    ExerciseCompletion => ExerciseCompletionId, ExerciseCompletion;
    DiaryEntry => DiaryEntryId, Diary;
    Measure => MeasureId, Measure;
    Registration => RegistrationId, Registration;
}

/// A stored record as a typed item, if it holds content of type `T`.
pub(crate) fn typed<T: Content>(record: ItemRecord) -> Option<Item<T::Id, T>> {
    let ItemRecord {
        id,
        owner,
        version,
        created_at,
        updated_at,
        updated_by,
        body,
        ..
    } = record;
    Some(Item {
        id: T::Id::from(id.as_uuid()),
        owner,
        version,
        created_at,
        updated_at,
        updated_by,
        content: T::from_body(body)?,
    })
}

/// The typed items among `records`.
pub(crate) fn typed_all<T: Content>(records: Vec<ItemRecord>) -> Vec<Item<T::Id, T>> {
    records.into_iter().filter_map(typed::<T>).collect()
}

/// A new goal. Build one with [`NewGoal::new`] and adjust the public fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGoal {
    /// The domain it belongs to.
    pub domain: DomainRef,
    /// The goal (a title).
    pub title: String,
    /// Why it matters (a body, may be empty).
    pub why: String,
    /// When the user hopes to reach it.
    pub target_date: Option<NaiveDate>,
    /// The state it starts in: planned, accepted, active (the default) or on-hold.
    pub lifecycle: GoalLifecycle,
}

impl NewGoal {
    /// An active goal with only a domain and a title.
    pub fn new(domain: DomainRef, title: impl Into<String>) -> Self {
        Self {
            domain,
            title: title.into(),
            why: String::new(),
            target_date: None,
            lifecycle: GoalLifecycle::Active,
        }
    }
}

/// The parts of a goal its owner can change. The domain and author stay as they were.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalEdit {
    /// The goal (a title).
    pub title: String,
    /// Why it matters (a body, may be empty).
    pub why: String,
    /// When the user hopes to reach it.
    pub target_date: Option<NaiveDate>,
    /// Where it is in its life; see [`policy::goals`](crate::policy::goals) for what may change.
    pub lifecycle: GoalLifecycle,
    /// How it is going.
    pub achievement: Option<GoalAchievement>,
}

impl From<&Goal> for GoalEdit {
    fn from(goal: &Goal) -> Self {
        Self {
            title: goal.title.clone(),
            why: goal.why.clone(),
            target_date: goal.target_date,
            lifecycle: goal.lifecycle,
            achievement: goal.achievement,
        }
    }
}

/// A new activity under a goal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewActivity {
    /// The goal it serves.
    pub goal: GoalId,
    /// What to do (a title).
    pub title: String,
    /// When it is due.
    pub due: Option<NaiveDate>,
}

/// The parts of an activity its owner can change. The goal stays as it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEdit {
    /// What to do (a title).
    pub title: String,
    /// When it is due.
    pub due: Option<NaiveDate>,
    /// Its state.
    pub state: ActivityState,
}

/// A new status entry for a domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStatus {
    /// The domain.
    pub domain: DomainRef,
    /// How things are now (a body).
    pub now: String,
    /// What helps (may be empty).
    pub helps: String,
    /// What hinders (may be empty).
    pub hinders: String,
    /// A self-rating from 1 to 10.
    pub rating: Option<u8>,
}

/// The earliest year a date in the toolbox may have.
const FIRST_YEAR: i32 = 1900;
/// The latest year a planned date (a target or due date) may have.
const LAST_YEAR: i32 = 2200;

impl Portal {
    // ----- shared steps -----------------------------------------------------------------------

    /// The acting person, checked against the owner's toolbox for `action`. Today the owner is
    /// always the actor: toolbox calls act on the actor's own toolbox.
    pub(super) fn toolbox_owner(
        &self,
        tx: &mut dyn Transaction,
        actor: &Actor,
        _action: Action,
    ) -> Result<Person> {
        let person = acting(tx, actor)?;
        match access::decide_own(&person) {
            Decision::Allow => Ok(person),
            Decision::Deny(reason) => Err(Error::PermissionDenied(reason)),
        }
    }

    /// A current item of kind `T` that the actor may take `action` on: their own, or (for
    /// reads) one in a scope its owner shares with them. Attempts on another person's item are
    /// logged.
    fn owned<T: Content>(
        &self,
        tx: &mut dyn Transaction,
        actor: &Actor,
        id: T::Id,
        action: Action,
    ) -> Result<(Person, ItemRecord)> {
        let person = acting(tx, actor)?;
        let item_id: ItemId = id.into();
        let record = tx
            .item(item_id)?
            .filter(|r| r.kind() == T::KIND && !r.removed)
            .ok_or_else(|| Error::not_found(T::KIND.as_str(), item_id))?;
        let scope = Scope::of_item(record.kind(), record.body.domain(), record.id);
        self.authorize(
            tx,
            &person,
            record.owner,
            &scope,
            action,
            Some(item_id.as_uuid()),
        )?;
        Ok((person, record))
    }

    fn insert<T: Content>(
        &self,
        tx: &mut dyn Transaction,
        owner: &Person,
        content: T,
    ) -> Result<Item<T::Id, T>> {
        let now = self.clock.now();
        let record = ItemRecord {
            id: ItemId::new(),
            owner: owner.id,
            version: 1,
            created_at: now,
            updated_at: now,
            updated_by: owner.id,
            removed: false,
            body: content.into_body(),
        };
        tx.insert_item(&record)?;
        let action = match T::KIND {
            ItemKind::Goal => UsageAction::Goal,
            ItemKind::ActivityCompletion | ItemKind::ExerciseCompletion => UsageAction::Completion,
            ItemKind::CrisisPlan => UsageAction::CrisisPlan,
            _ => UsageAction::Entry,
        };
        self.note(tx, owner, Module::of_item(T::KIND), action, Some(owner.id))?;
        typed::<T>(record).ok_or_else(|| Error::not_found(T::KIND.as_str(), "new"))
    }

    /// Writes the next version of `previous` with a new body, or as a removal.
    fn revise(
        &self,
        tx: &mut dyn Transaction,
        by: &Person,
        previous: ItemRecord,
        body: ItemBody,
        removed: bool,
    ) -> Result<ItemRecord> {
        let record = ItemRecord {
            version: previous.version + 1,
            updated_at: self.clock.now(),
            updated_by: by.id,
            removed,
            body,
            ..previous
        };
        tx.update_item(&record)?;
        Ok(record)
    }

    fn revise_typed<T: Content>(
        &self,
        tx: &mut dyn Transaction,
        by: &Person,
        previous: ItemRecord,
        content: T,
    ) -> Result<Item<T::Id, T>> {
        let record = self.revise(tx, by, previous, content.into_body(), false)?;
        typed::<T>(record).ok_or_else(|| Error::not_found(T::KIND.as_str(), "revised"))
    }

    fn list<T: Content>(
        &self,
        actor: &Actor,
        query: impl FnOnce(ItemQuery) -> ItemQuery,
    ) -> Result<Vec<Item<T::Id, T>>> {
        self.read(|tx| {
            let me = self.toolbox_owner(tx, actor, Action::View)?;
            let records = tx.items(&query(ItemQuery::owner(me.id).kind(T::KIND)))?;
            Ok(typed_all::<T>(records))
        })
    }

    /// The owner's only item of kind `T` (what-matters, crisis plan), if there is one.
    fn single<T: Content>(tx: &mut dyn Transaction, owner: &Person) -> Result<Option<ItemRecord>> {
        Ok(tx
            .items(&ItemQuery::owner(owner.id).kind(T::KIND).newest(1))?
            .pop())
    }

    fn set_single<T: Content>(&self, actor: &Actor, content: T) -> Result<Item<T::Id, T>> {
        self.write(|tx| {
            let me = self.toolbox_owner(tx, actor, Action::Change)?;
            match Self::single::<T>(tx, &me)? {
                Some(previous) => self.revise_typed(tx, &me, previous, content),
                None => self.insert(tx, &me, content),
            }
        })
    }

    /// A catalogue key the configuration lacks is bad input in `field`; an own domain that is
    /// not the owner's (or not current) is an id that names nothing.
    /// Adds an item of the actor's own, already checked.
    fn add_own<T: Content>(&self, actor: &Actor, content: T) -> Result<Item<T::Id, T>> {
        self.write(|tx| {
            let me = self.toolbox_owner(tx, actor, Action::Change)?;
            self.insert(tx, &me, content)
        })
    }

    /// Replaces the content of one of the actor's items, already checked; the earlier version
    /// stays in the history.
    fn replace_own<T: Content>(
        &self,
        actor: &Actor,
        id: T::Id,
        content: T,
    ) -> Result<Item<T::Id, T>> {
        self.write(|tx| {
            let (me, previous) = self.owned::<T>(tx, actor, id, Action::Change)?;
            self.revise_typed(tx, &me, previous, content)
        })
    }

    pub(super) fn check_domain(
        &self,
        tx: &mut dyn Transaction,
        owner: &Person,
        field: &'static str,
        domain: &DomainRef,
    ) -> Result<()> {
        match domain {
            DomainRef::Catalogue(key) if self.config.domains.contains(key) => Ok(()),
            DomainRef::Catalogue(_) => Err(Error::invalid(field, Problem::Unknown)),
            DomainRef::Own(id) => {
                let known = tx.item(id.item())?.is_some_and(|r| {
                    r.owner == owner.id && r.kind() == ItemKind::Domain && !r.removed
                });
                if known {
                    Ok(())
                } else {
                    Err(Error::not_found("domain", domain))
                }
            }
        }
    }

    pub(super) fn title(&self, field: &'static str, value: &str) -> Result<String> {
        clean(field, value, TextKind::Title, &self.config.limits)
    }

    fn optional_title(&self, field: &'static str, value: &str) -> Result<String> {
        clean(field, value, TextKind::OptionalTitle, &self.config.limits)
    }

    fn body(&self, field: &'static str, value: &str) -> Result<String> {
        clean(field, value, TextKind::Body, &self.config.limits)
    }

    pub(super) fn optional_body(&self, field: &'static str, value: &str) -> Result<String> {
        clean(field, value, TextKind::OptionalBody, &self.config.limits)
    }

    fn planned_date(field: &'static str, date: Option<NaiveDate>) -> Result<()> {
        check_planned_date(field, date)
    }

    /// A day something happened: from 1900 to tomorrow (the host's time zone may be ahead).
    fn past_day(&self, field: &'static str, day: NaiveDate) -> Result<()> {
        let tomorrow = self
            .clock
            .now()
            .date_naive()
            .succ_opt()
            .unwrap_or(NaiveDate::MAX);
        if day.year() < FIRST_YEAR || day > tomorrow {
            return Err(Error::invalid(field, Problem::ImplausibleDate));
        }
        Ok(())
    }

    // ----- domains and what matters -------------------------------------------------------------

    /// The actor's life domains: the configured catalogue's, then those they added.
    pub fn domains(&self, actor: &Actor) -> Result<Vec<LifeDomain>> {
        self.read(|tx| {
            let me = self.toolbox_owner(tx, actor, Action::View)?;
            self.life_domains(tx, &me)
        })
    }

    pub(super) fn life_domains(
        &self,
        tx: &mut dyn Transaction,
        owner: &Person,
    ) -> Result<Vec<LifeDomain>> {
        let own =
            typed_all::<OwnDomain>(tx.items(&ItemQuery::owner(owner.id).kind(ItemKind::Domain))?);
        let mut domains: Vec<LifeDomain> = self
            .config
            .domains
            .domains()
            .iter()
            .map(|d| d.to_life_domain())
            .collect();
        domains.extend(own.into_iter().map(|d| LifeDomain {
            domain: DomainRef::Own(d.id),
            label: Localized::same(d.content.label),
        }));
        Ok(domains)
    }

    /// Adds a life domain of the actor's own.
    pub fn add_domain(&self, actor: &Actor, label: &str) -> Result<Item<DomainId, OwnDomain>> {
        let label = self.title("domain.label", label)?;
        self.add_own(actor, OwnDomain { label })
    }

    /// Renames a domain the actor added.
    pub fn rename_domain(
        &self,
        actor: &Actor,
        id: DomainId,
        label: &str,
    ) -> Result<Item<DomainId, OwnDomain>> {
        let label = self.title("domain.label", label)?;
        self.replace_own(actor, id, OwnDomain { label })
    }

    /// Sets "what is important in my life"; the earlier text stays in the history.
    pub fn set_what_matters(
        &self,
        actor: &Actor,
        text: &str,
    ) -> Result<Item<WhatMattersId, WhatMatters>> {
        let text = self.body("what_matters.text", text)?;
        self.set_single(actor, WhatMatters { text })
    }

    /// "What is important in my life", if the actor has written it.
    pub fn what_matters(&self, actor: &Actor) -> Result<Option<Item<WhatMattersId, WhatMatters>>> {
        Ok(self.list::<WhatMatters>(actor, |q| q.newest(1))?.pop())
    }

    // ----- status ------------------------------------------------------------------------------

    /// Records how things are in a domain now. Earlier entries stay: together they are the
    /// domain's history.
    pub fn add_status(&self, actor: &Actor, new: NewStatus) -> Result<Item<StatusId, StatusEntry>> {
        if let Some(rating) = new.rating {
            in_range("status.rating", i64::from(rating), 1, 10)?;
        }
        let entry = StatusEntry {
            now: self.body("status.now", &new.now)?,
            helps: self.optional_body("status.helps", &new.helps)?,
            hinders: self.optional_body("status.hinders", &new.hinders)?,
            rating: new.rating,
            domain: new.domain,
        };
        self.write(|tx| {
            let me = self.toolbox_owner(tx, actor, Action::Change)?;
            self.check_domain(tx, &me, "status.domain", &entry.domain)?;
            self.insert(tx, &me, entry)
        })
    }

    /// A domain's status entries, newest first.
    pub fn status_history(
        &self,
        actor: &Actor,
        domain: &DomainRef,
    ) -> Result<Vec<Item<StatusId, StatusEntry>>> {
        let domain = domain.clone();
        self.list::<StatusEntry>(actor, |q| {
            let mut q = q.domain(domain);
            q.newest_first = true;
            q
        })
    }

    // ----- goals and activities ----------------------------------------------------------------

    /// Adds a goal the actor wrote themselves.
    pub fn add_goal(&self, actor: &Actor, new: NewGoal) -> Result<Item<GoalId, Goal>> {
        let title = self.title("goal.title", &new.title)?;
        let why = self.optional_body("goal.why", &new.why)?;
        Self::planned_date("goal.target_date", new.target_date)?;
        if !goals::may_start_in(new.lifecycle) {
            return Err(Error::invalid(
                "goal.lifecycle",
                Problem::Inconsistent("a new goal starts planned, accepted, active or on-hold"),
            ));
        }
        self.write(|tx| {
            let me = self.toolbox_owner(tx, actor, Action::Change)?;
            self.check_domain(tx, &me, "goal.domain", &new.domain)?;
            let goal = Goal {
                domain: new.domain,
                title,
                why,
                target_date: new.target_date,
                lifecycle: new.lifecycle,
                achievement: None,
                authored_by: me.id,
            };
            self.insert(tx, &me, goal)
        })
    }

    /// Changes a goal. Its domain and author stay; lifecycle changes follow
    /// [`policy::goals`](crate::policy::goals).
    pub fn edit_goal(
        &self,
        actor: &Actor,
        id: GoalId,
        edit: GoalEdit,
    ) -> Result<Item<GoalId, Goal>> {
        let title = self.title("goal.title", &edit.title)?;
        let why = self.optional_body("goal.why", &edit.why)?;
        Self::planned_date("goal.target_date", edit.target_date)?;
        self.write(|tx| {
            let (me, previous) = self.owned::<Goal>(tx, actor, id, Action::Change)?;
            let ItemBody::Goal(old) = &previous.body else {
                return Err(Error::not_found("goal", id));
            };
            goals::check_lifecycle_edit(old.lifecycle, edit.lifecycle)?;
            let goal = Goal {
                title,
                why,
                target_date: edit.target_date,
                lifecycle: edit.lifecycle,
                achievement: edit.achievement,
                ..old.clone()
            };
            self.revise_typed(tx, &me, previous, goal)
        })
    }

    /// The actor's goals, in one domain or all, oldest first.
    pub fn goals(
        &self,
        actor: &Actor,
        domain: Option<&DomainRef>,
    ) -> Result<Vec<Item<GoalId, Goal>>> {
        let domain = domain.cloned();
        self.list::<Goal>(actor, |q| match domain {
            Some(d) => q.domain(d),
            None => q,
        })
    }

    /// Adds an activity under one of the actor's goals.
    pub fn add_activity(
        &self,
        actor: &Actor,
        new: NewActivity,
    ) -> Result<Item<ActivityId, Activity>> {
        let title = self.title("activity.title", &new.title)?;
        Self::planned_date("activity.due", new.due)?;
        self.write(|tx| {
            let (me, goal) = self.owned::<Goal>(tx, actor, new.goal, Action::Change)?;
            let domain = goal
                .body
                .domain()
                .cloned()
                .ok_or_else(|| Error::not_found("goal", new.goal))?;
            let activity = Activity {
                goal: new.goal,
                domain,
                title,
                due: new.due,
                state: ActivityState::Planned,
                authored_by: me.id,
            };
            self.insert(tx, &me, activity)
        })
    }

    /// Changes an activity's title, due date or state.
    pub fn edit_activity(
        &self,
        actor: &Actor,
        id: ActivityId,
        edit: ActivityEdit,
    ) -> Result<Item<ActivityId, Activity>> {
        let title = self.title("activity.title", &edit.title)?;
        Self::planned_date("activity.due", edit.due)?;
        self.write(|tx| {
            let (me, previous) = self.owned::<Activity>(tx, actor, id, Action::Change)?;
            let ItemBody::Activity(old) = &previous.body else {
                return Err(Error::not_found("activity", id));
            };
            let activity = Activity {
                title,
                due: edit.due,
                state: edit.state,
                ..old.clone()
            };
            self.revise_typed(tx, &me, previous, activity)
        })
    }

    /// The activities under a goal, oldest first.
    pub fn activities(
        &self,
        actor: &Actor,
        goal: GoalId,
    ) -> Result<Vec<Item<ActivityId, Activity>>> {
        self.write(|tx| {
            let (_, record) = self.owned::<Goal>(tx, actor, goal, Action::View)?;
            let query = ItemQuery::owner(record.owner)
                .kind(ItemKind::Activity)
                .parent(goal.item());
            let records = tx.items(&query)?;
            Ok(typed_all::<Activity>(records))
        })
    }

    /// Logs that the actor did an activity on a day, with an optional note. An activity can be
    /// done many times; its state is left as it is.
    pub fn complete_activity(
        &self,
        actor: &Actor,
        id: ActivityId,
        on: NaiveDate,
        note: &str,
    ) -> Result<Item<CompletionId, ActivityCompletion>> {
        let note = self.optional_body("completion.note", note)?;
        self.past_day("completion.on", on)?;
        self.write(|tx| {
            let (me, _) = self.owned::<Activity>(tx, actor, id, Action::Change)?;
            self.insert(
                tx,
                &me,
                ActivityCompletion {
                    activity: id,
                    on,
                    note,
                },
            )
        })
    }

    /// An activity's completion log, oldest first.
    pub fn completions(
        &self,
        actor: &Actor,
        id: ActivityId,
    ) -> Result<Vec<Item<CompletionId, ActivityCompletion>>> {
        self.write(|tx| {
            let (_, record) = self.owned::<Activity>(tx, actor, id, Action::View)?;
            let query = ItemQuery::owner(record.owner)
                .kind(ItemKind::ActivityCompletion)
                .parent(id.item());
            Ok(typed_all::<ActivityCompletion>(tx.items(&query)?))
        })
    }

    // ----- medications and network -------------------------------------------------------------

    fn clean_medication(&self, m: Medication) -> Result<Medication> {
        Ok(Medication {
            name: self.title("medication.name", &m.name)?,
            dose: self.optional_title("medication.dose", &m.dose)?,
            purpose: self.optional_body("medication.purpose", &m.purpose)?,
            prescribed: m.prescribed,
            status: m.status,
            experiences: self.optional_body("medication.experiences", &m.experiences)?,
            questions: self.optional_body("medication.questions", &m.questions)?,
        })
    }

    /// Adds a medication to the actor's list.
    pub fn add_medication(
        &self,
        actor: &Actor,
        medication: Medication,
    ) -> Result<Item<MedicationId, Medication>> {
        self.add_own(actor, self.clean_medication(medication)?)
    }

    /// Replaces what the actor wrote about a medication.
    pub fn edit_medication(
        &self,
        actor: &Actor,
        id: MedicationId,
        medication: Medication,
    ) -> Result<Item<MedicationId, Medication>> {
        self.replace_own(actor, id, self.clean_medication(medication)?)
    }

    /// The actor's medications, oldest first.
    pub fn medications(&self, actor: &Actor) -> Result<Vec<Item<MedicationId, Medication>>> {
        self.list::<Medication>(actor, |q| q)
    }

    fn clean_network_person(
        &self,
        tx: &mut dyn Transaction,
        p: NetworkPerson,
    ) -> Result<NetworkPerson> {
        in_range("network_person.closeness", i64::from(p.closeness), 1, 3)?;
        let mut support = p.support.clone();
        support.sort();
        support.dedup();
        if support.len() != p.support.len() {
            return Err(Error::invalid("network_person.support", Problem::Duplicate));
        }
        if let Some(provider) = p.provider {
            let is_provider = tx
                .person(provider)?
                .is_some_and(|person| person.role == crate::model::people::Role::Provider);
            if !is_provider {
                return Err(Error::not_found("provider", provider));
            }
        }
        Ok(NetworkPerson {
            label: self.title("network_person.label", &p.label)?,
            support: p.support,
            ..p
        })
    }

    /// Adds a person to the actor's network map.
    pub fn add_network_person(
        &self,
        actor: &Actor,
        person: NetworkPerson,
    ) -> Result<Item<NetworkPersonId, NetworkPerson>> {
        self.write(|tx| {
            let me = self.toolbox_owner(tx, actor, Action::Change)?;
            let person = self.clean_network_person(tx, person)?;
            self.insert(tx, &me, person)
        })
    }

    /// Replaces a person on the actor's network map.
    pub fn edit_network_person(
        &self,
        actor: &Actor,
        id: NetworkPersonId,
        person: NetworkPerson,
    ) -> Result<Item<NetworkPersonId, NetworkPerson>> {
        self.write(|tx| {
            let (me, previous) = self.owned::<NetworkPerson>(tx, actor, id, Action::Change)?;
            let person = self.clean_network_person(tx, person)?;
            self.revise_typed(tx, &me, previous, person)
        })
    }

    /// The actor's network map, oldest first.
    pub fn network(&self, actor: &Actor) -> Result<Vec<Item<NetworkPersonId, NetworkPerson>>> {
        self.list::<NetworkPerson>(actor, |q| q)
    }

    // ----- crisis plan ---------------------------------------------------------------------------

    /// Sets the actor's crisis plan; the earlier plan stays in the history.
    pub fn set_crisis_plan(
        &self,
        actor: &Actor,
        plan: CrisisPlan,
    ) -> Result<Item<CrisisPlanId, CrisisPlan>> {
        let plan = CrisisPlan {
            warning_signs: self.optional_body("crisis_plan.warning_signs", &plan.warning_signs)?,
            what_helps: self.optional_body("crisis_plan.what_helps", &plan.what_helps)?,
            what_does_not_help: self
                .optional_body("crisis_plan.what_does_not_help", &plan.what_does_not_help)?,
            contacts: self.optional_body("crisis_plan.contacts", &plan.contacts)?,
            do_not_involve: self
                .optional_body("crisis_plan.do_not_involve", &plan.do_not_involve)?,
            treatment_preferences: self.optional_body(
                "crisis_plan.treatment_preferences",
                &plan.treatment_preferences,
            )?,
        };
        self.set_single(actor, plan)
    }

    /// The actor's crisis plan, if they have made one.
    pub fn crisis_plan(&self, actor: &Actor) -> Result<Option<Item<CrisisPlanId, CrisisPlan>>> {
        Ok(self.list::<CrisisPlan>(actor, |q| q.newest(1))?.pop())
    }

    // ----- exercises, diary, registrations -------------------------------------------------------

    /// The exercise catalogue.
    pub fn exercises(&self) -> &[Exercise] {
        &self.config.exercises
    }

    /// Logs that the actor did an exercise from the catalogue.
    pub fn complete_exercise(
        &self,
        actor: &Actor,
        exercise: &str,
        on: NaiveDate,
        note: &str,
    ) -> Result<Item<ExerciseCompletionId, ExerciseCompletion>> {
        if !self.config.exercises.iter().any(|e| e.key == exercise) {
            return Err(Error::invalid(
                "exercise_completion.exercise",
                Problem::Unknown,
            ));
        }
        let note = self.optional_body("exercise_completion.note", note)?;
        self.past_day("exercise_completion.on", on)?;
        self.write(|tx| {
            let me = self.toolbox_owner(tx, actor, Action::Change)?;
            let completion = ExerciseCompletion {
                exercise: exercise.to_owned(),
                on,
                note,
            };
            self.insert(tx, &me, completion)
        })
    }

    /// The actor's exercise completions, newest first.
    pub fn exercise_completions(
        &self,
        actor: &Actor,
    ) -> Result<Vec<Item<ExerciseCompletionId, ExerciseCompletion>>> {
        self.list::<ExerciseCompletion>(actor, |mut q| {
            q.newest_first = true;
            q
        })
    }

    fn clean_diary(&self, entry: DiaryEntry) -> Result<DiaryEntry> {
        self.past_day("diary.day", entry.day)?;
        Ok(DiaryEntry {
            day: entry.day,
            text: self.body("diary.text", &entry.text)?,
        })
    }

    /// Writes a diary entry.
    pub fn add_diary_entry(
        &self,
        actor: &Actor,
        entry: DiaryEntry,
    ) -> Result<Item<DiaryEntryId, DiaryEntry>> {
        self.add_own(actor, self.clean_diary(entry)?)
    }

    /// Rewrites a diary entry; the earlier text stays in the history.
    pub fn edit_diary_entry(
        &self,
        actor: &Actor,
        id: DiaryEntryId,
        entry: DiaryEntry,
    ) -> Result<Item<DiaryEntryId, DiaryEntry>> {
        self.replace_own(actor, id, self.clean_diary(entry)?)
    }

    /// The actor's diary, newest entry first.
    pub fn diary(&self, actor: &Actor) -> Result<Vec<Item<DiaryEntryId, DiaryEntry>>> {
        self.list::<DiaryEntry>(actor, |mut q| {
            q.newest_first = true;
            q
        })
    }

    /// Defines a measure for daily registrations.
    pub fn add_measure(&self, actor: &Actor, measure: Measure) -> Result<Item<MeasureId, Measure>> {
        let kind = match measure.kind {
            MeasureKind::Number { unit } => MeasureKind::Number {
                unit: self.optional_title("measure.unit", &unit)?,
            },
            other => other,
        };
        let measure = Measure {
            name: self.title("measure.name", &measure.name)?,
            kind,
        };
        self.add_own(actor, measure)
    }

    /// The actor's measures, oldest first.
    pub fn measures(&self, actor: &Actor) -> Result<Vec<Item<MeasureId, Measure>>> {
        self.list::<Measure>(actor, |q| q)
    }

    /// Registers a measure's value for a day. Registering the same day again makes a new
    /// version of that day's registration.
    pub fn register_value(
        &self,
        actor: &Actor,
        measure: MeasureId,
        day: NaiveDate,
        value: MeasureValue,
    ) -> Result<Item<RegistrationId, Registration>> {
        self.past_day("registration.day", day)?;
        self.write(|tx| {
            let (me, record) = self.owned::<Measure>(tx, actor, measure, Action::Change)?;
            let ItemBody::Measure(m) = &record.body else {
                return Err(Error::not_found("measure", measure));
            };
            check_value(&m.kind, value)?;
            let registration = Registration {
                measure,
                day,
                value,
            };
            let query = ItemQuery::owner(me.id)
                .kind(ItemKind::Registration)
                .parent(measure.item());
            let same_day = tx
                .items(&query)?
                .into_iter()
                .find(|r| matches!(&r.body, ItemBody::Registration(x) if x.day == day));
            match same_day {
                Some(previous) => self.revise_typed(tx, &me, previous, registration),
                None => self.insert(tx, &me, registration),
            }
        })
    }

    /// A measure's registrations, newest day first.
    pub fn registrations(
        &self,
        actor: &Actor,
        measure: MeasureId,
    ) -> Result<Vec<Item<RegistrationId, Registration>>> {
        self.write(|tx| {
            let (_, record) = self.owned::<Measure>(tx, actor, measure, Action::View)?;
            let query = ItemQuery::owner(record.owner)
                .kind(ItemKind::Registration)
                .parent(measure.item());
            let mut found = typed_all::<Registration>(tx.items(&query)?);
            sort_newest_day_first(&mut found);
            Ok(found)
        })
    }

    // ----- history and removal -------------------------------------------------------------------

    /// Every version of one of the actor's items, version 1 first, including a removal.
    pub fn history(&self, actor: &Actor, item: impl Into<ItemId>) -> Result<Vec<ItemRecord>> {
        let item = item.into();
        self.write(|tx| {
            let person = acting(tx, actor)?;
            let history = tx.item_history(item)?;
            let latest = history
                .last()
                .ok_or_else(|| Error::not_found("item", item))?;
            let scope = Scope::of_item(latest.kind(), latest.body.domain(), item);
            self.authorize(
                tx,
                &person,
                latest.owner,
                &scope,
                Action::View,
                Some(item.as_uuid()),
            )?;
            Ok(history)
        })
    }

    /// Removes one of the actor's items from the toolbox. Its history stays readable. Removing a
    /// goal leaves its activities in the history too: they no longer show on the dashboard.
    pub fn remove_item(&self, actor: &Actor, item: impl Into<ItemId>) -> Result<()> {
        let item = item.into();
        self.write(|tx| {
            let person = acting(tx, actor)?;
            let record = tx
                .item(item)?
                .filter(|r| !r.removed)
                .ok_or_else(|| Error::not_found("item", item))?;
            let scope = Scope::of_item(record.kind(), record.body.domain(), record.id);
            self.authorize(
                tx,
                &person,
                record.owner,
                &scope,
                Action::Change,
                Some(item.as_uuid()),
            )?;
            if record.kind() == ItemKind::Domain {
                let in_use = tx.items(
                    &ItemQuery::owner(record.owner)
                        .domain(DomainRef::Own(DomainId::from(item.as_uuid())))
                        .newest(1),
                )?;
                if !in_use.is_empty() {
                    return Err(Error::invalid(
                        "domain",
                        Problem::Inconsistent(
                            "a domain with goals or status entries cannot be removed",
                        ),
                    ));
                }
            }
            let body = record.body.clone();
            self.revise(tx, &person, record, body, true)?;
            Ok(())
        })
    }
}

/// A planned date (target, due): between 1900 and 2200.
pub(super) fn check_planned_date(field: &'static str, date: Option<NaiveDate>) -> Result<()> {
    match date {
        Some(d) if !(FIRST_YEAR..=LAST_YEAR).contains(&d.year()) => {
            Err(Error::invalid(field, Problem::ImplausibleDate))
        }
        _ => Ok(()),
    }
}

/// Orders registrations newest day first.
pub(super) fn sort_newest_day_first(registrations: &mut [Item<RegistrationId, Registration>]) {
    registrations.sort_by_key(|r| std::cmp::Reverse(r.content.day));
}

/// Whether a value fits a measure's kind.
fn check_value(kind: &MeasureKind, value: MeasureValue) -> Result<()> {
    match (kind, value) {
        (MeasureKind::Number { .. }, MeasureValue::Number(n)) => {
            if n.is_finite() {
                Ok(())
            } else {
                Err(Error::invalid("registration.value", Problem::NotFinite))
            }
        }
        (MeasureKind::YesNo, MeasureValue::YesNo(_)) => Ok(()),
        (MeasureKind::Scale, MeasureValue::Scale(s)) => {
            in_range("registration.value", i64::from(s), 1, 10)
        }
        (MeasureKind::Number { .. }, _) => Err(wrong_kind("number")),
        (MeasureKind::YesNo, _) => Err(wrong_kind("yes-no")),
        (MeasureKind::Scale, _) => Err(wrong_kind("scale")),
    }
}

fn wrong_kind(expected: &'static str) -> Error {
    Error::invalid("registration.value", Problem::WrongKind { expected })
}
