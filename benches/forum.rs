//! The forum through the portal on an SQLite file of 1,000,000 posts, each beside its
//! raw-rusqlite baseline in the same criterion group:
//!
//! - `thread_page`: one page of 50 posts of a thread, with the authors' pseudonyms. Baseline:
//!   the same rows and pseudonyms in one SQL statement.
//! - `review_queue`: the first page (50) of the review queue, with each post's flags and thread
//!   title. Baseline: the 50 queue rows in one statement.
//! - `post`: a 2,000-character reply, crisis scan included, with the rate limit off
//!   (`portal_2000_chars`) and with the default limit of 10 posts an hour read back from the
//!   member's newest posts (`portal_2000_chars_rate_limited`, a clock moving 7 minutes per post
//!   so that 8 posts are in the window). Baselines: one autocommit INSERT of the same row
//!   (`raw_rusqlite`, the yardstick), and one transaction writing the same rows the
//!   store writes: the post, the thread's activity and count, and the usage log's event
//!   (`raw_rusqlite_same_rows`).
//!
//! The database is built once per run into a temporary file with raw inserts in large
//! transactions (about 5 seconds). After criterion, the run prints p50 and p99 of the page
//! reads over 2,000 calls each, in wall time and in the thread's CPU time.
//!
//! `cargo bench -p benches --bench forum`

use std::hint::black_box;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use criterion::measurement::Measurement;
use criterion::{Criterion, criterion_group, criterion_main};
use recovery_core::model::forum::Review;
use recovery_core::store::SqliteStore;
use recovery_core::{
    Actor, ManualClock, MemberId, NewPerson, NewThread, Portal, PortalConfig, PostId, RateLimit,
    Role, SqliteOptions, ThreadId,
};
use rusqlite::{Connection, params};

const POSTS: usize = 1_000_000;
const POSTS_PER_THREAD: usize = 100;
const MEMBERS: usize = 5_000;
/// One post in this many waits in the review queue.
const QUEUED_EVERY: usize = 500;
const PAGE: usize = 50;

/// A forum of [`POSTS`] posts in a file, and the people to act in it.
struct Forum {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    portal: Portal,
    moderator: Actor,
    reader: Actor,
    poster: Actor,
    /// A thread in the middle of the file.
    thread: ThreadId,
    /// The same file under the default post limit, with a clock that moves 7 minutes per
    /// post, and the member who posts through it.
    limited: Portal,
    clock: Arc<ManualClock>,
    steady: Actor,
}

fn config() -> PortalConfig {
    let mut config = PortalConfig::default();
    // The post benchmark writes thousands of posts as one member.
    // A window of no length counts no earlier post, so nothing is read back either.
    let unlimited = RateLimit {
        count: 1,
        window_minutes: 0,
    };
    config.forum.post_limit = unlimited;
    config.forum.new_member_post_limit = unlimited;
    config.forum.held_posts = 0;
    config
}

fn nanos(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_nanos_opt().expect("a time in range")
}

