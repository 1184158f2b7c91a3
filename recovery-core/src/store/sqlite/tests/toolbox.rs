//! Items and people: the SQLite store keeps and returns exactly what the memory store does.

use proptest::prelude::*;

use super::*;
use crate::store::ItemQuery;

/// Registers `people` in both stores.
fn people_in_both(stores: &(MemoryStore, SqliteStore), people: &[&Person]) {
    let (m, s) = write_both(stores, |tx| {
        people.iter().try_for_each(|p| tx.insert_person(p))
    });
    m.unwrap();
    s.unwrap();
}

#[test]
fn people_round_trip_with_and_without_provider_details() {
    let stores = both();
    let (anna, nurse) = (service_user("Anna Ødegård"), provider("Kari"));
    people_in_both(&stores, &[&anna, &nurse]);
    for person in [&anna, &nurse] {
        let found = read_both(&stores, |tx| tx.person(person.id));
        assert_eq!(found.as_ref(), Some(person));
    }
    assert_eq!(read_both(&stores, |tx| tx.person(UserId::new())), None);
}

#[test]
fn every_role_round_trips() {
    let stores = both();
    let people: Vec<Person> = Role::ALL
        .into_iter()
        .map(|role| Person {
            role,
            provider: (role == Role::Provider).then(|| ProviderDetails {
                profession: Profession::PeerWorker,
                organisation: "Mental Helse".to_owned(),
            }),
            ..service_user("Someone")
        })
        .collect();
    people_in_both(&stores, &people.iter().collect::<Vec<_>>());
    for person in &people {
        assert_eq!(
            read_both(&stores, |tx| tx.person(person.id)).as_ref(),
            Some(person)
        );
    }
}

#[test]
fn duplicate_person_is_a_conflict_in_both_stores() {
    let stores = both();
    let anna = service_user("Anna");
    people_in_both(&stores, &[&anna]);
    let renamed = Person {
        display_name: "Other".to_owned(),
        ..anna.clone()
    };
    let (m, s) = write_both(&stores, |tx| tx.insert_person(&renamed));
    assert!(matches!(m, Err(StoreError::Conflict { .. })));
    assert!(
        matches!(s, Err(StoreError::Conflict { ref detail }) if detail.contains(&anna.id.to_string())),
        "{s:?}"
    );
    assert_eq!(read_both(&stores, |tx| tx.person(anna.id)), Some(anna));
}

#[test]
fn every_item_kind_round_trips_exactly() {
    let stores = both();
    let (anna, nurse) = (service_user("Anna"), provider("Kari"));
    people_in_both(&stores, &[&anna, &nurse]);
    let bodies = every_kind(&anna, &nurse);
    let kinds: Vec<ItemKind> = bodies.iter().map(ItemBody::kind).collect();
    assert_eq!(kinds, ItemKind::ALL, "one body of every kind, in order");

    let records: Vec<ItemRecord> = bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| record(&anna, at(3, i as i64 * 1_001 + 7), body))
        .collect();
    let (m, s) = write_both(&stores, |tx| {
        records.iter().try_for_each(|r| tx.insert_item(r))
    });
    m.unwrap();
    s.unwrap();

    for r in &records {
        assert_eq!(
            read_both(&stores, |tx| tx.item(r.id)).as_ref(),
            Some(r),
            "{:?}",
            r.kind()
        );
        assert_eq!(
            read_both(&stores, |tx| tx.item_history(r.id)),
            vec![r.clone()]
        );
    }
    assert_eq!(
        read_both(&stores, |tx| tx.items(&ItemQuery::owner(anna.id))),
        records
    );
}

#[test]
fn items_read_back_exactly_after_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let (anna, nurse) = (service_user("Anna"), provider("Kari"));
    let records: Vec<ItemRecord> = every_kind(&anna, &nurse)
        .into_iter()
        .map(|body| record(&anna, Utc::now(), body))
        .collect();
    {
        let store = SqliteStore::open(&path, &Default::default()).unwrap();
        write(&store, |tx| {
            tx.insert_person(&anna)?;
            tx.insert_person(&nurse)?;
            records.iter().try_for_each(|r| tx.insert_item(r))
        });
    }
    let store = SqliteStore::open(&path, &Default::default()).unwrap();
    for r in &records {
        assert_eq!(read(&store, |tx| tx.item(r.id)).as_ref(), Some(r));
    }
    assert_eq!(read(&store, |tx| tx.person(anna.id)), Some(anna));
}

