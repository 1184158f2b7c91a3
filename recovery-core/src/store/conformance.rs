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
//! - **Care teams.** [`TeamTx::update_membership`](super::TeamTx::update_membership) replaces
//!   a membership's state but never its service user or provider;
//!   [`TeamTx::update_proposal`](super::TeamTx::update_proposal) replaces a proposal's state but
//!   never its owner, provider or content; writing the same state again is no conflict.
//!   A grant needs an existing membership (one written earlier in the same transaction counts),
//!   and putting one replaces the grant for the same membership and scope. Each broken rule, like
//!   a duplicate membership, proposal or comment id, is a conflict that writes nothing.
//!   Memberships list by `invited_at`, proposals by `proposed_at`, comments by `written_at`, each
//!   then by id (as UUID bytes), oldest first; grants list by the scope's string form, byte by
//!   byte. Dropping a transaction also takes back new memberships and their updates, grants put
//!   and deleted, new proposals and their updates, and comments. Every status, scope, level and
//!   proposal content round-trips exactly.
//! - **Access log.** [`AuditTx::append_access`](super::AuditTx::append_access) takes exactly the
//!   next sequence number (1 for an empty log); any other is a conflict that writes nothing.
//!   Entries come back exactly, hashes byte for byte, with every action, outcome, deny reason,
//!   scope, level and moderation reason. [`AuditTx::access_entries`](super::AuditTx::access_entries) keeps the
//!   subject's entries that pass every filter given: `party` as actor or counterpart, `scope`
//!   equal (an entry without a scope never matches), `from` inclusive and `until` exclusive to
//!   the microsecond, `before_seq` strictly below; it orders them newest first by sequence number
//!   (not by time) and applies `limit` last.
//!   [`AuditTx::access_range`](super::AuditTx::access_range) gives up to `limit` entries about
//!   anyone after a sequence number, in sequence order. Dropping a transaction takes back its
//!   appended entries, and their numbers are free again.
//!
//! - **Messaging.** Messages are numbered 1, 2, 3... in their conversation; a message out of
//!   turn, from someone outside the conversation, or with attachments other than the ones it
//!   lists is a conflict, and so is a read mark past the last message or for a non-participant.
//!   Pages list newest first. A dropped transaction takes back the conversation's last message
//!   with the message.
//! - **The change feed.** Changes are numbered 1, 2, 3... in the order they are appended (and,
//!   with concurrent writers, committed); each reaches exactly its recipients.
//! - **The usage log.** Events are kept as recorded; the aggregates count them inside periods
//!   that include their start and exclude their end ("before" a moment excludes it), per
//!   module and role in [`Module::ALL`](crate::model::usage::Module::ALL) then
//!   [`Role::ALL`] order, messages by conversation (as UUID bytes) then time. A dropped
//!   transaction takes back its events.
//!
//! Stores may enforce references (an item's owner, a version's author, an activity's goal, a
//! registration's measure): the suite always writes the people and parent items it refers to
//! first.
//! The same holds for care teams and the access log: a membership's people, a proposal's
//! people, goal and accepted item, a comment's item and people, an own domain named in a scope,
//! and the people an access entry names are written before what refers to them.
//! Likewise for messaging: a conversation's people and its providers' memberships are written
//! before the conversation.

use std::thread;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::{
    AccessQuery, ItemQuery, MembershipQuery, ProposalQuery, Store, StoreError, Transaction, TxMode,
};
use crate::error::DenyReason;
use crate::model::audit::{AccessAction, AccessEntry, AccessEvent, Outcome};
use crate::model::forum::ForumReason;
use crate::model::ids::*;
use crate::model::people::{Person, Profession, ProviderDetails, Role};
use crate::model::team::{
    Comment, Grant, Level, Membership, Proposal, ProposalContent, ProposalStatus, Scope, TeamStatus,
};
use crate::model::toolbox::*;
use crate::policy::audit::{GENESIS, chain_hash};

mod forum;
mod messaging;
mod usage;
pub use forum::*;
pub use messaging::*;
pub use usage::*;

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
            // ----- care teams -----
            memberships_round_trip_in_every_status,
            unknown_team_records_read_as_none_or_empty,
            insert_membership_with_existing_id_is_conflict,
            update_membership_replaces_its_state,
            update_membership_changing_parties_is_conflict,
            memberships_filter_by_service_user_and_provider,
            memberships_order_by_invited_at_then_id,
            grants_round_trip_for_every_scope_in_scope_order,
            put_grant_replaces_the_grant_for_its_scope,
            put_grant_for_unknown_membership_is_conflict,
            delete_grant_removes_one_scope,
            delete_grants_removes_every_grant_of_a_membership,
            proposals_round_trip_every_content_and_status,
            insert_proposal_with_existing_id_is_conflict,
            update_proposal_replaces_its_state,
            update_proposal_changing_fixed_fields_is_conflict,
            proposals_filter_by_owner_provider_and_status,
            proposals_order_by_proposed_at_then_id,
            comments_round_trip_oldest_first_per_item,
            insert_comment_with_existing_id_is_conflict,
            dropped_transaction_rolls_back_memberships,
            dropped_transaction_rolls_back_grants,
            dropped_transaction_rolls_back_proposals,
            dropped_transaction_rolls_back_comments,
            // ----- access log -----
            empty_access_log_reads_as_empty,
            access_entries_round_trip_exactly,
            append_out_of_sequence_is_conflict,
            last_access_gives_the_latest_entry,
            access_entries_list_one_subject_newest_first,
            access_entries_filter_by_party,
            access_entries_filter_by_scope,
            access_entries_filter_by_time,
            access_entries_limit_keeps_the_newest_matches,
            access_entries_page_by_before_seq,
            access_entries_combine_every_filter,
            access_range_reads_in_sequence_after_a_seq,
            dropped_transaction_rolls_back_access_entries,
            // ----- messaging and the change feed -----
            conversation_round_trips_with_its_participants,
            refused_conversations_are_conflicts_that_write_nothing,
            messages_advance_the_conversation_and_read_back_exactly,
            messages_out_of_turn_are_conflicts_that_write_nothing,
            attachments_round_trip_exactly,
            attachments_that_do_not_match_the_message_are_conflicts,
            messages_page_newest_first_below_a_number,
            read_marks_are_kept_per_participant,
            dropped_transaction_rolls_back_conversations_messages_and_marks,
            changes_are_numbered_in_order_and_reach_their_recipients,
            refused_or_dropped_changes_leave_no_trace,
            // ----- the usage log -----
            usage_tallies_count_visits_people_and_postings_per_module_and_role,
            usage_messages_come_by_conversation_then_time,
            usage_counts_registered_and_posting_people_by_role,
            usage_involvement_counts_own_goals_shares_and_crisis_plans,
            usage_team_tallies_count_joined_providers_and_shared_scopes,
            dropped_transaction_rolls_back_usage_events,
            // ----- the forum's combined reads -----
            member_and_thread_agrees_with_its_three_reads,
            posts_with_pseudonyms_pairs_each_post_with_its_author,
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

// ----- care teams ------------------------------------------------------------------------------

/// A provider, written and committed.
fn provider(store: &dyn Store, name: &str) -> UserId {
    let p = person(Role::Provider, name);
    write(store, |tx| tx.insert_person(&p)).expect("a new person is written");
    p.id
}

/// A new invitation of `provider` into `service_user`'s care team.
fn invitation(service_user: UserId, provider: UserId, invited_at: DateTime<Utc>) -> Membership {
    Membership {
        id: MembershipId::new(),
        service_user,
        provider,
        status: TeamStatus::Proposed,
        invited_at,
        accepted_at: None,
        ended: None,
    }
}

/// `m` accepted at `when`.
fn accepted(m: &Membership, when: DateTime<Utc>) -> Membership {
    Membership {
        status: TeamStatus::Active,
        accepted_at: Some(when),
        ..m.clone()
    }
}

/// `m` declined or ended at `when` by `by`.
fn ended(m: &Membership, when: DateTime<Utc>, by: UserId) -> Membership {
    Membership {
        status: TeamStatus::Inactive,
        ended: Some((when, by)),
        ..m.clone()
    }
}

fn grant(membership: MembershipId, scope: Scope, level: Level, granted_at: DateTime<Utc>) -> Grant {
    Grant {
        membership,
        scope,
        level,
        expires_at: None,
        granted_at,
    }
}

/// A pending proposal of a goal in housing.
fn goal_proposal(
    owner: UserId,
    provider: UserId,
    proposed_at: DateTime<Utc>,
    title: &str,
) -> Proposal {
    Proposal {
        id: ProposalId::new(),
        owner,
        provider,
        content: ProposalContent::Goal {
            domain: housing(),
            title: title.to_owned(),
            why: String::new(),
            target_date: None,
        },
        status: ProposalStatus::Pending,
        proposed_at,
        decided_at: None,
        accepted_as: None,
    }
}

/// `p` decided at `when`: accepted as `item`, or rejected when there is none.
fn decided(p: &Proposal, when: DateTime<Utc>, item: Option<ItemId>) -> Proposal {
    Proposal {
        status: if item.is_some() {
            ProposalStatus::Accepted
        } else {
            ProposalStatus::Rejected
        },
        decided_at: Some(when),
        accepted_as: item,
        ..p.clone()
    }
}

fn comment(
    owner: UserId,
    item: ItemId,
    author: UserId,
    written_at: DateTime<Utc>,
    text: &str,
) -> Comment {
    Comment {
        id: CommentId::new(),
        owner,
        item,
        author,
        text: text.to_owned(),
        written_at,
    }
}

/// An own domain of `owner`'s, written and committed, with the given id.
fn own_domain(store: &dyn Store, owner: UserId, id: Uuid) -> DomainRef {
    let r = ItemRecord {
        id: ItemId::from_uuid(id),
        ..record(
            owner,
            at(-SECOND),
            ItemBody::Domain(OwnDomain {
                label: "Music".to_owned(),
            }),
        )
    };
    insert_one(store, &r);
    DomainRef::Own(DomainId::from_uuid(id))
}

/// A service user, a provider and an accepted membership between them, all committed.
struct Team {
    anna: UserId,
    berg: UserId,
    membership: Membership,
}

fn team(store: &dyn Store) -> Team {
    let anna = service_user(store, "Anna");
    let berg = provider(store, "Dr. Berg");
    let membership = accepted(&invitation(anna, berg, at(0)), at(SECOND));
    write(store, |tx| tx.insert_membership(&membership)).expect("a new membership is written");
    Team {
        anna,
        berg,
        membership,
    }
}