/// Fills the forum tables with raw inserts: members, threads of 100 posts, every 500th post in
/// the review queue with one to three flags.
fn fill(path: &Path) -> ThreadId {
    let mut conn = Connection::open(path).expect("raw connection");
    conn.pragma_update(None, "synchronous", "OFF")
        .expect("pragma");
    let start = chrono::Utc::now() - chrono::Duration::days(400);
    let members: Vec<MemberId> = (0..MEMBERS).map(|_| MemberId::new()).collect();
    let tx = conn.transaction().expect("transaction");
    {
        let mut member = tx
            .prepare(
                "INSERT INTO forum_members (id, person, pseudonym, pseudonym_key, pseudonym_shape, \
                 joined_at, approved_posts, warnings, suspensions) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, 0, 0)",
            )
            .expect("prepare");
        for (i, m) in members.iter().enumerate() {
            let name = format!("member {i}");
            member
                .execute(params![
                    m.as_uuid().as_bytes(),
                    uuid::Uuid::now_v7().as_bytes(),
                    name,
                    format!("member{i}"),
                    format!("member{i}"),
                    nanos(start)
                ])
                .expect("member");
        }
    }
    tx.commit().expect("commit");
    let threads = POSTS / POSTS_PER_THREAD;
    let body = "A post of ordinary length about sleep, walks and the week that was. ".repeat(4);
    let mut middle = ThreadId::new();
    let mut n = 0usize;
    for chunk in 0..threads.div_ceil(1_000) {
        let tx = conn.transaction().expect("transaction");
        {
            let mut thread = tx
                .prepare(
                    "INSERT INTO forum_threads (id, category, title, author, opening, created_at, \
                     last_post_at, posts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .expect("prepare");
            let mut post = tx
                .prepare(
                    "INSERT INTO forum_posts (id, thread, author, body, state, created_at, \
                     version, crisis_text, review_crisis, review_flaggers, review_since, \
                     review_key) VALUES (?1, ?2, ?3, ?4, 'visible', ?5, 1, ?6, ?7, ?8, ?9, ?10)",
                )
                .expect("prepare");
            let mut flag = tx
                .prepare(
                    "INSERT INTO forum_flags (post, flagger, reason, note, at, cleared) \
                     VALUES (?1, ?2, 'spam', '', ?3, 0)",
                )
                .expect("prepare");
            for t in (chunk * 1_000)..((chunk + 1) * 1_000).min(threads) {
                let id = ThreadId::new();
                if t == threads / 2 {
                    middle = id;
                }
                let created = start + chrono::Duration::seconds(t as i64 * 30);
                let opening = PostId::new();
                let author = members[t % MEMBERS];
                let last = created + chrono::Duration::seconds(POSTS_PER_THREAD as i64);
                thread
                    .execute(params![
                        id.as_uuid().as_bytes(),
                        ["recovery", "everyday-life", "treatment"][t % 3],
                        format!("Thread {t}"),
                        author.as_uuid().as_bytes(),
                        opening.as_uuid().as_bytes(),
                        nanos(created),
                        nanos(last),
                        POSTS_PER_THREAD as i64,
                    ])
                    .expect("thread");
                for p in 0..POSTS_PER_THREAD {
                    let post_id = if p == 0 { opening } else { PostId::new() };
                    let at = created + chrono::Duration::seconds(p as i64);
                    n += 1;
                    let review = (n % QUEUED_EVERY == 0).then(|| Review {
                        crisis: n % (QUEUED_EVERY * 7) == 0,
                        flaggers: (n % 3) as u32 + 1,
                        since: at,
                    });
                    post.execute(params![
                        post_id.as_uuid().as_bytes(),
                        id.as_uuid().as_bytes(),
                        members[(t + p) % MEMBERS].as_uuid().as_bytes(),
                        body,
                        nanos(at),
                        review.is_some_and(|r| r.crisis),
                        review.map(|r| r.crisis),
                        review.map(|r| r.flaggers),
                        review.map(|r| nanos(r.since)),
                        review.map(|r| r.queue_key(post_id)),
                    ])
                    .expect("post");
                    if let Some(r) = review {
                        for f in 0..r.flaggers as usize {
                            flag.execute(params![
                                post_id.as_uuid().as_bytes(),
                                members[(n + f + 1) % MEMBERS].as_uuid().as_bytes(),
                                nanos(at),
                            ])
                            .expect("flag");
                        }
                    }
                }
            }
        }
        tx.commit().expect("commit");
    }
    conn.execute_batch("ANALYZE").expect("analyze");
    middle
}

fn forum() -> Forum {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("forum.sqlite");
    drop(SqliteStore::open(&path, &SqliteOptions::default()).expect("schema"));
    let built = Instant::now();
    let thread = fill(&path);
    eprintln!(
        "built a forum of {POSTS} posts in {:.1} s",
        built.elapsed().as_secs_f64()
    );
    let portal = Portal::open(&path, config()).expect("portal opens");
    let moderator = Actor::new(
        portal
            .register(NewPerson::with_role(Role::Moderator, "Moderator"))
            .expect("moderator")
            .id,
    );
    let join = |name: &str, pseudonym: &str| {
        let id = portal
            .register(NewPerson::service_user(name))
            .expect("person")
            .id;
        portal
            .join_forum(&Actor::new(id), pseudonym)
            .expect("joined");
        Actor::new(id)
    };
    let reader = join("Reader", "Quiet Owl");
    let poster = join("Poster", "Busy Wren");
    let steady = join("Limited", "Steady Finch");
    let clock = Arc::new(ManualClock::new(
        chrono::Utc::now() + chrono::Duration::days(30),
    ));
    let mut limited = config();
    limited.forum.post_limit = PortalConfig::default().forum.post_limit;
    let limited = Portal::open(&path, limited)
        .expect("portal opens")
        .with_clock(clock.clone());
    Forum {
        limited,
        clock,
        steady,
        _dir: dir,
        path,
        portal,
        moderator,
        reader,
        poster,
        thread,
    }
}

const RAW_THREAD_PAGE: &str = "\
    SELECT p.id, p.author, m.pseudonym, p.body, p.state, p.created_at \
    FROM forum_posts AS p JOIN forum_members AS m ON m.id = p.author \
    WHERE p.thread = ?1 ORDER BY p.created_at, p.id LIMIT ?2";

const RAW_REVIEW_QUEUE: &str = "\
    SELECT id, thread, author, body, review_crisis, review_flaggers, review_since \
    FROM forum_posts WHERE review_key > '' ORDER BY review_key LIMIT ?1";

fn raw_rows(stmt: &mut rusqlite::CachedStatement<'_>, params: impl rusqlite::Params) -> usize {
    stmt.query_map(params, |row| {
        Ok((
            row.get::<_, Vec<u8>>(0)?,
            row.get::<_, Vec<u8>>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
        ))
    })
    .expect("query")
    .collect::<Result<Vec<_>, _>>()
    .expect("rows")
    .len()
}

/// Prints p50 and p99 of `f` over 2,000 calls in wall time and, on Unix, in the thread's CPU
/// time: a wall-time tail on a shared machine is mostly time spent waiting for a core, which
/// the CPU-time tail leaves out.
fn tail(name: &str, mut f: impl FnMut()) {
    const CALLS: usize = 2_000;
    let mut wall = Vec::with_capacity(CALLS);
    let mut cpu = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        #[cfg(unix)]
        let cpu_start = benches::ThreadCpuTime.start();
        let t = Instant::now();
        f();
        wall.push(t.elapsed().as_secs_f64() * 1e6);
        #[cfg(unix)]
        cpu.push(benches::ThreadCpuTime.end(cpu_start) as f64 / 1e3);
    }
    let at = |times: &mut Vec<f64>, q: f64| {
        times.sort_unstable_by(f64::total_cmp);
        times[((times.len() as f64 * q) as usize).min(times.len() - 1)]
    };
    let (p50, p99) = (at(&mut wall, 0.50), at(&mut wall, 0.99));
    if cpu.is_empty() {
        eprintln!("{name}: p50 {p50:.1} us, p99 {p99:.1} us");
    } else {
        let (c50, c99) = (at(&mut cpu, 0.50), at(&mut cpu, 0.99));
        eprintln!(
            "{name}: p50 {p50:.1} us, p99 {p99:.1} us (CPU time: p50 {c50:.1} us, p99 {c99:.1} us)"
        );
    }
}

