//! The researcher's usage report over a big usage log, beside raw SQL aggregates over the same
//! tables in the same criterion group:
//!
//! - **portal**: `Portal::usage_report` for six months (January to June 2024): the figures for
//!   the whole period and for each of the six months (7 periods), each period's module
//!   tallies, messages with response times per team, providers who never interacted,
//!   involvement and care teams, with pseudonyms (HMAC-SHA-256) for every team.
//! - **raw_sql**: the same aggregate queries (the same SQL text the store runs) for the same 7
//!   periods in one read transaction on a raw connection, each row read into a tuple: no
//!   per-team grouping, percentiles or pseudonyms.
//!
//! The log holds 5,000,000 events of 10,000 people (8,500 service users, 1,400 providers, 100
//! moderators), written with raw inserts in large transactions into a temporary file before the
//! benchmark (about a minute): 78 % visits, 8 % messages in each service user's one
//! conversation, 6 % forum posts, and goals, completions, entries, shares, crisis plans,
//! proposals and comments; and each service user's provider joining at the start.
//! `USAGE_BENCH_EVENTS` makes it smaller for a quick look. `cargo bench -p benches --bench usage`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use examples::cohort::Seeded;
use recovery_core::{Actor, ExportKey, Module, NewPerson, Period, Portal, PortalConfig, Role};
use rusqlite::{Connection, params};

const SERVICE_USERS: usize = 8_500;
const PROVIDERS: usize = 1_400;
const MODERATORS: usize = 100;
const DEFAULT_EVENTS: usize = 5_000_000;
const BATCH: usize = 200_000;

/// The store's aggregate queries, as `recovery-core/src/store/sqlite/usage.rs` has them.
const MODULE_TALLY: &str = "\
    SELECT coalesce(sum(action = 'visit'), 0), count(DISTINCT actor), \
           coalesce(sum(action <> 'visit'), 0) \
    FROM usage_events WHERE module = ?1 AND role = ?2 AND at >= ?3 AND at < ?4";
const MESSAGE_USAGE: &str = "\
    SELECT at, subject, conversation, role = 'provider' FROM usage_events \
    WHERE action = 'message' AND at >= ?1 AND at < ?2 ORDER BY conversation, at, seq";
const REGISTERED: &str = "SELECT count(*) FROM people WHERE role = ?1 AND registered_at < ?2";
const POSTING_PEOPLE: &str = "\
    SELECT count(DISTINCT actor) FROM usage_events \
    WHERE action IN ('post', 'message', 'goal', 'completion', 'crisis-plan', 'entry', 'share', \
                     'join', 'proposal', 'comment') \
      AND at >= ?2 AND at < ?3 AND role = ?1";
const INVOLVEMENT: &str = "\
    SELECT \
      (SELECT count(DISTINCT subject) FROM usage_events \
        WHERE action = 'goal' AND at < ?1 AND actor = subject), \
      (SELECT count(DISTINCT subject) FROM usage_events WHERE action = 'share' AND at < ?1), \
      (SELECT count(DISTINCT subject) FROM usage_events WHERE action = 'crisis-plan' AND at < ?1)";
const TEAM_PROVIDERS: &str = "\
    SELECT subject, count(DISTINCT actor) FROM usage_events \
    WHERE action = 'join' AND at < ?1 GROUP BY subject";
const TEAM_SCOPES: &str = "\
    SELECT subject, count(DISTINCT scope) FROM usage_events \
    WHERE action = 'share' AND at < ?1 GROUP BY subject";

fn nanos(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().expect("a time the store keeps")
}

fn study() -> Period {
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single();
    let end = Utc.with_ymd_and_hms(2024, 7, 1, 0, 0, 0).single();
    Period::new(start.expect("a date"), end.expect("a date")).expect("a period")
}