fn insert_memberships(store: &dyn Store, memberships: &[Membership]) {
    write(store, |tx| {
        for m in memberships {
            tx.insert_membership(m)
                .unwrap_or_else(|e| panic!("insert of membership {} failed: {e}", m.id));
        }
    });
}

fn put_grants(store: &dyn Store, grants: &[Grant]) {
    write(store, |tx| {
        for g in grants {
            tx.put_grant(g)
                .unwrap_or_else(|e| panic!("grant of {} on {} failed: {e}", g.scope, g.membership));
        }
    });
}

fn insert_proposals(store: &dyn Store, proposals: &[Proposal]) {
    write(store, |tx| {
        for p in proposals {
            tx.insert_proposal(p)
                .unwrap_or_else(|e| panic!("insert of proposal {} failed: {e}", p.id));
        }
    });
}

fn insert_comments(store: &dyn Store, comments: &[Comment]) {
    write(store, |tx| {
        for c in comments {
            tx.insert_comment(c)
                .unwrap_or_else(|e| panic!("insert of comment {} failed: {e}", c.id));
        }
    });
}

fn membership_by_id(store: &dyn Store, id: MembershipId) -> Option<Membership> {
    read(store, |tx| tx.membership(id)).expect("a membership can be read")
}

fn memberships_of(store: &dyn Store, query: &MembershipQuery) -> Vec<Membership> {
    read(store, |tx| tx.memberships(query)).expect("memberships can be listed")
}

fn team_of(service_user: UserId) -> MembershipQuery {
    MembershipQuery {
        service_user: Some(service_user),
        provider: None,
    }
}

fn grants_of(store: &dyn Store, membership: MembershipId) -> Vec<Grant> {
    read(store, |tx| tx.grants(membership)).expect("grants can be listed")
}

fn proposal_by_id(store: &dyn Store, id: ProposalId) -> Option<Proposal> {
    read(store, |tx| tx.proposal(id)).expect("a proposal can be read")
}

fn proposals_of(store: &dyn Store, query: &ProposalQuery) -> Vec<Proposal> {
    read(store, |tx| tx.proposals(query)).expect("proposals can be listed")
}

fn proposals_for(owner: UserId) -> ProposalQuery {
    ProposalQuery {
        owner: Some(owner),
        ..ProposalQuery::default()
    }
}

fn comments_on(store: &dyn Store, item: ItemId) -> Vec<Comment> {
    read(store, |tx| tx.comments(item)).expect("comments can be listed")
}

/// Grants in the order `grants` lists them: by the scope's string form, byte by byte.
fn in_scope_order(mut grants: Vec<Grant>) -> Vec<Grant> {
    grants.sort_by_key(|g| g.scope.to_string());
    grants
}

/// Tries `attempt`, which must fail with [`StoreError::Conflict`], then `usable`, a write that
/// must succeed, in one transaction, and commits. `unchanged` runs right after the conflict and
/// again after the commit, and checks that the conflict wrote nothing; `usable` must write
/// nothing that `unchanged` looks at (its caller checks it after).
fn conflict_leaves_no_trace<T: std::fmt::Debug>(
    store: &dyn Store,
    what: &str,
    attempt: impl FnOnce(&mut dyn Transaction) -> Result<T, StoreError>,
    usable: impl FnOnce(&mut dyn Transaction),
    unchanged: impl Fn(&mut dyn Transaction, &str),
) {
    let mut tx = begin(store, TxMode::Write);
    match attempt(tx.as_mut()) {
        Err(StoreError::Conflict { .. }) => {}
        Err(other) => panic!("{what}: expected StoreError::Conflict, got {other:?}"),
        Ok(value) => panic!("{what}: expected StoreError::Conflict, but it succeeded ({value:?})"),
    }
    unchanged(tx.as_mut(), &format!("{what}, inside the transaction"));
    usable(tx.as_mut());
    tx.commit()
        .expect("a transaction whose write conflicted still commits");
    read(store, |tx| unchanged(tx, &format!("{what}, after commit")));
}

/// Every scope, with own domains in `own` (the match fails to compile when a scope is added, so
/// that it is added here too).
fn every_scope(own: &[DomainRef]) -> Vec<Scope> {
    let mut scopes = vec![
        Scope::WhatMatters,
        Scope::Domain(housing()),
        Scope::Domain(DomainRef::Catalogue("work-and-school".to_owned())),
        Scope::Medications,
        Scope::NetworkMap,
        Scope::CrisisPlan,
        Scope::Exercises,
        Scope::Diary,
        Scope::Registrations,
    ];
    scopes.extend(own.iter().cloned().map(Scope::Domain));
    for s in &scopes {
        match s {
            Scope::WhatMatters
            | Scope::Domain(DomainRef::Catalogue(_) | DomainRef::Own(_))
            | Scope::Medications
            | Scope::NetworkMap
            | Scope::CrisisPlan
            | Scope::Exercises
            | Scope::Diary
            | Scope::Registrations => {}
        }
    }
    scopes
}

/// Memberships in every status, not yet accepted and accepted, declined and ended by either
/// side, read back exactly by id and listed.
pub fn memberships_round_trip_in_every_status(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let berg = provider(store, "Dr. Berg");
    let lund = provider(store, "Lund");
    let invited = invitation(anna, berg, at(1));
    let active = accepted(&invitation(anna, lund, at(2)), at(SECOND + 3));
    let declined = ended(&invitation(anna, berg, at(5)), at(7 * SECOND + 11), berg);
    let ended_by_user = ended(
        &accepted(&invitation(anna, lund, at(7)), at(SECOND + 13)),
        at(2 * SECOND + 17),
        anna,
    );
    let ended_by_provider = ended(
        &accepted(&invitation(anna, berg, at(9)), at(SECOND + 19)),
        at(3 * SECOND + 23),
        berg,
    );
    let all = vec![invited, active, declined, ended_by_user, ended_by_provider];
    for m in &all {
        // A new status fails to compile here, so that it is added to the fixture.
        match m.status {
            TeamStatus::Proposed | TeamStatus::Active | TeamStatus::Inactive => {}
        }
    }
    insert_memberships(store, &all);
    for m in &all {
        assert_eq!(
            membership_by_id(store, m.id).as_ref(),
            Some(m),
            "membership {:?}",
            m.status
        );
    }
    assert_eq!(memberships_of(store, &team_of(anna)), all, "listing");
}

/// Ids nobody wrote read as `None`, and lists about them are empty.
pub fn unknown_team_records_read_as_none_or_empty(store: &dyn Store) {
    let Team { anna, berg, .. } = team(store);
    let unknown = UserId::new();
    read(store, |tx| {
        assert_eq!(
            tx.membership(MembershipId::new())
                .expect("a membership can be read"),
            None
        );
        assert_eq!(
            tx.grants(MembershipId::new())
                .expect("grants can be listed"),
            Vec::new()
        );
        assert_eq!(
            tx.proposal(ProposalId::new())
                .expect("a proposal can be read"),
            None
        );
        assert_eq!(
            tx.comments(ItemId::new()).expect("comments can be listed"),
            Vec::new()
        );
        assert_eq!(
            tx.memberships(&team_of(unknown))
                .expect("memberships can be listed"),
            Vec::new()
        );
        let theirs = MembershipQuery {
            service_user: Some(berg),
            provider: Some(anna),
        };
        assert_eq!(
            tx.memberships(&theirs).expect("memberships can be listed"),
            Vec::new()
        );
        assert_eq!(
            tx.proposals(&proposals_for(anna))
                .expect("proposals can be listed"),
            Vec::new()
        );
    });
}

/// Inserting a membership whose id exists is a conflict and writes nothing.
pub fn insert_membership_with_existing_id_is_conflict(store: &dyn Store) {
    let Team {
        anna, membership, ..
    } = team(store);
    let lund = provider(store, "Lund");
    let same_id = Membership {
        id: membership.id,
        ..invitation(anna, lund, at(5 * SECOND))
    };
    let other = invitation(anna, lund, at(6 * SECOND));
    conflict_leaves_no_trace(
        store,
        "insert of an existing membership id",
        |tx| tx.insert_membership(&same_id),
        |tx| {
            tx.insert_membership(&other)
                .expect("a new membership is written")
        },
        |tx, what| {
            assert_eq!(
                tx.membership(membership.id)
                    .expect("a membership can be read"),
                Some(membership.clone()),
                "{what}"
            );
            let lunds = MembershipQuery {
                service_user: None,
                provider: Some(lund),
            };
            let listed = tx.memberships(&lunds).expect("memberships can be listed");
            assert!(
                listed.iter().all(|m| m.id != membership.id),
                "{what}: listed under Lund"
            );
        },
    );
    assert_eq!(
        memberships_of(store, &team_of(anna)),
        vec![membership, other],
        "the write after the conflict committed"
    );
}

/// `update_membership` replaces the state: the membership reads as its latest state, by id and
/// listed, and writing the same state again is no conflict.
pub fn update_membership_replaces_its_state(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let berg = provider(store, "Dr. Berg");
    let invited = invitation(anna, berg, at(0));
    insert_memberships(store, std::slice::from_ref(&invited));
    let active = accepted(&invited, at(SECOND + 1));
    write(store, |tx| tx.update_membership(&active)).expect("a membership is updated");
    assert_eq!(membership_by_id(store, invited.id), Some(active.clone()));
    let over = ended(&active, at(2 * SECOND + 3), anna);
    write(store, |tx| tx.update_membership(&over)).expect("a membership is updated");
    assert_eq!(membership_by_id(store, invited.id), Some(over.clone()));
    write(store, |tx| tx.update_membership(&over)).expect("the same state is written again");
    assert_eq!(memberships_of(store, &team_of(anna)), vec![over]);
}

