//! Sharing and the access log: a permission-checked read of a shared goal list beside the same
//! read unchecked, and verification of a 1,000,000-entry hash chain beside a raw-rusqlite
//! baseline that reads the same rows and hashes the same bytes.
//!
//! `cargo bench -p benches --bench sharing`

use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use recovery_core::model::audit::{AccessAction, AccessEvent, Outcome};
use recovery_core::model::team::{Level, Scope};
use recovery_core::policy::audit::{GENESIS, chain_hash, encode};
use recovery_core::*;
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

const CHAIN: u64 = 1_000_000;

/// A service user with 20 goals in one domain, shared with a nurse at `View`.
fn shared_goals(portal: &Portal) -> (Actor, Actor, Scope) {
    let anna = Actor::new(
        portal
            .register(NewPerson::service_user("Anna"))
            .expect("register")
            .id,
    );
    let nurse = Actor::new(
        portal
            .register(NewPerson::provider(
                "Nils",
                Profession::MentalHealthNurse,
                "DPS",
            ))
            .expect("register")
            .id,
    );
    let housing = DomainRef::Catalogue("housing".into());
    for i in 0..20 {
        portal
            .add_goal(
                &anna,
                NewGoal::new(housing.clone(), format!("Goal number {i}")),
            )
            .expect("goal");
    }
    let invitation = portal.invite(&anna, nurse.id).expect("invite");
    portal
        .accept_invitation(&nurse, invitation.id)
        .expect("accept");
    let scope = Scope::Domain(housing);
    portal
        .share(&anna, nurse.id, scope.clone(), Sharing::level(Level::View))
        .expect("share");
    (anna, nurse, scope)
}

fn checked_read(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let portal =
        Portal::open(dir.path().join("bench.sqlite"), PortalConfig::default()).expect("open");
    let (anna, nurse, scope) = shared_goals(&portal);
    let mut group = c.benchmark_group("shared_goal_list");
    group.bench_function("unchecked_owner_read", |b| {
        b.iter(|| portal.view(&anna, anna.id, &scope).expect("owner view"))
    });
    group.bench_function("checked_provider_read", |b| {
        b.iter(|| portal.view(&nurse, anna.id, &scope).expect("provider view"))
    });
    group.finish();
}

/// Writes a chain of `n` entries straight into the store's table, hashed as the portal hashes.
fn write_chain(path: &std::path::Path, n: u64) {
    {
        // Let the store create the schema.
        Portal::open(path, PortalConfig::default()).expect("open");
    }
    let mut conn = Connection::open(path).expect("raw open");
    let tx = conn.transaction().expect("tx");
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO access_log (seq, at, actor, subject, action, scope, counterpart, target,
                                         level, outcome, reason, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, 'view', 'diary', NULL, NULL, NULL, 'allowed', NULL, ?5, ?6)",
            )
            .expect("prepare");
        let actor = UserId::new();
        let subject = UserId::new();
        let start = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("time");
        let mut prev = GENESIS;
        for seq in 1..=n {
            let event = AccessEvent {
                at: start + chrono::Duration::milliseconds(seq as i64),
                actor,
                subject,
                action: AccessAction::View,
                scope: Some(Scope::Diary),
                counterpart: None,
                target: None,
                level: None,
                outcome: Outcome::Allowed,
                moderation_reason: None,
            };
            let hash = chain_hash(&prev, &event);
            insert
                .execute(params![
                    seq as i64,
                    event.at.timestamp_nanos_opt().expect("nanos"),
                    actor.as_uuid().as_bytes(),
                    subject.as_uuid().as_bytes(),
                    prev.to_vec(),
                    hash.to_vec(),
                ])
                .expect("insert");
            prev = hash;
        }
    }
    tx.commit().expect("commit");
}

/// The raw baseline: read every row in order and recompute each hash from the same canonical
/// bytes, checking the links. No decoding into the portal's types beyond what hashing needs.
fn raw_verify(conn: &Connection) -> u64 {
    let mut stmt = conn
        .prepare_cached("SELECT at, actor, subject, prev_hash, hash FROM access_log ORDER BY seq")
        .expect("prepare");
    let mut rows = stmt.query([]).expect("query");
    let mut head = GENESIS;
    let mut count = 0;
    let mut buf = Vec::with_capacity(192);
    while let Some(row) = rows.next().expect("row") {
        let event = AccessEvent {
            at: chrono::DateTime::from_timestamp_nanos(row.get(0).expect("at")),
            actor: UserId::from_uuid(
                uuid::Uuid::from_slice(row.get_ref(1).expect("actor").as_blob().expect("blob"))
                    .expect("uuid"),
            ),
            subject: UserId::from_uuid(
                uuid::Uuid::from_slice(row.get_ref(2).expect("subject").as_blob().expect("blob"))
                    .expect("uuid"),
            ),
            action: AccessAction::View,
            scope: Some(Scope::Diary),
            counterpart: None,
            target: None,
            level: None,
            outcome: Outcome::Allowed,
            moderation_reason: None,
        };
        let prev: [u8; 32] = row
            .get_ref(3)
            .expect("prev")
            .as_blob()
            .expect("blob")
            .try_into()
            .expect("32");
        let hash: [u8; 32] = row
            .get_ref(4)
            .expect("hash")
            .as_blob()
            .expect("blob")
            .try_into()
            .expect("32");
        buf.clear();
        buf.extend_from_slice(&prev);
        encode(&event, &mut buf);
        let recomputed: [u8; 32] = Sha256::digest(&buf).into();
        assert!(
            prev == head && recomputed == hash,
            "chain broken at {count}"
        );
        head = hash;
        count += 1;
    }
    count
}

fn verify_chain(c: &mut Criterion) {
    let n = std::env::var("CHAIN_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CHAIN);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("chain.sqlite");
    write_chain(&path, n);
    let portal = Portal::open(&path, PortalConfig::default()).expect("open");
    let raw = Connection::open(&path).expect("raw open");
    let mut group = c.benchmark_group("verify_access_log");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(n));
    group.bench_with_input(BenchmarkId::new("raw_rusqlite", n), &n, |b, &n| {
        b.iter(|| assert_eq!(raw_verify(&raw), n))
    });
    group.bench_with_input(BenchmarkId::new("portal", n), &n, |b, &n| {
        b.iter(|| {
            let report = portal.verify_access_log().expect("verify");
            assert!(report.is_intact());
            assert_eq!(report.entries, n);
        })
    });
    group.finish();
}

criterion_group!(benches, checked_read, verify_chain);
criterion_main!(benches);
