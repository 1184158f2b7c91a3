//! Messaging through the portal on an SQLite file, each beside its raw-rusqlite baseline in the
//! same criterion group:
//!
//! - `send_message`: one text message through `Portal::send_message` against one raw
//!   transaction writing the same rows (the message, the conversation's last message, the
//!   sender's read mark, the feed entry and its two recipients, the access-log entry).
//! - `page_of_50` and `unread_counts` in a store of 1,000,000 messages (2,000 service users,
//!   each with one conversation of 500 messages with one of 40 providers, so each provider has
//!   50 service users): the newest 50 messages of a conversation, read by its service user and
//!   by its provider (whose read is written to the access log), against the same query
//!   decoded the same way, alone and with the access-log row in one write transaction; a
//!   provider's unread counts against one SQL join.
//!
//! After criterion's runs, each case is timed call by call (`PERCENTILE_CALLS` calls) and its
//! p50 and p99 printed, since criterion reports means and medians only.
//!
//! The big database is built once per run with raw inserts in large transactions into a
//! temporary file (about 30 s and 0.5 GB). `MESSAGING_BENCH_MESSAGES` makes it smaller for a
//! quick look. `cargo bench -p benches --bench messaging`.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use recovery_core::{
    Actor, AttachmentInfo, ConversationId, Message, MessageId, NewConversation, NewMessage,
    NewPerson, Portal, PortalConfig, Profession, UserId,
};
use rusqlite::{Connection, params};

/// How many calls the percentile pass times, per case.
const PERCENTILE_CALLS: usize = 20_000;
/// Providers in the big store; each has `USERS / PROVIDERS` service users.
const PROVIDERS: usize = 40;
/// Service users in the big store, each with one conversation.
const USERS: usize = 2_000;
/// Rows per transaction while building the big store.
const BATCH: usize = 100_000;

/// A connection with the store's own settings (WAL, `synchronous = NORMAL`, foreign keys,
/// statement cache).
fn connect(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("the raw connection opens");
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
        .expect("WAL");
    conn.pragma_update(None, "synchronous", "NORMAL")
        .expect("synchronous");
    conn.pragma_update(None, "foreign_keys", true)
        .expect("foreign keys");
    conn.set_prepared_statement_cache_capacity(64);
    conn
}

/// Nanoseconds since the epoch, as the store keeps times.
fn nanos(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().expect("a time the store keeps")
}

fn id(u: uuid::Uuid) -> [u8; 16] {
    u.into_bytes()
}

/// Percentiles of `calls` timed one by one.
fn percentiles(label: &str, calls: usize, mut call: impl FnMut(usize)) {
    let mut samples: Vec<Duration> = (0..calls)
        .map(|i| {
            let start = Instant::now();
            call(i);
            start.elapsed()
        })
        .collect();
    samples.sort_unstable();
    let at = |q: f64| samples[((calls as f64 * q).ceil() as usize).clamp(1, calls) - 1];
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{label:<36} p50 {:>7.1} us  p90 {:>7.1} us  p99 {:>8.1} us  p99.9 {:>8.1} us  \
         max {:>8.1} us  ({calls} calls)",
        micros(at(0.50)),
        micros(at(0.90)),
        micros(at(0.99)),
        micros(at(0.999)),
        micros(at(1.0)),
    );
}

// ----- sending ---------------------------------------------------------------------------------

/// The rows one text message writes, by raw rusqlite in one transaction, with the same SQL the
/// store runs. The access-log row carries fixed hashes: hashing is the portal's work, not
/// storage.
struct RawSender {
    conn: Connection,
    conversation: [u8; 16],
    author: [u8; 16],
    other: [u8; 16],
    subject: [u8; 16],
    seq: i64,
    log_seq: i64,
}