/// An update may not move a membership to another service user or provider, and may not create
/// one: each is a conflict and writes nothing.
pub fn update_membership_changing_parties_is_conflict(store: &dyn Store) {
    let Team {
        anna, membership, ..
    } = team(store);
    let bjorn = service_user(store, "Bjørn");
    let lund = provider(store, "Lund");
    let nilsen = provider(store, "Nilsen");
    let next = ended(&membership, at(5 * SECOND), anna);
    let attempts = [
        (
            "another service user",
            Membership {
                service_user: bjorn,
                ..next.clone()
            },
        ),
        (
            "another provider",
            Membership {
                provider: lund,
                ..next.clone()
            },
        ),
        (
            "both parties swapped",
            Membership {
                service_user: membership.provider,
                provider: membership.service_user,
                ..next.clone()
            },
        ),
        (
            "an unknown membership",
            Membership {
                id: MembershipId::new(),
                ..next.clone()
            },
        ),
    ];
    let mut others = Vec::new();
    for (i, (what, bad)) in attempts.into_iter().enumerate() {
        let other = invitation(
            anna,
            nilsen,
            at(10 * SECOND + i64::try_from(i).expect("small")),
        );
        conflict_leaves_no_trace(
            store,
            &format!("update to {what}"),
            |tx| tx.update_membership(&bad),
            |tx| {
                tx.insert_membership(&other)
                    .expect("a new membership is written")
            },
            |tx, what| {
                assert_eq!(
                    tx.membership(membership.id)
                        .expect("a membership can be read"),
                    Some(membership.clone()),
                    "{what}"
                );
                assert_eq!(
                    tx.membership(bad.id).expect("a membership can be read"),
                    (bad.id == membership.id).then(|| membership.clone()),
                    "{what}"
                );
                for query in [
                    team_of(bjorn),
                    team_of(membership.provider),
                    MembershipQuery {
                        service_user: None,
                        provider: Some(lund),
                    },
                    MembershipQuery {
                        service_user: None,
                        provider: Some(anna),
                    },
                ] {
                    assert_eq!(
                        tx.memberships(&query).expect("memberships can be listed"),
                        Vec::new(),
                        "{what}: {query:?}"
                    );
                }
            },
        );
        others.push(other);
    }
    let mut expected = vec![membership];
    expected.extend(others);
    assert_eq!(memberships_of(store, &team_of(anna)), expected);
}

/// `memberships` keeps a service user's team, a provider's memberships, or the one membership
/// between both; with neither, every membership.
pub fn memberships_filter_by_service_user_and_provider(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let bjorn = service_user(store, "Bjørn");
    let berg = provider(store, "Dr. Berg");
    let lund = provider(store, "Lund");
    let anna_berg = invitation(anna, berg, at(0));
    let bjorn_berg = accepted(&invitation(bjorn, berg, at(1)), at(SECOND));
    let anna_lund = invitation(anna, lund, at(2));
    let anna_berg_again = invitation(anna, berg, at(3));
    insert_memberships(
        store,
        &[
            anna_berg.clone(),
            bjorn_berg.clone(),
            anna_lund.clone(),
            anna_berg_again.clone(),
        ],
    );
    let query = |service_user, provider| {
        memberships_of(
            store,
            &MembershipQuery {
                service_user,
                provider,
            },
        )
    };
    assert_eq!(
        query(Some(anna), None),
        vec![
            anna_berg.clone(),
            anna_lund.clone(),
            anna_berg_again.clone()
        ]
    );
    assert_eq!(query(Some(bjorn), None), vec![bjorn_berg.clone()]);
    assert_eq!(
        query(None, Some(berg)),
        vec![
            anna_berg.clone(),
            bjorn_berg.clone(),
            anna_berg_again.clone()
        ]
    );
    assert_eq!(query(None, Some(lund)), vec![anna_lund.clone()]);
    assert_eq!(
        query(Some(anna), Some(berg)),
        vec![anna_berg.clone(), anna_berg_again.clone()]
    );
    assert_eq!(query(Some(bjorn), Some(lund)), Vec::new());
    assert_eq!(
        query(Some(berg), None),
        Vec::new(),
        "a provider is no service user"
    );
    assert_eq!(
        query(None, None),
        vec![anna_berg, bjorn_berg, anna_lund, anna_berg_again]
    );
}

