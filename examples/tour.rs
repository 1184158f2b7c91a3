//! The tour: one service user's recovery plan in an SQLite file, growing run by run.
//!
//! ```text
//! cargo run -p examples --example tour              # uses ./recovery-tour.sqlite
//! cargo run -p examples --example tour -- PATH      # any other file
//! ```
//!
//! The first run on a file registers a service user, fills a plan across several life domains
//! (what matters, status entries, goals and activities, medications, network map, crisis plan,
//! an exercise, a diary entry, daily registrations) and prints the dashboard. Every later run on
//! the same file finds that user again, adds a status entry and an activity completion, edits a
//! goal and prints how the history grows. Each run also shows one bad input being refused with
//! a typed error while nothing is written.
//!
//! The portal looks people up only by id: the host authenticates people and knows their ids.
//! The tour plays the host, so it keeps the service user's id in a small file beside the
//! database, `PATH.tour-user`. Delete both files to start afresh.
//!
//! A bad argument, or a file that is not a recovery-core database, ends the tour with one
//! `error: ...` line on stderr and a non-zero exit code, and leaves the file untouched.

use std::ffi::OsString;
use std::fmt::Display;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Days, NaiveDate, Utc};
use recovery_core::{
    Activity, ActivityId, Actor, CrisisPlan, DiaryEntry, DomainRef, Error, GoalAchievement,
    GoalEdit, GoalLifecycle, Home, Item, ItemBody, Measure, MeasureKind, MeasureValue, Medication,
    MedicationStatus, NetworkPerson, NewActivity, NewGoal, NewPerson, NewStatus, Person, Portal,
    PortalConfig, Profession, Relation, Role, SupportKind, UserId,
};

/// The database the tour uses when given no path.
const DEFAULT_PATH: &str = "./recovery-tour.sqlite";
/// How to call the tour.
const USAGE: &str = "usage: tour [DATABASE]  (default ./recovery-tour.sqlite)";
/// Exit code for a wrong command line, as is usual for command-line tools.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let mut out = String::new();
    let result = run(std::env::args_os().skip(1).collect(), &mut out);
    // Whatever was printed before a failure still shows; a closed stdout is not worth a panic.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let line = failure.message.replace(['\n', '\r'], " ");
            let _ = writeln!(std::io::stderr().lock(), "error: {line}");
            ExitCode::from(failure.code)
        }
    }
}

/// Why the tour stopped: a message for one stderr line and the exit code.
#[derive(Debug)]
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn new(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }

    fn usage(problem: &str) -> Self {
        Self {
            code: EXIT_USAGE,
            message: format!("{problem}; {USAGE}"),
        }
    }
}

/// Adds what the tour was doing to an error.
trait Context<T> {
    fn context(self, doing: impl Display) -> Result<T, Failure>;
}

impl<T, E: Display> Context<T> for Result<T, E> {
    fn context(self, doing: impl Display) -> Result<T, Failure> {
        self.map_err(|e| Failure::new(format!("{doing}: {e}")))
    }
}

/// Appends one line to the output.
macro_rules! say {
    ($out:expr) => {
        $out.push('\n')
    };
    ($out:expr, $($arg:tt)*) => {{
        $out.push_str(&format!($($arg)*));
        $out.push('\n');
    }};
}

// The care-team and forum scenes (after `say!`, which they use).
#[path = "tour_team.rs"]
mod tour_team;

enum Command {
    Tour(PathBuf),
    Help,
}

fn parse_args(args: Vec<OsString>) -> Result<Command, Failure> {
    match args.as_slice() {
        [] => Ok(Command::Tour(PathBuf::from(DEFAULT_PATH))),
        [one] if one == "-h" || one == "--help" => Ok(Command::Help),
        [one] if one.to_string_lossy().starts_with('-') => Err(Failure::usage(&format!(
            "unknown option {}",
            one.to_string_lossy()
        ))),
        [one] if one.is_empty() => Err(Failure::usage("the database path is empty")),
        [one] => Ok(Command::Tour(PathBuf::from(one))),
        more => Err(Failure::usage(&format!(
            "expected at most one argument, got {}",
            more.len()
        ))),
    }
}

