//! The toolbox through the public `Portal` API: every command, its history, removal, who may
//! do what, and bad input that is refused without writing anything.
#![allow(clippy::unwrap_used)]

use std::fmt::Debug;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use recovery_core::*;

// ----- the world the tests act in --------------------------------------------------------------

/// A portal on a manual clock with two service users, a provider, a moderator, a researcher and
/// an admin.
struct World {
    portal: Portal,
    clock: Arc<ManualClock>,
    anna: Actor,
    bjorn: Actor,
    provider: Actor,
    moderator: Actor,
    researcher: Actor,
    admin: Actor,
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, 9, 30, 0).single().unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The clock's day at the start: 2024-03-01.
fn today() -> NaiveDate {
    day(2024, 3, 1)
}

fn housing() -> DomainRef {
    DomainRef::Catalogue("housing".into())
}

fn world() -> World {
    let clock = Arc::new(ManualClock::new(start()));
    let portal = Portal::open_in_memory().with_clock(clock.clone());
    let register = |new: NewPerson| Actor::new(portal.register(new).unwrap().id);
    let anna = register(NewPerson::service_user("Anna"));
    let bjorn = register(NewPerson::service_user("Bjørn"));
    let provider = register(NewPerson::provider(
        "Dr. Berg",
        Profession::Psychologist,
        "Lovisenberg DPS",
    ));
    let moderator = register(NewPerson::with_role(Role::Moderator, "Mona"));
    let researcher = register(NewPerson::with_role(Role::Researcher, "Rita"));
    let admin = register(NewPerson::with_role(Role::Admin, "Ali"));
    World {
        portal,
        clock,
        anna,
        bjorn,
        provider,
        moderator,
        researcher,
        admin,
    }
}

impl World {
    /// Moves the clock on, so that each change gets its own time.
    fn tick(&self) {
        self.clock.advance(Duration::seconds(1));
    }
}

fn medication(name: &str) -> Medication {
    Medication {
        name: name.into(),
        dose: "50 mg every morning".into(),
        purpose: "Less anxiety.".into(),
        prescribed: true,
        status: MedicationStatus::Active,
        experiences: "Sleepy the first two weeks.".into(),
        questions: "Can I take it in the evening?".into(),
    }
}

fn network_person(label: &str) -> NetworkPerson {
    NetworkPerson {
        label: label.into(),
        relation: Relation::Family,
        closeness: 1,
        support: vec![SupportKind::Emotional, SupportKind::Crisis],
        provider: None,
    }
}

fn crisis_plan(warning_signs: &str) -> CrisisPlan {
    CrisisPlan {
        warning_signs: warning_signs.into(),
        what_helps: "A walk with my sister.".into(),
        what_does_not_help: "Being told to calm down.".into(),
        contacts: "Sister: 22 33 44 55".into(),
        do_not_involve: "My ex.".into(),
        treatment_preferences: "No admission unless I ask.".into(),
    }
}

fn status(domain: DomainRef, now: &str, rating: Option<u8>) -> NewStatus {
    NewStatus {
        domain,
        now: now.into(),
        helps: "My sister.".into(),
        hinders: "Waiting lists.".into(),
        rating,
    }
}

fn hours_of_sleep() -> Measure {
    Measure {
        name: "Hours of sleep".into(),
        kind: MeasureKind::Number {
            unit: "hours".into(),
        },
    }
}

/// One of everything in a service user's toolbox.
struct Toolbox {
    domain: Item<DomainId, OwnDomain>,
    what_matters: Item<WhatMattersId, WhatMatters>,
    status: Item<StatusId, StatusEntry>,
    goal: Item<GoalId, Goal>,
    /// A goal marked entered-in-error: final.
    mistaken_goal: Item<GoalId, Goal>,
    activity: Item<ActivityId, Activity>,
    completion: Item<CompletionId, ActivityCompletion>,
    medication: Item<MedicationId, Medication>,
    network_person: Item<NetworkPersonId, NetworkPerson>,
    crisis_plan: Item<CrisisPlanId, CrisisPlan>,
    exercise: Item<ExerciseCompletionId, ExerciseCompletion>,
    diary: Item<DiaryEntryId, DiaryEntry>,
    number: Item<MeasureId, Measure>,
    yes_no: Item<MeasureId, Measure>,
    scale: Item<MeasureId, Measure>,
    registration: Item<RegistrationId, Registration>,
}

impl Toolbox {
    fn ids(&self) -> Vec<ItemId> {
        vec![
            self.domain.id.item(),
            self.what_matters.id.item(),
            self.status.id.item(),
            self.goal.id.item(),
            self.mistaken_goal.id.item(),
            self.activity.id.item(),
            self.completion.id.item(),
            self.medication.id.item(),
            self.network_person.id.item(),
            self.crisis_plan.id.item(),
            self.exercise.id.item(),
            self.diary.id.item(),
            self.number.id.item(),
            self.yes_no.id.item(),
            self.scale.id.item(),
            self.registration.id.item(),
        ]
    }
}

/// Fills `who`'s toolbox with one of everything.
fn furnish(w: &World, who: &Actor) -> Toolbox {
    let p = &w.portal;
    let domain = p.add_domain(who, "Music").unwrap();
    let what_matters = p.set_what_matters(who, "My daughter.\nSinging.").unwrap();
    let status = p
        .add_status(who, status(housing(), "Living with my parents.", Some(4)))
        .unwrap();
    let goal = p
        .add_goal(who, NewGoal::new(housing(), "Find a flat of my own"))
        .unwrap();
    let mistaken = p
        .add_goal(who, NewGoal::new(housing(), "Typo goal"))
        .unwrap();
    let mistaken_goal = p
        .edit_goal(
            who,
            mistaken.id,
            GoalEdit {
                lifecycle: GoalLifecycle::EnteredInError,
                ..GoalEdit::from(&mistaken.content)
            },
        )
        .unwrap();
    let activity = p
        .add_activity(
            who,
            NewActivity {
                goal: goal.id,
                title: "Call the housing office".into(),
                due: Some(day(2024, 3, 15)),
            },
        )
        .unwrap();
    let completion = p
        .complete_activity(who, activity.id, today(), "They were kind.")
        .unwrap();
    let medication = p.add_medication(who, medication("Sertraline")).unwrap();
    let network_person = p.add_network_person(who, network_person("Mamma")).unwrap();
    let crisis_plan = p
        .set_crisis_plan(who, crisis_plan("I stop answering the phone."))
        .unwrap();
    let exercise = p
        .complete_exercise(who, "sleep-hygiene", today(), "Bed at eleven.")
        .unwrap();
    let diary = p
        .add_diary_entry(
            who,
            DiaryEntry {
                day: today(),
                text: "A good day.".into(),
            },
        )
        .unwrap();
    let number = p.add_measure(who, hours_of_sleep()).unwrap();
    let yes_no = p
        .add_measure(
            who,
            Measure {
                name: "Took a walk".into(),
                kind: MeasureKind::YesNo,
            },
        )
        .unwrap();
    let scale = p
        .add_measure(
            who,
            Measure {
                name: "Anxiety".into(),
                kind: MeasureKind::Scale,
            },
        )
        .unwrap();
    let registration = p
        .register_value(who, number.id, today(), MeasureValue::Number(7.5))
        .unwrap();
    Toolbox {
        domain,
        what_matters,
        status,
        goal,
        mistaken_goal,
        activity,
        completion,
        medication,
        network_person,
        crisis_plan,
        exercise,
        diary,
        number,
        yes_no,
        scale,
        registration,
    }
}

/// Everything a service user can read of their toolbox: the dashboard, every list, and the
/// history of every item named.
#[derive(Debug, PartialEq)]
struct Snapshot {
    home: Home,
    domains: Vec<LifeDomain>,
    statuses: Vec<Vec<Item<StatusId, StatusEntry>>>,
    diary: Vec<Item<DiaryEntryId, DiaryEntry>>,
    exercises: Vec<Item<ExerciseCompletionId, ExerciseCompletion>>,
    histories: Vec<Vec<ItemRecord>>,
}

impl Snapshot {
    /// The parts that differ from `other`, named briefly (the whole snapshot is pages long).
    fn changes(&self, other: &Snapshot) -> Vec<String> {
        let mut changed = Vec::new();
        let mut part = |name: String, same: bool| {
            if !same {
                changed.push(name);
            }
        };
        let (a, b) = (&self.home, &other.home);
        part("home.person".into(), a.person == b.person);
        part("home.what_matters".into(), a.what_matters == b.what_matters);
        part("home.domains".into(), a.domains == b.domains);
        part("home.medications".into(), a.medications == b.medications);
        part("home.network".into(), a.network == b.network);
        part("home.crisis_plan".into(), a.crisis_plan == b.crisis_plan);
        part(
            "home.recent_completions".into(),
            a.recent_completions == b.recent_completions,
        );
        part(
            "home.recent_exercises".into(),
            a.recent_exercises == b.recent_exercises,
        );
        part("home.recent_diary".into(), a.recent_diary == b.recent_diary);
        part("home.measures".into(), a.measures == b.measures);
        part("domains".into(), self.domains == other.domains);
        part("status histories".into(), self.statuses == other.statuses);
        part("diary".into(), self.diary == other.diary);
        part(
            "exercise completions".into(),
            self.exercises == other.exercises,
        );
        for (before, after) in self.histories.iter().zip(&other.histories) {
            let kind = before.first().map_or("?", |r| r.kind().as_str());
            part(format!("history of a {kind}"), before == after);
        }
        // Anything the named parts miss.
        part("the snapshot".into(), self == other);
        changed
    }
}

fn snapshot(w: &World, who: &Actor, ids: &[ItemId]) -> Snapshot {
    let p = &w.portal;
    let domains = p.domains(who).unwrap();
    Snapshot {
        home: p.home(who).unwrap(),
        statuses: domains
            .iter()
            .map(|d| p.status_history(who, &d.domain).unwrap())
            .collect(),
        domains,
        diary: p.diary(who).unwrap(),
        exercises: p.exercise_completions(who).unwrap(),
        histories: ids.iter().map(|&id| p.history(who, id).unwrap()).collect(),
    }
}

