//! The memory store and the SQLite store are interchangeable behind `Portal`: random sequences
//! of toolbox commands, valid and invalid, applied to a portal on each store (both on manual
//! clocks showing the same times) give the same result or the same kind of error at every step,
//! and the same dashboards, lists and histories.
//!
//! Ids differ between the two portals (each makes its own), so every output is compared after
//! replacing each id by a label given in order of first appearance: `anna`, `bjorn`,
//! `provider` for the people, `#0`, `#1`, ... for items.
//!
//! The default run tries 64 sequences of up to 40 steps. A full run:
//!
//! ```text
//! PROPTEST_CASES=2000 cargo test --release -p recovery-tests --test store_equivalence
//! ```
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use proptest::sample::Index;
use recovery_core::store::{MemoryStore, SqliteStore, Store};
use recovery_core::*;
use serde::Serialize;
use tempfile::TempDir;

// ----- commands ----------------------------------------------------------------------------------

/// Text as generated: shown by its length when long, so that failures stay readable.
#[derive(Clone, PartialEq)]
struct Text(String);

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.chars().count();
        if n > 40 {
            write!(f, "<{n} characters>")
        } else {
            write!(f, "{:?}", self.0)
        }
    }
}

/// Who acts: mostly Anna, sometimes another service user or a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Who {
    Anna,
    Bjorn,
    Provider,
}

/// A life domain: a catalogue key (one of them unknown) or one of the own domains made so far.
#[derive(Clone, Debug)]
enum DomainPick {
    Catalogue(&'static str),
    Own(Index),
}

/// One toolbox command. `Index` picks among the items of the kind made so far (in creation
/// order, whoever owns them); with none made yet, a fresh id names nothing.
#[derive(Clone, Debug)]
enum Command {
    AddDomain(Who, Text),
    RenameDomain(Who, Index, Text),
    SetWhatMatters(Who, Text),
    AddStatus(Who, DomainPick, Text, Option<u8>),
    AddGoal(Who, DomainPick, Text, Option<i32>, GoalLifecycle),
    EditGoal(Who, Index, Text, GoalLifecycle, Option<GoalAchievement>),
    AddActivity(Who, Index, Text, Option<i32>),
    EditActivity(Who, Index, Text, ActivityState),
    CompleteActivity(Who, Index, i64, Text),
    AddMedication(Who, Text, MedicationStatus),
    EditMedication(Who, Index, Text, MedicationStatus),
    AddNetworkPerson(Who, Text, u8, Vec<SupportKind>, bool),
    SetCrisisPlan(Who, Text, Text),
    CompleteExercise(Who, &'static str, i64, Text),
    AddDiaryEntry(Who, i64, Text),
    EditDiaryEntry(Who, Index, i64, Text),
    AddMeasure(Who, Text, MeasureKind),
    RegisterValue(Who, Index, i64, MeasureValue),
    Remove(Who, Index),
    History(Who, Index),
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![17 => Just(Who::Anna), 2 => Just(Who::Bjorn), 1 => Just(Who::Provider)]
}

/// A title: about four in five valid.
fn title() -> impl Strategy<Value = Text> {
    prop_oneof![
        10 => prop::sample::select(vec![
            "Find a flat",
            "Sleep better",
            "Blåbærsyltetøy 😀",
            "Cafe\u{301} with A\u{30A}se",
            "  padded  ",
        ])
        .prop_map(|s| s.to_owned()),
        8 => "[a-zA-Z0-9æøåÆØÅ][a-zA-Z0-9 æøåÆØÅ]{0,29}",
        1 => Just(String::new()),
        1 => Just("   ".to_owned()),
        1 => Just("left \u{202E}thgir".to_owned()),
        1 => Just("two\nlines".to_owned()),
        1 => Just("å".repeat(201)),
    ]
    .prop_map(Text)
}

/// A body: about five in six valid.
fn body() -> impl Strategy<Value = Text> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "Living with my parents.",
            "Line one.\nLine two.\n\tIndented.",
            "Søvn: 7 t. «Bra»",
            "e\u{301}",
        ])
        .prop_map(|s| s.to_owned()),
        4 => "[a-z][a-z .,\n]{0,59}",
        1 => Just(String::new()),
        1 => Just("bell \u{7}".to_owned()),
        1 => Just("ø".repeat(20_001)),
    ]
    .prop_map(Text)
}

