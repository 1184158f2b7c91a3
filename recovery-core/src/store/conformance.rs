//! The store conformance suite: what every [`Store`] must do, as runnable cases.
//!
//! The crate runs this suite against [`MemoryStore`](super::MemoryStore) and the SQLite store; a
//! host that implements [`Store`] over its own database runs it too, with
//! [`store_conformance_tests!`](crate::store_conformance_tests) (one `#[test]` per case) or by
//! calling the case functions below, each of which takes a fresh, empty store and panics with a
//! message naming the broken rule.
//!
//! The contract the cases check, beyond each method's own documentation:
//!
//! - **Transactions.** Writes are visible to the transaction that made them at once, and to
//!   everyone else after [`Transaction::commit`]. Dropping a transaction without committing takes
//!   back every write it made: people, new items and new versions of existing items. Transactions
//!   may run from several threads at once.
//! - **Conflicts write nothing.** A write that fails with [`StoreError::Conflict`] leaves no trace,
//!   and the transaction stays usable: its other writes can still commit.
//! - **Exact round trips.** Every field comes back exactly as it was written: text byte for byte
//!   (the store never normalises; the portal already has), numbers bit for bit (including `-0.0`,
//!   subnormals and values a float parser rounds wrongly without care), dates and times, `None`
//!   and `Some`.
//! - **Time precision.** Stores must keep times to the microsecond at least, for every time
//!   from year 1900 through year 2200 (the years the portal accepts in dates). The suite's
//!   times are whole microseconds (nothing below the microsecond), so a store that keeps
//!   microseconds passes; the times the portal writes must therefore be whole microseconds too,
//!   or such a store would change them.
//! - **Listing.** [`ToolboxTx::items`](super::ToolboxTx::items) applies its filters to each
//!   item's latest version, orders by `created_at` and then id (ids compare as UUIDs, byte by
//!   byte), oldest first unless `newest_first`, and applies `limit` last.
//!
//! Stores may enforce references (an item's owner, a version's author, an activity's goal, a
//! registration's measure): the suite always writes the people and parent items it refers to
//! first.

use std::thread;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::{ItemQuery, Store, StoreError, Transaction, TxMode};
use crate::model::ids::*;
use crate::model::people::{Person, Profession, ProviderDetails, Role};
use crate::model::toolbox::*;

/// Generates one `#[test]` per case of the [store conformance suite](crate::store::conformance)
/// for a store.
///
/// The argument is an expression that gives a closure making a fresh, empty store: the closure
/// is called once per test. Invoke the macro inside a test module of the crate that owns the
/// store; the crate needs `recovery-core` with the `testing` feature (a dev-dependency is
/// enough).
///
/// A store that needs something kept alive beside it (a temporary directory, a database
/// server's test schema) is wrapped in a type that holds both and implements
/// [`Store`](crate::store::Store) by
/// delegating, as `HostStore` does here. Cases that fail name the rule the store broke.
///
/// ```
/// use recovery_core::store::{MemoryStore, Store, StoreError, Transaction, TxMode};
///
/// /// A host's store. Here it keeps its data in a `MemoryStore`; a real one would hold a
/// /// connection pool, and the guard of its test database.
/// #[derive(Default)]
/// struct HostStore {
///     inner: MemoryStore,
/// }
///
/// impl Store for HostStore {
///     fn transaction(&self, mode: TxMode) -> Result<Box<dyn Transaction + '_>, StoreError> {
///         self.inner.transaction(mode)
///     }
/// }
///
/// // In the host's tests (e.g. `tests/store.rs`), this one line is the whole suite:
/// recovery_core::store_conformance_tests!(|| HostStore::default());
///
/// // The cases are plain functions too, for a harness of the host's own.
/// recovery_core::store::conformance::insert_then_read_item(&HostStore::default());
/// for (name, case) in recovery_core::store::conformance::CASES {
///     println!("running {name}");
///     case(&HostStore::default());
/// }
/// ```
#[macro_export]
macro_rules! store_conformance_tests {
    // The one list of cases; `@tests` and `@cases` render it.
    (@list $render:ident $args:tt) => {
        $crate::store_conformance_tests! {@$render $args;
            people_round_trip_in_every_role,
            unknown_person_is_none,
            insert_person_with_existing_id_is_conflict,
            insert_then_read_item,
            unknown_item_is_none_with_empty_history,
            insert_existing_item_id_is_conflict,
            insert_version_other_than_one_is_conflict,
            update_keeps_every_version_in_order,
            update_with_version_gap_is_conflict,
            update_changing_owner_is_conflict,
            update_changing_kind_is_conflict,
            update_changing_created_at_is_conflict,
            update_of_unknown_item_is_conflict,
            item_returns_latest_version_even_when_removed,
            transaction_reads_its_own_writes,
            commit_makes_writes_visible,
            dropped_transaction_rolls_back_people,
            dropped_transaction_rolls_back_new_items,
            dropped_transaction_rolls_back_new_versions,
            dropped_transaction_rolls_back_every_write_together,
            transactions_from_many_threads_all_commit,
            items_lists_only_the_owners_items,
            items_filters_by_kind,
            items_filters_by_domain,
            items_filters_by_parent,
            items_leaves_out_removed_unless_asked,
            items_filters_by_created_since,
            items_filters_on_the_latest_version,
            items_orders_by_created_at_then_id,
            items_newest_first_reverses_the_order,
            items_limit_truncates_after_ordering,
            every_item_kind_round_trips_exactly,
            text_round_trips_byte_for_byte,
            registration_numbers_round_trip_bit_for_bit,
            times_round_trip_to_the_microsecond,
            dates_round_trip_at_the_edges,
        }
    };
    (@tests ($make:expr); $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                let make = $make;
                let store = make();
                $crate::store::conformance::$case(&store);
            }
        )*
    };
    (@cases (); $($case:ident),* $(,)?) => {
        &[$(
            (
                ::core::stringify!($case),
                $crate::store::conformance::$case as $crate::store::conformance::Case,
            )
        ),*]
    };
    ($make:expr) => {
        $crate::store_conformance_tests!(@list tests ($make));
    };
    ($make:expr,) => {
        $crate::store_conformance_tests!($make);
    };
}

/// One case of the suite: give it a fresh, empty store; it panics if the store breaks a rule.
pub type Case = fn(&dyn Store);

/// Every case of the suite by name, for hosts that run them from a harness of their own. Each
/// case wants a fresh, empty store.
pub const CASES: &[(&str, Case)] = crate::store_conformance_tests!(@list cases ());

// ----- helpers ---------------------------------------------------------------------------------

fn begin(store: &dyn Store, mode: TxMode) -> Box<dyn Transaction + '_> {
    store
        .transaction(mode)
        .expect("the store starts a transaction")
}

/// Runs `f` in a write transaction and commits.
fn write<T>(store: &dyn Store, f: impl FnOnce(&mut dyn Transaction) -> T) -> T {
    let mut tx = begin(store, TxMode::Write);
    let out = f(tx.as_mut());
    tx.commit().expect("a write transaction commits");
    out
}

/// Runs `f` in a read transaction and commits.
fn read<T>(store: &dyn Store, f: impl FnOnce(&mut dyn Transaction) -> T) -> T {
    let mut tx = begin(store, TxMode::Read);
    let out = f(tx.as_mut());
    tx.commit().expect("a read transaction commits");
    out
}

/// A moment in the suite's timeline: 2024-03-01 09:30 UTC plus whole microseconds.
fn at(micros: i64) -> DateTime<Utc> {
    let start = Utc
        .with_ymd_and_hms(2024, 3, 1, 9, 30, 0)
        .single()
        .expect("a valid start time");
    start + Duration::microseconds(micros)
}