/// A world where Anna and Bjørn each have a full toolbox.
struct Furnished {
    w: World,
    anna: Toolbox,
    bjorn: Toolbox,
}

fn furnished() -> Furnished {
    let w = world();
    let anna = furnish(&w, &w.anna);
    let bjorn = furnish(&w, &w.bjorn);
    w.tick();
    Furnished { w, anna, bjorn }
}

impl Furnished {
    /// Runs a call that must fail, checks that neither service user's toolbox changed in any
    /// way, and returns the error.
    fn refused<T: Debug>(&self, what: &str, call: impl FnOnce(&Furnished) -> Result<T>) -> Error {
        let anna_before = snapshot(&self.w, &self.w.anna, &self.anna.ids());
        let bjorn_before = snapshot(&self.w, &self.w.bjorn, &self.bjorn.ids());
        let err = match call(self) {
            Ok(value) => panic!("{what}: expected an error, got {value:?}"),
            Err(err) => err,
        };
        let anna_after = snapshot(&self.w, &self.w.anna, &self.anna.ids());
        let bjorn_after = snapshot(&self.w, &self.w.bjorn, &self.bjorn.ids());
        assert_eq!(
            anna_before.changes(&anna_after),
            Vec::<String>::new(),
            "{what}: Anna's toolbox changed"
        );
        assert_eq!(
            bjorn_before.changes(&bjorn_after),
            Vec::<String>::new(),
            "{what}: Bjørn's toolbox changed"
        );
        err
    }
}

