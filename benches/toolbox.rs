//! The toolbox through the portal on an SQLite file, each beside its raw-rusqlite baseline in the
//! same criterion group (see README.md beside this file for what each baseline does).
//!
//! `cargo bench -p benches --bench toolbox`, then `python3 benches/ratios.py`; see README.md.

use std::hint::black_box;
use std::time::Duration;

use benches::{RawToolbox, fill_dashboard};
use criterion::measurement::Measurement;
use criterion::{Criterion, criterion_group, criterion_main};
use recovery_core::{
    Activity, ActivityState, Actor, DomainRef, GoalId, ItemBody, ItemId, ItemRecord, NewActivity,
    NewGoal, NewPerson, Portal, PortalConfig,
};

/// Adding one activity under a goal: the portal (one write transaction: who acts, the goal,
/// the insert) against one raw transaction inserting the same row.
fn add_activity<M: Measurement>(c: &mut Criterion<M>, group: &str) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut group = c.benchmark_group(group);

    let portal = Portal::open(dir.path().join("portal.sqlite"), PortalConfig::default())
        .expect("portal opens");
    let anna = portal
        .register(NewPerson::service_user("Anna"))
        .expect("registered");
    let me = Actor::new(anna.id);
    let housing = DomainRef::Catalogue("housing".into());
    let goal = portal
        .add_goal(&me, NewGoal::new(housing.clone(), "Find a flat of my own"))
        .expect("goal added");
    group.bench_function("portal", |b| {
        b.iter(|| {
            portal
                .add_activity(
                    &me,
                    NewActivity {
                        goal: goal.id,
                        title: black_box("Call the housing office").into(),
                        due: None,
                    },
                )
                .expect("activity added")
        })
    });

    let raw = RawToolbox::open(&dir.path().join("raw.sqlite")).expect("raw database opens");
    raw.insert_person(&anna).expect("person inserted");
    let goal_record = ItemRecord {
        id: goal.id.item(),
        owner: anna.id,
        version: 1,
        created_at: goal.created_at,
        updated_at: goal.updated_at,
        updated_by: anna.id,
        removed: false,
        body: ItemBody::Goal(goal.content.clone()),
    };
    raw.insert_item(&goal_record).expect("goal inserted");
    group.bench_function("raw_rusqlite", |b| {
        b.iter(|| {
            raw.insert_item(&activity_record(
                &anna.id,
                goal.id,
                &housing,
                black_box("Call the housing office"),
            ))
            .expect("activity inserted")
        })
    });
    group.finish();
}

/// The row the portal writes for a new activity: a fresh id, now, the owner as author.
fn activity_record(
    owner: &recovery_core::UserId,
    goal: GoalId,
    domain: &DomainRef,
    title: &str,
) -> ItemRecord {
    let now = chrono::Utc::now();
    ItemRecord {
        id: ItemId::new(),
        owner: *owner,
        version: 1,
        created_at: now,
        updated_at: now,
        updated_by: *owner,
        removed: false,
        body: ItemBody::Activity(Activity {
            goal,
            domain: domain.clone(),
            title: title.to_owned(),
            due: None,
            state: ActivityState::Planned,
            authored_by: *owner,
        }),
    }
}

/// The dashboard of a service user with 7 domains, 20 goals, 100 activities and 9 status
/// entries: the portal's `home` against the same queries on the same file, decoded.
fn home<M: Measurement>(c: &mut Criterion<M>, group: &str) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("home.sqlite");
    let portal = Portal::open(&path, PortalConfig::default()).expect("portal opens");
    let (me, domains) = fill_dashboard(&portal).expect("dashboard filled");
    let raw = RawToolbox::attach(&path).expect("raw connection opens");

    let dashboard = portal.home(&me).expect("home");
    let rows = raw.home_rows(me.id, &domains).expect("rows");
    assert_eq!(dashboard.domains.len(), 7);
    assert_eq!(dashboard.goals().count(), 20);
    assert_eq!(
        dashboard.goals().map(|g| g.activities.len()).sum::<usize>(),
        100
    );
    // The baseline reads the same rows: 1 own domain, 20 goals, 100 activities, 7 latest statuses.
    assert_eq!(rows.items.len(), 1 + 20 + 100 + 7);

    let mut group = c.benchmark_group(group);
    group.bench_function("portal", |b| {
        b.iter(|| portal.home(black_box(&me)).expect("home"))
    });
    group.bench_function("raw_rusqlite", |b| {
        b.iter(|| raw.home_rows(black_box(me.id), &domains).expect("rows"))
    });
    group.finish();
}

fn wall_time(c: &mut Criterion) {
    add_activity(c, "add_activity");
    home(c, "home");
}

/// The same benchmarks measured in the thread's CPU time, steadier on a busy machine.
#[cfg(unix)]
fn cpu_time(c: &mut Criterion<benches::ThreadCpuTime>) {
    add_activity(c, "add_activity_cpu");
    home(c, "home_cpu");
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5))
}

criterion_group! {
    name = by_wall_time;
    config = config();
    targets = wall_time
}

#[cfg(unix)]
criterion_group! {
    name = by_cpu_time;
    config = config().with_measurement(benches::ThreadCpuTime);
    targets = cpu_time
}

#[cfg(unix)]
criterion_main!(by_wall_time, by_cpu_time);
#[cfg(not(unix))]
criterion_main!(by_wall_time);