/// Microseconds in a second, for readable offsets.
const SECOND: i64 = 1_000_000;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

fn person(role: Role, name: &str) -> Person {
    Person {
        id: UserId::new(),
        role,
        display_name: name.to_owned(),
        provider: (role == Role::Provider).then(|| ProviderDetails {
            profession: Profession::MentalHealthNurse,
            organisation: "Lovisenberg DPS".to_owned(),
        }),
        registered_at: at(123_456),
    }
}

/// A service user, written and committed.
fn service_user(store: &dyn Store, name: &str) -> UserId {
    let p = person(Role::ServiceUser, name);
    write(store, |tx| tx.insert_person(&p)).expect("a new person is written");
    p.id
}

fn record(owner: UserId, created_at: DateTime<Utc>, body: ItemBody) -> ItemRecord {
    ItemRecord {
        id: ItemId::new(),
        owner,
        version: 1,
        created_at,
        updated_at: created_at,
        updated_by: owner,
        removed: false,
        body,
    }
}

/// The next version of `previous`, written at `when` with a new body.
fn revised(previous: &ItemRecord, when: DateTime<Utc>, body: ItemBody) -> ItemRecord {
    ItemRecord {
        version: previous.version + 1,
        updated_at: when,
        body,
        ..previous.clone()
    }
}

/// The next version of `previous`, removing it.
fn removal(previous: &ItemRecord, when: DateTime<Utc>) -> ItemRecord {
    ItemRecord {
        removed: true,
        ..revised(previous, when, previous.body.clone())
    }
}

fn housing() -> DomainRef {
    DomainRef::Catalogue("housing".to_owned())
}

fn finances() -> DomainRef {
    DomainRef::Catalogue("finances".to_owned())
}

fn goal_content(domain: DomainRef, title: &str, author: UserId) -> Goal {
    Goal {
        domain,
        title: title.to_owned(),
        why: String::new(),
        target_date: None,
        lifecycle: GoalLifecycle::Active,
        achievement: None,
        authored_by: author,
    }
}

fn goal(domain: DomainRef, title: &str, author: UserId) -> ItemBody {
    ItemBody::Goal(goal_content(domain, title, author))
}

fn activity(goal: ItemId, domain: DomainRef, title: &str, author: UserId) -> ItemBody {
    ItemBody::Activity(Activity {
        goal: GoalId::from_uuid(goal.as_uuid()),
        domain,
        title: title.to_owned(),
        due: None,
        state: ActivityState::Planned,
        authored_by: author,
    })
}

fn status(domain: DomainRef, now: &str) -> ItemBody {
    ItemBody::Status(StatusEntry {
        domain,
        now: now.to_owned(),
        helps: String::new(),
        hinders: String::new(),
        rating: None,
    })
}

fn medication(name: &str) -> ItemBody {
    ItemBody::Medication(Medication {
        name: name.to_owned(),
        dose: String::new(),
        purpose: String::new(),
        prescribed: true,
        status: MedicationStatus::Active,
        experiences: String::new(),
        questions: String::new(),
    })
}

fn diary(on: NaiveDate, text: &str) -> ItemBody {
    ItemBody::Diary(DiaryEntry {
        day: on,
        text: text.to_owned(),
    })
}

fn measure(name: &str, kind: MeasureKind) -> ItemBody {
    ItemBody::Measure(Measure {
        name: name.to_owned(),
        kind,
    })
}

fn registration(measure: ItemId, on: NaiveDate, value: MeasureValue) -> ItemBody {
    ItemBody::Registration(Registration {
        measure: MeasureId::from_uuid(measure.as_uuid()),
        day: on,
        value,
    })
}

/// Inserts records in one transaction and commits.
fn insert_all(store: &dyn Store, records: &[ItemRecord]) {
    write(store, |tx| {
        for r in records {
            tx.insert_item(r)
                .unwrap_or_else(|e| panic!("insert of item {} failed: {e}", r.id));
        }
    });
}

fn insert_one(store: &dyn Store, record: &ItemRecord) {
    insert_all(store, std::slice::from_ref(record));
}

fn update_one(store: &dyn Store, record: &ItemRecord) {
    update_all(store, std::slice::from_ref(record));
}

/// Writes next versions in one transaction and commits.
fn update_all(store: &dyn Store, records: &[ItemRecord]) {
    write(store, |tx| {
        for r in records {
            tx.update_item(r).unwrap_or_else(|e| {
                panic!(
                    "update of item {} to version {} failed: {e}",
                    r.id, r.version
                )
            });
        }
    });
}

fn list(store: &dyn Store, query: &ItemQuery) -> Vec<ItemRecord> {
    read(store, |tx| tx.items(query)).expect("items can be listed")
}

fn ids(records: &[ItemRecord]) -> Vec<ItemId> {
    records.iter().map(|r| r.id).collect()
}

fn item(store: &dyn Store, id: ItemId) -> Option<ItemRecord> {
    read(store, |tx| tx.item(id)).expect("an item can be read")
}

fn history(store: &dyn Store, id: ItemId) -> Vec<ItemRecord> {
    read(store, |tx| tx.item_history(id)).expect("an item's history can be read")
}

fn assert_conflict(result: Result<(), StoreError>, what: &str) {
    match result {
        Err(StoreError::Conflict { .. }) => {}
        Err(other) => panic!("{what}: expected StoreError::Conflict, got {other:?}"),
        Ok(()) => panic!("{what}: expected StoreError::Conflict, but the write succeeded"),
    }
}

/// Tries a write that must conflict, then checks in the same transaction and after committing
/// it that `id` still reads as `expected` with `versions` versions.
fn assert_conflict_writes_nothing(
    store: &dyn Store,
    what: &str,
    attempt: impl FnOnce(&mut dyn Transaction) -> Result<(), StoreError>,
    id: ItemId,
    expected: &ItemRecord,
    versions: usize,
) {
    let mut tx = begin(store, TxMode::Write);
    assert_conflict(attempt(tx.as_mut()), what);
    let inside = tx.item(id).expect("an item can be read after a conflict");
    assert_eq!(
        inside.as_ref(),
        Some(expected),
        "{what}: the item changed inside the transaction"
    );
    let history = tx
        .item_history(id)
        .expect("history can be read after a conflict");
    assert_eq!(
        history.len(),
        versions,
        "{what}: the history changed inside the transaction"
    );
    tx.commit()
        .expect("a transaction whose write conflicted still commits");
    assert_eq!(
        item(store, id).as_ref(),
        Some(expected),
        "{what}: the item changed after commit"
    );
    assert_eq!(
        history_len(store, id),
        versions,
        "{what}: the history changed after commit"
    );
}

fn history_len(store: &dyn Store, id: ItemId) -> usize {
    history(store, id).len()
}

/// Compares records exactly, numbers bit for bit (`==` on `f64` takes `-0.0` for `0.0`).
fn assert_same_records(got: &[ItemRecord], want: &[ItemRecord], what: &str) {
    assert_eq!(got, want, "{what}: records differ");
    for (g, w) in got.iter().zip(want) {
        if let (ItemBody::Registration(g), ItemBody::Registration(w)) = (&g.body, &w.body) {
            if let (MeasureValue::Number(g), MeasureValue::Number(w)) = (g.value, w.value) {
                assert_eq!(
                    g.to_bits(),
                    w.to_bits(),
                    "{what}: number {w:e} came back as {g:e}"
                );
            }
        }
    }
}

