//! The access log: appended in sequence, read back exactly, paged like the memory store.

use uuid::Uuid;

use super::*;
use crate::error::DenyReason;
use crate::model::audit::{AccessAction, AccessEntry, AccessEvent, Outcome};
use crate::model::forum::ForumReason;
use crate::model::team::{Level, Scope};
use crate::store::AccessQuery;

/// A log of `n` entries about two subjects, with every action, outcome, scope and level, and
/// several entries at the same instant.
fn log(n: u64, subjects: [UserId; 2], parties: [UserId; 3]) -> Vec<AccessEntry> {
    let scopes = [
        None,
        Some(Scope::Diary),
        Some(Scope::Domain(DomainRef::Catalogue("housing".to_owned()))),
        Some(Scope::Domain(DomainRef::Own(DomainId::new()))),
    ];
    let reasons = [
        DenyReason::NotShared,
        DenyReason::WrongRole,
        DenyReason::NoCareTeam,
        DenyReason::GrantExpired,
        DenyReason::OwnerOnly,
        DenyReason::NotAParty,
    ];
    let mut prev = [0u8; 32];
    (1..=n)
        .map(|seq| {
            let i = usize::try_from(seq).unwrap();
            let outcome = if i % 4 == 0 {
                Outcome::Denied(reasons[i % reasons.len()])
            } else {
                Outcome::Allowed
            };
            let event = AccessEvent {
                at: at(1, i64::try_from(seq / 3).unwrap()),
                actor: parties[i % 3],
                subject: subjects[i % 2],
                action: AccessAction::ALL[i % AccessAction::ALL.len()],
                scope: scopes[i % scopes.len()].clone(),
                counterpart: (i % 5 != 0).then_some(parties[(i + 1) % 3]),
                target: (i % 3 == 0).then(Uuid::now_v7),
                level: [
                    None,
                    Some(Level::View),
                    Some(Level::Suggest),
                    Some(Level::None),
                ][i % 4],
                outcome,
                moderation_reason: (i % 7 == 0)
                    .then(|| ForumReason::ALL[i % ForumReason::ALL.len()]),
            };
            let mut hash = [0u8; 32];
            hash[..8].copy_from_slice(&seq.to_be_bytes());
            hash[31] = 0xA5;
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

#[test]
fn entries_append_in_sequence_and_read_back_exactly() {
    let stores = both();
    let subjects = [UserId::new(), UserId::new()];
    let parties = [UserId::new(), UserId::new(), UserId::new()];
    assert_eq!(read_both(&stores, |tx| tx.last_access()), None);
    let entries = log(30, subjects, parties);
    let (m, s) = write_both(&stores, |tx| {
        entries.iter().try_for_each(|e| tx.append_access(e))
    });
    m.unwrap();
    s.unwrap();
    assert_eq!(
        read_both(&stores, |tx| tx.last_access()),
        Some((30, entries[29].hash))
    );
    assert_eq!(read_both(&stores, |tx| tx.access_range(0, 100)), entries);
}

#[test]
fn an_entry_out_of_sequence_is_a_conflict_in_both_stores() {
    let stores = both();
    let entries = log(
        3,
        [UserId::new(), UserId::new()],
        [UserId::new(), UserId::new(), UserId::new()],
    );
    let not_first = AccessEntry {
        seq: 2,
        ..entries[0].clone()
    };
    let (m, s) = write_both(&stores, |tx| tx.append_access(&not_first));
    assert!(
        matches!(m, Err(StoreError::Conflict { .. }))
            && matches!(s, Err(StoreError::Conflict { .. })),
        "{m:?} {s:?}"
    );
    let (m, s) = write_both(&stores, |tx| tx.append_access(&entries[0]));
    m.unwrap();
    s.unwrap();
    for (what, attempt) in [
        ("a repeat", entries[0].clone()),
        ("a gap", entries[2].clone()),
        (
            "seq zero",
            AccessEntry {
                seq: 0,
                ..entries[1].clone()
            },
        ),
        (
            "beyond i64",
            AccessEntry {
                seq: u64::MAX,
                ..entries[1].clone()
            },
        ),
    ] {
        let (m, s) = write_both(&stores, |tx| tx.append_access(&attempt));
        assert!(
            matches!(m, Err(StoreError::Conflict { .. })),
            "memory store, {what}: {m:?}"
        );
        assert!(
            matches!(s, Err(StoreError::Conflict { .. })),
            "SQLite store, {what}: {s:?}"
        );
    }
    assert_eq!(
        read_both(&stores, |tx| tx.access_range(0, 10)),
        vec![entries[0].clone()]
    );
}

#[test]
fn every_access_query_agrees_with_the_memory_store() {
    let stores = both();
    let subjects = [UserId::new(), UserId::new()];
    let parties = [UserId::new(), UserId::new(), UserId::new()];
    let entries = log(60, subjects, parties);
    let (m, s) = write_both(&stores, |tx| {
        entries.iter().try_for_each(|e| tx.append_access(e))
    });
    m.unwrap();
    s.unwrap();

    let times = [
        None,
        Some(at(1, 4)),
        Some(at(1, 10)),
        Some(Utc.with_ymd_and_hms(1500, 1, 1, 0, 0, 0).unwrap()),
        Some(Utc.with_ymd_and_hms(2500, 1, 1, 0, 0, 0).unwrap()),
    ];
    let scopes = [
        None,
        Some(Scope::Diary),
        Some(Scope::Domain(DomainRef::Catalogue("housing".to_owned()))),
        Some(Scope::Medications),
    ];
    let mut nonempty = 0;
    for subject in [subjects[0], subjects[1], UserId::new()] {
        for party in [None, Some(parties[0]), Some(parties[2])] {
            for scope in &scopes {
                for from in times {
                    for until in times {
                        for before_seq in [None, Some(1), Some(31), Some(u64::MAX)] {
                            for limit in [0, 1, 7, 100] {
                                let query = AccessQuery {
                                    subject,
                                    party,
                                    scope: scope.clone(),
                                    from,
                                    until,
                                    before_seq,
                                    limit,
                                };
                                let found = read_both(&stores, |tx| tx.access_entries(&query));
                                nonempty += usize::from(!found.is_empty());
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(
        nonempty > 500,
        "the battery must find entries, not only empty pages ({nonempty})"
    );

    for after in [0, 1, 29, 59, 60, 61, u64::MAX] {
        for limit in [0, 1, 25, usize::MAX] {
            read_both(&stores, |tx| tx.access_range(after, limit));
        }
    }
}

#[test]
fn access_entries_roll_back_with_their_transaction() {
    let store = SqliteStore::open_in_memory().unwrap();
    let entries = log(
        2,
        [UserId::new(), UserId::new()],
        [UserId::new(), UserId::new(), UserId::new()],
    );
    write(&store, |tx| tx.append_access(&entries[0]));
    {
        let mut tx = store.transaction(TxMode::Write).unwrap();
        tx.append_access(&entries[1]).unwrap();
    }
    assert_eq!(
        read(&store, |tx| tx.last_access()),
        Some((1, entries[0].hash))
    );
    write(&store, |tx| tx.append_access(&entries[1]));
    assert_eq!(
        read(&store, |tx| tx.last_access()),
        Some((2, entries[1].hash))
    );
}