#[test]
fn registration_numbers_round_trip_bit_for_bit() {
    let store = SqliteStore::open_in_memory().unwrap();
    let (anna, nurse) = (service_user("Anna"), provider("Kari"));
    // A fixed xorshift sequence of bit patterns: all finite doubles are fair game, including
    // subnormals and values with 17 significant digits.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut numbers = vec![
        0.1 + 0.2,
        f64::MIN_POSITIVE,
        5e-324,
        f64::MAX,
        -0.0,
        1.0 / 3.0,
    ];
    while numbers.len() < 5_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let n = f64::from_bits(state);
        if n.is_finite() {
            numbers.push(n);
        }
    }
    let measure = MeasureId::new();
    let records: Vec<ItemRecord> = numbers
        .iter()
        .map(|&n| {
            let body = ItemBody::Registration(Registration {
                measure,
                day: date(1),
                value: MeasureValue::Number(n),
            });
            record(&anna, at(1, 0), body)
        })
        .collect();
    write(&store, |tx| {
        tx.insert_person(&anna)?;
        tx.insert_person(&nurse)?;
        records.iter().try_for_each(|r| tx.insert_item(r))
    });
    for (r, n) in records.iter().zip(&numbers) {
        let back = read(&store, |tx| tx.item(r.id)).unwrap();
        let ItemBody::Registration(Registration {
            value: MeasureValue::Number(m),
            ..
        }) = back.body
        else {
            panic!("not a number registration");
        };
        assert_eq!(m.to_bits(), n.to_bits(), "{n:e} came back as {m:e}");
    }
}

#[test]
fn non_finite_registration_is_refused_and_changes_nothing() {
    let store = SqliteStore::open_in_memory().unwrap();
    let anna = service_user("Anna");
    write(&store, |tx| tx.insert_person(&anna));
    let body = ItemBody::Registration(Registration {
        measure: MeasureId::new(),
        day: date(1),
        value: MeasureValue::Number(f64::NAN),
    });
    let r = record(&anna, at(1, 0), body);
    let mut tx = store.transaction(TxMode::Write).unwrap();
    assert!(matches!(
        tx.insert_item(&r),
        Err(StoreError::Backend { .. })
    ));
    tx.commit().unwrap();
    assert_eq!(read(&store, |tx| tx.item(r.id)), None);
}

#[test]
fn item_conflicts_match_the_memory_store_and_change_nothing() {
    let stores = both();
    let (anna, bo) = (service_user("Anna"), service_user("Bo"));
    people_in_both(&stores, &[&anna, &bo]);
    let goal = record(&anna, at(4, 0), every_kind(&anna, &anna)[3].clone());
    let (m, s) = write_both(&stores, |tx| tx.insert_item(&goal));
    m.unwrap();
    s.unwrap();
    let v2 = revised(&goal, anna.id, at(5, 0), goal.body.clone(), false);
    let diary = every_kind(&anna, &anna)[10].clone();

    let attempts: Vec<(&str, ItemRecord, bool)> = vec![
        ("duplicate insert", goal.clone(), true),
        (
            "insert of version 2",
            ItemRecord {
                id: ItemId::new(),
                ..v2.clone()
            },
            true,
        ),
        (
            "insert of version 0",
            ItemRecord {
                id: ItemId::new(),
                version: 0,
                ..goal.clone()
            },
            true,
        ),
        ("update to the same version", goal.clone(), false),
        (
            "update skipping a version",
            ItemRecord {
                version: 3,
                ..v2.clone()
            },
            false,
        ),
        (
            "update to version 0",
            ItemRecord {
                version: 0,
                ..v2.clone()
            },
            false,
        ),
        (
            "update of a missing item",
            ItemRecord {
                id: ItemId::new(),
                ..v2.clone()
            },
            false,
        ),
        (
            "update changing the owner",
            ItemRecord {
                owner: bo.id,
                ..v2.clone()
            },
            false,
        ),
        (
            "update changing the kind",
            ItemRecord {
                body: diary,
                ..v2.clone()
            },
            false,
        ),
        (
            "update changing created_at",
            ItemRecord {
                created_at: at(4, 1),
                ..v2.clone()
            },
            false,
        ),
    ];
    for (what, attempt, insert) in attempts {
        let (m, s) = write_both(&stores, |tx| {
            if insert {
                tx.insert_item(&attempt)
            } else {
                tx.update_item(&attempt)
            }
        });
        assert!(
            matches!(m, Err(StoreError::Conflict { .. })),
            "memory store, {what}: {m:?}"
        );
        assert!(
            matches!(s, Err(StoreError::Conflict { .. })),
            "SQLite store, {what}: {s:?}"
        );
        assert_eq!(
            read_both(&stores, |tx| tx.item(goal.id)).as_ref(),
            Some(&goal),
            "{what}"
        );
        assert_eq!(
            read_both(&stores, |tx| tx.item_history(goal.id)),
            vec![goal.clone()],
            "{what}"
        );
    }

    let (m, s) = write_both(&stores, |tx| tx.update_item(&v2));
    m.unwrap();
    s.unwrap();
    assert_eq!(read_both(&stores, |tx| tx.item(goal.id)), Some(v2));
}