fn run(args: Vec<OsString>, out: &mut String) -> Result<(), Failure> {
    let path = match parse_args(args)? {
        Command::Help => {
            say!(out, "{USAGE}");
            return Ok(());
        }
        Command::Tour(path) => path,
    };
    let portal = Portal::open(&path, PortalConfig::default())
        .context(format!("cannot open {}", path.display()))?;
    let sidecar = sidecar_path(&path);
    match returning_user(&portal, &sidecar, out)? {
        Some(me) => later_run(&portal, &me, &path, out),
        None => first_run(&portal, &path, &sidecar, out),
    }
}

/// Where the tour keeps its service user's id: beside the database.
fn sidecar_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".tour-user");
    PathBuf::from(name)
}

/// The service user of an earlier run on this database, if there was one.
fn returning_user(
    portal: &Portal,
    sidecar: &Path,
    out: &mut String,
) -> Result<Option<Person>, Failure> {
    let text = match std::fs::read_to_string(sidecar) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Failure::new(format!(
                "cannot read {}: {e}",
                sidecar.display()
            )));
        }
    };
    let id: UserId = text
        .trim()
        .parse()
        .map_err(|_| Failure::new(format!("{} does not hold a person id", sidecar.display())))?;
    match portal.me(&Actor::new(id)) {
        Ok(person) if person.role == Role::ServiceUser => Ok(Some(person)),
        Ok(_) => Err(Failure::new(format!(
            "{} names person {id}, who is not a service user",
            sidecar.display()
        ))),
        Err(Error::UnknownActor(_)) => {
            say!(
                out,
                "(The id in {} names nobody in this database: starting afresh.)",
                sidecar.display()
            );
            Ok(None)
        }
        Err(e) => Err(Failure::new(format!("cannot read person {id}: {e}"))),
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn days_ago(n: u64) -> NaiveDate {
    today()
        .checked_sub_days(Days::new(n))
        .unwrap_or(NaiveDate::MIN)
}

fn days_ahead(n: u64) -> NaiveDate {
    today()
        .checked_add_days(Days::new(n))
        .unwrap_or(NaiveDate::MAX)
}

fn housing() -> DomainRef {
    DomainRef::Catalogue("housing".into())
}

fn catalogue(key: &str) -> DomainRef {
    DomainRef::Catalogue(key.into())
}

/// The goal and activity every later run builds on.
const HOUSING_GOAL: &str = "Find a flat of my own";
const HOUSING_ACTIVITY: &str = "Call the housing office";

// ----- the first run -------------------------------------------------------------------------

fn first_run(
    portal: &Portal,
    path: &Path,
    sidecar: &Path,
    out: &mut String,
) -> Result<(), Failure> {
    say!(out, "recovery-core tour on {} (first run)", path.display());
    say!(out);
    let anna = portal
        .register(NewPerson::service_user("Anna"))
        .context("registering the service user")?;
    let me = Actor::new(anna.id);
    say!(out, "Registered Anna as a service user (id {}).", anna.id);
    fill_plan(portal, &me).context("filling in the plan")?;
    // Written only once the plan is complete, so that a later run always finds a whole plan.
    std::fs::write(sidecar, format!("{}\n", anna.id))
        .context(format!("cannot write {}", sidecar.display()))?;
    say!(
        out,
        "Kept her id in {} so that the next run finds her again.",
        sidecar.display()
    );
    say!(out);

    let home = portal.home(&me).context("reading the dashboard")?;
    print_dashboard(portal, &home, out);
    say!(out);
    show_rejected_rating(portal, &me, out)?;
    say!(out);
    let nurse = tour_team::care_team_scene(portal, &anna, out)?;
    say!(out);
    tour_team::messaging_scene(portal, &anna, &nurse, out)?;
    say!(out);
    tour_team::forum_scene(portal, &anna, out)?;
    say!(out);
    tour_team::usage_scene(portal, &anna, out)?;
    say!(out);
    say!(
        out,
        "Run the tour again on the same file to see the history grow."
    );
    Ok(())
}

/// A plan across several life domains, in the words a service user might write.
fn fill_plan(portal: &Portal, me: &Actor) -> Result<(), Error> {
    portal.set_what_matters(
        me,
        "Being a good aunt to my sister's kids.\nHaving a place of my own.\nPlaying music again.",
    )?;
    let music = portal.add_domain(me, "Music")?;
    let music = DomainRef::Own(music.id);

    let status = |domain: DomainRef, rating: u8, now: &str, helps: &str, hinders: &str| NewStatus {
        domain,
        now: now.into(),
        helps: helps.into(),
        hinders: hinders.into(),
        rating: Some(rating),
    };
    portal.add_status(
        me,
        status(
            housing(),
            3,
            "Living with my parents; no room of my own.",
            "My sister looks at listings with me.",
            "Long waiting lists.",
        ),
    )?;
    portal.add_status(
        me,
        status(
            housing(),
            4,
            "On the housing office's list now.",
            "Having a date to call them.",
            "Not knowing how long it takes.",
        ),
    )?;
    portal.add_status(
        me,
        status(
            catalogue("mental-health"),
            5,
            "Fewer panic attacks than in the winter.",
            "Walking every morning.",
            "Bad sleep.",
        ),
    )?;
    portal.add_status(
        me,
        status(
            catalogue("work-and-school"),
            2,
            "Off sick since March.",
            "My manager keeps in touch.",
            "Worrying about what colleagues think.",
        ),
    )?;
    portal.add_status(
        me,
        status(
            music.clone(),
            6,
            "Bought a second-hand guitar.",
            "Evenings alone.",
            "",
        ),
    )?;

    let goal =
        |domain: DomainRef, title: &str, why: &str, target: Option<NaiveDate>, lifecycle| NewGoal {
            why: why.into(),
            target_date: target,
            lifecycle,
            ..NewGoal::new(domain, title)
        };
    let flat = portal.add_goal(
        me,
        goal(
            housing(),
            HOUSING_GOAL,
            "So that the kids can stay over.",
            Some(days_ahead(180)),
            GoalLifecycle::Active,
        ),
    )?;
    let sleep = portal.add_goal(
        me,
        goal(
            catalogue("mental-health"),
            "Sleep seven hours most nights",
            "Everything is harder when I have not slept.",
            None,
            GoalLifecycle::Active,
        ),
    )?;
    let work = portal.add_goal(
        me,
        goal(
            catalogue("work-and-school"),
            "Talk to my manager about coming back part-time",
            "",
            Some(days_ahead(60)),
            GoalLifecycle::Planned,
        ),
    )?;
    let song = portal.add_goal(
        me,
        goal(
            music,
            "Play one song for the kids",
            "",
            None,
            GoalLifecycle::Active,
        ),
    )?;

    let activity = |goal, title: &str, due: Option<NaiveDate>| NewActivity {
        goal,
        title: title.into(),
        due,
    };
    portal.add_activity(me, activity(flat.id, HOUSING_ACTIVITY, Some(days_ahead(7))))?;
    portal.add_activity(
        me,
        activity(flat.id, "Visit two flats", Some(days_ahead(30))),
    )?;
    let walk = portal.add_activity(me, activity(sleep.id, "Walk every morning", None))?;
    portal.add_activity(
        me,
        activity(sleep.id, "Screens off at ten in the evening", None),
    )?;
    portal.add_activity(
        me,
        activity(
            work.id,
            "Book a meeting with occupational health",
            Some(days_ahead(14)),
        ),
    )?;
    portal.add_activity(me, activity(song.id, "Practise twenty minutes a day", None))?;
    portal.complete_activity(me, walk.id, days_ago(1), "Twenty minutes round the lake.")?;

    portal.add_medication(
        me,
        Medication {
            name: "Sertraline".into(),
            dose: "50 mg every morning".into(),
            purpose: "Against anxiety and low mood.".into(),
            prescribed: true,
            status: MedicationStatus::Active,
            experiences: "Felt sick the first two weeks. Sleeping a little better now.".into(),
            questions: "Can I lower the dose in the summer?".into(),
        },
    )?;
    portal.add_medication(
        me,
        Medication {
            name: "Melatonin".into(),
            dose: "3 mg at bedtime".into(),
            purpose: "To fall asleep.".into(),
            prescribed: false,
            status: MedicationStatus::Active,
            experiences: "Helps on some nights.".into(),
            questions: "Is it safe together with sertraline?".into(),
        },
    )?;

    let nurse = portal.register(NewPerson::provider(
        "Kari Nordmann",
        Profession::MentalHealthNurse,
        "Community mental health team",
    ))?;
    let person =
        |label: &str, relation, closeness, support: &[SupportKind], provider| NetworkPerson {
            label: label.into(),
            relation,
            closeness,
            support: support.to_vec(),
            provider,
        };
    use SupportKind::*;
    portal.add_network_person(
        me,
        person(
            "Mum",
            Relation::Family,
            1,
            &[Emotional, Practical, Crisis],
            None,
        ),
    )?;
    portal.add_network_person(me, person("Jon", Relation::Friend, 2, &[Company], None))?;
    portal.add_network_person(
        me,
        person(
            "Kari, my nurse",
            Relation::Professional,
            2,
            &[Information, Crisis],
            Some(nurse.id),
        ),
    )?;
    portal.add_network_person(me, person("The choir", Relation::Peer, 3, &[Company], None))?;

    portal.set_crisis_plan(
        me,
        CrisisPlan {
            warning_signs: "Two nights without sleep. Staying in bed. Not answering the phone."
                .into(),
            what_helps: "A walk with Mum. Being told it will pass.".into(),
            what_does_not_help: "Being left alone. Many questions at once.".into(),
            contacts: "Mum first, then Kari at the community team.".into(),
            do_not_involve: "My ex.".into(),
            treatment_preferences: "Ask me before any change of medication.".into(),
        },
    )?;

    portal.complete_exercise(
        me,
        "sleep-hygiene",
        days_ago(1),
        "Kept the phone out of the bedroom.",
    )?;
    portal.add_diary_entry(
        me,
        DiaryEntry {
            day: today(),
            text: "A good day. Saw a listing for a flat near my sister.".into(),
        },
    )?;

    let sleep_hours = portal.add_measure(
        me,
        Measure {
            name: "Hours of sleep".into(),
            kind: MeasureKind::Number {
                unit: "hours".into(),
            },
        },
    )?;
    let anxiety = portal.add_measure(
        me,
        Measure {
            name: "Anxiety".into(),
            kind: MeasureKind::Scale,
        },
    )?;
    for (ago, hours, level) in [(2, 5.5, 7), (1, 6.0, 6), (0, 7.0, 4)] {
        portal.register_value(
            me,
            sleep_hours.id,
            days_ago(ago),
            MeasureValue::Number(hours),
        )?;
        portal.register_value(me, anxiety.id, days_ago(ago), MeasureValue::Scale(level))?;
    }
    Ok(())
}

// ----- later runs ------------------------------------------------------------------------------

fn later_run(portal: &Portal, anna: &Person, path: &Path, out: &mut String) -> Result<(), Failure> {
    let me = Actor::new(anna.id);
    let goal = portal
        .goals(&me, Some(&housing()))
        .context("reading the housing goals")?
        .into_iter()
        .find(|g| g.content.title == HOUSING_GOAL)
        .ok_or_else(|| missing(path, "goal"))?;
    let activity = portal
        .activities(&me, goal.id)
        .context("reading the goal's activities")?
        .into_iter()
        .find(|a| a.content.title == HOUSING_ACTIVITY)
        .ok_or_else(|| missing(path, "activity"))?;
    let run = goal.version + 1;
    say!(
        out,
        "recovery-core tour on {} (run {run}: welcome back, {})",
        path.display(),
        anna.display_name
    );
    say!(out);

    let last_rating = portal
        .status_history(&me, &housing())
        .context("reading the housing status history")?
        .first()
        .and_then(|s| s.content.rating)
        .unwrap_or(4);
    let rating = (last_rating + 1).min(10);
    portal
        .add_status(
            &me,
            NewStatus {
                domain: housing(),
                now: format!("Run {run}: viewed a flat this week."),
                helps: "Having the list of questions ready.".into(),
                hinders: String::new(),
                rating: Some(rating),
            },
        )
        .context("adding a status entry")?;
    say!(out, "Added a status entry for Housing, rated {rating}/10.");

    portal
        .complete_activity(&me, activity.id, today(), "Got through on the second try.")
        .context("logging an activity completion")?;
    say!(out, "Logged that \"{HOUSING_ACTIVITY}\" was done today.");

    let achievement = if run == 2 {
        GoalAchievement::InProgress
    } else {
        GoalAchievement::Improving
    };
    let target = goal
        .content
        .target_date
        .and_then(|d| d.checked_sub_days(Days::new(7)));
    portal
        .edit_goal(
            &me,
            goal.id,
            GoalEdit {
                achievement: Some(achievement),
                target_date: target,
                ..GoalEdit::from(&goal.content)
            },
        )
        .context("editing the goal")?;
    say!(
        out,
        "Edited \"{HOUSING_GOAL}\": achievement {}, target a week earlier.",
        achievement_name(achievement)
    );
    say!(out);

    say!(out, "How the history grows");
    let statuses = portal
        .status_history(&me, &housing())
        .context("reading the housing status history")?;
    say!(
        out,
        "  status history for Housing: {} entries, oldest first",
        statuses.len()
    );
    for s in statuses.iter().rev() {
        say!(
            out,
            "    {}  {}  {}",
            time(s.created_at),
            rating_text(s.content.rating),
            s.content.now
        );
    }
    let versions = portal
        .history(&me, goal.id)
        .context("reading the goal's history")?;
    say!(
        out,
        "  versions of the goal \"{HOUSING_GOAL}\": {}",
        versions.len()
    );
    for v in &versions {
        if let ItemBody::Goal(g) = &v.body {
            say!(
                out,
                "    v{}  {}  {}{}, target {}",
                v.version,
                time(v.updated_at),
                g.lifecycle.code(),
                g.achievement
                    .map(|a| format!(", {}", achievement_name(a)))
                    .unwrap_or_default(),
                g.target_date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "none".into())
            );
        }
    }
    let completions = portal
        .completions(&me, activity.id)
        .context("reading the activity's completions")?;
    say!(
        out,
        "  completions of \"{HOUSING_ACTIVITY}\": {}",
        completions.len()
    );
    for c in &completions {
        say!(out, "    {}  {}", c.content.on, c.content.note);
    }
    say!(out);

    let home = portal.home(&me).context("reading the dashboard")?;
    let goals = home.goals().count();
    let activities: usize = home.goals().map(|g| g.activities.len()).sum();
    say!(
        out,
        "Dashboard now: {} life domains, {goals} goals, {activities} activities, {} medications, {} people on the network map.",
        home.domains.len(),
        home.medications.len(),
        home.network.len()
    );
    say!(out);
    show_rejected_completion(portal, &me, activity.id, out)?;
    Ok(())
}

