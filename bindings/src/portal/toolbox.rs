//! The service user's toolbox. Ids, days and domains arrive as strings and are parsed before
//! the core is called; a string that cannot be read is refused with `Invalid`, naming the
//! argument, and changes nothing.

use super::Portal;
use crate::convert::{self, Result, all};
use crate::model::toolbox::*;

#[uniffi::export]
impl Portal {
    // ----- domains and what matters ---------------------------------------------------------

    /// The actor's life domains: the configured catalogue's, then those they added.
    pub fn domains(&self, actor: String) -> Result<Vec<LifeDomain>> {
        let actor = convert::actor(&actor)?;
        Ok(all(self.inner.domains(&actor)?))
    }

    /// Adds a life domain of the actor's own.
    pub fn add_domain(&self, actor: String, label: String) -> Result<OwnDomainItem> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.add_domain(&actor, &label)?.into())
    }

    /// Renames a domain the actor added (the id of its `OwnDomainItem`).
    pub fn rename_domain(
        &self,
        actor: String,
        domain: String,
        label: String,
    ) -> Result<OwnDomainItem> {
        let actor = convert::actor(&actor)?;
        let domain = convert::id("domain", &domain)?;
        Ok(self.inner.rename_domain(&actor, domain, &label)?.into())
    }

    /// Sets "what is important in my life"; the earlier text stays in the history.
    pub fn set_what_matters(&self, actor: String, text: String) -> Result<WhatMattersItem> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.set_what_matters(&actor, &text)?.into())
    }

    /// "What is important in my life", if the actor has written it.
    pub fn what_matters(&self, actor: String) -> Result<Option<WhatMattersItem>> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.what_matters(&actor)?.map(Into::into))
    }

    // ----- status ----------------------------------------------------------------------------

    /// Records how things are in a domain now. Earlier entries stay as the domain's history.
    pub fn add_status(&self, actor: String, status: NewStatus) -> Result<StatusEntryItem> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.add_status(&actor, status.into_core()?)?.into())
    }

    /// A domain's status entries, newest first.
    pub fn status_history(&self, actor: String, domain: String) -> Result<Vec<StatusEntryItem>> {
        let actor = convert::actor(&actor)?;
        let domain = convert::domain("domain", &domain)?;
        Ok(all(self.inner.status_history(&actor, &domain)?))
    }

    // ----- goals and activities --------------------------------------------------------------

    /// Adds a goal the actor wrote themselves.
    pub fn add_goal(&self, actor: String, goal: NewGoal) -> Result<GoalItem> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.add_goal(&actor, goal.into_core()?)?.into())
    }

    /// Changes a goal. Its domain and author stay; a lifecycle change the rules forbid is
    /// refused with `InvalidTransition`.
    pub fn edit_goal(&self, actor: String, goal: String, edit: GoalEdit) -> Result<GoalItem> {
        let actor = convert::actor(&actor)?;
        let goal = convert::id("goal", &goal)?;
        Ok(self
            .inner
            .edit_goal(&actor, goal, edit.into_core()?)?
            .into())
    }

    /// The actor's goals, in one domain or all, oldest first.
    #[uniffi::method(default(domain = None))]
    pub fn goals(&self, actor: String, domain: Option<String>) -> Result<Vec<GoalItem>> {
        let actor = convert::actor(&actor)?;
        let domain = domain.map(|d| convert::domain("domain", &d)).transpose()?;
        Ok(all(self.inner.goals(&actor, domain.as_ref())?))
    }

    /// Adds an activity under one of the actor's goals.
    pub fn add_activity(&self, actor: String, activity: NewActivity) -> Result<ActivityItem> {
        let actor = convert::actor(&actor)?;
        Ok(self
            .inner
            .add_activity(&actor, activity.into_core()?)?
            .into())
    }

    /// Changes an activity's title, due date or state.
    pub fn edit_activity(
        &self,
        actor: String,
        activity: String,
        edit: ActivityEdit,
    ) -> Result<ActivityItem> {
        let actor = convert::actor(&actor)?;
        let activity = convert::id("activity", &activity)?;
        Ok(self
            .inner
            .edit_activity(&actor, activity, edit.into_core()?)?
            .into())
    }

    /// The activities under a goal, oldest first.
    pub fn activities(&self, actor: String, goal: String) -> Result<Vec<ActivityItem>> {
        let actor = convert::actor(&actor)?;
        let goal = convert::id("goal", &goal)?;
        Ok(all(self.inner.activities(&actor, goal)?))
    }

    /// Logs that the actor did an activity on a day (`YYYY-MM-DD`), with an optional note.
    #[uniffi::method(default(note = ""))]
    pub fn complete_activity(
        &self,
        actor: String,
        activity: String,
        on: String,
        note: String,
    ) -> Result<ActivityCompletionItem> {
        let actor = convert::actor(&actor)?;
        let activity = convert::id("activity", &activity)?;
        let on = convert::date("completion.on", &on)?;
        Ok(self
            .inner
            .complete_activity(&actor, activity, on, &note)?
            .into())
    }

    /// An activity's completion log, oldest first.
    pub fn completions(
        &self,
        actor: String,
        activity: String,
    ) -> Result<Vec<ActivityCompletionItem>> {
        let actor = convert::actor(&actor)?;
        let activity = convert::id("activity", &activity)?;
        Ok(all(self.inner.completions(&actor, activity)?))
    }

    // ----- medications and network -----------------------------------------------------------

    /// Adds a medication to the actor's list.
    pub fn add_medication(&self, actor: String, medication: Medication) -> Result<MedicationItem> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.add_medication(&actor, medication.into())?.into())
    }

    /// Replaces what the actor wrote about a medication.
    pub fn edit_medication(
        &self,
        actor: String,
        id: String,
        medication: Medication,
    ) -> Result<MedicationItem> {
        let actor = convert::actor(&actor)?;
        let id = convert::id("medication", &id)?;
        Ok(self
            .inner
            .edit_medication(&actor, id, medication.into())?
            .into())
    }

    /// The actor's medications, oldest first.
    pub fn medications(&self, actor: String) -> Result<Vec<MedicationItem>> {
        let actor = convert::actor(&actor)?;
        Ok(all(self.inner.medications(&actor)?))
    }

    /// Adds a person to the actor's network map.
    pub fn add_network_person(
        &self,
        actor: String,
        person: NetworkPerson,
    ) -> Result<NetworkPersonItem> {
        let actor = convert::actor(&actor)?;
        Ok(self
            .inner
            .add_network_person(&actor, person.into_core()?)?
            .into())
    }

    /// Replaces a person on the actor's network map.
    pub fn edit_network_person(
        &self,
        actor: String,
        id: String,
        person: NetworkPerson,
    ) -> Result<NetworkPersonItem> {
        let actor = convert::actor(&actor)?;
        let id = convert::id("network_person", &id)?;
        Ok(self
            .inner
            .edit_network_person(&actor, id, person.into_core()?)?
            .into())
    }

    /// The actor's network map, oldest first.
    pub fn network(&self, actor: String) -> Result<Vec<NetworkPersonItem>> {
        let actor = convert::actor(&actor)?;
        Ok(all(self.inner.network(&actor)?))
    }

    // ----- crisis plan -----------------------------------------------------------------------

    /// Sets the actor's crisis plan; the earlier plan stays in the history.
    pub fn set_crisis_plan(&self, actor: String, plan: CrisisPlan) -> Result<CrisisPlanItem> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.set_crisis_plan(&actor, plan.into())?.into())
    }

    /// The actor's crisis plan, if they have made one.
    pub fn crisis_plan(&self, actor: String) -> Result<Option<CrisisPlanItem>> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.crisis_plan(&actor)?.map(Into::into))
    }

    // ----- exercises, diary, registrations ---------------------------------------------------

    /// The exercise catalogue.
    pub fn exercises(&self) -> Vec<Exercise> {
        self.inner
            .exercises()
            .iter()
            .cloned()
            .map(Into::into)
            .collect()
    }

    /// Logs that the actor did an exercise from the catalogue (by its key) on a day.
    #[uniffi::method(default(note = ""))]
    pub fn complete_exercise(
        &self,
        actor: String,
        exercise: String,
        on: String,
        note: String,
    ) -> Result<ExerciseCompletionItem> {
        let actor = convert::actor(&actor)?;
        let on = convert::date("exercise_completion.on", &on)?;
        Ok(self
            .inner
            .complete_exercise(&actor, &exercise, on, &note)?
            .into())
    }

    /// The actor's exercise completions, newest first.
    pub fn exercise_completions(&self, actor: String) -> Result<Vec<ExerciseCompletionItem>> {
        let actor = convert::actor(&actor)?;
        Ok(all(self.inner.exercise_completions(&actor)?))
    }

    /// Writes a diary entry.
    pub fn add_diary_entry(&self, actor: String, entry: DiaryEntry) -> Result<DiaryEntryItem> {
        let actor = convert::actor(&actor)?;
        Ok(self
            .inner
            .add_diary_entry(&actor, entry.into_core()?)?
            .into())
    }

    /// Rewrites a diary entry; the earlier text stays in the history.
    pub fn edit_diary_entry(
        &self,
        actor: String,
        id: String,
        entry: DiaryEntry,
    ) -> Result<DiaryEntryItem> {
        let actor = convert::actor(&actor)?;
        let id = convert::id("diary_entry", &id)?;
        Ok(self
            .inner
            .edit_diary_entry(&actor, id, entry.into_core()?)?
            .into())
    }

    /// The actor's diary, newest entry first.
    pub fn diary(&self, actor: String) -> Result<Vec<DiaryEntryItem>> {
        let actor = convert::actor(&actor)?;
        Ok(all(self.inner.diary(&actor)?))
    }

    /// Defines a measure for daily registrations.
    pub fn add_measure(&self, actor: String, measure: Measure) -> Result<MeasureItem> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.add_measure(&actor, measure.into())?.into())
    }

    /// The actor's measures, oldest first.
    pub fn measures(&self, actor: String) -> Result<Vec<MeasureItem>> {
        let actor = convert::actor(&actor)?;
        Ok(all(self.inner.measures(&actor)?))
    }

    /// Registers a measure's value for a day. Registering the same day again makes a new
    /// version of that day's registration.
    pub fn register_value(
        &self,
        actor: String,
        measure: String,
        day: String,
        value: MeasureValue,
    ) -> Result<RegistrationItem> {
        let actor = convert::actor(&actor)?;
        let measure = convert::id("measure", &measure)?;
        let day = convert::date("registration.day", &day)?;
        Ok(self
            .inner
            .register_value(&actor, measure, day, value.into_core()?)?
            .into())
    }

    /// A measure's registrations, newest day first.
    pub fn registrations(&self, actor: String, measure: String) -> Result<Vec<RegistrationItem>> {
        let actor = convert::actor(&actor)?;
        let measure = convert::id("measure", &measure)?;
        Ok(all(self.inner.registrations(&actor, measure)?))
    }

    // ----- history and removal ---------------------------------------------------------------

    /// Every version of one of the actor's items (any kind, by id), version 1 first, including
    /// a removal.
    pub fn history(&self, actor: String, item: String) -> Result<Vec<ItemVersion>> {
        let actor = convert::actor(&actor)?;
        let item = convert::id::<recovery_core::ItemId>("item", &item)?;
        Ok(all(self.inner.history(&actor, item)?))
    }

    /// Removes one of the actor's items (any kind, by id) from the toolbox. Its history stays
    /// readable.
    pub fn remove_item(&self, actor: String, item: String) -> Result<()> {
        let actor = convert::actor(&actor)?;
        let item = convert::id::<recovery_core::ItemId>("item", &item)?;
        Ok(self.inner.remove_item(&actor, item)?)
    }
}