/// Memberships come oldest invitation first, ties broken by id (as UUID bytes), whatever the
/// insertion order and later updates.
pub fn memberships_order_by_invited_at_then_id(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let berg = provider(store, "Dr. Berg");
    let with_id = |id: u128, invited: i64| Membership {
        id: MembershipId::from_uuid(Uuid::from_u128(id)),
        ..invitation(anna, berg, at(invited))
    };
    let first = with_id(0xFFFF_FFFF_FFFF_7FFF_BFFF_FFFF_FFFF_FFFF, 0);
    let tie_low = with_id(0x0F00_0000_0000_7000_8000_0000_0000_0000, SECOND);
    let tie_mid = with_id(0x7F00_0000_0000_7000_8000_0000_0000_0000, SECOND);
    let tie_high = with_id(0xF000_0000_0000_7000_8000_0000_0000_0000, SECOND);
    let a_micro_later = with_id(0x0000_0000_0000_7000_8000_0000_0000_0000, SECOND + 1);
    let last = with_id(0x0000_0000_0000_7000_8000_0000_0000_0001, 2 * SECOND);
    insert_memberships(
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
    // A later acceptance does not move a membership.
    let first = accepted(&first, at(10 * SECOND));
    write(store, |tx| tx.update_membership(&first)).expect("a membership is updated");
    let expected = vec![first, tie_low, tie_mid, tie_high, a_micro_later, last];
    assert_eq!(memberships_of(store, &team_of(anna)), expected);
    let bergs = MembershipQuery {
        service_user: None,
        provider: Some(berg),
    };
    assert_eq!(memberships_of(store, &bergs), expected);
}

/// A grant for every scope (catalogue and own domains included) at each stored level, with and
/// without an expiry, reads back exactly, ordered by the scope's string form byte by byte.
pub fn grants_round_trip_for_every_scope_in_scope_order(store: &dyn Store) {
    let Team {
        anna, membership, ..
    } = team(store);
    let own = [
        own_domain(
            store,
            anna,
            Uuid::from_u128(0xF000_0000_0000_7000_8000_0000_0000_0000),
        ),
        own_domain(
            store,
            anna,
            Uuid::from_u128(0x0F00_0000_0000_7000_8000_0000_0000_0000),
        ),
        own_domain(
            store,
            anna,
            Uuid::from_u128(0x0A00_0000_0000_7000_8000_0000_0000_0000),
        ),
    ];
    let mut scopes = every_scope(&own);
    // Keys that sort differently by bytes than by many collations: '-' < digits < letters.
    for key in ["a", "a-b", "a0", "ab", "z9", "finances"] {
        scopes.push(Scope::Domain(DomainRef::Catalogue(key.to_owned())));
    }
    let grants: Vec<Grant> = scopes
        .into_iter()
        .rev()
        .enumerate()
        .map(|(i, scope)| {
            let n = i64::try_from(i).expect("small");
            // Levels a stored grant may hold (a grant of `Level::None` is a revocation).
            let level = if i % 2 == 0 {
                Level::View
            } else {
                Level::Suggest
            };
            Grant {
                expires_at: (i % 3 != 0).then(|| at(100 * SECOND + n * 7 + 1)),
                ..grant(membership.id, scope, level, at(2 * SECOND + n * 13 + 1))
            }
        })
        .collect();
    put_grants(store, &grants);
    let expected = in_scope_order(grants);
    let got = grants_of(store, membership.id);
    assert_eq!(
        got.iter().map(|g| g.scope.to_string()).collect::<Vec<_>>(),
        expected
            .iter()
            .map(|g| g.scope.to_string())
            .collect::<Vec<_>>(),
        "grants are ordered by scope"
    );
    assert_eq!(got, expected);
}

/// Putting a grant for a scope that has one replaces it (level, expiry and time), leaving the
/// membership's other scopes and other memberships' grants for the same scope alone.
pub fn put_grant_replaces_the_grant_for_its_scope(store: &dyn Store) {
    let Team {
        anna, membership, ..
    } = team(store);
    let lund = provider(store, "Lund");
    let other = accepted(&invitation(anna, lund, at(2)), at(3));
    insert_memberships(store, std::slice::from_ref(&other));
    let diary = grant(membership.id, Scope::Diary, Level::View, at(SECOND));
    let meds = grant(
        membership.id,
        Scope::Medications,
        Level::View,
        at(SECOND + 1),
    );
    let lunds_diary = grant(other.id, Scope::Diary, Level::View, at(SECOND + 2));
    put_grants(store, &[diary.clone(), meds.clone(), lunds_diary.clone()]);
    let more = Grant {
        level: Level::Suggest,
        expires_at: Some(at(30 * SECOND + 7)),
        ..grant(
            membership.id,
            Scope::Diary,
            Level::Suggest,
            at(5 * SECOND + 3),
        )
    };
    put_grants(store, std::slice::from_ref(&more));
    assert_eq!(
        grants_of(store, membership.id),
        vec![more.clone(), meds.clone()]
    );
    let back = Grant {
        expires_at: None,
        ..grant(membership.id, Scope::Diary, Level::View, at(6 * SECOND + 5))
    };
    put_grants(store, std::slice::from_ref(&back));
    assert_eq!(grants_of(store, membership.id), vec![back, meds]);
    assert_eq!(grants_of(store, other.id), vec![lunds_diary]);
}

/// A grant for a membership that does not exist is a conflict and writes nothing; a membership
/// written earlier in the same transaction takes grants.
pub fn put_grant_for_unknown_membership_is_conflict(store: &dyn Store) {
    let Team {
        anna, membership, ..
    } = team(store);
    let lund = provider(store, "Lund");
    let diary = grant(membership.id, Scope::Diary, Level::View, at(SECOND));
    put_grants(store, std::slice::from_ref(&diary));
    let ghost = MembershipId::new();
    let fresh = invitation(anna, lund, at(3 * SECOND));
    let fresh_grant = grant(fresh.id, Scope::CrisisPlan, Level::Suggest, at(4 * SECOND));
    conflict_leaves_no_trace(
        store,
        "grant for an unknown membership",
        |tx| tx.put_grant(&grant(ghost, Scope::Diary, Level::View, at(2 * SECOND))),
        |tx| {
            tx.insert_membership(&fresh)
                .expect("a new membership is written");
            tx.put_grant(&fresh_grant)
                .expect("a grant for a new membership is written");
        },
        |tx, what| {
            assert_eq!(
                tx.grants(ghost).expect("grants can be listed"),
                Vec::new(),
                "{what}"
            );
            assert_eq!(
                tx.membership(ghost).expect("a membership can be read"),
                None,
                "{what}"
            );
            assert_eq!(
                tx.grants(membership.id).expect("grants can be listed"),
                vec![diary.clone()],
                "{what}"
            );
        },
    );
    assert_eq!(grants_of(store, fresh.id), vec![fresh_grant]);
}

/// `delete_grant` removes the grant for one scope and says whether there was one.
pub fn delete_grant_removes_one_scope(store: &dyn Store) {
    let Team {
        anna, membership, ..
    } = team(store);
    let lund = provider(store, "Lund");
    let other = accepted(&invitation(anna, lund, at(2)), at(3));
    insert_memberships(store, std::slice::from_ref(&other));
    let own = own_domain(store, anna, Uuid::now_v7());
    let diary = grant(membership.id, Scope::Diary, Level::View, at(SECOND));
    let housing_grant = grant(
        membership.id,
        Scope::Domain(housing()),
        Level::Suggest,
        at(SECOND + 1),
    );
    let own_grant = grant(
        membership.id,
        Scope::Domain(own.clone()),
        Level::View,
        at(SECOND + 2),
    );
    let lunds_diary = grant(other.id, Scope::Diary, Level::View, at(SECOND + 3));
    put_grants(
        store,
        &[
            diary.clone(),
            housing_grant.clone(),
            own_grant.clone(),
            lunds_diary.clone(),
        ],
    );
    let delete = |scope: &Scope, m: MembershipId| {
        write(store, |tx| tx.delete_grant(m, scope)).expect("a grant can be deleted")
    };
    assert!(
        delete(&Scope::Diary, membership.id),
        "the diary grant existed"
    );
    assert_eq!(
        grants_of(store, membership.id),
        in_scope_order(vec![housing_grant.clone(), own_grant.clone()])
    );
    assert!(
        !delete(&Scope::Diary, membership.id),
        "the diary grant is gone"
    );
    assert!(
        !delete(&Scope::Medications, membership.id),
        "medications were never granted"
    );
    assert!(
        !delete(&Scope::Domain(finances()), membership.id),
        "another catalogue domain was never granted"
    );
    assert!(
        !delete(&Scope::Diary, MembershipId::new()),
        "an unknown membership has no grants"
    );
    assert!(
        delete(&Scope::Domain(own), membership.id),
        "the own-domain grant existed"
    );
    assert_eq!(grants_of(store, membership.id), vec![housing_grant]);
    assert_eq!(grants_of(store, other.id), vec![lunds_diary]);
}

/// `delete_grants` removes every grant of one membership and says how many there were.
pub fn delete_grants_removes_every_grant_of_a_membership(store: &dyn Store) {
    let Team {
        anna, membership, ..
    } = team(store);
    let lund = provider(store, "Lund");
    let other = accepted(&invitation(anna, lund, at(2)), at(3));
    insert_memberships(store, std::slice::from_ref(&other));
    let scopes = [Scope::Diary, Scope::Medications, Scope::Domain(housing())];
    let grants: Vec<Grant> = scopes
        .iter()
        .map(|s| grant(membership.id, s.clone(), Level::View, at(SECOND)))
        .collect();
    let lunds = grant(other.id, Scope::Diary, Level::Suggest, at(SECOND));
    put_grants(store, &grants);
    put_grants(store, std::slice::from_ref(&lunds));
    let delete_all =
        |m: MembershipId| write(store, |tx| tx.delete_grants(m)).expect("grants can be deleted");
    assert_eq!(delete_all(membership.id), 3);
    assert_eq!(grants_of(store, membership.id), Vec::new());
    assert_eq!(delete_all(membership.id), 0);
    assert_eq!(delete_all(MembershipId::new()), 0);
    assert_eq!(grants_of(store, other.id), vec![lunds]);
    // The membership stays and takes grants again.
    assert_eq!(
        membership_by_id(store, membership.id),
        Some(membership.clone())
    );
    put_grants(store, &grants[..1]);
    assert_eq!(grants_of(store, membership.id), grants[..1].to_vec());
}

/// Proposals of every content and in every state, with optional fields `None` and `Some`, read
/// back exactly by id and listed.
pub fn proposals_round_trip_every_content_and_status(store: &dyn Store) {
    let Team { anna, berg, .. } = team(store);
    let own = own_domain(store, anna, Uuid::now_v7());
    let g = record(anna, at(0), goal(housing(), "Find a flat", anna));
    let accepted_goal = record(anna, at(1), goal(own.clone(), "Sing a solo", berg));
    let accepted_activity = record(
        anna,
        at(2),
        activity(g.id, housing(), "Call the office", berg),
    );
    insert_all(
        store,
        &[g.clone(), accepted_goal.clone(), accepted_activity.clone()],
    );
    let contents = [
        ProposalContent::Goal {
            domain: housing(),
            title: "Finn en leilighet «nær jobben» 🏠".to_owned(),
            why: "So that your daughter can visit.\nAnd you can rest.".to_owned(),
            target_date: Some(day(2025, 6, 30)),
        },
        ProposalContent::Goal {
            domain: own,
            title: "Sing a solo".to_owned(),
            why: String::new(),
            target_date: None,
        },
        ProposalContent::Activity {
            goal: GoalId::from_uuid(g.id.as_uuid()),
            title: "Call the housing office \"before noon\"".to_owned(),
            due: Some(day(2024, 2, 29)),
        },
        ProposalContent::Activity {
            goal: GoalId::from_uuid(g.id.as_uuid()),
            title: "e\u{301}\ttabbed".to_owned(),
            due: None,
        },
    ];
    let base = |i: i64, content: &ProposalContent| Proposal {
        content: content.clone(),
        ..goal_proposal(anna, berg, at(i * SECOND + 7), "x")
    };
    let proposals = vec![
        base(1, &contents[0]),
        decided(
            &base(2, &contents[1]),
            at(20 * SECOND + 3),
            Some(accepted_goal.id),
        ),
        decided(
            &base(3, &contents[2]),
            at(21 * SECOND + 5),
            Some(accepted_activity.id),
        ),
        decided(&base(4, &contents[3]), at(22 * SECOND + 9), None),
        decided(&base(5, &contents[0]), at(23 * SECOND + 11), None),
    ];
    for p in &proposals {
        // A new content or status fails to compile here, so that it is added to the fixture.
        match (&p.content, p.status) {
            (
                ProposalContent::Goal { .. } | ProposalContent::Activity { .. },
                ProposalStatus::Pending | ProposalStatus::Accepted | ProposalStatus::Rejected,
            ) => {}
        }
    }
    insert_proposals(store, &proposals);
    for p in &proposals {
        assert_eq!(
            proposal_by_id(store, p.id).as_ref(),
            Some(p),
            "proposal {:?}",
            p.status
        );
    }
    assert_eq!(proposals_of(store, &proposals_for(anna)), proposals);
}

/// Inserting a proposal whose id exists is a conflict and writes nothing.
pub fn insert_proposal_with_existing_id_is_conflict(store: &dyn Store) {
    let Team { anna, berg, .. } = team(store);
    let first = goal_proposal(anna, berg, at(0), "Find a flat");
    insert_proposals(store, std::slice::from_ref(&first));
    let same_id = Proposal {
        id: first.id,
        ..decided(
            &goal_proposal(anna, berg, at(SECOND), "Pay off debt"),
            at(2 * SECOND),
            None,
        )
    };
    let other = goal_proposal(anna, berg, at(3 * SECOND), "Rest more");
    conflict_leaves_no_trace(
        store,
        "insert of an existing proposal id",
        |tx| tx.insert_proposal(&same_id),
        |tx| {
            tx.insert_proposal(&other)
                .expect("a new proposal is written")
        },
        |tx, what| {
            assert_eq!(
                tx.proposal(first.id).expect("a proposal can be read"),
                Some(first.clone()),
                "{what}"
            );
            let rejected = ProposalQuery {
                status: Some(ProposalStatus::Rejected),
                ..ProposalQuery::default()
            };
            assert_eq!(
                tx.proposals(&rejected).expect("proposals can be listed"),
                Vec::new(),
                "{what}"
            );
        },
    );
    assert_eq!(
        proposals_of(store, &proposals_for(anna)),
        vec![first, other]
    );
}

/// `update_proposal` replaces the state: accepted or rejected, the proposal reads as decided, by
/// id and listed, and writing the same state again is no conflict.
pub fn update_proposal_replaces_its_state(store: &dyn Store) {
    let Team { anna, berg, .. } = team(store);
    let to_accept = goal_proposal(anna, berg, at(0), "Find a flat");
    let to_reject = goal_proposal(anna, berg, at(1), "Pay off debt");
    insert_proposals(store, &[to_accept.clone(), to_reject.clone()]);
    let item = record(anna, at(SECOND), goal(housing(), "Find a flat", berg));
    insert_one(store, &item);
    let yes = decided(&to_accept, at(SECOND + 1), Some(item.id));
    let no = decided(&to_reject, at(SECOND + 3), None);
    write(store, |tx| {
        tx.update_proposal(&yes).expect("a proposal is updated");
        tx.update_proposal(&no).expect("a proposal is updated");
    });
    assert_eq!(proposal_by_id(store, yes.id), Some(yes.clone()));
    assert_eq!(proposal_by_id(store, no.id), Some(no.clone()));
    write(store, |tx| tx.update_proposal(&no)).expect("the same state is written again");
    assert_eq!(proposals_of(store, &proposals_for(anna)), vec![yes, no]);
}

/// An update may not change a proposal's owner, provider or content, and may not create one:
/// each is a conflict and writes nothing.
pub fn update_proposal_changing_fixed_fields_is_conflict(store: &dyn Store) {
    let Team { anna, berg, .. } = team(store);
    let bjorn = service_user(store, "Bjørn");
    let lund = provider(store, "Lund");
    let g = record(anna, at(0), goal(housing(), "Find a flat", anna));
    insert_one(store, &g);
    let p = Proposal {
        content: ProposalContent::Goal {
            domain: housing(),
            title: "Find a flat".to_owned(),
            why: "Room for a visit.".to_owned(),
            target_date: Some(day(2025, 1, 1)),
        },
        ..goal_proposal(anna, berg, at(SECOND), "x")
    };
    insert_proposals(store, std::slice::from_ref(&p));
    let next = decided(&p, at(2 * SECOND), None);
    let with_content = |content: ProposalContent| Proposal {
        content,
        ..next.clone()
    };
    let goal_with = |title: &str, why: &str, target_date, domain| {
        with_content(ProposalContent::Goal {
            domain,
            title: title.to_owned(),
            why: why.to_owned(),
            target_date,
        })
    };
    let target = Some(day(2025, 1, 1));
    let attempts = [
        (
            "another owner",
            Proposal {
                owner: bjorn,
                ..next.clone()
            },
        ),
        (
            "another provider",
            Proposal {
                provider: lund,
                ..next.clone()
            },
        ),
        (
            "another title",
            goal_with("Find a house", "Room for a visit.", target, housing()),
        ),
        (
            "another why",
            goal_with("Find a flat", "", target, housing()),
        ),
        (
            "another target date",
            goal_with("Find a flat", "Room for a visit.", None, housing()),
        ),
        (
            "another domain",
            goal_with("Find a flat", "Room for a visit.", target, finances()),
        ),
        (
            "another kind of content",
            with_content(ProposalContent::Activity {
                goal: GoalId::from_uuid(g.id.as_uuid()),
                title: "Find a flat".to_owned(),
                due: None,
            }),
        ),
        (
            "an unknown proposal",
            Proposal {
                id: ProposalId::new(),
                ..next.clone()
            },
        ),
    ];
    let mut others = Vec::new();
    for (i, (what, bad)) in attempts.into_iter().enumerate() {
        let other = goal_proposal(
            anna,
            berg,
            at(10 * SECOND + i64::try_from(i).expect("small")),
            what,
        );
        conflict_leaves_no_trace(
            store,
            &format!("update to {what}"),
            |tx| tx.update_proposal(&bad),
            |tx| {
                tx.insert_proposal(&other)
                    .expect("a new proposal is written")
            },
            |tx, what| {
                assert_eq!(
                    tx.proposal(p.id).expect("a proposal can be read"),
                    Some(p.clone()),
                    "{what}"
                );
                assert_eq!(
                    tx.proposal(bad.id).expect("a proposal can be read"),
                    (bad.id == p.id).then(|| p.clone()),
                    "{what}"
                );
                for query in [
                    proposals_for(bjorn),
                    ProposalQuery {
                        provider: Some(lund),
                        ..ProposalQuery::default()
                    },
                    ProposalQuery {
                        status: Some(ProposalStatus::Rejected),
                        ..ProposalQuery::default()
                    },
                ] {
                    assert_eq!(
                        tx.proposals(&query).expect("proposals can be listed"),
                        Vec::new(),
                        "{what}: {query:?}"
                    );
                }
            },
        );
        others.push(other);
    }
    let mut expected = vec![p];
    expected.extend(others);
    assert_eq!(proposals_of(store, &proposals_for(anna)), expected);
}

/// `proposals` filters by owner, provider and status, alone and together; with no filter it
/// lists every proposal.
pub fn proposals_filter_by_owner_provider_and_status(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let bjorn = service_user(store, "Bjørn");
    let berg = provider(store, "Dr. Berg");
    let lund = provider(store, "Lund");
    let mut proposals = Vec::new();
    let mut n = 0;
    for owner in [anna, bjorn] {
        for by in [berg, lund] {
            for state in [
                ProposalStatus::Pending,
                ProposalStatus::Accepted,
                ProposalStatus::Rejected,
            ] {
                n += 1;
                let p = goal_proposal(owner, by, at(n), &format!("Proposal {n}"));
                let p = match state {
                    ProposalStatus::Pending => p,
                    ProposalStatus::Accepted => {
                        let item = record(owner, at(n), goal(housing(), "Accepted", by));
                        insert_one(store, &item);
                        decided(&p, at(SECOND + n), Some(item.id))
                    }
                    ProposalStatus::Rejected => decided(&p, at(SECOND + n), None),
                };
                proposals.push(p);
            }
        }
    }
    // Inserted newest first, so that insertion order is not listing order.
    let mut reversed = proposals.clone();
    reversed.reverse();
    insert_proposals(store, &reversed);
    let ids_of = |ps: &[Proposal]| ps.iter().map(|p| p.id).collect::<Vec<_>>();
    let owners = [None, Some(anna), Some(bjorn), Some(berg)];
    let providers = [None, Some(berg), Some(lund), Some(anna)];
    let states = [
        None,
        Some(ProposalStatus::Pending),
        Some(ProposalStatus::Accepted),
        Some(ProposalStatus::Rejected),
    ];
    for owner in owners {
        for provider in providers {
            for status in states {
                let query = ProposalQuery {
                    owner,
                    provider,
                    status,
                };
                let expected: Vec<Proposal> = proposals
                    .iter()
                    .filter(|p| query.matches(p))
                    .cloned()
                    .collect();
                assert_eq!(
                    ids_of(&proposals_of(store, &query)),
                    ids_of(&expected),
                    "{query:?}"
                );
            }
        }
    }
    // The oracle above is `ProposalQuery::matches`; two answers by hand keep it honest.
    let pending_for_anna = ProposalQuery {
        owner: Some(anna),
        status: Some(ProposalStatus::Pending),
        ..ProposalQuery::default()
    };
    assert_eq!(
        ids_of(&proposals_of(store, &pending_for_anna)),
        vec![proposals[0].id, proposals[3].id]
    );
    let lunds_rejected = ProposalQuery {
        provider: Some(lund),
        status: Some(ProposalStatus::Rejected),
        ..ProposalQuery::default()
    };
    assert_eq!(
        proposals_of(store, &lunds_rejected),
        vec![proposals[5].clone(), proposals[11].clone()]
    );
}

/// Proposals come oldest first by `proposed_at`, ties broken by id (as UUID bytes), whatever the
/// insertion order and later decisions.
pub fn proposals_order_by_proposed_at_then_id(store: &dyn Store) {
    let Team { anna, berg, .. } = team(store);
    let with_id = |id: u128, proposed: i64| Proposal {
        id: ProposalId::from_uuid(Uuid::from_u128(id)),
        ..goal_proposal(anna, berg, at(proposed), "Find a flat")
    };
    let first = with_id(0xFFFF_FFFF_FFFF_7FFF_BFFF_FFFF_FFFF_FFFF, 0);
    let tie_low = with_id(0x0F00_0000_0000_7000_8000_0000_0000_0000, SECOND);
    let tie_mid = with_id(0x7F00_0000_0000_7000_8000_0000_0000_0000, SECOND);
    let tie_high = with_id(0xF000_0000_0000_7000_8000_0000_0000_0000, SECOND);
    let a_micro_later = with_id(0x0000_0000_0000_7000_8000_0000_0000_0000, SECOND + 1);
    let last = with_id(0x0000_0000_0000_7000_8000_0000_0000_0001, 2 * SECOND);
    insert_proposals(
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
    let first = decided(&first, at(10 * SECOND), None);
    write(store, |tx| tx.update_proposal(&first)).expect("a proposal is updated");
    let expected = vec![first, tie_low, tie_mid, tie_high, a_micro_later, last];
    assert_eq!(proposals_of(store, &proposals_for(anna)), expected);
    assert_eq!(proposals_of(store, &ProposalQuery::default()), expected);
}

/// Comments read back exactly (text byte for byte), listed per item oldest first by
/// `written_at`, ties broken by id (as UUID bytes), whatever the insertion order.
pub fn comments_round_trip_oldest_first_per_item(store: &dyn Store) {
    let Team { anna, berg, .. } = team(store);
    let g = record(anna, at(0), goal(housing(), "Find a flat", anna));
    let entry = record(anna, at(1), diary(day(2024, 3, 1), "A good day."));
    insert_all(store, &[g.clone(), entry.clone()]);
    let with_id = |id: u128, item: ItemId, author: UserId, written: i64, text: &str| Comment {
        id: CommentId::from_uuid(Uuid::from_u128(id)),
        ..comment(anna, item, author, at(written), text)
    };
    let first = with_id(
        0xFFFF_FFFF_FFFF_7FFF_BFFF_FFFF_FFFF_FFFF,
        g.id,
        berg,
        SECOND,
        "Bra mål! «Ta det rolig» 🌱",
    );
    let tie_low = with_id(
        0x0F00_0000_0000_7000_8000_0000_0000_0000,
        g.id,
        anna,
        2 * SECOND,
        "Takk.\n\tThanks.",
    );
    let tie_high = with_id(
        0xF000_0000_0000_7000_8000_0000_0000_0000,
        g.id,
        berg,
        2 * SECOND,
        "e\u{301} A\u{30A}",
    );
    let last = with_id(
        0x0000_0000_0000_7000_8000_0000_0000_0001,
        g.id,
        berg,
        2 * SECOND + 1,
        &"ø".repeat(5_000),
    );
    let on_entry = with_id(
        0x0000_0000_0000_7000_8000_0000_0000_0002,
        entry.id,
        berg,
        0,
        "Glad to read this.",
    );
    insert_comments(
        store,
        &[
            last.clone(),
            on_entry.clone(),
            tie_high.clone(),
            first.clone(),
            tie_low.clone(),
        ],
    );
    let got = comments_on(store, g.id);
    assert_eq!(got, vec![first, tie_low, tie_high, last.clone()]);
    let long = got.last().expect("four comments");
    assert_eq!(
        long.text.as_bytes(),
        last.text.as_bytes(),
        "long text changed"
    );
    assert_eq!(comments_on(store, entry.id), vec![on_entry]);
    assert_eq!(comments_on(store, ItemId::new()), Vec::new());
}

/// Inserting a comment whose id exists is a conflict and writes nothing.
pub fn insert_comment_with_existing_id_is_conflict(store: &dyn Store) {
    let Team { anna, berg, .. } = team(store);
    let g = record(anna, at(0), goal(housing(), "Find a flat", anna));
    let entry = record(anna, at(1), diary(day(2024, 3, 1), "A good day."));
    insert_all(store, &[g.clone(), entry.clone()]);
    let first = comment(anna, g.id, berg, at(SECOND), "Good goal.");
    insert_comments(store, std::slice::from_ref(&first));
    let same_id = Comment {
        id: first.id,
        ..comment(anna, entry.id, berg, at(2 * SECOND), "Other text.")
    };
    let other = comment(anna, g.id, berg, at(3 * SECOND), "Call me.");
    conflict_leaves_no_trace(
        store,
        "insert of an existing comment id",
        |tx| tx.insert_comment(&same_id),
        |tx| tx.insert_comment(&other).expect("a new comment is written"),
        |tx, what| {
            assert_eq!(
                tx.comments(entry.id).expect("comments can be listed"),
                Vec::new(),
                "{what}"
            );
            let on_goal = tx.comments(g.id).expect("comments can be listed");
            assert_eq!(on_goal.first(), Some(&first), "{what}");
        },
    );
    assert_eq!(comments_on(store, g.id), vec![first, other]);
}

/// New memberships and updates of committed ones, written in a transaction that is dropped
/// uncommitted, are gone; the transaction saw them while it lasted.
pub fn dropped_transaction_rolls_back_memberships(store: &dyn Store) {
    let Team {
        anna,
        berg,
        membership,
    } = team(store);
    let lund = provider(store, "Lund");
    let fresh = invitation(anna, lund, at(2 * SECOND));
    let over = ended(&membership, at(3 * SECOND), berg);
    {
        let mut tx = begin(store, TxMode::Write);
        tx.insert_membership(&fresh)
            .expect("a new membership is written");
        tx.update_membership(&over)
            .expect("a membership is updated");
        let fresh_accepted = accepted(&fresh, at(4 * SECOND));
        tx.update_membership(&fresh_accepted)
            .expect("a new membership is updated");
        assert_eq!(
            tx.memberships(&team_of(anna))
                .expect("memberships can be listed"),
            vec![over.clone(), fresh_accepted],
            "the transaction sees its own writes"
        );
    }
    assert_eq!(
        membership_by_id(store, membership.id),
        Some(membership.clone())
    );
    assert_eq!(membership_by_id(store, fresh.id), None);
    assert_eq!(
        memberships_of(store, &team_of(anna)),
        vec![membership.clone()]
    );
    insert_memberships(store, std::slice::from_ref(&fresh));
    assert_eq!(
        memberships_of(store, &team_of(anna)),
        vec![membership, fresh]
    );
}

/// Grants put (new and replacing), deleted one by one and all at once in a transaction that is
/// dropped uncommitted are all back as committed; the transaction saw its changes while it
/// lasted.
pub fn dropped_transaction_rolls_back_grants(store: &dyn Store) {
    let Team {
        anna, membership, ..
    } = team(store);
    let lund = provider(store, "Lund");
    let diary = grant(membership.id, Scope::Diary, Level::View, at(SECOND));
    let meds = grant(
        membership.id,
        Scope::Medications,
        Level::View,
        at(SECOND + 1),
    );
    put_grants(store, &[diary.clone(), meds.clone()]);
    let committed = vec![diary.clone(), meds.clone()];
    {
        let mut tx = begin(store, TxMode::Write);
        let more = grant(membership.id, Scope::Diary, Level::Suggest, at(2 * SECOND));
        let crisis = grant(
            membership.id,
            Scope::CrisisPlan,
            Level::View,
            at(2 * SECOND),
        );
        tx.put_grant(&more).expect("a grant is replaced");
        tx.put_grant(&crisis).expect("a grant is written");
        assert!(
            tx.delete_grant(membership.id, &Scope::Medications)
                .expect("a grant is deleted")
        );
        assert_eq!(
            tx.grants(membership.id).expect("grants can be listed"),
            vec![crisis, more],
            "the transaction sees its own writes"
        );
    }
    assert_eq!(
        grants_of(store, membership.id),
        committed,
        "after put and delete"
    );
    {
        let mut tx = begin(store, TxMode::Write);
        assert_eq!(
            tx.delete_grants(membership.id).expect("grants are deleted"),
            2
        );
        assert_eq!(
            tx.grants(membership.id).expect("grants can be listed"),
            Vec::new()
        );
    }
    assert_eq!(
        grants_of(store, membership.id),
        committed,
        "after delete all"
    );
    let fresh = invitation(anna, lund, at(3 * SECOND));
    {
        let mut tx = begin(store, TxMode::Write);
        tx.insert_membership(&fresh)
            .expect("a new membership is written");
        tx.put_grant(&grant(fresh.id, Scope::Diary, Level::View, at(4 * SECOND)))
            .expect("a grant is written");
    }
    assert_eq!(membership_by_id(store, fresh.id), None);
    assert_eq!(
        grants_of(store, fresh.id),
        Vec::new(),
        "grants of a rolled-back membership"
    );
    let mut tx = begin(store, TxMode::Write);
    assert_conflict(
        tx.put_grant(&grant(fresh.id, Scope::Diary, Level::View, at(5 * SECOND))),
        "grant for a rolled-back membership",
    );
    drop(tx);
    assert_eq!(grants_of(store, membership.id), committed);
}

/// New proposals and decisions on committed ones, written in a transaction that is dropped
/// uncommitted, are gone; the transaction saw them while it lasted.
pub fn dropped_transaction_rolls_back_proposals(store: &dyn Store) {
    let Team { anna, berg, .. } = team(store);
    let p = goal_proposal(anna, berg, at(0), "Find a flat");
    insert_proposals(store, std::slice::from_ref(&p));
    let fresh = goal_proposal(anna, berg, at(SECOND), "Pay off debt");
    let item = record(anna, at(2 * SECOND), goal(housing(), "Find a flat", berg));
    let yes = decided(&p, at(2 * SECOND), Some(item.id));
    {
        let mut tx = begin(store, TxMode::Write);
        tx.insert_item(&item).expect("a new item is written");
        tx.update_proposal(&yes).expect("a proposal is updated");
        tx.insert_proposal(&fresh)
            .expect("a new proposal is written");
        let no = decided(&fresh, at(3 * SECOND), None);
        tx.update_proposal(&no).expect("a new proposal is updated");
        assert_eq!(
            tx.proposals(&proposals_for(anna))
                .expect("proposals can be listed"),
            vec![yes.clone(), no],
            "the transaction sees its own writes"
        );
    }
    assert_eq!(proposal_by_id(store, p.id), Some(p.clone()));
    assert_eq!(proposal_by_id(store, fresh.id), None);
    assert_eq!(proposals_of(store, &proposals_for(anna)), vec![p.clone()]);
    insert_proposals(store, std::slice::from_ref(&fresh));
    assert_eq!(proposals_of(store, &proposals_for(anna)), vec![p, fresh]);
}

/// Comments written in a transaction that is dropped uncommitted are gone, and their ids are
/// free; the transaction saw them while it lasted.
pub fn dropped_transaction_rolls_back_comments(store: &dyn Store) {
    let Team { anna, berg, .. } = team(store);
    let g = record(anna, at(0), goal(housing(), "Find a flat", anna));
    insert_one(store, &g);
    let kept = comment(anna, g.id, berg, at(SECOND), "Good goal.");
    insert_comments(store, std::slice::from_ref(&kept));
    let fresh = record(anna, at(2 * SECOND), diary(day(2024, 3, 1), "A good day."));
    let dropped = comment(anna, g.id, berg, at(3 * SECOND), "Call me.");
    let on_fresh = comment(anna, fresh.id, anna, at(4 * SECOND), "Note to self.");
    {
        let mut tx = begin(store, TxMode::Write);
        tx.insert_comment(&dropped)
            .expect("a new comment is written");
        tx.insert_item(&fresh).expect("a new item is written");
        tx.insert_comment(&on_fresh)
            .expect("a new comment is written");
        assert_eq!(
            tx.comments(g.id).expect("comments can be listed"),
            vec![kept.clone(), dropped.clone()],
            "the transaction sees its own writes"
        );
    }
    assert_eq!(comments_on(store, g.id), vec![kept.clone()]);
    assert_eq!(comments_on(store, fresh.id), Vec::new());
    insert_comments(store, std::slice::from_ref(&dropped));
    assert_eq!(comments_on(store, g.id), vec![kept, dropped]);
}

// ----- access log ------------------------------------------------------------------------------

/// An allowed event with no scope, counterpart, target or level.
fn event(at: DateTime<Utc>, actor: UserId, subject: UserId, action: AccessAction) -> AccessEvent {
    AccessEvent {
        at,
        actor,
        subject,
        action,
        scope: None,
        counterpart: None,
        target: None,
        level: None,
        outcome: Outcome::Allowed,
        moderation_reason: None,
    }
}

/// Entries for `events`, chained as the portal chains them after the log's last entry `after`.
fn chained(after: Option<(u64, [u8; 32])>, events: Vec<AccessEvent>) -> Vec<AccessEntry> {
    let (mut seq, mut prev) = after.unwrap_or((0, GENESIS));
    events
        .into_iter()
        .map(|event| {
            seq += 1;
            let hash = chain_hash(&prev, &event);
            let entry = AccessEntry {
                seq,
                event,
                prev_hash: prev,
                hash,
            };
            prev = hash;
            entry
        })
        .collect()
}

/// Appends entries in one transaction and commits.
fn append_all(store: &dyn Store, entries: &[AccessEntry]) {
    write(store, |tx| {
        for e in entries {
            tx.append_access(e)
                .unwrap_or_else(|err| panic!("append of access entry {} failed: {err}", e.seq));
        }
    });
}

/// Every entry about `subject`, no other filter, no practical limit.
fn about(subject: UserId) -> AccessQuery {
    AccessQuery {
        subject,
        party: None,
        scope: None,
        from: None,
        until: None,
        before_seq: None,
        limit: usize::MAX,
    }
}

fn access_entries(store: &dyn Store, query: &AccessQuery) -> Vec<AccessEntry> {
    read(store, |tx| tx.access_entries(query)).expect("access entries can be listed")
}

fn access_range(store: &dyn Store, after_seq: u64, limit: usize) -> Vec<AccessEntry> {
    read(store, |tx| tx.access_range(after_seq, limit)).expect("an access range can be read")
}

fn last_access(store: &dyn Store) -> Option<(u64, [u8; 32])> {
    read(store, |tx| tx.last_access()).expect("the last access entry can be read")
}

fn seqs(entries: &[AccessEntry]) -> Vec<u64> {
    entries.iter().map(|e| e.seq).collect()
}

/// The people of the access-log fixture.
struct LogPeople {
    anna: UserId,
    bjorn: UserId,
    berg: UserId,
    lund: UserId,
}

/// Twelve entries about Anna and Bjørn, entry `n` at `n` seconds, by them and two providers:
///
/// | seq | actor | subject | action | scope    | counterpart |
/// |-----|-------|---------|--------|----------|-------------|
/// | 1   | anna  | anna    | invite | -        | berg        |
/// | 2   | berg  | anna    | accept | -        | anna        |
/// | 3   | anna  | anna    | grant  | diary    | berg        |
/// | 4   | berg  | anna    | view   | diary    | -           |
/// | 5   | lund  | anna    | view   | diary    | - (denied)  |
/// | 6   | bjorn | bjorn   | invite | -        | berg        |
/// | 7   | berg  | anna    | view   | housing  | - (denied)  |
/// | 8   | anna  | anna    | revoke | diary    | berg        |
/// | 9   | berg  | bjorn   | accept | -        | bjorn       |
/// | 10  | berg  | anna    | view   | diary    | - (denied)  |
/// | 11  | anna  | anna    | view   | diary    | -           |
/// | 12  | lund  | bjorn   | view   | meds     | - (denied)  |
fn access_log_fixture(store: &dyn Store) -> (LogPeople, Vec<AccessEntry>) {
    let anna = service_user(store, "Anna");
    let bjorn = service_user(store, "Bjørn");
    let berg = provider(store, "Dr. Berg");
    let lund = provider(store, "Lund");
    let rows = [
        (anna, anna, AccessAction::Invite, None, Some(berg), None),
        (berg, anna, AccessAction::Accept, None, Some(anna), None),
        (
            anna,
            anna,
            AccessAction::Grant,
            Some(Scope::Diary),
            Some(berg),
            None,
        ),
        (
            berg,
            anna,
            AccessAction::View,
            Some(Scope::Diary),
            None,
            None,
        ),
        (
            lund,
            anna,
            AccessAction::View,
            Some(Scope::Diary),
            None,
            Some(DenyReason::NoCareTeam),
        ),
        (bjorn, bjorn, AccessAction::Invite, None, Some(berg), None),
        (
            berg,
            anna,
            AccessAction::View,
            Some(Scope::Domain(housing())),
            None,
            Some(DenyReason::NotShared),
        ),
        (
            anna,
            anna,
            AccessAction::Revoke,
            Some(Scope::Diary),
            Some(berg),
            None,
        ),
        (berg, bjorn, AccessAction::Accept, None, Some(bjorn), None),
        (
            berg,
            anna,
            AccessAction::View,
            Some(Scope::Diary),
            None,
            Some(DenyReason::NotShared),
        ),
        (
            anna,
            anna,
            AccessAction::View,
            Some(Scope::Diary),
            None,
            None,
        ),
        (
            lund,
            bjorn,
            AccessAction::View,
            Some(Scope::Medications),
            None,
            Some(DenyReason::NoCareTeam),
        ),
    ];
    let events = rows
        .into_iter()
        .enumerate()
        .map(
            |(i, (actor, subject, action, scope, counterpart, denied))| AccessEvent {
                scope,
                counterpart,
                outcome: denied.map_or(Outcome::Allowed, Outcome::Denied),
                ..event(
                    at((i64::try_from(i).expect("small") + 1) * SECOND),
                    actor,
                    subject,
                    action,
                )
            },
        )
        .collect();
    let entries = chained(None, events);
    append_all(store, &entries);
    (
        LogPeople {
            anna,
            bjorn,
            berg,
            lund,
        },
        entries,
    )
}

/// The fixture's entries with these sequence numbers, in this order.
fn pick(entries: &[AccessEntry], seqs: &[u64]) -> Vec<AccessEntry> {
    seqs.iter()
        .map(|&s| {
            entries
                .iter()
                .find(|e| e.seq == s)
                .cloned()
                .unwrap_or_else(|| panic!("no entry {s} in the fixture"))
        })
        .collect()
}

/// An empty log has no last entry, no range and no entries about anyone.
pub fn empty_access_log_reads_as_empty(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    assert_eq!(last_access(store), None);
    assert_eq!(access_range(store, 0, usize::MAX), Vec::new());
    assert_eq!(access_entries(store, &about(anna)), Vec::new());
}

/// Entries with every action, every outcome and deny reason, every scope (none included), every
/// level (none included), every moderation reason (none included), with and without
/// counterpart and target, read back exactly, hashes byte for byte: through `access_range`,
/// `access_entries` and `last_access`.
pub fn access_entries_round_trip_exactly(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let berg = provider(store, "Dr. Berg");
    let own = own_domain(store, anna, Uuid::now_v7());
    let mut scopes: Vec<Option<Scope>> = every_scope(std::slice::from_ref(&own))
        .into_iter()
        .map(Some)
        .collect();
    scopes.push(None);
    let reasons = [
        DenyReason::NotShared,
        DenyReason::WrongRole,
        DenyReason::NoCareTeam,
        DenyReason::GrantExpired,
        DenyReason::OwnerOnly,
        DenyReason::NotAParty,
        DenyReason::NotAMember,
    ];
    for r in reasons {
        // A new reason fails to compile here, so that it is added to the list.
        match r {
            DenyReason::NotShared
            | DenyReason::WrongRole
            | DenyReason::NoCareTeam
            | DenyReason::GrantExpired
            | DenyReason::OwnerOnly
            | DenyReason::NotAParty
            | DenyReason::NotAMember => {}
        }
    }
    let mut outcomes = vec![Outcome::Allowed];
    outcomes.extend(reasons.map(Outcome::Denied));
    let levels = [
        None,
        Some(Level::None),
        Some(Level::View),
        Some(Level::Suggest),
    ];
    for l in levels.into_iter().flatten() {
        match l {
            Level::None | Level::View | Level::Suggest => {}
        }
    }
    let mut moderation_reasons = vec![None];
    moderation_reasons.extend(ForumReason::ALL.map(Some));
    // Enough events that every list above is gone through at least once.
    let n = AccessAction::ALL
        .len()
        .max(scopes.len())
        .max(outcomes.len())
        .max(moderation_reasons.len())
        + 1;
    let events: Vec<AccessEvent> = (0..n)
        .map(|i| {
            let micros = i64::try_from(i).expect("small") * (SECOND + 7) + 1;
            let (actor, counterpart) = if i % 2 == 0 {
                (anna, Some(berg))
            } else {
                (berg, None)
            };
            AccessEvent {
                scope: scopes[i % scopes.len()].clone(),
                counterpart,
                target: (i % 3 != 1).then(Uuid::now_v7),
                level: levels[i % levels.len()],
                outcome: outcomes[i % outcomes.len()],
                moderation_reason: moderation_reasons[i % moderation_reasons.len()],
                ..event(
                    at(micros),
                    actor,
                    anna,
                    AccessAction::ALL[i % AccessAction::ALL.len()],
                )
            }
        })
        .collect();
    let entries = chained(None, events);
    append_all(store, &entries);
    assert_eq!(access_range(store, 0, usize::MAX), entries, "access_range");
    let mut newest_first = entries.clone();
    newest_first.reverse();
    assert_eq!(
        access_entries(store, &about(anna)),
        newest_first,
        "access_entries"
    );
    let last = entries.last().expect("entries were written");
    assert_eq!(
        last_access(store),
        Some((last.seq, last.hash)),
        "last_access"
    );
    assert_eq!(
        entries[0].prev_hash, GENESIS,
        "the first entry links to all zeros"
    );
}

/// An append must carry exactly the next sequence number (1 for the first): a repeat, a gap, 0
/// or the largest number is a conflict, writes nothing and leaves the transaction usable.
pub fn append_out_of_sequence_is_conflict(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let berg = provider(store, "Dr. Berg");
    let events: Vec<AccessEvent> = (0..4)
        .map(|i| event(at(i * SECOND), berg, anna, AccessAction::View))
        .collect();
    let entries = chained(None, events);
    let renumbered = |seq: u64, e: &AccessEntry| AccessEntry { seq, ..e.clone() };
    for seq in [0, 2, u64::MAX] {
        conflict_leaves_no_trace(
            store,
            &format!("append of entry {seq} to an empty log"),
            |tx| tx.append_access(&renumbered(seq, &entries[0])),
            |_| {},
            |tx, what| {
                assert_eq!(
                    tx.last_access().expect("the log can be read"),
                    None,
                    "{what}"
                );
                assert_eq!(
                    tx.access_range(0, usize::MAX).expect("the log can be read"),
                    Vec::new(),
                    "{what}"
                );
            },
        );
    }
    append_all(store, &entries[..2]);
    for seq in [0, 1, 2, 4, 5, u64::MAX] {
        conflict_leaves_no_trace(
            store,
            &format!("append of entry {seq} after entry 2"),
            |tx| tx.append_access(&renumbered(seq, &entries[2])),
            |_| {},
            |tx, what| {
                assert_eq!(
                    tx.last_access().expect("the log can be read"),
                    Some((2, entries[1].hash)),
                    "{what}"
                );
                assert_eq!(
                    tx.access_range(0, usize::MAX).expect("the log can be read"),
                    entries[..2].to_vec(),
                    "{what}"
                );
            },
        );
    }
    // Conflicts leave the transaction usable: the right entries still append and commit.
    let mut tx = begin(store, TxMode::Write);
    assert_conflict(
        tx.append_access(&renumbered(4, &entries[2])),
        "append of entry 4 after 2",
    );
    tx.append_access(&entries[2])
        .expect("the next entry is appended");
    assert_conflict(tx.append_access(&entries[2]), "append of entry 3 again");
    tx.append_access(&entries[3])
        .expect("the next entry is appended");
    tx.commit()
        .expect("a transaction whose writes conflicted still commits");
    assert_eq!(access_range(store, 0, usize::MAX), entries);
    let last = entries.last().expect("entries");
    assert_eq!(last_access(store), Some((last.seq, last.hash)));
}

/// `last_access` gives the last entry's sequence number and hash, also for an entry appended
/// earlier in the same transaction.
pub fn last_access_gives_the_latest_entry(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let first = chained(None, vec![event(at(0), anna, anna, AccessAction::Invite)]);
    append_all(store, &first);
    assert_eq!(last_access(store), Some((1, first[0].hash)));
    let more = chained(
        Some((1, first[0].hash)),
        vec![
            event(at(1), anna, anna, AccessAction::Grant),
            event(at(2), anna, anna, AccessAction::Revoke),
        ],
    );
    write(store, |tx| {
        tx.append_access(&more[0])
            .expect("the next entry is appended");
        assert_eq!(
            tx.last_access().expect("the log can be read"),
            Some((2, more[0].hash))
        );
        tx.append_access(&more[1])
            .expect("the next entry is appended");
        assert_eq!(
            tx.last_access().expect("the log can be read"),
            Some((3, more[1].hash))
        );
    });
    assert_eq!(last_access(store), Some((3, more[1].hash)));
}

/// `access_entries` lists only the entries about the query's subject, newest first (by sequence
/// number, not by time).
pub fn access_entries_list_one_subject_newest_first(store: &dyn Store) {
    let (people, entries) = access_log_fixture(store);
    let LogPeople {
        anna, bjorn, berg, ..
    } = people;
    assert_eq!(
        access_entries(store, &about(anna)),
        pick(&entries, &[11, 10, 8, 7, 5, 4, 3, 2, 1])
    );
    assert_eq!(
        access_entries(store, &about(bjorn)),
        pick(&entries, &[12, 9, 6])
    );
    assert_eq!(
        access_entries(store, &about(berg)),
        Vec::new(),
        "berg is never the subject"
    );
    // An entry whose time is earlier than the one before it still lists by sequence number.
    let last = entries.last().expect("entries");
    let early = chained(
        Some((last.seq, last.hash)),
        vec![event(at(0), anna, anna, AccessAction::View)],
    );
    append_all(store, &early);
    assert_eq!(seqs(&access_entries(store, &about(anna)))[..2], [13, 11]);
}

/// `party` keeps the entries where that person acted or was the counterpart.
pub fn access_entries_filter_by_party(store: &dyn Store) {
    let (people, entries) = access_log_fixture(store);
    let LogPeople {
        anna,
        bjorn,
        berg,
        lund,
    } = people;
    let with_party = |subject: UserId, party: UserId| AccessQuery {
        party: Some(party),
        ..about(subject)
    };
    assert_eq!(
        access_entries(store, &with_party(anna, berg)),
        pick(&entries, &[10, 8, 7, 4, 3, 2, 1])
    );
    assert_eq!(
        access_entries(store, &with_party(anna, lund)),
        pick(&entries, &[5])
    );
    assert_eq!(
        access_entries(store, &with_party(anna, anna)),
        pick(&entries, &[11, 8, 3, 2, 1])
    );
    assert_eq!(
        access_entries(store, &with_party(bjorn, berg)),
        pick(&entries, &[9, 6])
    );
    assert_eq!(
        access_entries(store, &with_party(bjorn, bjorn)),
        pick(&entries, &[9, 6])
    );
    assert_eq!(access_entries(store, &with_party(bjorn, anna)), Vec::new());
}

/// `scope` keeps the entries about that scope; entries without a scope never match.
pub fn access_entries_filter_by_scope(store: &dyn Store) {
    let (people, entries) = access_log_fixture(store);
    let LogPeople { anna, bjorn, .. } = people;
    let in_scope = |subject: UserId, scope: Scope| AccessQuery {
        scope: Some(scope),
        ..about(subject)
    };
    assert_eq!(
        access_entries(store, &in_scope(anna, Scope::Diary)),
        pick(&entries, &[11, 10, 8, 5, 4, 3])
    );
    assert_eq!(
        access_entries(store, &in_scope(anna, Scope::Domain(housing()))),
        pick(&entries, &[7])
    );
    assert_eq!(
        access_entries(store, &in_scope(anna, Scope::Domain(finances()))),
        Vec::new()
    );
    assert_eq!(
        access_entries(store, &in_scope(anna, Scope::Medications)),
        Vec::new()
    );
    assert_eq!(
        access_entries(store, &in_scope(bjorn, Scope::Medications)),
        pick(&entries, &[12])
    );
    let own = Scope::Domain(DomainRef::Own(DomainId::new()));
    assert_eq!(access_entries(store, &in_scope(anna, own)), Vec::new());
}

/// `from` keeps entries at or after its time and `until` entries before its time, to the
/// microsecond.
pub fn access_entries_filter_by_time(store: &dyn Store) {
    let (people, entries) = access_log_fixture(store);
    let anna = people.anna;
    let between = |from: Option<i64>, until: Option<i64>| {
        let query = AccessQuery {
            from: from.map(at),
            until: until.map(at),
            ..about(anna)
        };
        seqs(&access_entries(store, &query))
    };
    assert_eq!(between(Some(4 * SECOND), None), [11, 10, 8, 7, 5, 4]);
    assert_eq!(between(Some(4 * SECOND + 1), None), [11, 10, 8, 7, 5]);
    assert_eq!(between(Some(4 * SECOND - 1), None), [11, 10, 8, 7, 5, 4]);
    assert_eq!(between(None, Some(4 * SECOND)), [3, 2, 1]);
    assert_eq!(between(None, Some(4 * SECOND + 1)), [4, 3, 2, 1]);
    assert_eq!(between(Some(4 * SECOND), Some(8 * SECOND)), [7, 5, 4]);
    assert_eq!(
        between(Some(4 * SECOND), Some(8 * SECOND + 1)),
        [8, 7, 5, 4]
    );
    assert_eq!(
        between(Some(4 * SECOND), Some(4 * SECOND)),
        Vec::<u64>::new()
    );
    assert_eq!(between(Some(4 * SECOND), Some(4 * SECOND + 1)), [4]);
    assert_eq!(between(Some(20 * SECOND), None), Vec::<u64>::new());
    assert_eq!(between(None, Some(0)), Vec::<u64>::new());
    let got = access_entries(
        store,
        &AccessQuery {
            from: Some(at(2 * SECOND)),
            until: Some(at(3 * SECOND + 1)),
            ..about(anna)
        },
    );
    assert_eq!(got, pick(&entries, &[3, 2]));
}

/// `limit` keeps the newest matching entries; 0 keeps none.
pub fn access_entries_limit_keeps_the_newest_matches(store: &dyn Store) {
    let (people, entries) = access_log_fixture(store);
    let LogPeople { anna, berg, .. } = people;
    let limited = |limit: usize, party: Option<UserId>| {
        let query = AccessQuery {
            party,
            limit,
            ..about(anna)
        };
        access_entries(store, &query)
    };
    assert_eq!(limited(0, None), Vec::new());
    assert_eq!(limited(1, None), pick(&entries, &[11]));
    assert_eq!(limited(3, None), pick(&entries, &[11, 10, 8]));
    assert_eq!(
        limited(9, None),
        pick(&entries, &[11, 10, 8, 7, 5, 4, 3, 2, 1])
    );
    assert_eq!(
        limited(100, None),
        pick(&entries, &[11, 10, 8, 7, 5, 4, 3, 2, 1])
    );
    // The limit applies after the filters: the newest entries with Berg, not the newest three.
    assert_eq!(limited(3, Some(berg)), pick(&entries, &[10, 8, 7]));
}

/// `before_seq` pages the newest-first list by sequence number: following the last entry of
/// each page gives every entry once.
pub fn access_entries_page_by_before_seq(store: &dyn Store) {
    let (people, entries) = access_log_fixture(store);
    let anna = people.anna;
    let page = |before_seq: Option<u64>, limit: usize| {
        let query = AccessQuery {
            before_seq,
            limit,
            ..about(anna)
        };
        seqs(&access_entries(store, &query))
    };
    assert_eq!(page(Some(8), usize::MAX), [7, 5, 4, 3, 2, 1]);
    assert_eq!(
        page(Some(6), usize::MAX),
        [5, 4, 3, 2, 1],
        "6 is not about Anna"
    );
    assert_eq!(page(Some(1), usize::MAX), Vec::<u64>::new());
    assert_eq!(page(Some(0), usize::MAX), Vec::<u64>::new());
    assert_eq!(
        page(Some(u64::MAX), usize::MAX),
        [11, 10, 8, 7, 5, 4, 3, 2, 1]
    );
    assert_eq!(page(Some(12), 2), [11, 10]);
    let mut cursor = None;
    let mut walked = Vec::new();
    loop {
        let query = AccessQuery {
            before_seq: cursor,
            limit: 2,
            ..about(anna)
        };
        let got = access_entries(store, &query);
        let Some(last) = got.last() else { break };
        cursor = Some(last.seq);
        walked.extend(got);
    }
    assert_eq!(walked, pick(&entries, &[11, 10, 8, 7, 5, 4, 3, 2, 1]));
}

/// Every filter at once: each narrows the others.
pub fn access_entries_combine_every_filter(store: &dyn Store) {
    let (people, entries) = access_log_fixture(store);
    let LogPeople { anna, berg, .. } = people;
    let query = AccessQuery {
        subject: anna,
        party: Some(berg),
        scope: Some(Scope::Diary),
        from: Some(at(3 * SECOND)),
        until: Some(at(10 * SECOND)),
        before_seq: Some(9),
        limit: 2,
    };
    // Berg in the diary: 10, 8, 4, 3; from 3 s: all; until 10 s: 8, 4, 3; below 9: the same.
    assert_eq!(access_entries(store, &query), pick(&entries, &[8, 4]));
    let wider = AccessQuery {
        limit: usize::MAX,
        ..query.clone()
    };
    assert_eq!(access_entries(store, &wider), pick(&entries, &[8, 4, 3]));
    let narrower = AccessQuery {
        before_seq: Some(8),
        ..wider
    };
    assert_eq!(access_entries(store, &narrower), pick(&entries, &[4, 3]));
}

/// `access_range` reads up to `limit` entries after a sequence number, about anyone, in
/// sequence order.
pub fn access_range_reads_in_sequence_after_a_seq(store: &dyn Store) {
    let (_, entries) = access_log_fixture(store);
    assert_eq!(access_range(store, 0, usize::MAX), entries);
    assert_eq!(access_range(store, 0, 3), entries[..3].to_vec());
    assert_eq!(access_range(store, 5, 4), entries[5..9].to_vec());
    assert_eq!(access_range(store, 10, 100), entries[10..].to_vec());
    assert_eq!(access_range(store, 11, 1), entries[11..].to_vec());
    assert_eq!(access_range(store, 3, 0), Vec::new());
    assert_eq!(access_range(store, 12, usize::MAX), Vec::new());
    assert_eq!(access_range(store, 13, usize::MAX), Vec::new());
    assert_eq!(access_range(store, u64::MAX, usize::MAX), Vec::new());
}

/// Entries appended in a transaction that is dropped uncommitted are gone and their sequence
/// numbers free; the transaction saw them while it lasted.
pub fn dropped_transaction_rolls_back_access_entries(store: &dyn Store) {
    let anna = service_user(store, "Anna");
    let berg = provider(store, "Dr. Berg");
    let committed = chained(None, vec![event(at(0), anna, anna, AccessAction::Invite)]);
    append_all(store, &committed);
    let after = Some((1, committed[0].hash));
    let dropped = chained(
        after,
        vec![
            event(at(SECOND), berg, anna, AccessAction::Accept),
            event(at(2 * SECOND), berg, anna, AccessAction::View),
        ],
    );
    {
        let mut tx = begin(store, TxMode::Write);
        for e in &dropped {
            tx.append_access(e).expect("the next entry is appended");
        }
        assert_eq!(
            tx.last_access().expect("the log can be read"),
            Some((3, dropped[1].hash))
        );
        assert_eq!(
            tx.access_entries(&about(anna))
                .expect("access entries can be listed"),
            vec![dropped[1].clone(), dropped[0].clone(), committed[0].clone()],
            "the transaction sees its own writes"
        );
    }
    assert_eq!(last_access(store), Some((1, committed[0].hash)));
    assert_eq!(access_range(store, 0, usize::MAX), committed);
    assert_eq!(access_entries(store, &about(anna)), committed);
    // The numbers are free again: a different entry 2 takes its place.
    let instead = chained(
        after,
        vec![event(at(3 * SECOND), anna, anna, AccessAction::End)],
    );
    append_all(store, &instead);
    let mut expected = committed;
    expected.extend(instead);
    assert_eq!(access_range(store, 0, usize::MAX), expected);
}