#[test]
fn conflict_details_hold_ids_not_health_text() {
    let store = SqliteStore::open_in_memory().unwrap();
    let anna = service_user("Anna");
    write(&store, |tx| tx.insert_person(&anna));
    let secret = "I heard voices again last night";
    let entry = record(
        &anna,
        at(1, 0),
        ItemBody::Diary(DiaryEntry {
            day: date(1),
            text: secret.to_owned(),
        }),
    );
    write(&store, |tx| tx.insert_item(&entry));

    let mut tx = store.transaction(TxMode::Write).unwrap();
    let errors = [
        tx.insert_item(&entry).unwrap_err(),
        tx.update_item(&ItemRecord {
            version: 5,
            ..entry.clone()
        })
        .unwrap_err(),
    ];
    for error in errors {
        let shown = format!("{error} {error:?}");
        assert!(shown.contains(&entry.id.to_string()), "{shown}");
        assert!(!shown.contains("voices"), "{shown}");
    }
}

#[test]
fn undecodable_body_is_reported_as_corrupt_without_quoting_it() {
    let store = SqliteStore::open_in_memory().unwrap();
    let anna = service_user("Anna");
    let entry = record(
        &anna,
        at(1, 0),
        ItemBody::Diary(DiaryEntry {
            day: date(1),
            text: "fine".to_owned(),
        }),
    );
    write(&store, |tx| {
        tx.insert_person(&anna)?;
        tx.insert_item(&entry)
    });
    // Damage that SQLite cannot see: a body that is no longer an ItemBody, in both tables.
    store
        .conn
        .lock()
        .unwrap()
        .execute_batch(
            "DROP TRIGGER items_keep_next_version;
             UPDATE items SET body = '{\"kind\":\"diary\",\"content\":\"I want to die\"}';
             UPDATE item_versions SET body = '{\"kind\":\"diary\",\"content\":\"I want to die\"}';",
        )
        .unwrap();
    let mut tx = store.transaction(TxMode::Read).unwrap();
    let error = tx.item(entry.id).unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(
        shown.contains(&entry.id.to_string()) && !shown.contains("die"),
        "{shown}"
    );
    assert!(matches!(
        tx.items(&ItemQuery::owner(anna.id)),
        Err(StoreError::Corrupt { .. })
    ));
    assert!(matches!(
        tx.item_history(entry.id),
        Err(StoreError::Corrupt { .. })
    ));
}

#[test]
fn item_of_an_unknown_owner_is_a_conflict() {
    // Unlike the memory store, the SQLite store keeps a foreign key from items to people.
    let store = SqliteStore::open_in_memory().unwrap();
    let ghost = service_user("Nobody");
    let r = record(
        &ghost,
        at(1, 0),
        ItemBody::WhatMatters(WhatMatters {
            text: "x".to_owned(),
        }),
    );
    let mut tx = store.transaction(TxMode::Write).unwrap();
    let error = tx.insert_item(&r).unwrap_err();
    assert!(
        matches!(error, StoreError::Conflict { ref detail } if detail.contains("FOREIGN KEY")),
        "{error:?}"
    );
    tx.commit().unwrap();
    assert_eq!(read(&store, |tx| tx.item(r.id)), None);
}