impl RawSender {
    fn send(&mut self, body: &str) {
        let now = nanos(Utc::now());
        let message = id(uuid::Uuid::now_v7());
        self.seq += 1;
        self.log_seq += 1;
        let conn = &self.conn;
        conn.prepare_cached("BEGIN IMMEDIATE")
            .and_then(|mut s| s.execute([]))
            .expect("begin");
        let listed = serde_json::to_string(&Vec::<AttachmentInfo>::new()).expect("json");
        conn.prepare_cached(
            "UPDATE conversations SET last_seq = ?2, last_message_at = ?3 \
             WHERE id = ?1 AND last_seq = ?2 - 1",
        )
        .and_then(|mut s| s.execute(params![self.conversation, self.seq, now]))
        .expect("advance");
        conn.prepare_cached(
            "INSERT INTO messages (id, conversation, seq, author, body, sent_at, attachments) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 \
             WHERE EXISTS (SELECT 1 FROM conversation_participants \
                           WHERE conversation = ?2 AND person = ?4)",
        )
        .and_then(|mut s| {
            s.execute(params![
                message,
                self.conversation,
                self.seq,
                self.author,
                body,
                now,
                listed
            ])
        })
        .expect("message");
        conn.prepare_cached(
            "UPDATE conversation_participants SET read_seq = ?3 \
             WHERE conversation = ?1 AND person = ?2 \
               AND ?3 <= (SELECT last_seq FROM conversations WHERE id = ?1)",
        )
        .and_then(|mut s| s.execute(params![self.conversation, self.author, self.seq]))
        .expect("read mark");
        conn.prepare_cached(
            "INSERT INTO changes (at, kind, target, conversation) VALUES (?1, ?2, ?3, ?4)",
        )
        .and_then(|mut s| s.execute(params![now, "message", message, self.conversation]))
        .expect("change");
        let change = conn.last_insert_rowid();
        for person in [self.subject, self.other] {
            conn.prepare_cached("INSERT INTO change_recipients (recipient, seq) VALUES (?1, ?2)")
                .and_then(|mut s| s.execute(params![person, change]))
                .expect("recipient");
        }
        conn.prepare_cached(
            "INSERT INTO access_log (seq, at, actor, subject, action, scope, counterpart, \
                                     target, level, outcome, reason, prev_hash, hash) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13 \
             WHERE ?1 = coalesce((SELECT max(seq) FROM access_log), 0) + 1",
        )
        .and_then(|mut s| {
            s.execute(params![
                self.log_seq,
                now,
                self.author,
                self.subject,
                "send-message",
                None::<String>,
                None::<[u8; 16]>,
                message,
                None::<String>,
                "allowed",
                None::<String>,
                [0u8; 32],
                [1u8; 32],
            ])
        })
        .expect("access entry");
        conn.prepare_cached("COMMIT")
            .and_then(|mut s| s.execute([]))
            .expect("commit");
    }
}