/// What a refused call must return.
#[derive(Debug)]
enum Expect {
    Invalid(&'static str, Problem),
    Transition(&'static str, &'static str),
    NotFound(&'static str),
    Denied(DenyReason),
    UnknownActor,
}

type Call = Box<dyn Fn(&Furnished) -> Result<()>>;

/// A call whose result is ignored but for success or failure.
fn call<T>(f: impl Fn(&Furnished) -> Result<T> + 'static) -> Call {
    Box::new(move |f_: &Furnished| f(f_).map(drop))
}

fn check(f: &Furnished, cases: Vec<(&str, Call, Expect)>) {
    assert!(!cases.is_empty());
    for (what, call, expect) in cases {
        let err = f.refused(what, |f| call(f));
        let as_expected = match (&err, &expect) {
            (Error::Invalid { field, problem }, Expect::Invalid(want_field, want_problem)) => {
                field == want_field && problem == want_problem
            }
            (
                Error::InvalidTransition { kind, from, to },
                Expect::Transition(want_from, want_to),
            ) => *kind == "goal" && from == want_from && to == want_to,
            (Error::NotFound { kind, .. }, Expect::NotFound(want_kind)) => kind == want_kind,
            (Error::PermissionDenied(reason), Expect::Denied(want)) => reason == want,
            (Error::UnknownActor(_), Expect::UnknownActor) => true,
            _ => false,
        };
        assert!(as_expected, "{what}: expected {expect:?}, got {err:?}");
    }
}

// ----- every command, on the dashboard ---------------------------------------------------------

#[test]
fn registered_person_reads_back_as_me() {
    let w = world();
    let me = w.portal.me(&w.anna).unwrap();
    assert_eq!(me.id, w.anna.id);
    assert_eq!(me.role, Role::ServiceUser);
    assert_eq!(me.display_name, "Anna");
    assert_eq!(me.registered_at, start());
    let provider = w.portal.me(&w.provider).unwrap();
    assert_eq!(
        provider.provider,
        Some(ProviderDetails {
            profession: Profession::Psychologist,
            organisation: "Lovisenberg DPS".into()
        })
    );
}

#[test]
fn a_new_service_user_has_an_empty_dashboard_with_the_catalogue_domains() {
    let w = world();
    let home = w.portal.home(&w.anna).unwrap();
    assert_eq!(home.person.id, w.anna.id);
    assert_eq!(home.what_matters, None);
    assert_eq!(home.crisis_plan, None);
    let keys: Vec<String> = home
        .domains
        .iter()
        .map(|d| d.domain.domain.to_string())
        .collect();
    assert_eq!(
        keys,
        [
            "work-and-school",
            "social-life",
            "mental-health",
            "physical-health",
            "housing",
            "finances"
        ]
        .map(|k| format!("catalogue:{k}"))
    );
    assert!(
        home.domains
            .iter()
            .all(|d| d.latest_status.is_none() && d.goals.is_empty())
    );
    assert!(home.medications.is_empty() && home.network.is_empty() && home.measures.is_empty());
    assert!(home.recent_completions.is_empty() && home.recent_exercises.is_empty());
    assert!(home.recent_diary.is_empty());
}

#[test]
fn every_command_shows_up_on_the_dashboard() {
    let w = world();
    let t = furnish(&w, &w.anna);
    let home = w.portal.home(&w.anna).unwrap();

    assert_eq!(home.what_matters.as_ref(), Some(&t.what_matters));
    assert_eq!(t.what_matters.content.text, "My daughter.\nSinging.");
    let music = home
        .domains
        .iter()
        .find(|d| d.domain.domain == DomainRef::Own(t.domain.id))
        .expect("the own domain is on the dashboard");
    assert_eq!(music.domain.label, Localized::same("Music"));
    let housing_overview = home
        .domains
        .iter()
        .find(|d| d.domain.domain == housing())
        .unwrap();
    assert_eq!(housing_overview.latest_status.as_ref(), Some(&t.status));
    assert_eq!(
        housing_overview.goals,
        vec![
            GoalOverview {
                goal: t.goal.clone(),
                activities: vec![t.activity.clone()]
            },
            GoalOverview {
                goal: t.mistaken_goal.clone(),
                activities: vec![]
            }
        ],
        "every goal of the domain, whatever its lifecycle, with its activities"
    );
    assert_eq!(home.medications, vec![t.medication.clone()]);
    assert_eq!(home.network, vec![t.network_person.clone()]);
    assert_eq!(home.crisis_plan.as_ref(), Some(&t.crisis_plan));
    assert_eq!(home.recent_completions, vec![t.completion.clone()]);
    assert_eq!(home.recent_exercises, vec![t.exercise.clone()]);
    assert_eq!(home.recent_diary, vec![t.diary.clone()]);
    assert_eq!(
        home.measures,
        vec![
            MeasureOverview {
                measure: t.number.clone(),
                recent: vec![t.registration.clone()]
            },
            MeasureOverview {
                measure: t.yes_no.clone(),
                recent: vec![]
            },
            MeasureOverview {
                measure: t.scale.clone(),
                recent: vec![]
            },
        ]
    );
    assert_eq!(
        home.last_registered().collect::<Vec<_>>(),
        vec![
            ("Hours of sleep", Some(today())),
            ("Took a walk", None),
            ("Anxiety", None)
        ]
    );
}

#[test]
fn every_command_is_readable_through_its_own_list() {
    let w = world();
    let t = furnish(&w, &w.anna);
    let (p, me) = (&w.portal, &w.anna);
    assert!(p.domains(me).unwrap().contains(&LifeDomain {
        domain: DomainRef::Own(t.domain.id),
        label: Localized::same("Music")
    }));
    assert_eq!(p.what_matters(me).unwrap(), Some(t.what_matters.clone()));
    assert_eq!(
        p.status_history(me, &housing()).unwrap(),
        vec![t.status.clone()]
    );
    // The goal entered in error is not open, but it is still one of the goals.
    assert_eq!(
        p.goals(me, Some(&housing())).unwrap(),
        vec![t.goal.clone(), t.mistaken_goal.clone()]
    );
    assert_eq!(p.goals(me, None).unwrap().len(), 2);
    assert_eq!(
        p.goals(me, Some(&DomainRef::Own(t.domain.id))).unwrap(),
        vec![]
    );
    assert_eq!(
        p.activities(me, t.goal.id).unwrap(),
        vec![t.activity.clone()]
    );
    assert_eq!(
        p.completions(me, t.activity.id).unwrap(),
        vec![t.completion.clone()]
    );
    assert_eq!(p.medications(me).unwrap(), vec![t.medication.clone()]);
    assert_eq!(p.network(me).unwrap(), vec![t.network_person.clone()]);
    assert_eq!(p.crisis_plan(me).unwrap(), Some(t.crisis_plan.clone()));
    assert_eq!(
        p.exercise_completions(me).unwrap(),
        vec![t.exercise.clone()]
    );
    assert_eq!(p.diary(me).unwrap(), vec![t.diary.clone()]);
    assert_eq!(
        p.measures(me).unwrap(),
        vec![t.number.clone(), t.yes_no.clone(), t.scale.clone()]
    );
    assert_eq!(
        p.registrations(me, t.number.id).unwrap(),
        vec![t.registration.clone()]
    );
}

#[test]
fn new_items_carry_owner_version_author_and_the_clocks_time() {
    let w = world();
    w.clock.set(start() + Duration::microseconds(1_234_567));
    let goal = w
        .portal
        .add_goal(&w.anna, NewGoal::new(housing(), "Find a flat"))
        .unwrap();
    assert_eq!(goal.owner, w.anna.id);
    assert_eq!(goal.version, 1);
    assert_eq!(goal.created_at, start() + Duration::microseconds(1_234_567));
    assert_eq!(goal.updated_at, goal.created_at);
    assert_eq!(goal.updated_by, w.anna.id);
    assert_eq!(goal.content.authored_by, w.anna.id);
    assert_eq!(goal.content.lifecycle, GoalLifecycle::Active);
    assert_eq!(goal.content.achievement, None);
}

#[test]
fn text_is_stored_in_nfc() {
    let w = world();
    let goal = w
        .portal
        .add_goal(
            &w.anna,
            NewGoal::new(housing(), "Cafe\u{301} with A\u{30A}se"),
        )
        .unwrap();
    assert_eq!(goal.content.title, "Caf\u{e9} with \u{c5}se");
    assert_eq!(
        w.portal.goals(&w.anna, None).unwrap()[0].content.title,
        "Caf\u{e9} with \u{c5}se"
    );
}

#[test]
fn statuses_show_the_latest_per_domain_and_all_of_them_newest_first() {
    let w = world();
    let (p, me) = (&w.portal, &w.anna);
    let first = p
        .add_status(me, status(housing(), "Living with my parents.", Some(3)))
        .unwrap();
    w.tick();
    let second = p
        .add_status(me, status(housing(), "Viewing flats.", None))
        .unwrap();
    w.tick();
    let finances = DomainRef::Catalogue("finances".into());
    let other = p
        .add_status(me, status(finances.clone(), "Debt.", Some(2)))
        .unwrap();
    let home = p.home(me).unwrap();
    let latest = |d: &DomainRef| {
        home.domains
            .iter()
            .find(|o| &o.domain.domain == d)
            .unwrap()
            .latest_status
            .clone()
    };
    assert_eq!(latest(&housing()), Some(second.clone()));
    assert_eq!(latest(&finances), Some(other));
    assert_eq!(
        p.status_history(me, &housing()).unwrap(),
        vec![second, first]
    );
}

#[test]
fn goals_show_under_their_domain_with_their_activities_in_order() {
    let w = world();
    let (p, me) = (&w.portal, &w.anna);
    let music = p.add_domain(me, "Music").unwrap();
    let own = DomainRef::Own(music.id);
    let band = p
        .add_goal(me, NewGoal::new(own.clone(), "Play in a band"))
        .unwrap();
    w.tick();
    let flat = p
        .add_goal(
            me,
            NewGoal {
                why: "So my daughter can visit.".into(),
                target_date: Some(day(2025, 6, 30)),
                lifecycle: GoalLifecycle::Planned,
                ..NewGoal::new(housing(), "Find a flat")
            },
        )
        .unwrap();
    let new_activity = |goal: GoalId, title: &str| {
        w.tick();
        p.add_activity(
            me,
            NewActivity {
                goal,
                title: title.into(),
                due: None,
            },
        )
        .unwrap()
    };
    let call = new_activity(flat.id, "Call the office");
    let practise = new_activity(band.id, "Practise scales");
    let visit = new_activity(flat.id, "Visit two flats");
    assert_eq!(call.content.domain, housing());
    assert_eq!(call.content.state, ActivityState::Planned);
    assert_eq!(practise.content.domain, own);
    let home = p.home(me).unwrap();
    let goals_in = |d: &DomainRef| {
        home.domains
            .iter()
            .find(|o| &o.domain.domain == d)
            .unwrap()
            .goals
            .clone()
    };
    assert_eq!(
        goals_in(&housing()),
        vec![GoalOverview {
            goal: flat.clone(),
            activities: vec![call, visit]
        }]
    );
    assert_eq!(
        goals_in(&own),
        vec![GoalOverview {
            goal: band,
            activities: vec![practise]
        }]
    );
    assert_eq!(flat.content.lifecycle, GoalLifecycle::Planned);
    assert_eq!(flat.content.target_date, Some(day(2025, 6, 30)));
    assert_eq!(home.goals().count(), 2);
}

#[test]
fn completing_an_activity_logs_it_and_leaves_its_state() {
    let w = world();
    let t = furnish(&w, &w.anna);
    let (p, me) = (&w.portal, &w.anna);
    w.tick();
    let again = p
        .complete_activity(me, t.activity.id, today().pred_opt().unwrap(), "")
        .unwrap();
    assert_eq!(
        p.completions(me, t.activity.id).unwrap(),
        vec![t.completion.clone(), again.clone()]
    );
    let home = p.home(me).unwrap();
    assert_eq!(home.recent_completions, vec![again, t.completion]);
    assert_eq!(
        p.activities(me, t.goal.id).unwrap()[0].content.state,
        ActivityState::Planned
    );
    assert_eq!(p.history(me, t.activity.id).unwrap().len(), 1);
}

#[test]
fn editing_an_activity_changes_title_due_date_and_state() {
    let w = world();
    let t = furnish(&w, &w.anna);
    w.tick();
    let edited = w
        .portal
        .edit_activity(
            &w.anna,
            t.activity.id,
            ActivityEdit {
                title: "Call the housing office again".into(),
                due: None,
                state: ActivityState::Done,
            },
        )
        .unwrap();
    assert_eq!(edited.version, 2);
    assert_eq!(edited.content.goal, t.goal.id, "the goal stays");
    assert_eq!(edited.content.domain, housing());
    assert_eq!(edited.content.state, ActivityState::Done);
    assert_eq!(edited.content.due, None);
    assert_eq!(
        w.portal.activities(&w.anna, t.goal.id).unwrap(),
        vec![edited]
    );
}

#[test]
fn the_dashboard_shows_the_ten_latest_diary_entries_newest_first() {
    let w = world();
    let (p, me) = (&w.portal, &w.anna);
    let entries: Vec<_> = (0..12)
        .map(|i| {
            w.tick();
            p.add_diary_entry(
                me,
                DiaryEntry {
                    day: day(2024, 2, 1 + i),
                    text: format!("Day {i}."),
                },
            )
            .unwrap()
        })
        .collect();
    let newest_first: Vec<_> = entries.iter().rev().cloned().collect();
    assert_eq!(
        p.home(me).unwrap().recent_diary,
        newest_first[..HOME_RECENT].to_vec()
    );
    assert_eq!(p.diary(me).unwrap(), newest_first);
}

#[test]
fn exercises_list_the_catalogue_and_completions_show_newest_first() {
    let w = world();
    let (p, me) = (&w.portal, &w.anna);
    let keys: Vec<&str> = p.exercises().iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["sleep-hygiene", "mindfulness", "strengths-mapping"]);
    let first = p
        .complete_exercise(me, "mindfulness", today(), "Calmer.")
        .unwrap();
    w.tick();
    let second = p
        .complete_exercise(me, "strengths-mapping", today(), "")
        .unwrap();
    assert_eq!(second.content.exercise, "strengths-mapping");
    assert_eq!(
        p.exercise_completions(me).unwrap(),
        vec![second.clone(), first.clone()]
    );
    assert_eq!(p.home(me).unwrap().recent_exercises, vec![second, first]);
}

#[test]
fn measures_show_their_latest_registrations_newest_day_first() {
    let w = world();
    let (p, me) = (&w.portal, &w.anna);
    let sleep = p.add_measure(me, hours_of_sleep()).unwrap();
    // Registered out of day order: the dashboard sorts by day.
    let days: Vec<NaiveDate> = [3, 1, 9, 2, 8, 4, 7, 5, 6]
        .map(|d| day(2024, 2, d))
        .to_vec();
    for (i, &d) in days.iter().enumerate() {
        w.tick();
        let hours = 5.0 + f64::from(u32::try_from(i).unwrap()) / 4.0;
        p.register_value(me, sleep.id, d, MeasureValue::Number(hours))
            .unwrap();
    }
    let home = p.home(me).unwrap();
    let shown: Vec<NaiveDate> = home.measures[0]
        .recent
        .iter()
        .map(|r| r.content.day)
        .collect();
    assert_eq!(
        shown,
        (3..=9).rev().map(|d| day(2024, 2, d)).collect::<Vec<_>>()
    );
    assert_eq!(shown.len(), HOME_REGISTRATIONS);
    let all: Vec<NaiveDate> = p
        .registrations(me, sleep.id)
        .unwrap()
        .iter()
        .map(|r| r.content.day)
        .collect();
    assert_eq!(
        all,
        (1..=9).rev().map(|d| day(2024, 2, d)).collect::<Vec<_>>()
    );
}

#[test]
fn registering_the_same_day_again_makes_a_new_version() {
    let w = world();
    let t = furnish(&w, &w.anna);
    let (p, me) = (&w.portal, &w.anna);
    w.tick();
    let again = p
        .register_value(me, t.number.id, today(), MeasureValue::Number(6.0))
        .unwrap();
    assert_eq!(again.id, t.registration.id);
    assert_eq!(again.version, 2);
    assert_eq!(
        p.registrations(me, t.number.id).unwrap(),
        vec![again.clone()]
    );
    let history = p.history(me, t.registration.id).unwrap();
    let values: Vec<_> = history
        .iter()
        .map(|r| match &r.body {
            ItemBody::Registration(x) => x.value,
            other => panic!("not a registration: {other:?}"),
        })
        .collect();
    assert_eq!(
        values,
        [MeasureValue::Number(7.5), MeasureValue::Number(6.0)]
    );
    // Every kind of measure takes its own kind of value.
    p.register_value(me, t.yes_no.id, today(), MeasureValue::YesNo(true))
        .unwrap();
    p.register_value(me, t.scale.id, today(), MeasureValue::Scale(10))
        .unwrap();
    p.register_value(
        me,
        t.scale.id,
        today().pred_opt().unwrap(),
        MeasureValue::Scale(1),
    )
    .unwrap();
    assert_eq!(p.registrations(me, t.scale.id).unwrap().len(), 2);
}

#[test]
fn a_network_person_may_link_a_provider_account() {
    let w = world();
    let linked = w
        .portal
        .add_network_person(
            &w.anna,
            NetworkPerson {
                label: "My psychologist".into(),
                relation: Relation::Professional,
                closeness: 3,
                support: vec![],
                provider: Some(w.provider.id),
            },
        )
        .unwrap();
    assert_eq!(linked.content.provider, Some(w.provider.id));
    assert_eq!(w.portal.home(&w.anna).unwrap().network, vec![linked]);
}

#[test]
fn a_diary_entry_may_be_dated_tomorrow_for_hosts_ahead_of_utc() {
    let w = world();
    let tomorrow = today().succ_opt().unwrap();
    let entry = w
        .portal
        .add_diary_entry(
            &w.anna,
            DiaryEntry {
                day: tomorrow,
                text: "Written just after midnight in Oslo.".into(),
            },
        )
        .unwrap();
    assert_eq!(entry.content.day, tomorrow);
}

// ----- history ---------------------------------------------------------------------------------

fn bodies(history: &[ItemRecord]) -> Vec<ItemBody> {
    history.iter().map(|r| r.body.clone()).collect()
}

#[test]
fn every_change_keeps_the_earlier_versions_in_order() {
    let w = world();
    let t = furnish(&w, &w.anna);
    let (p, me) = (&w.portal, &w.anna);
    let created = t.goal.created_at;

    w.tick();
    let v2 = p
        .edit_goal(
            me,
            t.goal.id,
            GoalEdit {
                title: "Find a flat near work".into(),
                ..GoalEdit::from(&t.goal.content)
            },
        )
        .unwrap();
    w.tick();
    let v3 = p
        .edit_goal(
            me,
            t.goal.id,
            GoalEdit {
                lifecycle: GoalLifecycle::Completed,
                achievement: Some(GoalAchievement::Achieved),
                ..GoalEdit::from(&v2.content)
            },
        )
        .unwrap();
    let history = p.history(me, t.goal.id).unwrap();
    assert_eq!(
        history.iter().map(|r| r.version).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(
        history
            .iter()
            .all(|r| r.created_at == created && !r.removed)
    );
    assert!(
        history
            .iter()
            .all(|r| r.updated_by == me.id && r.id == t.goal.id.item())
    );
    assert_eq!(
        history.iter().map(|r| r.updated_at).collect::<Vec<_>>(),
        [created, v2.updated_at, v3.updated_at]
    );
    assert!(v2.updated_at < v3.updated_at);
    assert_eq!(
        bodies(&history),
        [
            ItemBody::Goal(t.goal.content.clone()),
            ItemBody::Goal(v2.content),
            ItemBody::Goal(v3.content.clone())
        ]
    );
    assert_eq!(
        p.goals(me, None).unwrap()[0],
        v3,
        "the latest version is current"
    );

    // Every other kind that can change keeps its versions the same way.
    w.tick();
    let wm = p.set_what_matters(me, "My daughter.").unwrap();
    assert_eq!(
        wm.id, t.what_matters.id,
        "what matters is one item with a history"
    );
    assert_eq!(
        bodies(&p.history(me, wm.id).unwrap()),
        [
            ItemBody::WhatMatters(t.what_matters.content.clone()),
            ItemBody::WhatMatters(wm.content)
        ]
    );
    let plan = p
        .set_crisis_plan(me, crisis_plan("I sleep all day."))
        .unwrap();
    assert_eq!(plan.id, t.crisis_plan.id);
    assert_eq!(
        bodies(&p.history(me, plan.id).unwrap()),
        [
            ItemBody::CrisisPlan(t.crisis_plan.content.clone()),
            ItemBody::CrisisPlan(plan.content)
        ]
    );
    let med = p
        .edit_medication(
            me,
            t.medication.id,
            Medication {
                status: MedicationStatus::Stopped,
                ..medication("Sertraline")
            },
        )
        .unwrap();
    assert_eq!(
        bodies(&p.history(me, med.id).unwrap()),
        [
            ItemBody::Medication(t.medication.content.clone()),
            ItemBody::Medication(med.content)
        ]
    );
    let person = p
        .edit_network_person(
            me,
            t.network_person.id,
            NetworkPerson {
                closeness: 2,
                ..network_person("Mamma")
            },
        )
        .unwrap();
    assert_eq!(
        bodies(&p.history(me, person.id).unwrap()),
        [
            ItemBody::NetworkPerson(t.network_person.content.clone()),
            ItemBody::NetworkPerson(person.content)
        ]
    );
    let entry = p
        .edit_diary_entry(
            me,
            t.diary.id,
            DiaryEntry {
                day: today(),
                text: "A good day, mostly.".into(),
            },
        )
        .unwrap();
    assert_eq!(
        bodies(&p.history(me, entry.id).unwrap()),
        [
            ItemBody::Diary(t.diary.content.clone()),
            ItemBody::Diary(entry.content)
        ]
    );
    let renamed = p.rename_domain(me, t.domain.id, "Music and choir").unwrap();
    assert_eq!(
        bodies(&p.history(me, renamed.id).unwrap()),
        [
            ItemBody::Domain(t.domain.content.clone()),
            ItemBody::Domain(renamed.content)
        ]
    );
    assert!(p.domains(me).unwrap().contains(&LifeDomain {
        domain: DomainRef::Own(t.domain.id),
        label: Localized::same("Music and choir")
    }));
    let activity = p
        .edit_activity(
            me,
            t.activity.id,
            ActivityEdit {
                title: "Call the office".into(),
                due: None,
                state: ActivityState::Skipped,
            },
        )
        .unwrap();
    assert_eq!(
        bodies(&p.history(me, activity.id).unwrap()),
        [
            ItemBody::Activity(t.activity.content.clone()),
            ItemBody::Activity(activity.content)
        ]
    );
}

// ----- removal ---------------------------------------------------------------------------------

#[test]
fn removal_hides_an_item_but_keeps_its_history() {
    let w = world();
    let t = furnish(&w, &w.anna);
    let (p, me) = (&w.portal, &w.anna);
    w.tick();
    let removable: Vec<ItemId> = vec![
        t.medication.id.item(),
        t.network_person.id.item(),
        t.crisis_plan.id.item(),
        t.what_matters.id.item(),
        t.diary.id.item(),
        t.exercise.id.item(),
        t.completion.id.item(),
        t.registration.id.item(),
        t.status.id.item(),
    ];
    let before: Vec<Vec<ItemRecord>> = removable
        .iter()
        .map(|&id| p.history(me, id).unwrap())
        .collect();
    for &id in &removable {
        p.remove_item(me, id).unwrap();
    }
    let home = p.home(me).unwrap();
    assert!(home.medications.is_empty());
    assert!(home.network.is_empty());
    assert_eq!(home.crisis_plan, None);
    assert_eq!(home.what_matters, None);
    assert!(home.recent_diary.is_empty());
    assert!(home.recent_exercises.is_empty());
    assert!(home.recent_completions.is_empty());
    assert!(home.measures.iter().all(|m| m.recent.is_empty()));
    assert!(home.domains.iter().all(|d| d.latest_status.is_none()));
    assert!(p.medications(me).unwrap().is_empty());
    assert!(p.diary(me).unwrap().is_empty());
    assert_eq!(p.crisis_plan(me).unwrap(), None);
    assert!(p.status_history(me, &housing()).unwrap().is_empty());
    for (&id, earlier) in removable.iter().zip(before) {
        let history = p.history(me, id).unwrap();
        assert_eq!(history.len(), earlier.len() + 1, "{id}");
        assert_eq!(
            history[..earlier.len()],
            earlier[..],
            "earlier versions of {id} stay"
        );
        let last = history.last().unwrap();
        assert!(last.removed, "{id}: the last version is the removal");
        assert_eq!(
            last.body,
            earlier.last().unwrap().body,
            "{id}: the removal keeps the content"
        );
        assert_eq!(last.updated_at, start() + Duration::seconds(1));
    }
}

#[test]
fn a_removed_item_cannot_be_removed_or_changed_again() {
    let f = furnished();
    let (p, me) = (&f.w.portal, &f.w.anna);
    p.remove_item(me, f.anna.medication.id).unwrap();
    p.remove_item(me, f.anna.diary.id).unwrap();
    p.remove_item(me, f.anna.goal.id).unwrap();
    let id = f.anna.medication.id;
    let goal = f.anna.goal.clone();
    let diary = f.anna.diary.id;
    check(
        &f,
        vec![
            (
                "remove again",
                call(move |f| f.w.portal.remove_item(&f.w.anna, id)),
                Expect::NotFound("item"),
            ),
            (
                "edit removed medication",
                call(move |f| f.w.portal.edit_medication(&f.w.anna, id, medication("x"))),
                Expect::NotFound("medication"),
            ),
            (
                "edit removed diary entry",
                call(move |f| {
                    f.w.portal.edit_diary_entry(
                        &f.w.anna,
                        diary,
                        DiaryEntry {
                            day: today(),
                            text: "x".into(),
                        },
                    )
                }),
                Expect::NotFound("diary"),
            ),
            (
                "edit removed goal",
                call(move |f| {
                    f.w.portal
                        .edit_goal(&f.w.anna, goal.id, GoalEdit::from(&goal.content))
                }),
                Expect::NotFound("goal"),
            ),
            (
                "activity under removed goal",
                call(move |f| {
                    f.w.portal.add_activity(
                        &f.w.anna,
                        NewActivity {
                            goal: f.anna.goal.id,
                            title: "x".into(),
                            due: None,
                        },
                    )
                }),
                Expect::NotFound("goal"),
            ),
        ],
    );
}

#[test]
fn removing_a_goal_hides_it_and_its_activities_from_the_dashboard() {
    let w = world();
    let t = furnish(&w, &w.anna);
    let (p, me) = (&w.portal, &w.anna);
    p.remove_item(me, t.goal.id).unwrap();
    let home = p.home(me).unwrap();
    let shown: Vec<_> = home.goals().collect();
    assert_eq!(
        shown,
        [&GoalOverview {
            goal: t.mistaken_goal.clone(),
            activities: vec![]
        }]
    );
    assert_eq!(p.goals(me, None).unwrap(), vec![t.mistaken_goal.clone()]);
    assert!(p.history(me, t.goal.id).unwrap().last().unwrap().removed);
    // The activity keeps its own history.
    assert_eq!(p.history(me, t.activity.id).unwrap().len(), 1);
}

#[test]
fn a_domain_in_use_cannot_be_removed_until_its_items_are() {
    let w = world();
    let (p, me) = (&w.portal, &w.anna);
    let music = p.add_domain(me, "Music").unwrap();
    let goal = p
        .add_goal(me, NewGoal::new(DomainRef::Own(music.id), "Sing"))
        .unwrap();
    let err = p.remove_item(me, music.id).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "domain",
                problem: Problem::Inconsistent(_)
            }
        ),
        "{err:?}"
    );
    assert!(!p.history(me, music.id).unwrap().last().unwrap().removed);
    p.remove_item(me, goal.id).unwrap();
    p.remove_item(me, music.id).unwrap();
    assert!(
        !p.domains(me)
            .unwrap()
            .iter()
            .any(|d| d.domain == DomainRef::Own(music.id))
    );
    let err = p
        .add_goal(me, NewGoal::new(DomainRef::Own(music.id), "Sing again"))
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound { kind: "domain", .. }),
        "{err:?}"
    );
}