// ----- people ----------------------------------------------------------------------------------

/// A person of every role, and a provider of every profession, reads back exactly as written.
pub fn people_round_trip_in_every_role(store: &dyn Store) {
    let mut people: Vec<Person> = Role::ALL
        .into_iter()
        .map(|role| person(role, "Kari Nordmann"))
        .collect();
    let professions = [
        Profession::Psychologist,
        Profession::Psychiatrist,
        Profession::Physician,
        Profession::MentalHealthNurse,
        Profession::SocialWorker,
        Profession::OccupationalTherapist,
        Profession::SocialEducator,
        Profession::PeerWorker,
        Profession::Other,
    ];
    for (i, profession) in professions.into_iter().enumerate() {
        let mut p = person(Role::Provider, "Åse Ødegård-Ståhl ✓");
        p.provider = Some(ProviderDetails {
            profession,
            organisation: format!("Helse Sør-Øst, avdeling {i} «Ullevål»"),
        });
        p.registered_at = at(i64::try_from(i).expect("small") * SECOND + 999_999);
        people.push(p);
    }
    write(store, |tx| {
        for p in &people {
            tx.insert_person(p).expect("a new person is written");
        }
    });
    for p in &people {
        let back = read(store, |tx| tx.person(p.id)).expect("a person can be read");
        assert_eq!(back.as_ref(), Some(p), "person {} ({:?})", p.id, p.role);
    }
}

/// Reading a person nobody wrote gives `None`, not an error.
pub fn unknown_person_is_none(store: &dyn Store) {
    service_user(store, "Anna");
    let unknown = read(store, |tx| tx.person(UserId::new())).expect("a person can be read");
    assert_eq!(unknown, None);
}

/// Inserting a person whose id exists is a conflict and leaves the first person as it was.
pub fn insert_person_with_existing_id_is_conflict(store: &dyn Store) {
    let first = person(Role::ServiceUser, "Anna");
    write(store, |tx| tx.insert_person(&first)).expect("a new person is written");
    let same_id = Person {
        display_name: "Someone else".to_owned(),
        role: Role::Admin,
        ..first.clone()
    };
    let mut tx = begin(store, TxMode::Write);
    assert_conflict(
        tx.insert_person(&same_id),
        "insert of an existing person id",
    );
    tx.commit()
        .expect("a transaction whose write conflicted still commits");
    let back = read(store, |tx| tx.person(first.id)).expect("a person can be read");
    assert_eq!(back, Some(first));
}

// ----- inserting and updating items ------------------------------------------------------------

/// A new item reads back exactly, as its latest version and as a history of one.
pub fn insert_then_read_item(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let r = record(anna, at(0), goal(housing(), "Find a flat of my own", anna));
    insert_one(store, &r);
    assert_eq!(item(store, r.id), Some(r.clone()));
    assert_eq!(history(store, r.id), vec![r.clone()]);
    assert_eq!(list(store, &ItemQuery::owner(anna)), vec![r]);
}

/// An id nobody wrote reads as `None` with an empty history.
pub fn unknown_item_is_none_with_empty_history(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    insert_all(store, &[record(anna, at(0), medication("Sertraline"))]);
    let unknown = ItemId::new();
    assert_eq!(item(store, unknown), None);
    assert_eq!(history(store, unknown), Vec::new());
}

/// Inserting an item whose id exists is a conflict, even as version 1 with other content, and
/// writes nothing.
pub fn insert_existing_item_id_is_conflict(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let first = record(anna, at(0), medication("Sertraline"));
    insert_one(store, &first);
    let again = ItemRecord {
        created_at: at(SECOND),
        updated_at: at(SECOND),
        body: medication("Melatonin"),
        ..first.clone()
    };
    assert_conflict_writes_nothing(
        store,
        "insert of an existing item id",
        |tx| tx.insert_item(&again),
        first.id,
        &first,
        1,
    );
    assert_eq!(list(store, &ItemQuery::owner(anna)), vec![first]);
}

/// Inserting a new item as any version but 1 is a conflict and writes nothing.
pub fn insert_version_other_than_one_is_conflict(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    for version in [0, 2, u32::MAX] {
        let r = ItemRecord {
            version,
            ..record(anna, at(0), medication("Sertraline"))
        };
        let mut tx = begin(store, TxMode::Write);
        assert_conflict(tx.insert_item(&r), &format!("insert of version {version}"));
        tx.commit()
            .expect("a transaction whose write conflicted still commits");
        assert_eq!(item(store, r.id), None, "version {version} was written");
        assert_eq!(
            history_len(store, r.id),
            0,
            "version {version} left history"
        );
    }
    assert_eq!(list(store, &ItemQuery::owner(anna)), Vec::new());
}

/// Every update adds a version; the history holds them all, version 1 first, each exactly as
/// written, and the latest is the item.
pub fn update_keeps_every_version_in_order(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let provider = person(Role::Provider, "Dr. Berg");
    write(store, |tx| tx.insert_person(&provider)).expect("a new person is written");
    let v1 = record(anna, at(0), goal(housing(), "Find a flat", anna));
    insert_one(store, &v1);
    let v2 = revised(
        &v1,
        at(SECOND),
        goal(housing(), "Find a flat near work", anna),
    );
    update_one(store, &v2);
    // A provider's accepted proposal is written by them: updated_by may differ from the owner.
    let v3 = ItemRecord {
        updated_by: provider.id,
        ..revised(
            &v2,
            at(2 * SECOND),
            goal(housing(), "Rent a flat near work", provider.id),
        )
    };
    let v4 = removal(&v3, at(3 * SECOND));
    update_one(store, &v3);
    update_one(store, &v4);
    assert_eq!(history(store, v1.id), vec![v1, v2, v3, v4.clone()]);
    assert_eq!(item(store, v4.id), Some(v4));
}

/// An update must be exactly the next version: a gap, a repeat or a step back is a conflict
/// and writes nothing.
pub fn update_with_version_gap_is_conflict(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let v1 = record(anna, at(0), medication("Sertraline"));
    insert_one(store, &v1);
    let v2 = revised(&v1, at(SECOND), medication("Sertraline 50 mg"));
    update_one(store, &v2);
    for version in [0, 1, 2, 4, u32::MAX] {
        let bad = ItemRecord {
            version,
            ..revised(&v2, at(2 * SECOND), medication("Sertraline 100 mg"))
        };
        assert_conflict_writes_nothing(
            store,
            &format!("update to version {version} after version 2"),
            |tx| tx.update_item(&bad),
            v1.id,
            &v2,
            2,
        );
    }
}

/// An update may not move an item to another owner.
pub fn update_changing_owner_is_conflict(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let bjorn = service_user(store, "Bjørn");
    let v1 = record(anna, at(0), medication("Sertraline"));
    insert_one(store, &v1);
    let bad = ItemRecord {
        owner: bjorn,
        ..revised(&v1, at(SECOND), medication("Sertraline"))
    };
    assert_conflict_writes_nothing(
        store,
        "update changing the owner",
        |tx| tx.update_item(&bad),
        v1.id,
        &v1,
        1,
    );
    assert_eq!(list(store, &ItemQuery::owner(bjorn)), Vec::new());
}

/// An update may not change an item's kind.
pub fn update_changing_kind_is_conflict(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let v1 = record(anna, at(0), medication("Sertraline"));
    insert_one(store, &v1);
    let bad = revised(&v1, at(SECOND), diary(day(2024, 3, 1), "Sertraline"));
    assert_conflict_writes_nothing(
        store,
        "update changing the kind",
        |tx| tx.update_item(&bad),
        v1.id,
        &v1,
        1,
    );
}