fn missing(path: &Path, what: &str) -> Failure {
    Failure::new(format!(
        "the tour's housing {what} is missing from {}; delete it and its .tour-user file to start afresh",
        path.display()
    ))
}

// ----- bad input -----------------------------------------------------------------------------

/// A self-rating of 11 is refused, and the history keeps the entries it had.
fn show_rejected_rating(portal: &Portal, me: &Actor, out: &mut String) -> Result<(), Failure> {
    let count = |portal: &Portal| -> Result<usize, Failure> {
        Ok(portal
            .status_history(me, &housing())
            .context("reading the status history")?
            .len())
    };
    let before = count(portal)?;
    let result = portal.add_status(
        me,
        NewStatus {
            domain: housing(),
            now: "Rated too high.".into(),
            helps: String::new(),
            hinders: String::new(),
            rating: Some(11),
        },
    );
    say!(
        out,
        "Bad input is refused with a typed error and changes nothing"
    );
    say!(out, "  a status entry for Housing rated 11/10:");
    report_rejection(result.map(|_| ()), out)?;
    say!(
        out,
        "  status history for Housing: {} entries before, {} after",
        before,
        count(portal)?
    );
    Ok(())
}

/// A completion dated next year is refused, and the completion log keeps what it had.
fn show_rejected_completion(
    portal: &Portal,
    me: &Actor,
    activity: ActivityId,
    out: &mut String,
) -> Result<(), Failure> {
    let count = |portal: &Portal| -> Result<usize, Failure> {
        Ok(portal
            .completions(me, activity)
            .context("reading the completions")?
            .len())
    };
    let before = count(portal)?;
    let result = portal.complete_activity(me, activity, days_ahead(365), "Not yet.");
    say!(
        out,
        "Bad input is refused with a typed error and changes nothing"
    );
    say!(
        out,
        "  a completion of \"{HOUSING_ACTIVITY}\" dated a year from now:"
    );
    report_rejection(result.map(|_| ()), out)?;
    say!(
        out,
        "  completions of \"{HOUSING_ACTIVITY}\": {} before, {} after",
        before,
        count(portal)?
    );
    Ok(())
}

