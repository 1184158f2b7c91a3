//! Tests of the SQLite store. Where behaviour is shared with the memory store, the memory store
//! is the reference: the same writes go to both and every read must agree exactly.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use super::SqliteStore;
use crate::model::ids::*;
use crate::model::people::{Person, Profession, ProviderDetails, Role};
use crate::model::toolbox::*;
use crate::store::{MemoryStore, Store, StoreError, Transaction, TxMode};

mod audit;
mod forum;
mod messaging;
mod migrations;
mod opening;
mod portal;
mod query_plans;
mod team;
mod toolbox;
mod transactions;

/// A time with nanoseconds, as `Utc::now()` gives them.
fn at(day: u32, nanos: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, day, 9, 30, 0).unwrap() + Duration::nanoseconds(nanos)
}

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, day).unwrap()
}

fn service_user(name: &str) -> Person {
    Person {
        id: UserId::new(),
        role: Role::ServiceUser,
        display_name: name.to_owned(),
        provider: None,
        registered_at: at(1, 123_456_789),
    }
}

fn provider(name: &str) -> Person {
    Person {
        id: UserId::new(),
        role: Role::Provider,
        display_name: name.to_owned(),
        provider: Some(ProviderDetails {
            profession: Profession::MentalHealthNurse,
            organisation: "Bydel Sagene DPS".to_owned(),
        }),
        registered_at: at(2, 1),
    }
}

/// Version 1 of a new item.
fn record(owner: &Person, created_at: DateTime<Utc>, body: ItemBody) -> ItemRecord {
    ItemRecord {
        id: ItemId::new(),
        owner: owner.id,
        version: 1,
        created_at,
        updated_at: created_at,
        updated_by: owner.id,
        removed: false,
        body,
    }
}

/// The next version of `previous`.
fn revised(
    previous: &ItemRecord,
    by: UserId,
    updated_at: DateTime<Utc>,
    body: ItemBody,
    removed: bool,
) -> ItemRecord {
    ItemRecord {
        version: previous.version + 1,
        updated_at,
        updated_by: by,
        removed,
        body,
        ..previous.clone()
    }
}

/// One body of every kind, with the awkward values each can hold: non-ASCII and multi-line
/// text, quotes, empty strings, optional fields both set and unset, and numbers that JSON
/// parsers are known to round badly.
fn every_kind(owner: &Person, provider: &Person) -> Vec<ItemBody> {
    let own_domain = DomainId::new();
    let goal = GoalId::new();
    let activity = ActivityId::new();
    let measure = MeasureId::new();
    let housing = DomainRef::Catalogue("housing".to_owned());
    vec![
        ItemBody::Domain(OwnDomain {
            label: "Musikk 🎸 og \"venner\"".to_owned(),
        }),
        ItemBody::WhatMatters(WhatMatters {
            text: "My daughter.\nMy dog, Bamse.\n\tAnd the sea.".to_owned(),
        }),
        ItemBody::Status(StatusEntry {
            domain: DomainRef::Own(own_domain),
            now: "Bedre enn i går — æøå ÆØÅ".to_owned(),
            helps: String::new(),
            hinders: "\\ backslashes \\ and \u{0}-free control \u{7} text".to_owned(),
            rating: Some(10),
        }),
        ItemBody::Goal(Goal {
            domain: housing.clone(),
            title: "Find a flat".to_owned(),
            why: "Space of my own".to_owned(),
            target_date: Some(date(31)),
            lifecycle: GoalLifecycle::OnHold,
            achievement: Some(GoalAchievement::NotAttainable),
            authored_by: provider.id,
        }),
        ItemBody::Activity(Activity {
            goal,
            domain: housing,
            title: "Call the housing office".to_owned(),
            due: None,
            state: ActivityState::Skipped,
            authored_by: owner.id,
        }),
        ItemBody::ActivityCompletion(ActivityCompletion {
            activity,
            on: date(5),
            note: String::new(),
        }),
        ItemBody::Medication(Medication {
            name: "Sertraline".to_owned(),
            dose: "50 mg".to_owned(),
            purpose: "Mood".to_owned(),
            prescribed: true,
            status: MedicationStatus::EnteredInError,
            experiences: "Nausea the first week".to_owned(),
            questions: "Can I drink coffee?".to_owned(),
        }),
        ItemBody::NetworkPerson(NetworkPerson {
            label: "Mum".to_owned(),
            relation: Relation::Family,
            closeness: 1,
            support: vec![SupportKind::Crisis, SupportKind::Emotional],
            provider: Some(provider.id),
        }),
        ItemBody::CrisisPlan(CrisisPlan {
            warning_signs: "Not sleeping".to_owned(),
            ..CrisisPlan::default()
        }),
        ItemBody::ExerciseCompletion(ExerciseCompletion {
            exercise: "sleep-hygiene".to_owned(),
            on: NaiveDate::from_ymd_opt(1999, 12, 31).unwrap(),
            note: "🌙".to_owned(),
        }),
        ItemBody::Diary(DiaryEntry {
            day: date(7),
            text: "x".repeat(20_000),
        }),
        ItemBody::Measure(Measure {
            name: "Hours of sleep".to_owned(),
            kind: MeasureKind::Number {
                unit: "hours".to_owned(),
            },
        }),
        ItemBody::Registration(Registration {
            measure,
            day: date(8),
            // 17 significant digits: the kind of number a JSON parser may round.
            value: MeasureValue::Number(0.1 + 0.2),
        }),
    ]
}

/// A store in memory and an SQLite store in memory, for comparing the two.
fn both() -> (MemoryStore, SqliteStore) {
    (MemoryStore::new(), SqliteStore::open_in_memory().unwrap())
}

/// Runs `f` in a write transaction of each store and commits; returns both results.
fn write_both<T>(
    stores: &(MemoryStore, SqliteStore),
    f: impl Fn(&mut dyn Transaction) -> Result<T, StoreError>,
) -> (Result<T, StoreError>, Result<T, StoreError>) {
    let run = |store: &dyn Store| {
        let mut tx = store.transaction(TxMode::Write).unwrap();
        let out = f(tx.as_mut());
        tx.commit().unwrap();
        out
    };
    (run(&stores.0), run(&stores.1))
}

/// Runs `f` in a read transaction of each store and asserts both give the same answer.
fn read_both<T: PartialEq + std::fmt::Debug>(
    stores: &(MemoryStore, SqliteStore),
    f: impl Fn(&mut dyn Transaction) -> Result<T, StoreError>,
) -> T {
    let run = |store: &dyn Store| {
        let mut tx = store.transaction(TxMode::Read).unwrap();
        let out = f(tx.as_mut()).unwrap();
        tx.commit().unwrap();
        out
    };
    let (memory, sqlite) = (run(&stores.0), run(&stores.1));
    assert_eq!(
        sqlite, memory,
        "the SQLite store disagrees with the memory store"
    );
    sqlite
}

/// Writes in one committed write transaction.
fn write(store: &dyn Store, f: impl FnOnce(&mut dyn Transaction) -> Result<(), StoreError>) {
    let mut tx = store.transaction(TxMode::Write).unwrap();
    f(tx.as_mut()).unwrap();
    tx.commit().unwrap();
}

/// Reads in one read transaction.
fn read<T>(store: &dyn Store, f: impl FnOnce(&mut dyn Transaction) -> Result<T, StoreError>) -> T {
    let mut tx = store.transaction(TxMode::Read).unwrap();
    let out = f(tx.as_mut()).unwrap();
    tx.commit().unwrap();
    out
}