/// An update may not change when the item was created.
pub fn update_changing_created_at_is_conflict(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let v1 = record(anna, at(0), medication("Sertraline"));
    insert_one(store, &v1);
    for created_at in [at(1), at(-1), at(SECOND)] {
        let bad = ItemRecord {
            created_at,
            ..revised(&v1, at(2 * SECOND), medication("Sertraline"))
        };
        assert_conflict_writes_nothing(
            store,
            &format!("update changing created_at to {created_at}"),
            |tx| tx.update_item(&bad),
            v1.id,
            &v1,
            1,
        );
    }
}

/// Updating an item nobody inserted is a conflict and creates nothing.
pub fn update_of_unknown_item_is_conflict(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let ghost = revised(
        &record(anna, at(0), medication("Sertraline")),
        at(SECOND),
        medication("x"),
    );
    let mut tx = begin(store, TxMode::Write);
    assert_conflict(tx.update_item(&ghost), "update of an unknown item");
    tx.commit()
        .expect("a transaction whose write conflicted still commits");
    assert_eq!(item(store, ghost.id), None);
    assert_eq!(history_len(store, ghost.id), 0);
}

/// `item` gives the latest version, also when that version removed the item.
pub fn item_returns_latest_version_even_when_removed(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let v1 = record(anna, at(0), diary(day(2024, 3, 1), "A good day."));
    insert_one(store, &v1);
    let v2 = revised(
        &v1,
        at(SECOND),
        diary(day(2024, 3, 1), "A good day, mostly."),
    );
    update_one(store, &v2);
    assert_eq!(item(store, v1.id), Some(v2.clone()));
    let v3 = removal(&v2, at(2 * SECOND));
    update_one(store, &v3);
    let latest = item(store, v1.id).expect("a removed item still reads");
    assert!(latest.removed, "the latest version is the removal");
    assert_eq!(latest, v3);
}

// ----- transactions ----------------------------------------------------------------------------

/// A transaction sees its own writes before it commits.
pub fn transaction_reads_its_own_writes(store: &dyn Store) {
    let anna = person(Role::ServiceUser, "Anna");
    let mut tx = begin(store, TxMode::Write);
    tx.insert_person(&anna).expect("a new person is written");
    assert_eq!(
        tx.person(anna.id).expect("a person can be read"),
        Some(anna.clone())
    );
    let v1 = record(anna.id, at(0), medication("Sertraline"));
    tx.insert_item(&v1).expect("a new item is written");
    let v2 = revised(&v1, at(SECOND), medication("Sertraline 50 mg"));
    tx.update_item(&v2).expect("the next version is written");
    assert_eq!(
        tx.item(v1.id).expect("an item can be read"),
        Some(v2.clone())
    );
    assert_eq!(
        tx.items(&ItemQuery::owner(anna.id))
            .expect("items can be listed"),
        vec![v2.clone()]
    );
    assert_eq!(
        tx.item_history(v1.id).expect("history can be read"),
        vec![v1, v2]
    );
    tx.commit().expect("a write transaction commits");
}

/// After commit, a new transaction sees every write.
pub fn commit_makes_writes_visible(store: &dyn Store) {
    let anna = person(Role::ServiceUser, "Anna");
    let v1 = record(anna.id, at(0), medication("Sertraline"));
    let v2 = revised(&v1, at(SECOND), medication("Sertraline 50 mg"));
    let other = record(
        anna.id,
        at(2 * SECOND),
        diary(day(2024, 3, 1), "Slept well."),
    );
    write(store, |tx| {
        tx.insert_person(&anna).expect("a new person is written");
        tx.insert_item(&v1).expect("a new item is written");
        tx.update_item(&v2).expect("the next version is written");
        tx.insert_item(&other).expect("a new item is written");
    });
    assert_eq!(
        read(store, |tx| tx.person(anna.id)).expect("a person can be read"),
        Some(anna.clone())
    );
    assert_eq!(item(store, v1.id), Some(v2.clone()));
    assert_eq!(history(store, v1.id), vec![v1, v2.clone()]);
    assert_eq!(list(store, &ItemQuery::owner(anna.id)), vec![v2, other]);
}

/// A person written in a transaction that is dropped uncommitted is gone, and the id is free.
pub fn dropped_transaction_rolls_back_people(store: &dyn Store) {
    let anna = person(Role::ServiceUser, "Anna");
    {
        let mut tx = begin(store, TxMode::Write);
        tx.insert_person(&anna).expect("a new person is written");
    }
    assert_eq!(
        read(store, |tx| tx.person(anna.id)).expect("a person can be read"),
        None
    );
    write(store, |tx| tx.insert_person(&anna)).expect("the rolled-back id can be used again");
    assert_eq!(
        read(store, |tx| tx.person(anna.id)).expect("a person can be read"),
        Some(anna)
    );
}

/// A new item written in a transaction that is dropped uncommitted is gone: no latest version,
/// no history, not listed, and the id is free.
pub fn dropped_transaction_rolls_back_new_items(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let kept = record(anna, at(0), medication("Sertraline"));
    insert_one(store, &kept);
    let dropped = record(anna, at(SECOND), diary(day(2024, 3, 1), "Rolled back."));
    {
        let mut tx = begin(store, TxMode::Write);
        tx.insert_item(&dropped).expect("a new item is written");
    }
    assert_eq!(item(store, dropped.id), None);
    assert_eq!(history_len(store, dropped.id), 0);
    assert_eq!(list(store, &ItemQuery::owner(anna)), vec![kept.clone()]);
    insert_one(store, &dropped);
    assert_eq!(list(store, &ItemQuery::owner(anna)), vec![kept, dropped]);
}

/// New versions written in a transaction that is dropped uncommitted are gone: the item is back
/// at its committed version, with its committed history.
pub fn dropped_transaction_rolls_back_new_versions(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let v1 = record(anna, at(0), medication("Sertraline"));
    insert_one(store, &v1);
    let v2 = revised(&v1, at(SECOND), medication("Sertraline 50 mg"));
    let v3 = removal(&v2, at(2 * SECOND));
    {
        let mut tx = begin(store, TxMode::Write);
        tx.update_item(&v2).expect("the next version is written");
        tx.update_item(&v3).expect("the next version is written");
    }
    assert_eq!(item(store, v1.id), Some(v1.clone()));
    assert_eq!(history(store, v1.id), vec![v1.clone()]);
    assert_eq!(list(store, &ItemQuery::owner(anna)), vec![v1.clone()]);
    update_one(store, &v2);
    assert_eq!(history(store, v1.id), vec![v1, v2]);
}