#[test]
fn history_keeps_every_version_in_order() {
    let stores = both();
    let (anna, nurse) = (service_user("Anna"), provider("Kari"));
    people_in_both(&stores, &[&anna, &nurse]);
    let v1 = record(
        &anna,
        at(1, 5),
        ItemBody::WhatMatters(WhatMatters {
            text: "one".to_owned(),
        }),
    );
    let v2 = revised(
        &v1,
        nurse.id,
        at(2, 6),
        ItemBody::WhatMatters(WhatMatters {
            text: "two".to_owned(),
        }),
        false,
    );
    let v3 = revised(&v2, anna.id, at(3, 7), v2.body.clone(), true);
    let v4 = revised(
        &v3,
        anna.id,
        at(4, 8),
        ItemBody::WhatMatters(WhatMatters {
            text: "four".to_owned(),
        }),
        false,
    );
    let (m, s) = write_both(&stores, |tx| {
        tx.insert_item(&v1)?;
        tx.update_item(&v2)?;
        tx.update_item(&v3)?;
        tx.update_item(&v4)
    });
    m.unwrap();
    s.unwrap();
    let history = read_both(&stores, |tx| tx.item_history(v1.id));
    assert_eq!(history, vec![v1.clone(), v2, v3, v4.clone()]);
    assert_eq!(read_both(&stores, |tx| tx.item(v1.id)), Some(v4));
    assert_eq!(
        read_both(&stores, |tx| tx.item_history(ItemId::new())),
        vec![]
    );
}

/// A fixed toolbox with every filter's edge: two owners, ties on `created_at` (broken by id),
/// removed items, catalogue and own domains, parents, and a domain and parent changed by a
/// later version.
struct Toolbox {
    stores: (MemoryStore, SqliteStore),
    anna: Person,
    bo: Person,
    domains: Vec<DomainRef>,
    parents: Vec<ItemId>,
    times: Vec<DateTime<Utc>>,
}

fn toolbox() -> Toolbox {
    let stores = both();
    let (anna, bo) = (service_user("Anna"), service_user("Bo"));
    people_in_both(&stores, &[&anna, &bo]);
    let own = DomainId::new();
    let domains = vec![
        DomainRef::Catalogue("housing".to_owned()),
        DomainRef::Own(own),
        DomainRef::Catalogue("finances".to_owned()),
    ];
    let (goal, measure) = (GoalId::new(), MeasureId::new());
    let parents = vec![goal.item(), measure.item(), ItemId::new()];
    let times = vec![at(1, 0), at(1, 1), at(2, 0), at(3, 999), at(9, 0)];

    let mut records = Vec::new();
    let mut updates = Vec::new();
    for (n, owner) in [&anna, &bo].into_iter().enumerate() {
        for (i, time) in times.iter().enumerate() {
            let domain = domains[(i + n) % domains.len()].clone();
            let bodies = [
                ItemBody::Status(StatusEntry {
                    domain: domain.clone(),
                    now: format!("status {i}"),
                    helps: String::new(),
                    hinders: String::new(),
                    rating: None,
                }),
                ItemBody::Goal(Goal {
                    domain: domain.clone(),
                    title: format!("goal {i}"),
                    why: String::new(),
                    target_date: None,
                    lifecycle: GoalLifecycle::Active,
                    achievement: None,
                    authored_by: owner.id,
                }),
                ItemBody::Activity(Activity {
                    goal,
                    domain,
                    title: format!("activity {i}"),
                    due: None,
                    state: ActivityState::Planned,
                    authored_by: owner.id,
                }),
                ItemBody::Registration(Registration {
                    measure,
                    day: date(1),
                    value: MeasureValue::Scale(3),
                }),
                ItemBody::Diary(DiaryEntry {
                    day: date(1),
                    text: format!("diary {i}"),
                }),
            ];
            for body in bodies {
                // Two items per time and kind: a tie on created_at that only the id breaks.
                for _ in 0..2 {
                    records.push(record(owner, *time, body.clone()));
                }
            }
        }
    }
    for (i, r) in records.iter().enumerate() {
        match i % 7 {
            0 => updates.push(revised(r, r.owner, at(20, 0), r.body.clone(), true)),
            3 => {
                // A later version may move an activity to another goal and domain.
                let body = match &r.body {
                    ItemBody::Activity(a) => ItemBody::Activity(Activity {
                        goal: GoalId::from_uuid(parents[2].as_uuid()),
                        domain: domains[2].clone(),
                        ..a.clone()
                    }),
                    other => other.clone(),
                };
                updates.push(revised(r, r.owner, at(21, 0), body, false));
            }
            _ => {}
        }
    }
    let (m, s) = write_both(&stores, |tx| {
        records.iter().try_for_each(|r| tx.insert_item(r))?;
        updates.iter().try_for_each(|r| tx.update_item(r))
    });
    m.unwrap();
    s.unwrap();
    Toolbox {
        stores,
        anna,
        bo,
        domains,
        parents,
        times,
    }
}