/// The forum, built once per run and shared by both clocks' groups.
fn shared() -> &'static Forum {
    static FORUM: OnceLock<Forum> = OnceLock::new();
    FORUM.get_or_init(forum)
}

fn reads(c: &mut Criterion) {
    let f = shared();
    let raw = Connection::open(&f.path).expect("raw reader");
    let thread_bytes = f.thread.as_uuid().into_bytes();

    let mut group = c.benchmark_group("thread_page");
    group.bench_function("portal", |b| {
        b.iter(|| {
            let page = f
                .portal
                .thread_page(&f.reader, black_box(f.thread), None, PAGE)
                .expect("page");
            assert_eq!(page.posts.len(), PAGE);
        })
    });
    group.bench_function("raw_rusqlite", |b| {
        b.iter(|| {
            let mut stmt = raw.prepare_cached(RAW_THREAD_PAGE).expect("prepare");
            assert_eq!(
                raw_rows(&mut stmt, params![black_box(&thread_bytes), PAGE as i64]),
                PAGE
            );
        })
    });
    group.finish();

    let mut group = c.benchmark_group("review_queue");
    group.bench_function("portal", |b| {
        b.iter(|| {
            let page = f
                .portal
                .review_queue(&f.moderator, None, PAGE)
                .expect("queue");
            assert_eq!(page.items.len(), PAGE);
        })
    });
    group.bench_function("raw_rusqlite", |b| {
        b.iter(|| {
            let mut stmt = raw.prepare_cached(RAW_REVIEW_QUEUE).expect("prepare");
            let rows = stmt
                .query_map(params![PAGE as i64], |row| row.get::<_, String>(3))
                .expect("query")
                .count();
            assert_eq!(rows, PAGE);
        })
    });
    group.finish();

    tail("thread_page/portal", || {
        black_box(
            f.portal
                .thread_page(&f.reader, f.thread, None, PAGE)
                .expect("page"),
        );
    });
    tail("thread_page/raw_rusqlite", || {
        let mut stmt = raw.prepare_cached(RAW_THREAD_PAGE).expect("prepare");
        black_box(raw_rows(&mut stmt, params![&thread_bytes, PAGE as i64]));
    });
    tail("review_queue/portal", || {
        black_box(
            f.portal
                .review_queue(&f.moderator, None, PAGE)
                .expect("queue"),
        );
    });
    tail("review_queue/raw_rusqlite", || {
        let mut stmt = raw.prepare_cached(RAW_REVIEW_QUEUE).expect("prepare");
        black_box(
            stmt.query_map(params![PAGE as i64], |row| row.get::<_, String>(3))
                .expect("query")
                .count(),
        );
    });
}