/// One dropped transaction with every kind of write (a person, new items, versions of new and
/// of committed items) leaves the store exactly as it was.
pub fn dropped_transaction_rolls_back_every_write_together(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let committed = record(anna, at(0), goal(housing(), "Find a flat", anna));
    insert_one(store, &committed);
    let newcomer = person(Role::ServiceUser, "Bjørn");
    let fresh = record(newcomer.id, at(SECOND), medication("Lithium"));
    let activity = record(
        anna,
        at(2 * SECOND),
        activity(committed.id, housing(), "Call the housing office", anna),
    );
    {
        let mut tx = begin(store, TxMode::Write);
        tx.insert_person(&newcomer)
            .expect("a new person is written");
        tx.insert_item(&fresh).expect("a new item is written");
        tx.update_item(&revised(
            &fresh,
            at(3 * SECOND),
            medication("Lithium 300 mg"),
        ))
        .expect("the next version is written");
        tx.insert_item(&activity).expect("a new item is written");
        tx.update_item(&revised(
            &committed,
            at(4 * SECOND),
            goal(housing(), "Buy a flat", anna),
        ))
        .expect("the next version is written");
        tx.update_item(&removal(
            &revised(
                &committed,
                at(4 * SECOND),
                goal(housing(), "Buy a flat", anna),
            ),
            at(5 * SECOND),
        ))
        .expect("the next version is written");
    }
    read(store, |tx| {
        assert_eq!(tx.person(newcomer.id).expect("a person can be read"), None);
        assert_eq!(tx.item(fresh.id).expect("an item can be read"), None);
        assert_eq!(tx.item(activity.id).expect("an item can be read"), None);
        assert_eq!(
            tx.item(committed.id).expect("an item can be read"),
            Some(committed.clone())
        );
        assert_eq!(
            tx.item_history(committed.id).expect("history can be read"),
            vec![committed.clone()]
        );
        let mut everything = ItemQuery::owner(anna);
        everything.include_removed = true;
        assert_eq!(
            tx.items(&everything).expect("items can be listed"),
            vec![committed.clone()]
        );
        assert_eq!(
            tx.items(&ItemQuery::owner(newcomer.id))
                .expect("items can be listed"),
            Vec::new()
        );
    });
}