// ----- who may do what -------------------------------------------------------------------------

/// Every call that names one of Anna's items, made by `actor`.
fn calls_on_annas_items(actor: fn(&Furnished) -> Actor) -> Vec<(&'static str, Call)> {
    vec![
        (
            "edit_goal",
            call(move |f| {
                f.w.portal.edit_goal(
                    &actor(f),
                    f.anna.goal.id,
                    GoalEdit::from(&f.anna.goal.content),
                )
            }),
        ),
        (
            "add_activity",
            call(move |f| {
                f.w.portal.add_activity(
                    &actor(f),
                    NewActivity {
                        goal: f.anna.goal.id,
                        title: "Sneaky".into(),
                        due: None,
                    },
                )
            }),
        ),
        (
            "activities",
            call(move |f| f.w.portal.activities(&actor(f), f.anna.goal.id)),
        ),
        (
            "edit_activity",
            call(move |f| {
                f.w.portal.edit_activity(
                    &actor(f),
                    f.anna.activity.id,
                    ActivityEdit {
                        title: "x".into(),
                        due: None,
                        state: ActivityState::Done,
                    },
                )
            }),
        ),
        (
            "complete_activity",
            call(move |f| {
                f.w.portal
                    .complete_activity(&actor(f), f.anna.activity.id, today(), "")
            }),
        ),
        (
            "completions",
            call(move |f| f.w.portal.completions(&actor(f), f.anna.activity.id)),
        ),
        (
            "edit_medication",
            call(move |f| {
                f.w.portal
                    .edit_medication(&actor(f), f.anna.medication.id, medication("x"))
            }),
        ),
        (
            "edit_network_person",
            call(move |f| {
                f.w.portal.edit_network_person(
                    &actor(f),
                    f.anna.network_person.id,
                    network_person("x"),
                )
            }),
        ),
        (
            "edit_diary_entry",
            call(move |f| {
                f.w.portal.edit_diary_entry(
                    &actor(f),
                    f.anna.diary.id,
                    DiaryEntry {
                        day: today(),
                        text: "x".into(),
                    },
                )
            }),
        ),
        (
            "rename_domain",
            call(move |f| f.w.portal.rename_domain(&actor(f), f.anna.domain.id, "x")),
        ),
        (
            "register_value",
            call(move |f| {
                f.w.portal.register_value(
                    &actor(f),
                    f.anna.number.id,
                    today(),
                    MeasureValue::Number(1.0),
                )
            }),
        ),
        (
            "registrations",
            call(move |f| f.w.portal.registrations(&actor(f), f.anna.number.id)),
        ),
        (
            "history",
            call(move |f| f.w.portal.history(&actor(f), f.anna.diary.id)),
        ),
        (
            "history of a removal-free item",
            call(move |f| f.w.portal.history(&actor(f), f.anna.crisis_plan.id)),
        ),
        (
            "remove_item",
            call(move |f| f.w.portal.remove_item(&actor(f), f.anna.medication.id)),
        ),
        (
            "remove_item goal",
            call(move |f| f.w.portal.remove_item(&actor(f), f.anna.goal.id)),
        ),
    ]
}