fn send_message(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let body = "Thank you, I will bring the sleep diary on Thursday.";

    let portal = Portal::open(dir.path().join("portal.sqlite"), PortalConfig::default())
        .expect("portal opens");
    let anna = Actor::new(
        portal
            .register(NewPerson::service_user("Anna"))
            .expect("registered")
            .id,
    );
    let nils = Actor::new(
        portal
            .register(NewPerson::provider(
                "Nils",
                Profession::MentalHealthNurse,
                "DPS",
            ))
            .expect("registered")
            .id,
    );
    let invitation = portal.invite(&anna, nils.id).expect("invited");
    portal
        .accept_invitation(&nils, invitation.id)
        .expect("accepted");
    let conversation = portal
        .start_conversation(
            &anna,
            NewConversation {
                with: vec![nils.id],
                subject: "Sleep".into(),
                message: NewMessage::text("Hello"),
            },
        )
        .expect("started")
        .conversation
        .id;

    // The baseline's file: the same schema, the same people, team and conversation, copied
    // from a portal file made the same way.
    let raw_path = dir.path().join("raw.sqlite");
    let (raw_conversation, raw_anna, raw_nils, log_seq) = {
        let raw_portal = Portal::open(&raw_path, PortalConfig::default()).expect("portal opens");
        let a = Actor::new(
            raw_portal
                .register(NewPerson::service_user("Anna"))
                .expect("registered")
                .id,
        );
        let n = Actor::new(
            raw_portal
                .register(NewPerson::provider(
                    "Nils",
                    Profession::MentalHealthNurse,
                    "DPS",
                ))
                .expect("registered")
                .id,
        );
        let inv = raw_portal.invite(&a, n.id).expect("invited");
        raw_portal.accept_invitation(&n, inv.id).expect("accepted");
        let started = raw_portal
            .start_conversation(
                &a,
                NewConversation {
                    with: vec![n.id],
                    subject: "Sleep".into(),
                    message: NewMessage::text("Hello"),
                },
            )
            .expect("started");
        let entries = raw_portal.verify_access_log().expect("verified").entries;
        (started.conversation.id, a.id, n.id, entries)
    };
    let mut raw = RawSender {
        conn: connect(&raw_path),
        conversation: id(raw_conversation.as_uuid()),
        author: id(raw_anna.as_uuid()),
        other: id(raw_nils.as_uuid()),
        subject: id(raw_anna.as_uuid()),
        seq: 1,
        log_seq: i64::try_from(log_seq).expect("a small log"),
    };

    let mut group = c.benchmark_group("send_message");
    // About one send in a hundred runs a WAL checkpoint (milliseconds, both sides alike): a
    // longer run averages them out of the comparison of means.
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("portal", |b| {
        b.iter(|| {
            portal
                .send_message(&anna, conversation, NewMessage::text(black_box(body)))
                .expect("sent")
        })
    });
    group.bench_function("raw_rusqlite", |b| b.iter(|| raw.send(black_box(body))));
    group.finish();

    percentiles("send_message/portal", PERCENTILE_CALLS, |_| {
        portal
            .send_message(&anna, conversation, NewMessage::text(body))
            .expect("sent");
    });
    percentiles("send_message/raw_rusqlite", PERCENTILE_CALLS, |_| {
        raw.send(body)
    });
    // The portal wrote a valid chain all along.
    assert!(portal.verify_access_log().expect("verified").is_intact());
}

// ----- a store of a million messages -----------------------------------------------------------

/// The big store, open through the portal, with one provider's caseload to read.
struct BigStore {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    portal: Portal,
    provider: Actor,
    /// The provider's service users and their conversations.
    caseload: Vec<(Actor, ConversationId)>,
}