fn report_rejection(result: Result<(), Error>, out: &mut String) -> Result<(), Failure> {
    match result {
        Err(Error::Invalid { field, problem }) => {
            say!(
                out,
                "    refused: Error::Invalid {{ field: {field:?}, problem: {problem:?} }}"
            );
            say!(out, "    message: invalid {field}: {problem}");
            Ok(())
        }
        Err(other) => Err(Failure::new(format!(
            "expected a refusal of bad input, got: {other}"
        ))),
        Ok(()) => Err(Failure::new("bad input was accepted")),
    }
}

// ----- the dashboard ---------------------------------------------------------------------------

fn print_dashboard(portal: &Portal, home: &Home, out: &mut String) {
    say!(out, "Dashboard for {}", home.person.display_name);

    say!(out, "  What matters to me");
    match &home.what_matters {
        Some(w) => text_block(out, 4, &w.content.text),
        None => say!(out, "    (not written yet)"),
    }

    say!(out, "  Life domains");
    for d in &home.domains {
        say!(out, "    {}", d.domain.label.get("en"));
        let empty = d.latest_status.is_none() && d.goals.is_empty();
        if let Some(s) = &d.latest_status {
            say!(
                out,
                "      Status on {} ({}): {}",
                s.created_at.date_naive(),
                rating_text(s.content.rating),
                s.content.now
            );
            labelled(out, 8, "What helps", &s.content.helps);
            labelled(out, 8, "What hinders", &s.content.hinders);
        }
        for g in &d.goals {
            let goal = &g.goal.content;
            let mut facts = vec![goal.lifecycle.code().to_owned()];
            facts.extend(goal.achievement.map(|a| achievement_name(a).to_owned()));
            facts.extend(goal.target_date.map(|t| format!("target {t}")));
            say!(out, "      Goal: {}  [{}]", goal.title, facts.join(", "));
            labelled(out, 8, "Why", &goal.why);
            for a in &g.activities {
                say!(
                    out,
                    "        - {}  [{}]",
                    a.content.title,
                    activity_facts(&a.content)
                );
            }
        }
        if empty {
            say!(out, "      (nothing yet)");
        }
    }

    say!(out, "  Medications");
    for m in &home.medications {
        let m = &m.content;
        let prescribed = if m.prescribed {
            "prescribed"
        } else {
            "not prescribed"
        };
        say!(
            out,
            "    {}, {}  ({prescribed}, {})",
            m.name,
            m.dose,
            medication_status_name(m.status)
        );
        labelled(out, 6, "What it is for", &m.purpose);
        labelled(out, 6, "My experiences", &m.experiences);
        labelled(out, 6, "Questions for the doctor", &m.questions);
    }

    say!(out, "  Network map");
    let mut people: Vec<_> = home.network.iter().map(|p| &p.content).collect();
    people.sort_by_key(|p| p.closeness);
    for p in people {
        let support: Vec<_> = p.support.iter().map(|s| support_name(*s)).collect();
        let account = if p.provider.is_some() {
            ", has a provider account"
        } else {
            ""
        };
        say!(
            out,
            "    Ring {}: {} ({}; {}{account})",
            p.closeness,
            p.label,
            relation_name(p.relation),
            support.join(", ")
        );
    }

    say!(out, "  Crisis plan");
    match &home.crisis_plan {
        Some(plan) => {
            let p = &plan.content;
            labelled(out, 4, "Warning signs", &p.warning_signs);
            labelled(out, 4, "What helps", &p.what_helps);
            labelled(out, 4, "What does not help", &p.what_does_not_help);
            labelled(out, 4, "Whom to contact", &p.contacts);
            labelled(out, 4, "Whom not to involve", &p.do_not_involve);
            labelled(out, 4, "Treatment preferences", &p.treatment_preferences);
        }
        None => say!(out, "    (not made yet)"),
    }

    say!(out, "  Recently done");
    let activity_titles: Vec<(ActivityId, &str)> = home
        .goals()
        .flat_map(|g| g.activities.iter())
        .map(|a| (a.id, a.content.title.as_str()))
        .collect();
    for c in &home.recent_completions {
        let title = activity_titles
            .iter()
            .find(|(id, _)| *id == c.content.activity)
            .map_or("(a removed activity)", |(_, t)| t);
        say!(
            out,
            "    {}  activity: {title}. {}",
            c.content.on,
            c.content.note
        );
    }
    for e in &home.recent_exercises {
        let title = portal
            .exercises()
            .iter()
            .find(|x| x.key == e.content.exercise)
            .map_or(e.content.exercise.as_str(), |x| x.title.get("en"));
        say!(
            out,
            "    {}  exercise: {title}. {}",
            e.content.on,
            e.content.note
        );
    }

    say!(out, "  Diary");
    for d in &home.recent_diary {
        say!(out, "    {}  {}", d.content.day, d.content.text);
    }

    say!(out, "  Daily registrations");
    for m in &home.measures {
        let values: Vec<String> = m
            .recent
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r.content.day,
                    value_text(&m.measure, r.content.value)
                )
            })
            .collect();
        say!(out, "    {}: {}", m.measure.content.name, values.join("; "));
    }
}