/// Every call on the actor's own toolbox, made by `actor`.
fn toolbox_calls(actor: fn(&Furnished) -> Actor) -> Vec<(&'static str, Call)> {
    vec![
        ("home", call(move |f| f.w.portal.home(&actor(f)))),
        ("domains", call(move |f| f.w.portal.domains(&actor(f)))),
        (
            "add_domain",
            call(move |f| f.w.portal.add_domain(&actor(f), "Music")),
        ),
        (
            "set_what_matters",
            call(move |f| f.w.portal.set_what_matters(&actor(f), "x")),
        ),
        (
            "what_matters",
            call(move |f| f.w.portal.what_matters(&actor(f))),
        ),
        (
            "add_status",
            call(move |f| {
                f.w.portal
                    .add_status(&actor(f), status(housing(), "x", None))
            }),
        ),
        (
            "status_history",
            call(move |f| f.w.portal.status_history(&actor(f), &housing())),
        ),
        (
            "add_goal",
            call(move |f| f.w.portal.add_goal(&actor(f), NewGoal::new(housing(), "x"))),
        ),
        ("goals", call(move |f| f.w.portal.goals(&actor(f), None))),
        (
            "add_medication",
            call(move |f| f.w.portal.add_medication(&actor(f), medication("x"))),
        ),
        (
            "medications",
            call(move |f| f.w.portal.medications(&actor(f))),
        ),
        (
            "add_network_person",
            call(move |f| {
                f.w.portal
                    .add_network_person(&actor(f), network_person("x"))
            }),
        ),
        ("network", call(move |f| f.w.portal.network(&actor(f)))),
        (
            "set_crisis_plan",
            call(move |f| f.w.portal.set_crisis_plan(&actor(f), crisis_plan("x"))),
        ),
        (
            "crisis_plan",
            call(move |f| f.w.portal.crisis_plan(&actor(f))),
        ),
        (
            "complete_exercise",
            call(move |f| {
                f.w.portal
                    .complete_exercise(&actor(f), "mindfulness", today(), "")
            }),
        ),
        (
            "exercise_completions",
            call(move |f| f.w.portal.exercise_completions(&actor(f))),
        ),
        (
            "add_diary_entry",
            call(move |f| {
                f.w.portal.add_diary_entry(
                    &actor(f),
                    DiaryEntry {
                        day: today(),
                        text: "x".into(),
                    },
                )
            }),
        ),
        ("diary", call(move |f| f.w.portal.diary(&actor(f)))),
        (
            "add_measure",
            call(move |f| f.w.portal.add_measure(&actor(f), hours_of_sleep())),
        ),
        ("measures", call(move |f| f.w.portal.measures(&actor(f)))),
    ]
}