/// Transactions from several threads at once all commit, and nothing is lost.
pub fn transactions_from_many_threads_all_commit(store: &dyn Store) {
    const THREADS: usize = 4;
    const PER_THREAD: usize = 10;
    let anna = service_user(store, "Anna");
    let written: Vec<Vec<ItemRecord>> = thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                scope.spawn(move || {
                    (0..PER_THREAD)
                        .map(|i| {
                            let micros = i64::try_from(t * PER_THREAD + i).expect("small");
                            let r = record(anna, at(micros), medication(&format!("Med {t}-{i}")));
                            let v2 = revised(
                                &r,
                                at(micros + SECOND),
                                medication(&format!("Med {t}-{i} v2")),
                            );
                            write(store, |tx| {
                                tx.insert_item(&r).expect("a new item is written");
                                tx.update_item(&v2).expect("the next version is written");
                            });
                            v2
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a writer thread finished"))
            .collect()
    });
    let mut expected: Vec<ItemRecord> = written.into_iter().flatten().collect();
    expected.sort_by_key(|r| (r.created_at, r.id));
    assert_eq!(list(store, &ItemQuery::owner(anna)), expected);
    for r in &expected {
        assert_eq!(history_len(store, r.id), 2, "item {}", r.id);
    }
}

// ----- listing ---------------------------------------------------------------------------------

/// `items` lists the query's owner's items and nobody else's.
pub fn items_lists_only_the_owners_items(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let bjorn = service_user(store, "Bjørn");
    let a = record(anna, at(0), medication("Sertraline"));
    let b = record(bjorn, at(1), medication("Lithium"));
    let a2 = record(anna, at(2), diary(day(2024, 3, 1), "Anna's day."));
    insert_all(store, &[a.clone(), b.clone(), a2.clone()]);
    assert_eq!(list(store, &ItemQuery::owner(anna)), vec![a, a2]);
    assert_eq!(list(store, &ItemQuery::owner(bjorn)), vec![b]);
    assert_eq!(list(store, &ItemQuery::owner(UserId::new())), Vec::new());
}

/// `kinds` keeps the items of the listed kinds; empty keeps every kind.
pub fn items_filters_by_kind(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let med = record(anna, at(0), medication("Sertraline"));
    let entry = record(anna, at(1), diary(day(2024, 3, 1), "Slept well."));
    let g = record(anna, at(2), goal(housing(), "Find a flat", anna));
    let med2 = record(anna, at(3), medication("Melatonin"));
    insert_all(
        store,
        &[med.clone(), entry.clone(), g.clone(), med2.clone()],
    );
    let q = ItemQuery::owner(anna);
    assert_eq!(
        ids(&list(store, &q.clone().kind(ItemKind::Medication))),
        ids(&[med.clone(), med2.clone()])
    );
    assert_eq!(
        ids(&list(store, &q.clone().kind(ItemKind::Diary))),
        vec![entry.id]
    );
    assert_eq!(
        ids(&list(
            store,
            &q.clone().kinds(&[ItemKind::Goal, ItemKind::Medication])
        )),
        vec![med.id, g.id, med2.id]
    );
    assert_eq!(
        list(store, &q.clone().kind(ItemKind::CrisisPlan)),
        Vec::new()
    );
    assert_eq!(ids(&list(store, &q)), vec![med.id, entry.id, g.id, med2.id]);
}

/// `domain` keeps the status entries, goals and activities of one domain, catalogue or own.
pub fn items_filters_by_domain(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let own = record(
        anna,
        at(0),
        ItemBody::Domain(OwnDomain {
            label: "Music".to_owned(),
        }),
    );
    let own_ref = DomainRef::Own(DomainId::from_uuid(own.id.as_uuid()));
    let goal_housing = record(anna, at(1), goal(housing(), "Find a flat", anna));
    let goal_finances = record(anna, at(2), goal(finances(), "Pay off debt", anna));
    let goal_own = record(anna, at(3), goal(own_ref.clone(), "Play in a band", anna));
    let status_housing = record(anna, at(4), status(housing(), "Living with my parents."));
    let act_housing = record(
        anna,
        at(5),
        activity(goal_housing.id, housing(), "Call the office", anna),
    );
    let med = record(anna, at(6), medication("Sertraline"));
    insert_all(
        store,
        &[
            own.clone(),
            goal_housing.clone(),
            goal_finances.clone(),
            goal_own.clone(),
            status_housing.clone(),
            act_housing.clone(),
            med,
        ],
    );
    let q = ItemQuery::owner(anna);
    assert_eq!(
        ids(&list(store, &q.clone().domain(housing()))),
        vec![goal_housing.id, status_housing.id, act_housing.id]
    );
    assert_eq!(
        ids(&list(store, &q.clone().domain(finances()))),
        vec![goal_finances.id]
    );
    assert_eq!(
        ids(&list(store, &q.clone().domain(own_ref))),
        vec![goal_own.id]
    );
    assert_eq!(
        list(
            store,
            &q.clone()
                .domain(DomainRef::Catalogue("work-and-school".to_owned()))
        ),
        Vec::new()
    );
    assert_eq!(
        ids(&list(store, &q.kind(ItemKind::Goal).domain(housing()))),
        vec![goal_housing.id]
    );
}

/// `parent` keeps the activities of a goal, the completions of an activity and the
/// registrations of a measure.
pub fn items_filters_by_parent(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let g1 = record(anna, at(0), goal(housing(), "Find a flat", anna));
    let g2 = record(anna, at(1), goal(finances(), "Pay off debt", anna));
    let a1 = record(
        anna,
        at(2),
        activity(g1.id, housing(), "Call the office", anna),
    );
    let a2 = record(
        anna,
        at(3),
        activity(g2.id, finances(), "Make a budget", anna),
    );
    let a3 = record(anna, at(4), activity(g1.id, housing(), "Visit flats", anna));
    let c1 = record(
        anna,
        at(5),
        ItemBody::ActivityCompletion(ActivityCompletion {
            activity: ActivityId::from_uuid(a1.id.as_uuid()),
            on: day(2024, 3, 1),
            note: String::new(),
        }),
    );
    let m = record(anna, at(6), measure("Mood", MeasureKind::Scale));
    let r1 = record(
        anna,
        at(7),
        registration(m.id, day(2024, 3, 1), MeasureValue::Scale(6)),
    );
    let med = record(anna, at(8), medication("Sertraline"));
    insert_all(
        store,
        &[
            g1.clone(),
            g2.clone(),
            a1.clone(),
            a2.clone(),
            a3.clone(),
            c1.clone(),
            m.clone(),
            r1.clone(),
            med.clone(),
        ],
    );
    let q = ItemQuery::owner(anna);
    assert_eq!(
        ids(&list(store, &q.clone().parent(g1.id))),
        vec![a1.id, a3.id]
    );
    assert_eq!(ids(&list(store, &q.clone().parent(g2.id))), vec![a2.id]);
    assert_eq!(ids(&list(store, &q.clone().parent(a1.id))), vec![c1.id]);
    assert_eq!(ids(&list(store, &q.clone().parent(m.id))), vec![r1.id]);
    assert_eq!(list(store, &q.clone().parent(med.id)), Vec::new());
    assert_eq!(
        ids(&list(
            store,
            &q.kind(ItemKind::ActivityCompletion).parent(g1.id)
        )),
        Vec::<ItemId>::new()
    );
}

/// Items whose latest version removed them are left out unless `include_removed`, and then
/// come back as that removing version.
pub fn items_leaves_out_removed_unless_asked(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let kept = record(anna, at(0), medication("Sertraline"));
    let gone = record(anna, at(1), medication("Melatonin"));
    let entry = record(anna, at(2), diary(day(2024, 3, 1), "Slept well."));
    insert_all(store, &[kept.clone(), gone.clone(), entry.clone()]);
    let gone2 = removal(&gone, at(SECOND));
    update_one(store, &gone2);
    let q = ItemQuery::owner(anna);
    assert_eq!(list(store, &q), vec![kept.clone(), entry.clone()]);
    let mut with_removed = q.clone();
    with_removed.include_removed = true;
    assert_eq!(
        list(store, &with_removed),
        vec![kept.clone(), gone2.clone(), entry]
    );
    assert_eq!(
        list(store, &with_removed.kind(ItemKind::Medication)),
        vec![kept, gone2]
    );
}

/// `created_since` keeps items created at or after the time, to the microsecond, by creation
/// time (not by the time of the latest version).
pub fn items_filters_by_created_since(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let early = record(anna, at(0), medication("Sertraline"));
    let just_after = record(anna, at(1), medication("Melatonin"));
    let later = record(anna, at(SECOND), medication("Lithium"));
    insert_all(store, &[early.clone(), just_after.clone(), later.clone()]);
    // A late change does not make an early item new.
    let early2 = revised(&early, at(10 * SECOND), medication("Sertraline 50 mg"));
    update_one(store, &early2);
    let since = |t: DateTime<Utc>| {
        let mut q = ItemQuery::owner(anna);
        q.created_since = Some(t);
        list(store, &q)
    };
    assert_eq!(ids(&since(at(-1))), vec![early.id, just_after.id, later.id]);
    assert_eq!(ids(&since(at(0))), vec![early.id, just_after.id, later.id]);
    assert_eq!(ids(&since(at(1))), vec![just_after.id, later.id]);
    assert_eq!(ids(&since(at(2))), vec![later.id]);
    assert_eq!(ids(&since(at(SECOND))), vec![later.id]);
    assert_eq!(ids(&since(at(SECOND + 1))), Vec::<ItemId>::new());
}

/// Filters look at each item's latest version: an item whose latest version is in another
/// domain or under another parent is listed there, not where it was.
pub fn items_filters_on_the_latest_version(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let g1 = record(anna, at(0), goal(housing(), "Find a flat", anna));
    let g2 = record(anna, at(1), goal(finances(), "Pay off debt", anna));
    let s = record(anna, at(2), status(housing(), "Unsure where this belongs."));
    let a = record(
        anna,
        at(3),
        activity(g1.id, housing(), "Make a budget", anna),
    );
    insert_all(store, &[g1.clone(), g2.clone(), s.clone(), a.clone()]);
    let s2 = revised(
        &s,
        at(SECOND),
        status(finances(), "Unsure where this belongs."),
    );
    let a2 = revised(
        &a,
        at(SECOND),
        activity(g2.id, finances(), "Make a budget", anna),
    );
    update_all(store, &[s2.clone(), a2.clone()]);
    let q = ItemQuery::owner(anna);
    assert_eq!(ids(&list(store, &q.clone().domain(housing()))), vec![g1.id]);
    assert_eq!(
        list(store, &q.clone().domain(finances())),
        vec![g2.clone(), s2, a2.clone()]
    );
    assert_eq!(list(store, &q.clone().parent(g1.id)), Vec::new());
    assert_eq!(list(store, &q.parent(g2.id)), vec![a2]);
}

/// Four items, inserted out of order, whose order is set by creation time and then by id
/// compared as UUID bytes: some ids share a creation time and have their top bit set.
fn ordering_fixture(store: &dyn Store) -> (UserId, Vec<ItemRecord>) {
    let anna = service_user(store, "Anna");
    let with_id = |id: u128, created: i64, name: &str| ItemRecord {
        id: ItemId::from_uuid(Uuid::from_u128(id)),
        ..record(anna, at(created), medication(name))
    };
    let last = with_id(
        0x0000_0000_0000_7000_8000_0000_0000_0001,
        2 * SECOND,
        "last",
    );
    let tie_high = with_id(
        0xF000_0000_0000_7000_8000_0000_0000_0000,
        SECOND,
        "tie, high id",
    );
    let tie_low = with_id(
        0x0F00_0000_0000_7000_8000_0000_0000_0000,
        SECOND,
        "tie, low id",
    );
    let tie_mid = with_id(
        0x7F00_0000_0000_7000_8000_0000_0000_0000,
        SECOND,
        "tie, middle id",
    );
    let a_micro_later = with_id(
        0x0000_0000_0000_7000_8000_0000_0000_0000,
        SECOND + 1,
        "1 us later",
    );
    let first = with_id(0xFFFF_FFFF_FFFF_7FFF_BFFF_FFFF_FFFF_FFFF, 0, "first");
    insert_all(
        store,
        &[
            last.clone(),
            tie_high.clone(),
            a_micro_later.clone(),
            tie_low.clone(),
            first.clone(),
            tie_mid.clone(),
        ],
    );
    (
        anna,
        vec![first, tie_low, tie_mid, tie_high, a_micro_later, last],
    )
}

/// Items come oldest first by creation time, ties broken by id (as UUID bytes), whatever the
/// insertion order.
pub fn items_orders_by_created_at_then_id(store: &dyn Store) {
    let (anna, expected) = ordering_fixture(store);
    assert_eq!(list(store, &ItemQuery::owner(anna)), expected);
}

/// `newest_first` gives exactly the reverse order.
pub fn items_newest_first_reverses_the_order(store: &dyn Store) {
    let (anna, mut expected) = ordering_fixture(store);
    let mut q = ItemQuery::owner(anna);
    q.newest_first = true;
    expected.reverse();
    assert_eq!(list(store, &q), expected);
}

/// `limit` keeps the first items of the ordered, filtered list.
pub fn items_limit_truncates_after_ordering(store: &dyn Store) {
    let (anna, expected) = ordering_fixture(store);
    let entry = record(
        anna,
        at(-SECOND),
        diary(day(2024, 3, 1), "Not a medication."),
    );
    insert_all(store, &[entry]);
    let q = ItemQuery::owner(anna).kind(ItemKind::Medication);
    let limited = |limit: usize, newest_first: bool| {
        let mut q = q.clone();
        q.limit = Some(limit);
        q.newest_first = newest_first;
        ids(&list(store, &q))
    };
    assert_eq!(limited(2, false), ids(&expected[..2]));
    assert_eq!(limited(0, false), Vec::<ItemId>::new());
    assert_eq!(limited(100, false), ids(&expected));
    assert_eq!(
        limited(3, true),
        vec![expected[5].id, expected[4].id, expected[3].id]
    );
    assert_eq!(ids(&list(store, &q.newest(1))), vec![expected[5].id]);
}

// ----- exact round trips -----------------------------------------------------------------------

/// One or more items of each of the 13 kinds, with every optional field both `None` and
/// `Some`, in an order that writes each item after what it refers to.
fn every_kind(owner: UserId, provider: UserId) -> Vec<ItemRecord> {
    let mut records = Vec::new();
    let mut next = 0;
    let mut push = |body: ItemBody| {
        next += 1;
        let r = record(owner, at(next * 1_001), body);
        records.push(r.clone());
        r.id
    };
    let own = push(ItemBody::Domain(OwnDomain {
        label: "Musikk og kor 🎶".to_owned(),
    }));
    let own = DomainRef::Own(DomainId::from_uuid(own.as_uuid()));
    push(ItemBody::WhatMatters(WhatMatters {
        text: "My daughter.\nSinging in the choir.\n\tAnd my cat, Pus.".to_owned(),
    }));
    push(ItemBody::Status(StatusEntry {
        domain: housing(),
        now: "Bor hos foreldrene mine.".to_owned(),
        helps: "Søsteren min.".to_owned(),
        hinders: "Ventelister.".to_owned(),
        rating: Some(4),
    }));
    push(ItemBody::Status(StatusEntry {
        domain: own.clone(),
        now: "Started again.".to_owned(),
        helps: String::new(),
        hinders: String::new(),
        rating: None,
    }));
    let full_goal = push(ItemBody::Goal(Goal {
        domain: housing(),
        title: "Find a flat of my own".to_owned(),
        why: "So that my daughter can visit.".to_owned(),
        target_date: Some(day(2025, 6, 30)),
        lifecycle: GoalLifecycle::OnHold,
        achievement: Some(GoalAchievement::Improving),
        authored_by: provider,
    }));
    push(goal(own, "Sing a solo", owner));
    let full_activity = push(ItemBody::Activity(Activity {
        goal: GoalId::from_uuid(full_goal.as_uuid()),
        domain: housing(),
        title: "Call the housing office".to_owned(),
        due: Some(day(2024, 3, 15)),
        state: ActivityState::Skipped,
        authored_by: provider,
    }));
    push(activity(full_goal, housing(), "Visit two flats", owner));
    push(ItemBody::ActivityCompletion(ActivityCompletion {
        activity: ActivityId::from_uuid(full_activity.as_uuid()),
        on: day(2024, 2, 29),
        note: "They were kind.\nCall again on Monday.".to_owned(),
    }));
    push(ItemBody::ActivityCompletion(ActivityCompletion {
        activity: ActivityId::from_uuid(full_activity.as_uuid()),
        on: day(2024, 3, 1),
        note: String::new(),
    }));
    push(ItemBody::Medication(Medication {
        name: "Sertraline".to_owned(),
        dose: "50 mg every morning".to_owned(),
        purpose: "Less anxiety.".to_owned(),
        prescribed: true,
        status: MedicationStatus::OnHold,
        experiences: "Sleepy the first two weeks.".to_owned(),
        questions: "Can I take it in the evening?".to_owned(),
    }));
    push(ItemBody::Medication(Medication {
        name: "Melatonin".to_owned(),
        dose: String::new(),
        purpose: String::new(),
        prescribed: false,
        status: MedicationStatus::NotTaken,
        experiences: String::new(),
        questions: String::new(),
    }));
    push(ItemBody::NetworkPerson(NetworkPerson {
        label: "Mamma".to_owned(),
        relation: Relation::Family,
        closeness: 1,
        support: vec![
            SupportKind::Crisis,
            SupportKind::Emotional,
            SupportKind::Practical,
        ],
        provider: None,
    }));
    push(ItemBody::NetworkPerson(NetworkPerson {
        label: "My nurse".to_owned(),
        relation: Relation::Professional,
        closeness: 3,
        support: Vec::new(),
        provider: Some(provider),
    }));
    push(ItemBody::CrisisPlan(CrisisPlan {
        warning_signs: "I stop answering the phone.".to_owned(),
        what_helps: "A walk with my sister.".to_owned(),
        what_does_not_help: String::new(),
        contacts: "Sister: 22 33 44 55\nLegevakt: 116 117".to_owned(),
        do_not_involve: "My ex.".to_owned(),
        treatment_preferences: "No admission unless I ask.".to_owned(),
    }));
    push(ItemBody::CrisisPlan(CrisisPlan::default()));
    push(ItemBody::ExerciseCompletion(ExerciseCompletion {
        exercise: "sleep-hygiene".to_owned(),
        on: day(2024, 3, 1),
        note: "Went to bed at eleven.".to_owned(),
    }));
    push(diary(
        day(2024, 3, 1),
        "Dagbok: «en god dag» — mest.\n\nSov 7 t.",
    ));
    let number = push(measure(
        "Hours of sleep",
        MeasureKind::Number {
            unit: "hours".to_owned(),
        },
    ));
    let unitless = push(measure(
        "Cigarettes",
        MeasureKind::Number {
            unit: String::new(),
        },
    ));
    let yes_no = push(measure("Took a walk", MeasureKind::YesNo));
    let scale = push(measure("Anxiety", MeasureKind::Scale));
    push(registration(
        number,
        day(2024, 3, 1),
        MeasureValue::Number(7.25),
    ));
    push(registration(
        unitless,
        day(2024, 3, 1),
        MeasureValue::Number(-3.5),
    ));
    push(registration(
        yes_no,
        day(2024, 3, 1),
        MeasureValue::YesNo(true),
    ));
    push(registration(
        yes_no,
        day(2024, 3, 2),
        MeasureValue::YesNo(false),
    ));
    push(registration(scale, day(2024, 3, 1), MeasureValue::Scale(1)));
    push(registration(
        scale,
        day(2024, 3, 2),
        MeasureValue::Scale(10),
    ));
    records
}

/// Items of every kind, with every optional field `None` and `Some`, read back exactly: one by
/// one, listed, and through their history, also as later versions.
pub fn every_item_kind_round_trips_exactly(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let provider = person(Role::Provider, "Dr. Berg");
    write(store, |tx| tx.insert_person(&provider)).expect("a new person is written");
    let records = every_kind(anna, provider.id);
    let kinds: std::collections::BTreeSet<ItemKind> =
        records.iter().map(ItemRecord::kind).collect();
    assert_eq!(
        kinds.len(),
        ItemKind::ALL.len(),
        "the fixture covers every kind"
    );
    insert_all(store, &records);
    for r in &records {
        assert_same_records(
            &[item(store, r.id).expect("the item exists")],
            std::slice::from_ref(r),
            r.kind().as_str(),
        );
    }
    assert_same_records(&list(store, &ItemQuery::owner(anna)), &records, "listing");
    // A second version of each, written by the provider, with the body of another item of the
    // same kind where there is one: histories keep both exactly.
    let second: Vec<ItemRecord> = records
        .iter()
        .map(|r| {
            let other = records
                .iter()
                .rev()
                .find(|o| o.kind() == r.kind())
                .map_or_else(|| r.body.clone(), |o| o.body.clone());
            ItemRecord {
                updated_by: provider.id,
                ..revised(r, r.updated_at + Duration::microseconds(SECOND + 7), other)
            }
        })
        .collect();
    update_all(store, &second);
    for (v1, v2) in records.iter().zip(&second) {
        assert_same_records(
            &history(store, v1.id),
            &[v1.clone(), v2.clone()],
            v1.kind().as_str(),
        );
    }
}

/// Text comes back byte for byte: unicode of every plane, newlines and tabs, text that is not
/// NFC (the store must not normalise), and a body of 20,000 multibyte characters.
pub fn text_round_trips_byte_for_byte(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let texts = [
        "Blåbærsyltetøy på brødskiva, takk. Æ Ø Å".to_owned(),
        "«Sitat» – “quoted” — 'single' \"double\" \\backslash\\ %_ wildcards ; DROP TABLE items; --"
            .to_owned(),
        "漢字かなカナ 한국어 עברית العربية Ελληνικά русский".to_owned(),
        "😀🎶🏳️‍🌈 👩🏽‍⚕️ 𝄞 𐍈".to_owned(),
        "e\u{301} is not NFC; e\u{301}\u{301} neither; A\u{30A}".to_owned(),
        "line one\nline two\n\n\tindented\n".to_owned(),
        "  leading and trailing spaces  ".to_owned(),
        "\u{200B}zero\u{200D}width\u{FEFF}".to_owned(),
        "ø".repeat(20_000),
    ];
    let records: Vec<ItemRecord> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let micros = i64::try_from(i).expect("small");
            record(anna, at(micros), diary(day(2024, 3, 1), text))
        })
        .collect();
    insert_all(store, &records);
    for (r, text) in records.iter().zip(&texts) {
        let back = item(store, r.id).expect("the item exists");
        let ItemBody::Diary(entry) = &back.body else {
            panic!("item {} came back as {:?}", r.id, back.kind());
        };
        assert_eq!(
            entry.text.as_bytes(),
            text.as_bytes(),
            "text of {} characters changed",
            text.chars().count()
        );
    }
    let p = Person {
        display_name: texts[4].clone(),
        ..person(Role::ServiceUser, "x")
    };
    write(store, |tx| tx.insert_person(&p)).expect("a new person is written");
    let back = read(store, |tx| tx.person(p.id)).expect("a person can be read");
    assert_eq!(
        back.map(|b| b.display_name.into_bytes()),
        Some(p.display_name.into_bytes())
    );
}