fn domain_pick() -> impl Strategy<Value = DomainPick> {
    prop_oneof![
        6 => prop::sample::select(vec!["housing", "finances", "mental-health"])
            .prop_map(DomainPick::Catalogue),
        1 => Just(DomainPick::Catalogue("astrology")),
        1 => any::<Index>().prop_map(DomainPick::Own),
    ]
}

/// A new goal's lifecycle: mostly one a goal may start in, sometimes any.
fn starting_lifecycle() -> impl Strategy<Value = GoalLifecycle> {
    use GoalLifecycle::*;
    prop_oneof![
        6 => prop::sample::select(vec![Planned, Accepted, Active, OnHold]),
        1 => prop::sample::select(GoalLifecycle::ALL.to_vec()),
    ]
}

/// An edited goal's lifecycle: mostly the working states, sometimes any.
fn lifecycle() -> impl Strategy<Value = GoalLifecycle> {
    use GoalLifecycle::*;
    prop_oneof![
        6 => prop::sample::select(vec![Planned, Accepted, Active, OnHold, Completed, Cancelled]),
        1 => prop::sample::select(GoalLifecycle::ALL.to_vec()),
    ]
}

fn achievement() -> impl Strategy<Value = Option<GoalAchievement>> {
    use GoalAchievement::*;
    prop::option::of(prop::sample::select(vec![
        InProgress,
        Improving,
        Worsening,
        NoChange,
        Achieved,
        Sustaining,
        NotAchieved,
        NoProgress,
        NotAttainable,
    ]))
}

fn medication_status() -> impl Strategy<Value = MedicationStatus> {
    use MedicationStatus::*;
    prop::sample::select(vec![
        Active,
        Completed,
        EnteredInError,
        Intended,
        Stopped,
        OnHold,
        Unknown,
        NotTaken,
    ])
}

fn activity_state() -> impl Strategy<Value = ActivityState> {
    use ActivityState::*;
    prop::sample::select(vec![Planned, Done, Skipped, Cancelled])
}

fn support() -> impl Strategy<Value = Vec<SupportKind>> {
    use SupportKind::*;
    prop::collection::vec(
        prop::sample::select(vec![Emotional, Practical, Information, Company, Crisis]),
        0..4,
    )
}

/// A planned date's year: mostly none or plausible, sometimes not.
fn year() -> impl Strategy<Value = Option<i32>> {
    prop_oneof![
        4 => Just(None),
        4 => prop::sample::select(vec![2024, 2025, 2030]).prop_map(Some),
        1 => prop::sample::select(vec![1800, 2300]).prop_map(Some),
    ]
}

/// A day relative to the clock's day: mostly past, sometimes tomorrow or later.
fn day_offset() -> impl Strategy<Value = i64> {
    prop_oneof![8 => -400i64..=0, 1 => 1i64..=1, 1 => 2i64..=30]
}

fn measure_kind() -> impl Strategy<Value = MeasureKind> {
    prop_oneof![
        title().prop_map(|unit| MeasureKind::Number { unit: unit.0 }),
        Just(MeasureKind::YesNo),
        Just(MeasureKind::Scale),
    ]
}