/// Builds the big store with raw inserts in large transactions, then opens it with the portal.
fn build_big_store(messages: usize) -> BigStore {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("big.sqlite");
    drop(Portal::open(&path, PortalConfig::default()).expect("the schema is made"));
    let mut conn = connect(&path);
    conn.pragma_update(None, "synchronous", "OFF")
        .expect("synchronous off while building");

    let per_conversation = (messages / USERS).max(1);
    let t0 = Utc::now() - chrono::Duration::days(365);
    let t0n = nanos(t0);
    let providers: Vec<[u8; 16]> = (0..PROVIDERS).map(|_| id(uuid::Uuid::now_v7())).collect();
    let users: Vec<[u8; 16]> = (0..USERS).map(|_| id(uuid::Uuid::now_v7())).collect();
    let memberships: Vec<[u8; 16]> = (0..USERS).map(|_| id(uuid::Uuid::now_v7())).collect();
    let conversations: Vec<[u8; 16]> = (0..USERS).map(|_| id(uuid::Uuid::now_v7())).collect();
    let provider_of = |u: usize| u % PROVIDERS;
    // Each side has read most, not all: every conversation has something unread.
    let user_read = |u: usize| per_conversation.saturating_sub(1 + u % 7) as i64;
    let provider_read = |u: usize| per_conversation.saturating_sub(2 + u % 5) as i64;

    {
        let tx = conn.transaction().expect("begin");
        {
            let mut person = tx
                .prepare(
                    "INSERT INTO people (id, role, display_name, profession, organisation, \
                                         registered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .expect("prepare");
            for (i, p) in providers.iter().enumerate() {
                person
                    .execute(params![
                        p,
                        "provider",
                        format!("Provider {i}"),
                        "physician",
                        "DPS",
                        t0n
                    ])
                    .expect("provider");
            }
            for (i, u) in users.iter().enumerate() {
                person
                    .execute(params![
                        u,
                        "service-user",
                        format!("Service user {i}"),
                        None::<String>,
                        None::<String>,
                        t0n
                    ])
                    .expect("service user");
            }
            let mut membership = tx
                .prepare(
                    "INSERT INTO memberships (id, service_user, provider, status, invited_at, \
                                              accepted_at) VALUES (?1, ?2, ?3, 'active', ?4, ?4)",
                )
                .expect("prepare");
            let mut conversation = tx
                .prepare(
                    "INSERT INTO conversations (id, service_user, subject, started_by, \
                                                started_at, last_seq, last_message_at) \
                     VALUES (?1, ?2, '', ?2, ?3, ?4, ?5)",
                )
                .expect("prepare");
            let mut participant = tx
                .prepare(
                    "INSERT INTO conversation_participants (conversation, person, membership, \
                                                            position, read_seq) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .expect("prepare");
            let last_at = t0n + (per_conversation * USERS) as i64 * 1_000_000_000;
            for u in 0..USERS {
                let p = providers[provider_of(u)];
                membership
                    .execute(params![memberships[u], users[u], p, t0n])
                    .expect("membership");
                conversation
                    .execute(params![
                        conversations[u],
                        users[u],
                        t0n,
                        per_conversation as i64,
                        last_at + u as i64
                    ])
                    .expect("conversation");
                participant
                    .execute(params![
                        conversations[u],
                        users[u],
                        None::<[u8; 16]>,
                        0,
                        user_read(u)
                    ])
                    .expect("participant");
                participant
                    .execute(params![
                        conversations[u],
                        p,
                        memberships[u],
                        1,
                        provider_read(u)
                    ])
                    .expect("participant");
            }
        }
        tx.commit().expect("commit");
    }

    // Messages in the order they would have been sent: round by round across conversations,
    // so that one conversation's messages lie scattered through the file, as in a live store.
    let body = "Slept a little better this week. The walk in the morning helps; \
                the evenings are still hard.";
    let total = per_conversation * USERS;
    let mut n = 0usize;
    while n < total {
        let tx = conn.transaction().expect("begin");
        {
            let mut message = tx
                .prepare_cached(
                    "INSERT INTO messages (id, conversation, seq, author, body, sent_at, \
                                           attachments) VALUES (?1, ?2, ?3, ?4, ?5, ?6, '[]')",
                )
                .expect("prepare");
            let mut change = tx
                .prepare_cached(
                    "INSERT INTO changes (seq, at, kind, target, conversation) \
                     VALUES (?1, ?2, 'message', ?3, ?4)",
                )
                .expect("prepare");
            let mut recipient = tx
                .prepare_cached("INSERT INTO change_recipients (recipient, seq) VALUES (?1, ?2)")
                .expect("prepare");
            for i in n..(n + BATCH).min(total) {
                let (round, u) = (i / USERS, i % USERS);
                let seq = round as i64 + 1;
                let author = if round % 2 == 0 {
                    users[u]
                } else {
                    providers[provider_of(u)]
                };
                let at = t0n + i as i64 * 1_000_000_000;
                let mid = id(uuid::Uuid::now_v7());
                message
                    .execute(params![mid, conversations[u], seq, author, body, at])
                    .expect("message");
                change
                    .execute(params![i as i64 + 1, at, mid, conversations[u]])
                    .expect("change");
                recipient
                    .execute(params![users[u], i as i64 + 1])
                    .expect("recipient");
                recipient
                    .execute(params![providers[provider_of(u)], i as i64 + 1])
                    .expect("recipient");
            }
        }
        tx.commit().expect("commit");
        n += BATCH;
    }
    conn.pragma_update(None, "synchronous", "NORMAL")
        .expect("synchronous back");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("checkpoint");
    drop(conn);

    let portal = Portal::open(&path, PortalConfig::default()).expect("portal opens");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "big store: {total} messages in {} conversations, {:.0} MB, built in {:.1} s",
        USERS,
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let provider = Actor::new(UserId::from_uuid(uuid::Uuid::from_bytes(providers[0])));
    let caseload = (0..USERS)
        .filter(|&u| provider_of(u) == 0)
        .map(|u| {
            (
                Actor::new(UserId::from_uuid(uuid::Uuid::from_bytes(users[u]))),
                ConversationId::from_uuid(uuid::Uuid::from_bytes(conversations[u])),
            )
        })
        .collect();
    BigStore {
        _dir: dir,
        path,
        portal,
        provider,
        caseload,
    }
}

/// The newest 50 messages of a conversation, by the store's query, decoded as the store
/// decodes them.
fn raw_page(conn: &Connection, conversation: ConversationId) -> Vec<Message> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, conversation, seq, author, body, sent_at, attachments FROM messages \
             WHERE conversation = ?1 ORDER BY seq DESC LIMIT ?2",
        )
        .expect("prepare");
    let rows = stmt
        .query_map(params![id(conversation.as_uuid()), 51], |row| {
            let uuid = |i: usize| -> rusqlite::Result<uuid::Uuid> {
                let bytes: [u8; 16] = row.get(i)?;
                Ok(uuid::Uuid::from_bytes(bytes))
            };
            let attachments: String = row.get(6)?;
            Ok(Message {
                id: MessageId::from_uuid(uuid(0)?),
                conversation: ConversationId::from_uuid(uuid(1)?),
                seq: row.get::<_, i64>(2)? as u64,
                author: UserId::from_uuid(uuid(3)?),
                body: row.get(4)?,
                sent_at: DateTime::from_timestamp_nanos(row.get(5)?),
                attachments: if attachments == "[]" {
                    Vec::new()
                } else {
                    serde_json::from_str(&attachments).unwrap_or_default()
                },
            })
        })
        .expect("query");
    let mut page: Vec<Message> = rows.collect::<Result<_, _>>().expect("rows");
    page.truncate(50);
    page
}