/// Registered numbers come back bit for bit: negative zero, subnormals, extremes, and values
/// that a float parser without correct rounding turns into a neighbour (as `serde_json` does
/// without its `float_roundtrip` feature).
pub fn registration_numbers_round_trip_bit_for_bit(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let m = record(
        anna,
        at(0),
        measure(
            "Hours of sleep",
            MeasureKind::Number {
                unit: "hours".to_owned(),
            },
        ),
    );
    insert_one(store, &m);
    let values = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        7.25,
        0.1,
        0.1 + 0.2,
        0.002 + 0.1,
        1.0 / 3.0,
        1e-300,
        1.071_566_039_146_582_6e-75,
        -1.603_964_615_428_183e143,
        1.586_084_611_999_269_7e-265,
        f64::from_bits(1),
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::MIN,
        f64::EPSILON,
        // 2^53 + 2: integers past 2^53 are no longer all representable.
        9_007_199_254_740_994.0,
        123_456_789.123_456_79,
    ];
    let records: Vec<ItemRecord> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let n = i64::try_from(i).expect("small");
            let on = day(2024, 1, 1) + Duration::days(n);
            record(
                anna,
                at(n + 1),
                registration(m.id, on, MeasureValue::Number(v)),
            )
        })
        .collect();
    insert_all(store, &records);
    for r in &records {
        assert_same_records(
            &[item(store, r.id).expect("the item exists")],
            std::slice::from_ref(r),
            "registration",
        );
    }
    let listed = list(store, &ItemQuery::owner(anna).kind(ItemKind::Registration));
    assert_same_records(&listed, &records, "listed registrations");
}