fn measure_value() -> impl Strategy<Value = MeasureValue> {
    prop_oneof![
        // Every f64: NaN and the infinities are refused, the rest must round-trip bit for bit.
        3 => any::<f64>().prop_map(MeasureValue::Number),
        1 => (0.0f64..24.0).prop_map(MeasureValue::Number),
        2 => any::<bool>().prop_map(MeasureValue::YesNo),
        2 => (0u8..=11).prop_map(MeasureValue::Scale),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    use Command::*;
    prop_oneof![
        2 => (who(), title()).prop_map(|(w, t)| AddDomain(w, t)),
        1 => (who(), any::<Index>(), title()).prop_map(|(w, i, t)| RenameDomain(w, i, t)),
        1 => (who(), body()).prop_map(|(w, t)| SetWhatMatters(w, t)),
        2 => (who(), domain_pick(), body(), prop::option::of(0u8..=11))
            .prop_map(|(w, d, t, r)| AddStatus(w, d, t, r)),
        5 => (who(), domain_pick(), title(), year(), starting_lifecycle())
            .prop_map(|(w, d, t, y, l)| AddGoal(w, d, t, y, l)),
        2 => (who(), any::<Index>(), title(), lifecycle(), achievement())
            .prop_map(|(w, i, t, l, a)| EditGoal(w, i, t, l, a)),
        4 => (who(), any::<Index>(), title(), year()).prop_map(|(w, i, t, y)| AddActivity(w, i, t, y)),
        1 => (who(), any::<Index>(), title(), activity_state())
            .prop_map(|(w, i, t, s)| EditActivity(w, i, t, s)),
        2 => (who(), any::<Index>(), day_offset(), body())
            .prop_map(|(w, i, d, t)| CompleteActivity(w, i, d, t)),
        2 => (who(), title(), medication_status()).prop_map(|(w, t, s)| AddMedication(w, t, s)),
        1 => (who(), any::<Index>(), title(), medication_status())
            .prop_map(|(w, i, t, s)| EditMedication(w, i, t, s)),
        1 => (who(), title(), 0u8..=4, support(), any::<bool>())
            .prop_map(|(w, t, c, s, p)| AddNetworkPerson(w, t, c, s, p)),
        1 => (who(), body(), body()).prop_map(|(w, a, b)| SetCrisisPlan(w, a, b)),
        1 => (who(), prop::sample::select(vec!["sleep-hygiene", "mindfulness", "cold-plunge"]), day_offset(), body())
            .prop_map(|(w, k, d, t)| CompleteExercise(w, k, d, t)),
        2 => (who(), day_offset(), body()).prop_map(|(w, d, t)| AddDiaryEntry(w, d, t)),
        1 => (who(), any::<Index>(), day_offset(), body())
            .prop_map(|(w, i, d, t)| EditDiaryEntry(w, i, d, t)),
        3 => (who(), title(), measure_kind()).prop_map(|(w, t, k)| AddMeasure(w, t, k)),
        3 => (who(), any::<Index>(), day_offset(), measure_value())
            .prop_map(|(w, i, d, v)| RegisterValue(w, i, d, v)),
        1 => (who(), any::<Index>()).prop_map(|(w, i)| Remove(w, i)),
        1 => (who(), any::<Index>()).prop_map(|(w, i)| History(w, i)),
    ]
}

/// How far the clock moves before a step: from a microsecond to most of a day, always whole
/// microseconds and never zero, so that no two items share a creation time.
fn tick() -> impl Strategy<Value = i64> {
    prop_oneof![1i64..=1_000, 1_000_000i64..=80_000_000_000]
}

// ----- one portal and what it has made ---------------------------------------------------------

/// A portal on one store, with the people it knows and the items made through it so far.
struct Side {
    portal: Portal,
    clock: Arc<ManualClock>,
    people: HashMap<Who, Actor>,
    /// Every id seen in an output, by its text, with its label.
    labels: HashMap<String, String>,
    items: Vec<ItemId>,
    domains: Vec<DomainId>,
    goals: Vec<GoalId>,
    activities: Vec<ActivityId>,
    medications: Vec<MedicationId>,
    diary: Vec<DiaryEntryId>,
    measures: Vec<MeasureId>,
    // Keeps the SQLite file's directory until the side is dropped; after the portal.
    _dir: Option<TempDir>,
}

fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, 9, 30, 0).single().unwrap()
}

impl Side {
    fn new(store: impl Store + 'static, dir: Option<TempDir>) -> Side {
        let clock = Arc::new(ManualClock::new(start()));
        let portal = Portal::with_store(store, PortalConfig::default()).with_clock(clock.clone());
        let mut labels = HashMap::new();
        let mut people = HashMap::new();
        for (who, new) in [
            (Who::Anna, NewPerson::service_user("Anna")),
            (Who::Bjorn, NewPerson::service_user("Bjørn")),
            (
                Who::Provider,
                NewPerson::provider("Dr. Berg", Profession::Psychologist, "Lovisenberg DPS"),
            ),
        ] {
            let person = portal.register(new).unwrap();
            labels.insert(person.id.to_string(), format!("{who:?}").to_lowercase());
            people.insert(who, Actor::new(person.id));
        }
        Side {
            portal,
            clock,
            people,
            labels,
            items: Vec::new(),
            domains: Vec::new(),
            goals: Vec::new(),
            activities: Vec::new(),
            medications: Vec::new(),
            diary: Vec::new(),
            measures: Vec::new(),
            _dir: dir,
        }
    }

    fn memory() -> Side {
        Side::new(MemoryStore::new(), None)
    }

    fn sqlite() -> Side {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(
            dir.path().join("equivalence.sqlite"),
            &SqliteOptions::default(),
        )
        .unwrap();
        Side::new(store, Some(dir))
    }

    fn actor(&self, who: Who) -> Actor {
        self.people[&who]
    }