fn expecting(
    calls: Vec<(&'static str, Call)>,
    expect: impl Fn() -> Expect,
) -> Vec<(&'static str, Call, Expect)> {
    calls
        .into_iter()
        .map(|(what, call)| (what, call, expect()))
        .collect()
}

#[test]
fn another_service_user_is_denied_on_anothers_items() {
    // Only providers in a care team ever see another person's toolbox.
    let f = furnished();
    check(
        &f,
        expecting(calls_on_annas_items(|f| f.w.bjorn), || {
            Expect::Denied(DenyReason::WrongRole)
        }),
    );
}

#[test]
fn another_service_user_cannot_use_anothers_own_domain() {
    let f = furnished();
    let err = f.refused("goal in Anna's domain", |f| {
        f.w.portal.add_goal(
            &f.w.bjorn,
            NewGoal::new(DomainRef::Own(f.anna.domain.id), "Mine now"),
        )
    });
    assert!(
        matches!(err, Error::NotFound { kind: "domain", .. }),
        "{err:?}"
    );
    let err = f.refused("status in Anna's domain", |f| {
        f.w.portal.add_status(
            &f.w.bjorn,
            status(DomainRef::Own(f.anna.domain.id), "x", None),
        )
    });
    assert!(
        matches!(err, Error::NotFound { kind: "domain", .. }),
        "{err:?}"
    );
}

#[test]
fn a_service_users_own_calls_never_touch_anothers_toolbox() {
    // Bjørn's calls on his own toolbox leave Anna's as it was, and show none of hers.
    let f = furnished();
    let before = snapshot(&f.w, &f.w.anna, &f.anna.ids());
    let bjorn = furnish(&f.w, &f.w.bjorn);
    assert_eq!(snapshot(&f.w, &f.w.anna, &f.anna.ids()), before);
    let home = f.w.portal.home(&f.w.bjorn).unwrap();
    assert_eq!(home.person.id, f.w.bjorn.id);
    assert_eq!(home.medications.len(), 2);
    assert!(home.medications.iter().all(|m| m.owner == f.w.bjorn.id));
    assert!(
        !home
            .medications
            .iter()
            .any(|m| m.id == f.anna.medication.id)
    );
    assert_eq!(
        home.what_matters.map(|wm| wm.id),
        Some(bjorn.what_matters.id)
    );
}

#[test]
fn providers_moderators_researchers_and_admins_have_no_toolbox() {
    let f = furnished();
    let others: [fn(&Furnished) -> Actor; 4] = [
        |f| f.w.provider,
        |f| f.w.moderator,
        |f| f.w.researcher,
        |f| f.w.admin,
    ];
    for actor in others {
        check(
            &f,
            expecting(toolbox_calls(actor), || {
                Expect::Denied(DenyReason::WrongRole)
            }),
        );
    }
}

#[test]
fn a_provider_outside_the_care_team_is_denied_on_a_service_users_items() {
    let f = furnished();
    check(
        &f,
        expecting(calls_on_annas_items(|f| f.w.provider), || {
            Expect::Denied(DenyReason::NoCareTeam)
        }),
    );
}

#[test]
fn moderators_researchers_and_admins_are_denied_on_a_service_users_items() {
    let f = furnished();
    let others: [fn(&Furnished) -> Actor; 3] =
        [|f| f.w.moderator, |f| f.w.researcher, |f| f.w.admin];
    for actor in others {
        check(
            &f,
            expecting(calls_on_annas_items(actor), || {
                Expect::Denied(DenyReason::WrongRole)
            }),
        );
    }
}

#[test]
fn an_unknown_actor_is_refused_everywhere() {
    let f = furnished();
    // A fresh id on every call: nobody registered it.
    let stranger: fn(&Furnished) -> Actor = |_| Actor::new(UserId::new());
    let mut cases = expecting(toolbox_calls(stranger), || Expect::UnknownActor);
    cases.extend(expecting(calls_on_annas_items(stranger), || {
        Expect::UnknownActor
    }));
    cases.push((
        "me",
        call(move |f| f.w.portal.me(&stranger(f))),
        Expect::UnknownActor,
    ));
    check(&f, cases);
}

#[test]
fn unknown_ids_are_not_found() {
    let f = furnished();
    let goal = GoalId::new();
    let activity = ActivityId::new();
    let measure = MeasureId::new();
    check(
        &f,
        vec![
            (
                "edit_goal",
                call(move |f| {
                    f.w.portal
                        .edit_goal(&f.w.anna, goal, GoalEdit::from(&f.anna.goal.content))
                }),
                Expect::NotFound("goal"),
            ),
            (
                "add_activity",
                call(move |f| {
                    f.w.portal.add_activity(
                        &f.w.anna,
                        NewActivity {
                            goal,
                            title: "x".into(),
                            due: None,
                        },
                    )
                }),
                Expect::NotFound("goal"),
            ),
            (
                "activities",
                call(move |f| f.w.portal.activities(&f.w.anna, goal)),
                Expect::NotFound("goal"),
            ),
            (
                "complete_activity",
                call(move |f| {
                    f.w.portal
                        .complete_activity(&f.w.anna, activity, today(), "")
                }),
                Expect::NotFound("activity"),
            ),
            (
                "completions",
                call(move |f| f.w.portal.completions(&f.w.anna, activity)),
                Expect::NotFound("activity"),
            ),
            (
                "edit_medication",
                call(|f| {
                    f.w.portal
                        .edit_medication(&f.w.anna, MedicationId::new(), medication("x"))
                }),
                Expect::NotFound("medication"),
            ),
            (
                "edit_network_person",
                call(|f| {
                    f.w.portal.edit_network_person(
                        &f.w.anna,
                        NetworkPersonId::new(),
                        network_person("x"),
                    )
                }),
                Expect::NotFound("network-person"),
            ),
            (
                "rename_domain",
                call(|f| f.w.portal.rename_domain(&f.w.anna, DomainId::new(), "x")),
                Expect::NotFound("domain"),
            ),
            (
                "register_value",
                call(move |f| {
                    f.w.portal
                        .register_value(&f.w.anna, measure, today(), MeasureValue::Scale(3))
                }),
                Expect::NotFound("measure"),
            ),
            (
                "registrations",
                call(move |f| f.w.portal.registrations(&f.w.anna, measure)),
                Expect::NotFound("measure"),
            ),
            (
                "history",
                call(|f| f.w.portal.history(&f.w.anna, ItemId::new())),
                Expect::NotFound("item"),
            ),
            (
                "remove_item",
                call(|f| f.w.portal.remove_item(&f.w.anna, ItemId::new())),
                Expect::NotFound("item"),
            ),
            (
                "goal in an unknown own domain",
                call(|f| {
                    f.w.portal.add_goal(
                        &f.w.anna,
                        NewGoal::new(DomainRef::Own(DomainId::new()), "x"),
                    )
                }),
                Expect::NotFound("domain"),
            ),
            (
                "network person linked to an unknown account",
                call(|f| {
                    f.w.portal.add_network_person(
                        &f.w.anna,
                        NetworkPerson {
                            provider: Some(UserId::new()),
                            ..network_person("x")
                        },
                    )
                }),
                Expect::NotFound("provider"),
            ),
            (
                "network person linked to a service user",
                call(|f| {
                    f.w.portal.add_network_person(
                        &f.w.anna,
                        NetworkPerson {
                            provider: Some(f.w.bjorn.id),
                            ..network_person("x")
                        },
                    )
                }),
                Expect::NotFound("provider"),
            ),
        ],
    );
}

#[test]
fn an_id_of_another_kind_is_not_found() {
    // A medication's id passed where a goal, activity or measure is expected.
    let f = furnished();
    check(
        &f,
        vec![
            (
                "medication id as goal",
                call(|f| {
                    let id = GoalId::from_uuid(f.anna.medication.id.as_uuid());
                    f.w.portal
                        .edit_goal(&f.w.anna, id, GoalEdit::from(&f.anna.goal.content))
                }),
                Expect::NotFound("goal"),
            ),
            (
                "goal id as activity",
                call(|f| {
                    let id = ActivityId::from_uuid(f.anna.goal.id.as_uuid());
                    f.w.portal.complete_activity(&f.w.anna, id, today(), "")
                }),
                Expect::NotFound("activity"),
            ),
            (
                "diary id as measure",
                call(|f| {
                    let id = MeasureId::from_uuid(f.anna.diary.id.as_uuid());
                    f.w.portal
                        .register_value(&f.w.anna, id, today(), MeasureValue::YesNo(true))
                }),
                Expect::NotFound("measure"),
            ),
            (
                "goal id as own domain",
                call(|f| {
                    let id = DomainId::from_uuid(f.anna.goal.id.as_uuid());
                    f.w.portal
                        .add_goal(&f.w.anna, NewGoal::new(DomainRef::Own(id), "x"))
                }),
                Expect::NotFound("domain"),
            ),
        ],
    );
}

// ----- bad input -------------------------------------------------------------------------------

fn invalid(field: &'static str, problem: Problem) -> Expect {
    Expect::Invalid(field, problem)
}

fn too_long(field: &'static str, max: usize) -> Expect {
    invalid(
        field,
        Problem::TooLong {
            max,
            actual: max + 1,
        },
    )
}

fn forbidden(field: &'static str, code: u32, position: usize) -> Expect {
    invalid(field, Problem::ForbiddenCharacter { code, position })
}

const TITLE: usize = 200;
const BODY: usize = 20_000;

fn long_title() -> String {
    "å".repeat(TITLE + 1)
}

fn long_body() -> String {
    "ø".repeat(BODY + 1)
}

#[test]
fn goal_input_is_checked_field_by_field() {
    let f = furnished();
    let new = |title: &str| NewGoal::new(housing(), title);
    check(
        &f,
        vec![
            (
                "empty title",
                call(move |f| f.w.portal.add_goal(&f.w.anna, new(""))),
                invalid("goal.title", Problem::Empty),
            ),
            (
                "whitespace title",
                call(move |f| f.w.portal.add_goal(&f.w.anna, new(" \t "))),
                forbidden("goal.title", 0x09, 1),
            ),
            (
                "spaces-only title",
                call(move |f| f.w.portal.add_goal(&f.w.anna, new("   "))),
                invalid("goal.title", Problem::Empty),
            ),
            (
                "over-long title",
                call(move |f| f.w.portal.add_goal(&f.w.anna, new(&long_title()))),
                too_long("goal.title", TITLE),
            ),
            (
                "newline in title",
                call(move |f| f.w.portal.add_goal(&f.w.anna, new("Find\na flat"))),
                forbidden("goal.title", 0x0A, 4),
            ),
            (
                "bell in title",
                call(move |f| f.w.portal.add_goal(&f.w.anna, new("Find\u{7} a flat"))),
                forbidden("goal.title", 0x07, 4),
            ),
            (
                "bidi override in title",
                call(move |f| f.w.portal.add_goal(&f.w.anna, new("Find \u{202E}talf a"))),
                forbidden("goal.title", 0x202E, 5),
            ),
            (
                "bidi isolate in title",
                call(move |f| f.w.portal.add_goal(&f.w.anna, new("\u{2067}Find a flat"))),
                forbidden("goal.title", 0x2067, 0),
            ),
            (
                "over-long why",
                call(move |f| {
                    f.w.portal.add_goal(
                        &f.w.anna,
                        NewGoal {
                            why: long_body(),
                            ..new("x")
                        },
                    )
                }),
                too_long("goal.why", BODY),
            ),
            (
                "unknown catalogue domain",
                call(|f| {
                    let domain = DomainRef::Catalogue("astrology".into());
                    f.w.portal.add_goal(&f.w.anna, NewGoal::new(domain, "x"))
                }),
                invalid("goal.domain", Problem::Unknown),
            ),
            (
                "target date in 1800",
                call(move |f| {
                    f.w.portal.add_goal(
                        &f.w.anna,
                        NewGoal {
                            target_date: Some(day(1800, 1, 1)),
                            ..new("x")
                        },
                    )
                }),
                invalid("goal.target_date", Problem::ImplausibleDate),
            ),
            (
                "target date in 2300",
                call(move |f| {
                    f.w.portal.add_goal(
                        &f.w.anna,
                        NewGoal {
                            target_date: Some(day(2300, 1, 1)),
                            ..new("x")
                        },
                    )
                }),
                invalid("goal.target_date", Problem::ImplausibleDate),
            ),
            (
                "new goal already completed",
                call(move |f| {
                    f.w.portal.add_goal(
                        &f.w.anna,
                        NewGoal {
                            lifecycle: GoalLifecycle::Completed,
                            ..new("x")
                        },
                    )
                }),
                invalid(
                    "goal.lifecycle",
                    Problem::Inconsistent("a new goal starts planned, accepted, active or on-hold"),
                ),
            ),
            (
                "new goal proposed by its owner",
                call(move |f| {
                    f.w.portal.add_goal(
                        &f.w.anna,
                        NewGoal {
                            lifecycle: GoalLifecycle::Proposed,
                            ..new("x")
                        },
                    )
                }),
                invalid(
                    "goal.lifecycle",
                    Problem::Inconsistent("a new goal starts planned, accepted, active or on-hold"),
                ),
            ),
            (
                "edit to empty title",
                call(|f| {
                    let edit = GoalEdit {
                        title: String::new(),
                        ..GoalEdit::from(&f.anna.goal.content)
                    };
                    f.w.portal.edit_goal(&f.w.anna, f.anna.goal.id, edit)
                }),
                invalid("goal.title", Problem::Empty),
            ),
            (
                "edit to target date in 2300",
                call(|f| {
                    let edit = GoalEdit {
                        target_date: Some(day(2300, 6, 1)),
                        ..GoalEdit::from(&f.anna.goal.content)
                    };
                    f.w.portal.edit_goal(&f.w.anna, f.anna.goal.id, edit)
                }),
                invalid("goal.target_date", Problem::ImplausibleDate),
            ),
            (
                "edit why with a bidi override",
                call(|f| {
                    let edit = GoalEdit {
                        why: "ok\n\u{202D}".into(),
                        ..GoalEdit::from(&f.anna.goal.content)
                    };
                    f.w.portal.edit_goal(&f.w.anna, f.anna.goal.id, edit)
                }),
                forbidden("goal.why", 0x202D, 3),
            ),
        ],
    );
}

#[test]
fn goal_lifecycle_changes_the_policy_forbids_are_refused() {
    let f = furnished();
    let edit_to = |lifecycle: GoalLifecycle| -> Call {
        call(move |f| {
            let edit = GoalEdit {
                lifecycle,
                ..GoalEdit::from(&f.anna.goal.content)
            };
            f.w.portal.edit_goal(&f.w.anna, f.anna.goal.id, edit)
        })
    };
    let revive = |lifecycle: GoalLifecycle| -> Call {
        call(move |f| {
            let edit = GoalEdit {
                lifecycle,
                ..GoalEdit::from(&f.anna.mistaken_goal.content)
            };
            f.w.portal
                .edit_goal(&f.w.anna, f.anna.mistaken_goal.id, edit)
        })
    };
    check(
        &f,
        vec![
            (
                "active to proposed",
                edit_to(GoalLifecycle::Proposed),
                Expect::Transition("active", "proposed"),
            ),
            (
                "active to rejected",
                edit_to(GoalLifecycle::Rejected),
                Expect::Transition("active", "rejected"),
            ),
            (
                "entered-in-error to active",
                revive(GoalLifecycle::Active),
                Expect::Transition("entered-in-error", "active"),
            ),
            (
                "entered-in-error to completed",
                revive(GoalLifecycle::Completed),
                Expect::Transition("entered-in-error", "completed"),
            ),
        ],
    );
    // And the policy's allowed moves go through.
    let (p, me) = (&f.w.portal, &f.w.anna);
    for lifecycle in [
        GoalLifecycle::OnHold,
        GoalLifecycle::Completed,
        GoalLifecycle::Active,
        GoalLifecycle::Cancelled,
    ] {
        let current = p.goals(me, None).unwrap()[0].clone();
        let edited = p
            .edit_goal(
                me,
                current.id,
                GoalEdit {
                    lifecycle,
                    ..GoalEdit::from(&current.content)
                },
            )
            .unwrap();
        assert_eq!(edited.content.lifecycle, lifecycle);
    }
}

#[test]
fn activity_input_is_checked_field_by_field() {
    let f = furnished();
    let new = |title: &str, due: Option<NaiveDate>| {
        let title = title.to_owned();
        call(move |f| {
            f.w.portal.add_activity(
                &f.w.anna,
                NewActivity {
                    goal: f.anna.goal.id,
                    title: title.clone(),
                    due,
                },
            )
        })
    };
    let edit = |title: &str, due: Option<NaiveDate>| {
        let title = title.to_owned();
        call(move |f| {
            f.w.portal.edit_activity(
                &f.w.anna,
                f.anna.activity.id,
                ActivityEdit {
                    title: title.clone(),
                    due,
                    state: ActivityState::Done,
                },
            )
        })
    };
    let tomorrow_but_one = today() + Duration::days(2);
    check(
        &f,
        vec![
            (
                "empty title",
                new("", None),
                invalid("activity.title", Problem::Empty),
            ),
            (
                "over-long title",
                new(&long_title(), None),
                too_long("activity.title", TITLE),
            ),
            (
                "tab in title",
                new("a\tb", None),
                forbidden("activity.title", 0x09, 1),
            ),
            (
                "due in 1800",
                new("x", Some(day(1800, 5, 17))),
                invalid("activity.due", Problem::ImplausibleDate),
            ),
            (
                "due in 2300",
                new("x", Some(day(2300, 5, 17))),
                invalid("activity.due", Problem::ImplausibleDate),
            ),
            (
                "edit to empty title",
                edit(" ", None),
                invalid("activity.title", Problem::Empty),
            ),
            (
                "edit to over-long title",
                edit(&long_title(), None),
                too_long("activity.title", TITLE),
            ),
            (
                "edit due to 2300",
                edit("x", Some(day(2300, 1, 1))),
                invalid("activity.due", Problem::ImplausibleDate),
            ),
            (
                "completion in the future",
                call(move |f| {
                    f.w.portal.complete_activity(
                        &f.w.anna,
                        f.anna.activity.id,
                        tomorrow_but_one,
                        "",
                    )
                }),
                invalid("completion.on", Problem::ImplausibleDate),
            ),
            (
                "completion in 1800",
                call(|f| {
                    f.w.portal
                        .complete_activity(&f.w.anna, f.anna.activity.id, day(1800, 1, 1), "")
                }),
                invalid("completion.on", Problem::ImplausibleDate),
            ),
            (
                "completion note with a bidi override",
                call(|f| {
                    f.w.portal
                        .complete_activity(&f.w.anna, f.anna.activity.id, today(), "\u{202A}")
                }),
                forbidden("completion.note", 0x202A, 0),
            ),
            (
                "over-long completion note",
                call(|f| {
                    f.w.portal.complete_activity(
                        &f.w.anna,
                        f.anna.activity.id,
                        today(),
                        &long_body(),
                    )
                }),
                too_long("completion.note", BODY),
            ),
        ],
    );
}

#[test]
fn status_input_is_checked_field_by_field() {
    let f = furnished();
    let add = |new: NewStatus| call(move |f| f.w.portal.add_status(&f.w.anna, new.clone()));
    let ok = || status(housing(), "Fine.", Some(5));
    check(
        &f,
        vec![
            (
                "rating 0",
                add(NewStatus {
                    rating: Some(0),
                    ..ok()
                }),
                invalid("status.rating", Problem::OutOfRange { min: 1, max: 10 }),
            ),
            (
                "rating 11",
                add(NewStatus {
                    rating: Some(11),
                    ..ok()
                }),
                invalid("status.rating", Problem::OutOfRange { min: 1, max: 10 }),
            ),
            (
                "empty now",
                add(NewStatus {
                    now: String::new(),
                    ..ok()
                }),
                invalid("status.now", Problem::Empty),
            ),
            (
                "blank now",
                add(NewStatus {
                    now: "\n\n".into(),
                    ..ok()
                }),
                invalid("status.now", Problem::Empty),
            ),
            (
                "over-long now",
                add(NewStatus {
                    now: long_body(),
                    ..ok()
                }),
                too_long("status.now", BODY),
            ),
            (
                "bidi in helps",
                add(NewStatus {
                    helps: "x\u{202D}".into(),
                    ..ok()
                }),
                forbidden("status.helps", 0x202D, 1),
            ),
            (
                "escape in hinders",
                add(NewStatus {
                    hinders: "\u{1B}[31m".into(),
                    ..ok()
                }),
                forbidden("status.hinders", 0x1B, 0),
            ),
            (
                "over-long hinders",
                add(NewStatus {
                    hinders: long_body(),
                    ..ok()
                }),
                too_long("status.hinders", BODY),
            ),
            (
                "unknown catalogue domain",
                add(NewStatus {
                    domain: DomainRef::Catalogue("astrology".into()),
                    ..ok()
                }),
                invalid("status.domain", Problem::Unknown),
            ),
            (
                "unknown own domain",
                add(NewStatus {
                    domain: DomainRef::Own(DomainId::new()),
                    ..ok()
                }),
                Expect::NotFound("domain"),
            ),
        ],
    );
}

#[test]
fn domain_and_what_matters_input_is_checked() {
    let f = furnished();
    check(
        &f,
        vec![
            (
                "empty label",
                call(|f| f.w.portal.add_domain(&f.w.anna, "")),
                invalid("domain.label", Problem::Empty),
            ),
            (
                "over-long label",
                call(|f| f.w.portal.add_domain(&f.w.anna, &long_title())),
                too_long("domain.label", TITLE),
            ),
            (
                "rename to a label with a newline",
                call(|f| {
                    f.w.portal
                        .rename_domain(&f.w.anna, f.anna.domain.id, "Music\n")
                }),
                forbidden("domain.label", 0x0A, 5),
            ),
            (
                "empty what matters",
                call(|f| f.w.portal.set_what_matters(&f.w.anna, "")),
                invalid("what_matters.text", Problem::Empty),
            ),
            (
                "over-long what matters",
                call(|f| f.w.portal.set_what_matters(&f.w.anna, &long_body())),
                too_long("what_matters.text", BODY),
            ),
            (
                "NUL in what matters",
                call(|f| f.w.portal.set_what_matters(&f.w.anna, "My\0daughter")),
                forbidden("what_matters.text", 0, 2),
            ),
        ],
    );
}

#[test]
fn medication_network_and_crisis_plan_input_is_checked() {
    let f = furnished();
    let add_med = |m: Medication| call(move |f| f.w.portal.add_medication(&f.w.anna, m.clone()));
    let add_person =
        |p: NetworkPerson| call(move |f| f.w.portal.add_network_person(&f.w.anna, p.clone()));
    let plan = |p: CrisisPlan| call(move |f| f.w.portal.set_crisis_plan(&f.w.anna, p.clone()));
    let closeness = || {
        invalid(
            "network_person.closeness",
            Problem::OutOfRange { min: 1, max: 3 },
        )
    };
    check(
        &f,
        vec![
            (
                "empty medication name",
                add_med(medication("")),
                invalid("medication.name", Problem::Empty),
            ),
            (
                "over-long medication name",
                add_med(medication(&long_title())),
                too_long("medication.name", TITLE),
            ),
            (
                "dose on two lines",
                add_med(Medication {
                    dose: "50 mg\nat night".into(),
                    ..medication("x")
                }),
                forbidden("medication.dose", 0x0A, 5),
            ),
            (
                "over-long purpose",
                add_med(Medication {
                    purpose: long_body(),
                    ..medication("x")
                }),
                too_long("medication.purpose", BODY),
            ),
            (
                "bidi in experiences",
                add_med(Medication {
                    experiences: "\u{2066}".into(),
                    ..medication("x")
                }),
                forbidden("medication.experiences", 0x2066, 0),
            ),
            (
                "over-long questions",
                add_med(Medication {
                    questions: long_body(),
                    ..medication("x")
                }),
                too_long("medication.questions", BODY),
            ),
            (
                "edit to an empty name",
                call(|f| {
                    f.w.portal
                        .edit_medication(&f.w.anna, f.anna.medication.id, medication(" "))
                }),
                invalid("medication.name", Problem::Empty),
            ),
            (
                "closeness 0",
                add_person(NetworkPerson {
                    closeness: 0,
                    ..network_person("x")
                }),
                closeness(),
            ),
            (
                "closeness 4",
                add_person(NetworkPerson {
                    closeness: 4,
                    ..network_person("x")
                }),
                closeness(),
            ),
            (
                "duplicate support kinds",
                add_person(NetworkPerson {
                    support: vec![
                        SupportKind::Practical,
                        SupportKind::Company,
                        SupportKind::Practical,
                    ],
                    ..network_person("x")
                }),
                invalid("network_person.support", Problem::Duplicate),
            ),
            (
                "empty label",
                add_person(network_person("")),
                invalid("network_person.label", Problem::Empty),
            ),
            (
                "over-long label",
                add_person(network_person(&long_title())),
                too_long("network_person.label", TITLE),
            ),
            (
                "edit to closeness 4",
                call(|f| {
                    let p = NetworkPerson {
                        closeness: 4,
                        ..network_person("Mamma")
                    };
                    f.w.portal
                        .edit_network_person(&f.w.anna, f.anna.network_person.id, p)
                }),
                closeness(),
            ),
            (
                "crisis plan warning signs too long",
                plan(CrisisPlan {
                    warning_signs: long_body(),
                    ..crisis_plan("x")
                }),
                too_long("crisis_plan.warning_signs", BODY),
            ),
            (
                "crisis plan what helps with a control character",
                plan(CrisisPlan {
                    what_helps: "\u{8}".into(),
                    ..crisis_plan("x")
                }),
                forbidden("crisis_plan.what_helps", 0x08, 0),
            ),
            (
                "crisis plan what does not help with a bidi override",
                plan(CrisisPlan {
                    what_does_not_help: "no\u{202E}".into(),
                    ..crisis_plan("x")
                }),
                forbidden("crisis_plan.what_does_not_help", 0x202E, 2),
            ),
            (
                "crisis plan contacts with a bidi override",
                plan(CrisisPlan {
                    contacts: "Sister \u{202E}55 44".into(),
                    ..crisis_plan("x")
                }),
                forbidden("crisis_plan.contacts", 0x202E, 7),
            ),
            (
                "crisis plan do-not-involve too long",
                plan(CrisisPlan {
                    do_not_involve: long_body(),
                    ..crisis_plan("x")
                }),
                too_long("crisis_plan.do_not_involve", BODY),
            ),
            (
                "crisis plan treatment preferences with a control character",
                plan(CrisisPlan {
                    treatment_preferences: "\u{7F}".into(),
                    ..crisis_plan("x")
                }),
                forbidden("crisis_plan.treatment_preferences", 0x7F, 0),
            ),
        ],
    );
}

#[test]
fn diary_exercise_and_registration_input_is_checked() {
    let f = furnished();
    let in_two_days = today() + Duration::days(2);
    let entry = |day: NaiveDate, text: &str| DiaryEntry {
        day,
        text: text.into(),
    };
    let add_entry =
        move |e: DiaryEntry| call(move |f| f.w.portal.add_diary_entry(&f.w.anna, e.clone()));
    let register = |measure: fn(&Furnished) -> MeasureId, day: NaiveDate, value: MeasureValue| {
        call(move |f| f.w.portal.register_value(&f.w.anna, measure(f), day, value))
    };
    let number: fn(&Furnished) -> MeasureId = |f| f.anna.number.id;
    let yes_no: fn(&Furnished) -> MeasureId = |f| f.anna.yes_no.id;
    let scale: fn(&Furnished) -> MeasureId = |f| f.anna.scale.id;
    let wrong = |expected| invalid("registration.value", Problem::WrongKind { expected });
    let scale_range = || {
        invalid(
            "registration.value",
            Problem::OutOfRange { min: 1, max: 10 },
        )
    };
    check(
        &f,
        vec![
            (
                "diary day in the future",
                add_entry(entry(in_two_days, "x")),
                invalid("diary.day", Problem::ImplausibleDate),
            ),
            (
                "diary day in 1800",
                add_entry(entry(day(1800, 1, 1), "x")),
                invalid("diary.day", Problem::ImplausibleDate),
            ),
            (
                "empty diary text",
                add_entry(entry(today(), "")),
                invalid("diary.text", Problem::Empty),
            ),
            (
                "over-long diary text",
                add_entry(entry(today(), &long_body())),
                too_long("diary.text", BODY),
            ),
            (
                "bidi in diary text",
                add_entry(entry(today(), "a\u{2069}")),
                forbidden("diary.text", 0x2069, 1),
            ),
            (
                "edit diary day into the future",
                call(move |f| {
                    f.w.portal
                        .edit_diary_entry(&f.w.anna, f.anna.diary.id, entry(in_two_days, "x"))
                }),
                invalid("diary.day", Problem::ImplausibleDate),
            ),
            (
                "unknown exercise",
                call(|f| {
                    f.w.portal
                        .complete_exercise(&f.w.anna, "cold-plunge", today(), "")
                }),
                invalid("exercise_completion.exercise", Problem::Unknown),
            ),
            (
                "exercise done in the future",
                call(move |f| {
                    f.w.portal
                        .complete_exercise(&f.w.anna, "mindfulness", in_two_days, "")
                }),
                invalid("exercise_completion.on", Problem::ImplausibleDate),
            ),
            (
                "over-long exercise note",
                call(|f| {
                    f.w.portal
                        .complete_exercise(&f.w.anna, "mindfulness", today(), &long_body())
                }),
                too_long("exercise_completion.note", BODY),
            ),
            (
                "empty measure name",
                call(|f| {
                    f.w.portal.add_measure(
                        &f.w.anna,
                        Measure {
                            name: String::new(),
                            kind: MeasureKind::YesNo,
                        },
                    )
                }),
                invalid("measure.name", Problem::Empty),
            ),
            (
                "measure unit on two lines",
                call(|f| {
                    let kind = MeasureKind::Number {
                        unit: "hours\nper night".into(),
                    };
                    f.w.portal.add_measure(
                        &f.w.anna,
                        Measure {
                            name: "Sleep".into(),
                            kind,
                        },
                    )
                }),
                forbidden("measure.unit", 0x0A, 5),
            ),
            (
                "yes/no for a number",
                register(number, today(), MeasureValue::YesNo(true)),
                wrong("number"),
            ),
            (
                "scale for a number",
                register(number, today(), MeasureValue::Scale(3)),
                wrong("number"),
            ),
            (
                "number for a yes/no",
                register(yes_no, today(), MeasureValue::Number(1.0)),
                wrong("yes-no"),
            ),
            (
                "number for a scale",
                register(scale, today(), MeasureValue::Number(5.0)),
                wrong("scale"),
            ),
            (
                "scale 0",
                register(scale, today(), MeasureValue::Scale(0)),
                scale_range(),
            ),
            (
                "scale 11",
                register(scale, today(), MeasureValue::Scale(11)),
                scale_range(),
            ),
            (
                "NaN",
                register(number, today(), MeasureValue::Number(f64::NAN)),
                invalid("registration.value", Problem::NotFinite),
            ),
            (
                "infinity",
                register(number, today(), MeasureValue::Number(f64::INFINITY)),
                invalid("registration.value", Problem::NotFinite),
            ),
            (
                "minus infinity",
                register(number, today(), MeasureValue::Number(f64::NEG_INFINITY)),
                invalid("registration.value", Problem::NotFinite),
            ),
            (
                "registration in the future",
                register(number, in_two_days, MeasureValue::Number(7.0)),
                invalid("registration.day", Problem::ImplausibleDate),
            ),
            (
                "registration in 1800",
                register(number, day(1800, 1, 1), MeasureValue::Number(7.0)),
                invalid("registration.day", Problem::ImplausibleDate),
            ),
        ],
    );
}

#[test]
fn registering_a_person_checks_name_and_provider_details() {
    let w = world();
    let bad = [
        (NewPerson::service_user(""), "person.display_name"),
        (NewPerson::service_user(long_title()), "person.display_name"),
        (
            NewPerson::service_user("Anna\u{202E}"),
            "person.display_name",
        ),
        (
            NewPerson::with_role(Role::Provider, "Dr. Berg"),
            "person.provider",
        ),
        (
            NewPerson {
                role: Role::ServiceUser,
                ..NewPerson::provider("Anna", Profession::Other, "Somewhere")
            },
            "person.provider",
        ),
        (
            NewPerson::provider("Dr. Berg", Profession::Physician, ""),
            "person.provider.organisation",
        ),
    ];
    for (new, want) in bad {
        let err = w.portal.register(new.clone()).unwrap_err();
        assert!(
            matches!(err, Error::Invalid { field, .. } if field == want),
            "{new:?}: expected {want}, got {err:?}"
        );
    }
}