/// Times come back to the microsecond, from 1900 through 2200, before 1970 included.
pub fn times_round_trip_to_the_microsecond(store: &dyn Store) {
    let micros = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .expect("a valid time")
            .with_timezone(&Utc)
    };
    let times = [
        micros("2024-03-01T09:30:00.000001Z"),
        micros("2024-03-01T09:30:00.999999Z"),
        micros("2024-03-01T09:30:00.123456Z"),
        micros("1969-12-31T23:59:59.999999Z"),
        micros("1970-01-01T00:00:00Z"),
        micros("1900-01-01T00:00:00.000001Z"),
        micros("2200-12-31T23:59:59.999999Z"),
    ];
    let anna = service_user(store, "Anna");
    let mut people = Vec::new();
    let mut records = Vec::new();
    for (i, &t) in times.iter().enumerate() {
        people.push(Person {
            registered_at: t,
            ..person(Role::ServiceUser, "Anna")
        });
        // The update lands at another odd microsecond than the creation.
        let later = t + Duration::microseconds(i64::try_from(i).expect("small") * 7 + 1);
        let v1 = record(anna, t, medication(&format!("Medication {i}")));
        records.push((
            v1.clone(),
            revised(&v1, later, medication(&format!("Medication {i} v2"))),
        ));
    }
    write(store, |tx| {
        for p in &people {
            tx.insert_person(p).expect("a new person is written");
        }
    });
    insert_all(
        store,
        &records.iter().map(|(v1, _)| v1.clone()).collect::<Vec<_>>(),
    );
    update_all(
        store,
        &records.iter().map(|(_, v2)| v2.clone()).collect::<Vec<_>>(),
    );
    for p in &people {
        let back = read(store, |tx| tx.person(p.id)).expect("a person can be read");
        assert_eq!(
            back.map(|b| b.registered_at),
            Some(p.registered_at),
            "registered_at"
        );
    }
    for (v1, v2) in &records {
        assert_eq!(
            history(store, v1.id),
            vec![v1.clone(), v2.clone()],
            "times of {}",
            v1.created_at
        );
    }
    let mut sorted: Vec<ItemRecord> = records.iter().map(|(_, v2)| v2.clone()).collect();
    sorted.sort_by_key(|r| (r.created_at, r.id));
    assert_eq!(
        list(store, &ItemQuery::owner(anna)),
        sorted,
        "ordered by created_at across eras"
    );
}

/// Dates in bodies come back exactly at the edges the portal allows and on leap days.
pub fn dates_round_trip_at_the_edges(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let dates = [
        day(1900, 1, 1),
        day(1969, 12, 31),
        day(2024, 2, 29),
        day(2200, 12, 31),
    ];
    let records: Vec<ItemRecord> = dates
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let body = ItemBody::Goal(Goal {
                target_date: Some(d),
                ..goal_content(housing(), "Find a flat", anna)
            });
            record(anna, at(i64::try_from(i).expect("small")), body)
        })
        .collect();
    let entries: Vec<ItemRecord> = dates
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            record(
                anna,
                at(100 + i64::try_from(i).expect("small")),
                diary(d, "A day."),
            )
        })
        .collect();
    insert_all(store, &records);
    insert_all(store, &entries);
    for r in records.iter().chain(&entries) {
        assert_eq!(item(store, r.id).as_ref(), Some(r));
    }
}