/// Writes the people and the log; returns the researcher.
fn build(path: &Path, events: usize) -> Actor {
    let researcher = {
        let portal = Portal::open(path, PortalConfig::default()).expect("the store opens");
        portal
            .register(NewPerson::with_role(Role::Researcher, "Researcher"))
            .expect("registered")
            .id
    };
    let mut conn = Connection::open(path).expect("the raw connection opens");
    conn.pragma_update(None, "synchronous", "NORMAL")
        .expect("synchronous");
    let period = study();
    let registered = nanos(period.start()) - 86_400_000_000_000;
    let id = |role: u8, i: usize| {
        let mut bytes = [0u8; 16];
        bytes[0] = role;
        bytes[8..].copy_from_slice(&(i as u64).to_be_bytes());
        bytes
    };
    {
        let tx = conn.transaction().expect("begin");
        let mut insert = tx
            .prepare(
                "INSERT INTO people (id, role, display_name, profession, organisation, \
                 registered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .expect("prepare");
        let groups = [
            (1, "service-user", SERVICE_USERS, None),
            (2, "provider", PROVIDERS, Some("psychologist")),
            (3, "moderator", MODERATORS, None),
        ];
        for (prefix, role, count, profession) in groups {
            for i in 0..count {
                let organisation = profession.map(|_| "DPS");
                let row = params![
                    id(prefix, i),
                    role,
                    role,
                    profession,
                    organisation,
                    registered
                ];
                insert.execute(row).expect("a person");
            }
        }
        drop(insert);
        tx.commit().expect("commit");
    }
    let start = nanos(period.start());
    let span = nanos(period.end()) - start;
    let visits = [
        "home",
        "toolbox",
        "toolbox.goals",
        "toolbox.diary",
        "toolbox.crisis-plan",
        "care-team",
        "messages",
        "forum",
        "access-log",
    ];
    let scopes = ["diary", "crisis-plan", "medications", "what-matters"];
    let mut rng = Seeded::new(5);
    let mut written = 0;
    // Each service user's provider joins in the first hour.
    let mut first = true;
    while written < events {
        let tx = conn.transaction().expect("begin");
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO usage_events (at, actor, role, module, action, subject, \
                     conversation, scope) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .expect("prepare");
            if first {
                for u in 0..SERVICE_USERS {
                    let at = start + (u as i64) * 1_000_000;
                    let row = params![
                        at,
                        id(2, u % PROVIDERS),
                        "provider",
                        "care-team",
                        "join",
                        id(1, u),
                        None::<Vec<u8>>,
                        None::<String>
                    ];
                    insert.execute(row).expect("a join");
                }
                written += SERVICE_USERS;
                first = false;
            }
            let end = (written + BATCH).min(events);
            for i in written..end {
                let at = start + 3_600_000_000_000 + (i as i64) * (span / events as i64 - 1);
                let user = rng.below(SERVICE_USERS);
                let provider = user % PROVIDERS;
                let kind = rng.below(1000);
                let (actor, role, module, action, subject, conversation, scope) = match kind {
                    0..780 => {
                        let module = *rng.pick(&visits);
                        if rng.below(100) < 15 {
                            (
                                id(2, provider),
                                "provider",
                                module,
                                "visit",
                                None,
                                None,
                                None,
                            )
                        } else {
                            (
                                id(1, user),
                                "service-user",
                                module,
                                "visit",
                                None,
                                None,
                                None,
                            )
                        }
                    }
                    780..860 => {
                        let (actor, role) = if rng.below(2) == 0 {
                            (id(2, provider), "provider")
                        } else {
                            (id(1, user), "service-user")
                        };
                        (
                            actor,
                            role,
                            "messages",
                            "message",
                            Some(id(1, user)),
                            Some(id(9, user)),
                            None,
                        )
                    }
                    860..920 => (
                        id(1, user),
                        "service-user",
                        "forum",
                        "post",
                        None,
                        None,
                        None,
                    ),
                    920..935 => (
                        id(1, user),
                        "service-user",
                        "toolbox.goals",
                        "goal",
                        Some(id(1, user)),
                        None,
                        None,
                    ),
                    935..950 => (
                        id(1, user),
                        "service-user",
                        "toolbox.activities",
                        "completion",
                        Some(id(1, user)),
                        None,
                        None,
                    ),
                    950..975 => (
                        id(1, user),
                        "service-user",
                        "toolbox.diary",
                        "entry",
                        Some(id(1, user)),
                        None,
                        None,
                    ),
                    975..985 => {
                        let scope = *rng.pick(&scopes);
                        (
                            id(1, user),
                            "service-user",
                            "care-team",
                            "share",
                            Some(id(1, user)),
                            None,
                            Some(scope),
                        )
                    }
                    985..990 => (
                        id(1, user),
                        "service-user",
                        "toolbox.crisis-plan",
                        "crisis-plan",
                        Some(id(1, user)),
                        None,
                        None,
                    ),
                    990..995 => (
                        id(2, provider),
                        "provider",
                        "toolbox.goals",
                        "proposal",
                        Some(id(1, user)),
                        None,
                        None,
                    ),
                    _ => (
                        id(2, provider),
                        "provider",
                        "toolbox.diary",
                        "comment",
                        Some(id(1, user)),
                        None,
                        None,
                    ),
                };
                insert
                    .execute(params![
                        at,
                        actor,
                        role,
                        module,
                        action,
                        subject,
                        conversation,
                        scope
                    ])
                    .expect("an event");
            }
            written = end;
        }
        tx.commit().expect("commit");
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        .expect("checkpoint");
    Actor::new(researcher)
}

/// Every row of the raw queries for one period, read into tuples.
type RawPeriod = (
    Vec<(&'static str, &'static str, i64, i64, i64)>,
    Vec<(i64, Vec<u8>, Vec<u8>, bool)>,
    (i64, i64, i64),
    (i64, i64, i64),
    Vec<(Vec<u8>, i64)>,
    Vec<(Vec<u8>, i64)>,
);

fn raw_period(conn: &Connection, from: i64, to: i64) -> RawPeriod {
    let mut tally = conn.prepare_cached(MODULE_TALLY).expect("prepare");
    let mut tallies = Vec::new();
    for module in Module::ALL {
        for role in Role::ALL {
            let (module, role) = (module.as_str(), role.as_str());
            let (visits, people, postings): (i64, i64, i64) = tally
                .query_row(params![module, role, from, to], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .expect("a tally");
            if visits + postings > 0 {
                tallies.push((module, role, visits, people, postings));
            }
        }
    }
    let messages = conn
        .prepare_cached(MESSAGE_USAGE)
        .expect("prepare")
        .query_map(params![from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .expect("query")
        .collect::<Result<Vec<_>, _>>()
        .expect("rows");
    let count = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> i64 {
        conn.prepare_cached(sql)
            .expect("prepare")
            .query_row(p, |r| r.get(0))
            .expect("a count")
    };
    let people = (
        count(REGISTERED, &[&"provider", &to]),
        count(POSTING_PEOPLE, &[&"provider", &from, &to]),
        count(REGISTERED, &[&"service-user", &to]),
    );
    let involvement = conn
        .prepare_cached(INVOLVEMENT)
        .expect("prepare")
        .query_row(params![to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("involvement");
    let per_subject = |sql: &str| {
        conn.prepare_cached(sql)
            .expect("prepare")
            .query_map(params![to], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<Vec<_>, _>>()
            .expect("rows")
    };
    (
        tallies,
        messages,
        people,
        involvement,
        per_subject(TEAM_PROVIDERS),
        per_subject(TEAM_SCOPES),
    )
}

fn raw_report(conn: &Connection, period: &Period) -> Vec<RawPeriod> {
    conn.execute_batch("BEGIN DEFERRED").expect("begin");
    let mut out = vec![raw_period(conn, nanos(period.start()), nanos(period.end()))];
    for (_, month) in period.months() {
        out.push(raw_period(conn, nanos(month.start()), nanos(month.end())));
    }
    conn.execute_batch("COMMIT").expect("commit");
    out
}

fn usage_report(c: &mut Criterion) {
    let events: usize = std::env::var("USAGE_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_EVENTS);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("usage.sqlite");
    let researcher = build(&path, events);
    let portal = Portal::open(&path, PortalConfig::default()).expect("the store opens");
    let conn = Connection::open(&path).expect("the raw connection opens");
    conn.set_prepared_statement_cache_capacity(64);
    let period = study();
    let key = ExportKey::new(*b"a bench export key, 32 bytes ok!").expect("a key");

    // Both sides see the same log.
    let report = portal
        .usage_report(&researcher, period, &key)
        .expect("the report");
    let raw = raw_report(&conn, &period);
    let visits: i64 = raw[0].0.iter().map(|t| t.2).sum();
    assert_eq!(
        report
            .total
            .modules
            .iter()
            .map(|t| t.visits as i64)
            .sum::<i64>(),
        visits
    );
    assert_eq!(report.total.teams.len(), SERVICE_USERS);
    println!(
        "usage log: {events} events, {} people; report: {} module rows, {} teams, {} months",
        SERVICE_USERS + PROVIDERS + MODERATORS + 1,
        report.total.modules.len(),
        report.total.teams.len(),
        report.months.len()
    );

    let mut group = c.benchmark_group("usage_report");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(40));
    group.bench_function("portal", |b| {
        b.iter(|| {
            black_box(
                portal
                    .usage_report(&researcher, period, &key)
                    .expect("the report"),
            )
        });
    });
    group.bench_function("raw_sql", |b| {
        b.iter(|| black_box(raw_report(&conn, &period)));
    });
    group.finish();
}

criterion_group!(benches, usage_report);
criterion_main!(benches);