    fn today(&self) -> NaiveDate {
        self.clock.now().date_naive()
    }

    fn day(&self, offset: i64) -> NaiveDate {
        self.today() + Duration::days(offset)
    }

    /// Replaces every UUID in `json` by its label, giving new ones the next item label.
    fn normalise(&mut self, json: &str) -> String {
        let mut out = String::with_capacity(json.len());
        let mut rest = json;
        while !rest.is_empty() {
            let candidate = rest.get(..36).filter(|c| is_uuid(c));
            if let Some(uuid) = candidate {
                let next = format!("#{}", self.labels.len() - self.people.len());
                let label = self.labels.entry(uuid.to_owned()).or_insert(next);
                out.push_str(label);
                rest = &rest[36..];
            } else {
                let c = rest.chars().next().unwrap();
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        out
    }

    fn show<T: Serialize>(&mut self, value: &T) -> String {
        let json = serde_json::to_string(value).unwrap();
        self.normalise(&json)
    }

    /// A call's outcome: its normalised output, or the kind of error (ids left out).
    fn outcome<T: Serialize>(&mut self, result: Result<T>) -> Result<String, String> {
        match result {
            Ok(value) => Ok(self.show(&value)),
            Err(err) => Err(error_kind(&err)),
        }
    }

    /// Notes an item made by a call, once.
    fn remember_item(&mut self, item: ItemId) -> bool {
        let new = !self.items.contains(&item);
        if new {
            self.items.push(item);
        }
        new
    }

    /// Notes an item made by a call, once, also in the list of its kind.
    fn remember<Id: Copy + Into<ItemId>>(&mut self, list: fn(&mut Side) -> &mut Vec<Id>, id: Id) {
        if self.remember_item(id.into()) {
            list(self).push(id);
        }
    }

    fn apply(&mut self, command: &Command) -> Result<String, String> {
        use Command::*;
        let p = &self.portal;
        match command {
            AddDomain(w, label) => {
                let r = p.add_domain(&self.actor(*w), &label.0);
                if let Ok(d) = &r {
                    self.remember(|s| &mut s.domains, d.id);
                }
                self.outcome(r)
            }
            RenameDomain(w, i, label) => {
                let id = pick(&self.domains, i);
                let r = p.rename_domain(&self.actor(*w), id, &label.0);
                self.outcome(r)
            }
            SetWhatMatters(w, text) => {
                let r = p.set_what_matters(&self.actor(*w), &text.0);
                if let Ok(x) = &r {
                    self.remember_item(x.id.item());
                }
                self.outcome(r)
            }
            AddStatus(w, domain, now, rating) => {
                let new = NewStatus {
                    domain: self.domain(domain),
                    now: now.0.clone(),
                    helps: "My sister.".into(),
                    hinders: String::new(),
                    rating: *rating,
                };
                let r = p.add_status(&self.actor(*w), new);
                if let Ok(x) = &r {
                    self.remember_item(x.id.item());
                }
                self.outcome(r)
            }
            AddGoal(w, domain, title, year, lifecycle) => {
                let new = NewGoal {
                    target_date: year.map(|y| NaiveDate::from_ymd_opt(y, 6, 30).unwrap()),
                    lifecycle: *lifecycle,
                    ..NewGoal::new(self.domain(domain), title.0.clone())
                };
                let r = p.add_goal(&self.actor(*w), new);
                if let Ok(g) = &r {
                    self.remember(|s| &mut s.goals, g.id);
                }
                self.outcome(r)
            }
            EditGoal(w, i, title, lifecycle, achievement) => {
                let edit = GoalEdit {
                    title: title.0.clone(),
                    why: "Because.".into(),
                    target_date: None,
                    lifecycle: *lifecycle,
                    achievement: *achievement,
                };
                let r = p.edit_goal(&self.actor(*w), pick(&self.goals, i), edit);
                self.outcome(r)
            }
            AddActivity(w, i, title, year) => {
                let new = NewActivity {
                    goal: pick(&self.goals, i),
                    title: title.0.clone(),
                    due: year.map(|y| NaiveDate::from_ymd_opt(y, 1, 31).unwrap()),
                };
                let r = p.add_activity(&self.actor(*w), new);
                if let Ok(a) = &r {
                    self.remember(|s| &mut s.activities, a.id);
                }
                self.outcome(r)
            }
            EditActivity(w, i, title, state) => {
                let edit = ActivityEdit {
                    title: title.0.clone(),
                    due: None,
                    state: *state,
                };
                let r = p.edit_activity(&self.actor(*w), pick(&self.activities, i), edit);
                self.outcome(r)
            }
            CompleteActivity(w, i, offset, note) => {
                let id = pick(&self.activities, i);
                let r = p.complete_activity(&self.actor(*w), id, self.day(*offset), &note.0);
                if let Ok(x) = &r {
                    self.remember_item(x.id.item());
                }
                self.outcome(r)
            }
            AddMedication(w, name, status) => {
                let r = p.add_medication(&self.actor(*w), medication(&name.0, *status));
                if let Ok(m) = &r {
                    self.remember(|s| &mut s.medications, m.id);
                }
                self.outcome(r)
            }
            EditMedication(w, i, name, status) => {
                let id = pick(&self.medications, i);
                let r = p.edit_medication(&self.actor(*w), id, medication(&name.0, *status));
                self.outcome(r)
            }
            AddNetworkPerson(w, label, closeness, support, linked) => {
                let person = NetworkPerson {
                    label: label.0.clone(),
                    relation: Relation::Friend,
                    closeness: *closeness,
                    support: support.clone(),
                    provider: linked.then(|| self.actor(Who::Provider).id),
                };
                let r = p.add_network_person(&self.actor(*w), person);
                if let Ok(x) = &r {
                    self.remember_item(x.id.item());
                }
                self.outcome(r)
            }
            SetCrisisPlan(w, signs, contacts) => {
                let plan = CrisisPlan {
                    warning_signs: signs.0.clone(),
                    contacts: contacts.0.clone(),
                    ..CrisisPlan::default()
                };
                let r = p.set_crisis_plan(&self.actor(*w), plan);
                if let Ok(x) = &r {
                    self.remember_item(x.id.item());
                }
                self.outcome(r)
            }
            CompleteExercise(w, key, offset, note) => {
                let r = p.complete_exercise(&self.actor(*w), key, self.day(*offset), &note.0);
                if let Ok(x) = &r {
                    self.remember_item(x.id.item());
                }
                self.outcome(r)
            }
            AddDiaryEntry(w, offset, text) => {
                let entry = DiaryEntry {
                    day: self.day(*offset),
                    text: text.0.clone(),
                };
                let r = p.add_diary_entry(&self.actor(*w), entry);
                if let Ok(x) = &r {
                    self.remember(|s| &mut s.diary, x.id);
                }
                self.outcome(r)
            }
            EditDiaryEntry(w, i, offset, text) => {
                let entry = DiaryEntry {
                    day: self.day(*offset),
                    text: text.0.clone(),
                };
                let r = p.edit_diary_entry(&self.actor(*w), pick(&self.diary, i), entry);
                self.outcome(r)
            }
            AddMeasure(w, name, kind) => {
                let measure = Measure {
                    name: name.0.clone(),
                    kind: kind.clone(),
                };
                let r = p.add_measure(&self.actor(*w), measure);
                if let Ok(m) = &r {
                    self.remember(|s| &mut s.measures, m.id);
                }
                self.outcome(r)
            }
            RegisterValue(w, i, offset, value) => {
                let id = pick(&self.measures, i);
                let r = p.register_value(&self.actor(*w), id, self.day(*offset), *value);
                if let Ok(x) = &r {
                    self.remember_item(x.id.item());
                }
                self.outcome(r)
            }
            Remove(w, i) => {
                let r = p.remove_item(&self.actor(*w), pick(&self.items, i));
                self.outcome(r)
            }
            History(w, i) => {
                let r = p.history(&self.actor(*w), pick(&self.items, i));
                self.outcome(r)
            }
        }
    }

    fn domain(&self, pick_: &DomainPick) -> DomainRef {
        match pick_ {
            DomainPick::Catalogue(key) => DomainRef::Catalogue((*key).to_owned()),
            DomainPick::Own(i) => DomainRef::Own(pick(&self.domains, i)),
        }
    }

    /// Both service users' dashboards.
    fn dashboards(&mut self) -> String {
        let anna = self.portal.home(&self.actor(Who::Anna));
        let bjorn = self.portal.home(&self.actor(Who::Bjorn));
        let anna = self.outcome(anna);
        let bjorn = self.outcome(bjorn);
        format!("{anna:?}\n{bjorn:?}")
    }

    /// Everything else a service user can read: every list, and every item's history.
    fn everything(&mut self) -> Vec<String> {
        let mut reads: Vec<Result<String, String>> = Vec::new();
        for who in [Who::Anna, Who::Bjorn] {
            let me = self.actor(who);
            let domains = self.portal.domains(&me).unwrap();
            for d in &domains {
                let r = self.portal.status_history(&me, &d.domain);
                reads.push(self.outcome(r));
                let r = self.portal.goals(&me, Some(&d.domain));
                reads.push(self.outcome(r));
            }
            let r = self.portal.domains(&me);
            reads.push(self.outcome(r));
            let r = self.portal.what_matters(&me);
            reads.push(self.outcome(r));
            let r = self.portal.medications(&me);
            reads.push(self.outcome(r));
            let r = self.portal.network(&me);
            reads.push(self.outcome(r));
            let r = self.portal.crisis_plan(&me);
            reads.push(self.outcome(r));
            let r = self.portal.exercise_completions(&me);
            reads.push(self.outcome(r));
            let r = self.portal.diary(&me);
            reads.push(self.outcome(r));
            let r = self.portal.measures(&me);
            reads.push(self.outcome(r));
            for goal in self.goals.clone() {
                let r = self.portal.activities(&me, goal);
                reads.push(self.outcome(r));
            }
            for activity in self.activities.clone() {
                let r = self.portal.completions(&me, activity);
                reads.push(self.outcome(r));
            }
            for measure in self.measures.clone() {
                let r = self.portal.registrations(&me, measure);
                reads.push(self.outcome(r));
            }
            for item in self.items.clone() {
                let r = self.portal.history(&me, item);
                reads.push(self.outcome(r));
            }
        }
        reads.into_iter().map(|r| format!("{r:?}")).collect()
    }
}

fn medication(name: &str, status: MedicationStatus) -> Medication {
    Medication {
        name: name.to_owned(),
        dose: "50 mg".into(),
        purpose: String::new(),
        prescribed: true,
        status,
        experiences: String::new(),
        questions: String::new(),
    }
}

/// The `i`th of `ids`, or a fresh id that names nothing when there are none.
fn pick<Id: Copy + Default>(ids: &[Id], i: &Index) -> Id {
    if ids.is_empty() {
        Id::default()
    } else {
        ids[i.index(ids.len())]
    }
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// What kind of error: its variant and the fields, kinds, reasons and problems it names, but
/// not the ids (which differ between the portals).
fn error_kind(err: &Error) -> String {
    match err {
        Error::Invalid { field, problem } => format!("invalid {field}: {problem:?}"),
        Error::NotFound { kind, .. } => format!("not found: {kind}"),
        Error::UnknownActor(_) => "unknown actor".to_owned(),
        Error::PermissionDenied(reason) => format!("denied: {reason:?}"),
        Error::InvalidTransition { kind, from, to } => format!("{kind} from {from} to {to}"),
        other => format!("other: {other}"),
    }
}

/// Where two long texts first differ, with some context, or `None` if they are equal.
fn difference(a: &str, b: &str) -> Option<String> {
    if a == b {
        return None;
    }
    let at = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    let around = |s: &str| -> String {
        let mut start = at.saturating_sub(120).min(s.len());
        while !s.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (at + 120).min(s.len());
        while !s.is_char_boundary(end) {
            end += 1;
        }
        s[start..end].to_owned()
    };
    Some(format!("memory: …{}…\nsqlite: …{}…", around(a), around(b)))
}

// ----- the property ----------------------------------------------------------------------------

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn memory_and_sqlite_portals_agree_at_every_step(
        steps in prop::collection::vec((tick(), command()), 5..=40)
    ) {
        let mut memory = Side::memory();
        let mut sqlite = Side::sqlite();
        for (n, (tick, command)) in steps.iter().enumerate() {
            memory.clock.advance(Duration::microseconds(*tick));
            sqlite.clock.advance(Duration::microseconds(*tick));
            let a = memory.apply(command);
            let b = sqlite.apply(command);
            prop_assert_eq!(&a, &b, "step {}: {:?}", n, command);
            let differ = difference(&memory.dashboards(), &sqlite.dashboards());
            prop_assert!(differ.is_none(), "dashboards after step {}: {:?}\n{}", n, command, differ.unwrap_or_default());
        }
        let a = memory.everything();
        let b = sqlite.everything();
        prop_assert_eq!(a.len(), b.len());
        for (i, (a, b)) in a.iter().zip(&b).enumerate() {
            let differ = difference(a, b);
            prop_assert!(differ.is_none(), "read {} at the end\n{}", i, differ.unwrap_or_default());
        }
    }
}