#[test]
fn every_query_shape_agrees_with_the_memory_store() {
    let t = toolbox();
    let kind_sets: [&[ItemKind]; 5] = [
        &[],
        &[ItemKind::Goal],
        &[ItemKind::Status],
        &[ItemKind::Activity, ItemKind::Goal, ItemKind::Goal],
        &[ItemKind::Registration, ItemKind::Diary],
    ];
    let mut domains: Vec<Option<DomainRef>> = t.domains.iter().cloned().map(Some).collect();
    domains.push(None);
    let mut parents: Vec<Option<ItemId>> = t.parents.iter().copied().map(Some).collect();
    parents.push(None);
    let mut since: Vec<Option<DateTime<Utc>>> = vec![
        None,
        Some(t.times[1]),
        Some(t.times[3] + Duration::nanoseconds(1)),
    ];
    since.push(Some(Utc.with_ymd_and_hms(1600, 1, 1, 0, 0, 0).unwrap()));
    since.push(Some(Utc.with_ymd_and_hms(2400, 1, 1, 0, 0, 0).unwrap()));

    let mut nonempty = 0;
    for owner in [t.anna.id, t.bo.id, UserId::new()] {
        for kinds in kind_sets {
            for domain in &domains {
                for parent in &parents {
                    for &created_since in &since {
                        for include_removed in [false, true] {
                            for newest_first in [false, true] {
                                for limit in [None, Some(0), Some(1), Some(3)] {
                                    let query = ItemQuery {
                                        owner,
                                        kinds: kinds.to_vec(),
                                        domain: domain.clone(),
                                        parent: *parent,
                                        include_removed,
                                        created_since,
                                        newest_first,
                                        limit,
                                    };
                                    let found = read_both(&t.stores, |tx| tx.items(&query));
                                    nonempty += usize::from(!found.is_empty());
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(
        nonempty > 1_000,
        "the battery must exercise real results, not only empty ones ({nonempty})"
    );
}

#[test]
fn ties_on_created_at_are_ordered_by_id_both_ways() {
    let t = toolbox();
    let query = ItemQuery::owner(t.anna.id).kind(ItemKind::Diary);
    let oldest = read_both(&t.stores, |tx| tx.items(&query));
    let keys: Vec<_> = oldest.iter().map(|r| (r.created_at, r.id)).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]));
    assert!(
        keys.windows(2).any(|w| w[0].0 == w[1].0),
        "the toolbox has ties"
    );
    let mut newest = read_both(&t.stores, |tx| {
        tx.items(&ItemQuery {
            newest_first: true,
            ..query.clone()
        })
    });
    newest.reverse();
    assert_eq!(newest, oldest);
}

/// An item to write in [`random_histories_answer_random_queries_alike`], by index into that
/// test's owners, kinds, times (few, so that ties are common), domains and parents.
#[derive(Clone, Debug)]
struct ItemSpec {
    owner: usize,
    kind: usize,
    time: usize,
    domain: usize,
    parent: usize,
}

/// A later version of one of the items: which, whether it removes the item, and the domain
/// and parent it moves to.
#[derive(Clone, Debug)]
struct RevisionSpec {
    pick: usize,
    removed: bool,
    place: usize,
}

/// An [`ItemQuery`] by indexes into the same lists.
#[derive(Clone, Debug)]
struct QuerySpec {
    owner: usize,
    kinds: Vec<usize>,
    domain: Option<usize>,
    parent: Option<usize>,
    include_removed: bool,
    since: Option<usize>,
    newest_first: bool,
    limit: Option<usize>,
}

fn item_spec() -> impl Strategy<Value = ItemSpec> {
    (0..2usize, 0..5usize, 0..4usize, 0..3usize, 0..3usize).prop_map(
        |(owner, kind, time, domain, parent)| ItemSpec {
            owner,
            kind,
            time,
            domain,
            parent,
        },
    )
}

fn revision_spec() -> impl Strategy<Value = RevisionSpec> {
    (any::<usize>(), any::<bool>(), 0..3usize).prop_map(|(pick, removed, place)| RevisionSpec {
        pick,
        removed,
        place,
    })
}

fn query_spec() -> impl Strategy<Value = QuerySpec> {
    let filters = (
        prop::collection::vec(0..5usize, 0..3),
        prop::option::of(0..3usize),
        prop::option::of(0..3usize),
    );
    let order = (
        any::<bool>(),
        prop::option::of(0..4usize),
        any::<bool>(),
        prop::option::of(0..6usize),
    );
    (0..2usize, filters, order).prop_map(
        |(owner, (kinds, domain, parent), (include_removed, since, newest_first, limit))| {
            QuerySpec {
                owner,
                kinds,
                domain,
                parent,
                include_removed,
                since,
                newest_first,
                limit,
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_histories_answer_random_queries_alike(
        items in prop::collection::vec(item_spec(), 0..40),
        revisions in prop::collection::vec(revision_spec(), 0..20),
        queries in prop::collection::vec(query_spec(), 1..12),
    ) {
        let stores = both();
        let owners = [service_user("Anna"), service_user("Bo")];
        people_in_both(&stores, &[&owners[0], &owners[1]]);
        let domains = [DomainRef::Catalogue("housing".to_owned()), DomainRef::Own(DomainId::new()), DomainRef::Catalogue("social-life".to_owned())];
        let parents = [ItemId::new(), ItemId::new(), ItemId::new()];
        let times = [at(1, 0), at(1, 1), at(2, 0), at(3, 0)];
        let kinds = [ItemKind::Status, ItemKind::Goal, ItemKind::Activity, ItemKind::Registration, ItemKind::Diary];
        let body = |kind: usize, domain: usize, parent: usize| -> ItemBody {
            let domain = domains[domain].clone();
            let parent = parents[parent].as_uuid();
            match kinds[kind] {
                ItemKind::Status => ItemBody::Status(StatusEntry { domain, now: "n".into(), helps: String::new(), hinders: String::new(), rating: Some(2) }),
                ItemKind::Goal => ItemBody::Goal(Goal { domain, title: "g".into(), why: String::new(), target_date: None, lifecycle: GoalLifecycle::Planned, achievement: None, authored_by: owners[0].id }),
                ItemKind::Activity => ItemBody::Activity(Activity { goal: GoalId::from_uuid(parent), domain, title: "a".into(), due: None, state: ActivityState::Done, authored_by: owners[0].id }),
                ItemKind::Registration => ItemBody::Registration(Registration { measure: MeasureId::from_uuid(parent), day: date(2), value: MeasureValue::YesNo(true) }),
                _ => ItemBody::Diary(DiaryEntry { day: date(2), text: "d".into() }),
            }
        };

        let mut latest: Vec<ItemRecord> = items
            .iter()
            .map(|i| record(&owners[i.owner], times[i.time], body(i.kind, i.domain, i.parent)))
            .collect();
        let (m, s) = write_both(&stores, |tx| latest.iter().try_for_each(|r| tx.insert_item(r)));
        m.unwrap();
        s.unwrap();
        if !latest.is_empty() {
            for revision in &revisions {
                let i = revision.pick % latest.len();
                let previous = latest[i].clone();
                let kind = kinds.iter().position(|k| *k == previous.kind()).unwrap();
                let next = revised(&previous, previous.owner, at(5, 0), body(kind, revision.place, revision.place), revision.removed);
                let (m, s) = write_both(&stores, |tx| tx.update_item(&next));
                m.unwrap();
                s.unwrap();
                latest[i] = next;
            }
        }

        for q in queries {
            let query = ItemQuery {
                owner: owners[q.owner].id,
                kinds: q.kinds.iter().map(|&k| kinds[k]).collect(),
                domain: q.domain.map(|d| domains[d].clone()),
                parent: q.parent.map(|p| parents[p]),
                include_removed: q.include_removed,
                created_since: q.since.map(|t| times[t]),
                newest_first: q.newest_first,
                limit: q.limit,
            };
            read_both(&stores, |tx| tx.items(&query));
        }
        for r in &latest {
            read_both(&stores, |tx| tx.item_history(r.id));
        }
    }
}