/// A provider's page as the portal reads it: the page and one access-log row in one write
/// transaction (fixed hashes: hashing is the portal's work, not storage).
fn raw_page_logged(
    conn: &Connection,
    reader: UserId,
    subject: UserId,
    conversation: ConversationId,
) -> Vec<Message> {
    conn.prepare_cached("BEGIN IMMEDIATE")
        .and_then(|mut s| s.execute([]))
        .expect("begin");
    let page = raw_page(conn, conversation);
    conn.prepare_cached(
        "INSERT INTO access_log (seq, at, actor, subject, action, scope, counterpart, target, \
                                 level, outcome, reason, prev_hash, hash) \
         SELECT coalesce(max(seq), 0) + 1, ?1, ?2, ?3, 'read-messages', NULL, NULL, ?4, NULL, \
                'allowed', NULL, ?5, ?6 \
         FROM access_log",
    )
    .and_then(|mut s| {
        s.execute(params![
            nanos(Utc::now()),
            id(reader.as_uuid()),
            id(subject.as_uuid()),
            id(conversation.as_uuid()),
            [0u8; 32],
            [1u8; 32],
        ])
    })
    .expect("access entry");
    conn.prepare_cached("COMMIT")
        .and_then(|mut s| s.execute([]))
        .expect("commit");
    page
}

/// A provider's unread counts in one SQL statement: their conversations whose membership is
/// active, with something unread.
fn raw_unread(conn: &Connection, provider: UserId) -> Vec<(ConversationId, u64)> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT p.conversation, c.last_seq - p.read_seq \
             FROM conversation_participants AS p \
             JOIN conversations AS c ON c.id = p.conversation \
             JOIN memberships AS m ON m.id = p.membership \
             WHERE p.person = ?1 AND m.status = 'active' AND c.last_seq > p.read_seq \
             ORDER BY p.conversation",
        )
        .expect("prepare");
    stmt.query_map(params![id(provider.as_uuid())], |row| {
        let bytes: [u8; 16] = row.get(0)?;
        Ok((
            ConversationId::from_uuid(uuid::Uuid::from_bytes(bytes)),
            row.get::<_, i64>(1)? as u64,
        ))
    })
    .expect("query")
    .collect::<Result<_, _>>()
    .expect("rows")
}