/// A body of text, each line indented.
fn text_block(out: &mut String, indent: usize, text: &str) {
    for line in text.lines() {
        say!(out, "{:indent$}{line}", "");
    }
}

/// `Label: text`, continuation lines indented under it; nothing for empty text.
fn labelled(out: &mut String, indent: usize, label: &str, text: &str) {
    let mut lines = text.lines();
    if let Some(first) = lines.next() {
        say!(out, "{:indent$}{label}: {first}", "");
        for line in lines {
            say!(out, "{:indent$}  {line}", "");
        }
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn rating_text(rating: Option<u8>) -> String {
    rating.map_or_else(|| "not rated".into(), |r| format!("rated {r}/10"))
}

fn activity_facts(a: &Activity) -> String {
    let state = match a.state {
        recovery_core::ActivityState::Planned => "planned",
        recovery_core::ActivityState::Done => "done",
        recovery_core::ActivityState::Skipped => "skipped",
        recovery_core::ActivityState::Cancelled => "cancelled",
    };
    match a.due {
        Some(due) => format!("{state}, due {due}"),
        None => state.to_owned(),
    }
}

fn value_text(measure: &Item<recovery_core::MeasureId, Measure>, value: MeasureValue) -> String {
    match (&measure.content.kind, value) {
        (MeasureKind::Number { unit }, MeasureValue::Number(n)) if !unit.is_empty() => {
            format!("{n} {unit}")
        }
        (_, MeasureValue::Number(n)) => n.to_string(),
        (_, MeasureValue::YesNo(true)) => "yes".into(),
        (_, MeasureValue::YesNo(false)) => "no".into(),
        (_, MeasureValue::Scale(s)) => format!("{s}/10"),
    }
}

fn achievement_name(a: GoalAchievement) -> &'static str {
    match a {
        GoalAchievement::InProgress => "in progress",
        GoalAchievement::Improving => "improving",
        GoalAchievement::Worsening => "worsening",
        GoalAchievement::NoChange => "no change",
        GoalAchievement::Achieved => "achieved",
        GoalAchievement::Sustaining => "sustaining",
        GoalAchievement::NotAchieved => "not achieved",
        GoalAchievement::NoProgress => "no progress",
        GoalAchievement::NotAttainable => "not attainable",
    }
}

fn medication_status_name(s: MedicationStatus) -> &'static str {
    match s {
        MedicationStatus::Active => "taking it",
        MedicationStatus::Completed => "course finished",
        MedicationStatus::EnteredInError => "entered in error",
        MedicationStatus::Intended => "will take it",
        MedicationStatus::Stopped => "stopped",
        MedicationStatus::OnHold => "paused",
        MedicationStatus::Unknown => "status unknown",
        MedicationStatus::NotTaken => "not taking it",
    }
}

fn relation_name(r: Relation) -> &'static str {
    match r {
        Relation::Family => "family",
        Relation::Friend => "friend",
        Relation::Peer => "peer",
        Relation::Professional => "professional",
        Relation::Other => "other",
    }
}

fn support_name(s: SupportKind) -> &'static str {
    match s {
        SupportKind::Emotional => "someone to talk to",
        SupportKind::Practical => "practical help",
        SupportKind::Information => "advice",
        SupportKind::Company => "company",
        SupportKind::Crisis => "crisis contact",
    }
}