fn posting<M: Measurement>(c: &mut Criterion<M>, name: &str) {
    let f = shared();
    // Posting: a 2,000-character reply with the crisis scan, against one raw INSERT of a row
    // like it. Both write to the same 1,000,000-post file.
    let body: String = "Today I went for a walk by the river and it helped more than I thought. "
        .repeat(30)
        .chars()
        .take(2_000)
        .collect();
    let (own, _) = f
        .portal
        .start_thread(
            &f.poster,
            NewThread {
                category: "recovery".into(),
                title: "Walks".into(),
                body: "Walking helps me.".into(),
            },
        )
        .expect("thread");
    let mut group = c.benchmark_group(name);
    group.bench_function("portal_2000_chars", |b| {
        b.iter(|| {
            f.portal
                .reply(&f.poster, own.id, black_box(&body))
                .expect("posted")
        })
    });
    let author = f.portal.forum_standing(&f.poster).expect("standing").member;
    let writer = Connection::open(&f.path).expect("raw writer");
    writer
        .pragma_update(None, "synchronous", "NORMAL")
        .expect("pragma");
    group.bench_function("raw_rusqlite", |b| {
        b.iter(|| {
            let mut stmt = writer
                .prepare_cached(
                    "INSERT INTO forum_posts (id, thread, author, body, state, created_at, \
                     version, crisis_text) VALUES (?1, ?2, ?3, ?4, 'visible', ?5, 1, 0)",
                )
                .expect("prepare");
            stmt.execute(params![
                PostId::new().as_uuid().as_bytes(),
                own.id.as_uuid().as_bytes(),
                author.as_uuid().as_bytes(),
                black_box(&body),
                nanos(chrono::Utc::now()),
            ])
            .expect("inserted")
        })
    });
    let writes = Connection::open(&f.path).expect("raw writer");
    writes
        .pragma_update(None, "synchronous", "NORMAL")
        .expect("pragma");
    group.bench_function("raw_rusqlite_same_rows", |b| {
        b.iter(|| {
            let now = nanos(chrono::Utc::now());
            // As the store does: the write lock taken at the start, cached statements.
            let tx = &writes;
            tx.prepare_cached("BEGIN IMMEDIATE")
                .expect("prepare")
                .execute([])
                .expect("begin");
            tx.prepare_cached(
                "INSERT INTO forum_posts (id, thread, author, body, state, state_at, \
                 hidden_reason, hidden_note, created_at, edited_at, moderator_edit_at, \
                 moderator_edit_note, version, crisis_text, review_crisis, review_flaggers, \
                 review_since, review_key) VALUES (?1, ?2, ?3, ?4, 'visible', NULL, NULL, NULL, \
                 ?5, NULL, NULL, NULL, 1, 0, NULL, NULL, NULL, NULL)",
            )
            .expect("prepare")
            .execute(params![
                PostId::new().as_uuid().as_bytes(),
                own.id.as_uuid().as_bytes(),
                author.as_uuid().as_bytes(),
                black_box(&body),
                now,
            ])
            .expect("inserted");
            tx.prepare_cached(
                "UPDATE forum_threads SET last_post_at = ?2, posts = posts + 1 WHERE id = ?1",
            )
            .expect("prepare")
            .execute(params![own.id.as_uuid().as_bytes(), now])
            .expect("updated");
            tx.prepare_cached(
                "INSERT INTO usage_events (at, actor, role, module, action, subject, \
                 conversation, scope) \
                 VALUES (?1, ?2, 'service-user', 'forum', 'post', NULL, NULL, NULL)",
            )
            .expect("prepare")
            .execute(params![now, f.poster.id.as_uuid().as_bytes()])
            .expect("usage event");
            tx.prepare_cached("COMMIT")
                .expect("prepare")
                .execute([])
                .expect("commit")
        })
    });

    // The default rate limit, read back: the member always has 8 posts inside the hour.
    group.bench_function("portal_2000_chars_rate_limited", |b| {
        b.iter(|| {
            f.clock.advance(chrono::Duration::minutes(7));
            f.limited
                .reply(&f.steady, own.id, black_box(&body))
                .expect("posted")
        })
    });
    group.finish();
}

fn wall_time(c: &mut Criterion) {
    reads(c);
    posting(c, "post");
}

/// Posting again, measured in the benchmark thread's CPU time: the ratio to read while other
/// builds share the machine (see the README's "Two clocks").
#[cfg(unix)]
fn cpu_time(c: &mut Criterion<benches::ThreadCpuTime>) {
    posting(c, "post_cpu");
}

fn timing<M: Measurement>(c: Criterion<M>) -> Criterion<M> {
    c.sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
}

criterion_group! {
    name = by_wall_time;
    config = timing(Criterion::default());
    targets = wall_time
}

#[cfg(unix)]
criterion_group! {
    name = by_cpu_time;
    config = timing(Criterion::default().with_measurement(benches::ThreadCpuTime));
    targets = cpu_time
}

#[cfg(unix)]
criterion_main!(by_wall_time, by_cpu_time);
#[cfg(not(unix))]
criterion_main!(by_wall_time);