fn big_store(c: &mut Criterion) {
    let messages = std::env::var("MESSAGING_BENCH_MESSAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let big = build_big_store(messages);
    let raw = connect(&big.path);
    let portal = &big.portal;
    let caseload = &big.caseload;
    assert_eq!(caseload.len(), USERS / PROVIDERS);

    // Both sides give the same answers.
    let (user, conversation) = caseload[0];
    let page = portal
        .messages(&user, conversation, None, 50)
        .expect("a page");
    assert_eq!(page.messages, raw_page(&raw, conversation));
    assert_eq!(page.messages.len(), (messages / USERS).clamp(1, 50));
    let counts = portal.unread_counts(&big.provider).expect("counts");
    let raw_counts = raw_unread(&raw, big.provider.id);
    assert_eq!(counts.conversations.len(), caseload.len());
    assert_eq!(
        counts
            .conversations
            .iter()
            .map(|u| (u.conversation, u.unread))
            .collect::<Vec<_>>(),
        raw_counts
    );

    let mut group = c.benchmark_group("page_of_50");
    let mut k = 0usize;
    let mut next = || {
        k = (k + 1) % caseload.len();
        caseload[k]
    };
    group.bench_function("portal_service_user", |b| {
        b.iter(|| {
            let (user, conversation) = next();
            portal
                .messages(&user, black_box(conversation), None, 50)
                .expect("a page")
        })
    });
    group.bench_function("portal_provider_logged", |b| {
        b.iter(|| {
            let (_, conversation) = next();
            portal
                .messages(&big.provider, black_box(conversation), None, 50)
                .expect("a page")
        })
    });
    group.bench_function("raw_rusqlite", |b| {
        b.iter(|| {
            let (_, conversation) = next();
            raw_page(&raw, black_box(conversation))
        })
    });
    group.bench_function("raw_rusqlite_logged", |b| {
        b.iter(|| {
            let (user, conversation) = next();
            raw_page_logged(&raw, big.provider.id, user.id, black_box(conversation))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("unread_counts_50_users");
    group.bench_function("portal", |b| {
        b.iter(|| {
            portal
                .unread_counts(black_box(&big.provider))
                .expect("counts")
        })
    });
    group.bench_function("raw_rusqlite", |b| {
        b.iter(|| raw_unread(&raw, black_box(big.provider.id)))
    });
    group.finish();

    let n = caseload.len();
    percentiles("page_of_50/portal_service_user", PERCENTILE_CALLS, |i| {
        let (user, conversation) = caseload[i % n];
        portal
            .messages(&user, conversation, None, 50)
            .expect("a page");
    });
    percentiles("page_of_50/portal_provider_logged", PERCENTILE_CALLS, |i| {
        portal
            .messages(&big.provider, caseload[i % n].1, None, 50)
            .expect("a page");
    });
    percentiles("page_of_50/raw_rusqlite", PERCENTILE_CALLS, |i| {
        raw_page(&raw, caseload[i % n].1);
    });
    percentiles("page_of_50/raw_rusqlite_logged", PERCENTILE_CALLS, |i| {
        let (user, conversation) = caseload[i % n];
        raw_page_logged(&raw, big.provider.id, user.id, conversation);
    });
    percentiles("unread_counts_50_users/portal", PERCENTILE_CALLS, |_| {
        portal.unread_counts(&big.provider).expect("counts");
    });
    percentiles(
        "unread_counts_50_users/raw_rusqlite",
        PERCENTILE_CALLS,
        |_| {
            raw_unread(&raw, big.provider.id);
        },
    );
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5))
}

criterion_group! {
    name = messaging;
    config = config();
    targets = send_message, big_store
}
criterion_main!(messaging);
