//! Care teams, grants, proposals and comments: the SQLite store agrees with the memory store.

use super::*;
use crate::model::team::{
    Comment, Grant, Level, Membership, Proposal, ProposalContent, ProposalStatus, Scope, TeamStatus,
};
use crate::store::{MembershipQuery, ProposalQuery};

fn membership(service_user: UserId, provider: UserId, invited_at: DateTime<Utc>) -> Membership {
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

fn proposal(owner: UserId, provider: UserId, proposed_at: DateTime<Utc>, n: u32) -> Proposal {
    let content = if n % 2 == 0 {
        ProposalContent::Goal {
            domain: DomainRef::Catalogue("housing".to_owned()),
            title: format!("Goal {n}: «ta bussen» \"alene\""),
            why: String::new(),
            target_date: Some(date(20)),
        }
    } else {
        ProposalContent::Activity {
            goal: GoalId::new(),
            title: format!("Activity {n}"),
            due: None,
        }
    };
    Proposal {
        id: ProposalId::new(),
        owner,
        provider,
        content,
        status: ProposalStatus::Pending,
        proposed_at,
        decided_at: None,
        accepted_as: None,
    }
}

fn every_scope() -> Vec<Scope> {
    vec![
        Scope::WhatMatters,
        Scope::Domain(DomainRef::Catalogue("housing".to_owned())),
        Scope::Domain(DomainRef::Catalogue("finances".to_owned())),
        Scope::Domain(DomainRef::Own(DomainId::new())),
        Scope::Medications,
        Scope::NetworkMap,
        Scope::CrisisPlan,
        Scope::Exercises,
        Scope::Diary,
        Scope::Registrations,
    ]
}

/// Asserts that both stores returned a conflict.
fn both_conflict<T: std::fmt::Debug>(
    results: (Result<T, StoreError>, Result<T, StoreError>),
    what: &str,
) {
    assert!(
        matches!(results.0, Err(StoreError::Conflict { .. })),
        "memory store, {what}: {:?}",
        results.0
    );
    assert!(
        matches!(results.1, Err(StoreError::Conflict { .. })),
        "SQLite store, {what}: {:?}",
        results.1
    );
}

/// Asserts that both stores succeeded with the same answer.
fn both_ok<T: std::fmt::Debug + PartialEq>(
    results: (Result<T, StoreError>, Result<T, StoreError>),
) -> T {
    let (m, s) = (results.0.unwrap(), results.1.unwrap());
    assert_eq!(s, m);
    s
}

#[test]
fn memberships_round_trip_and_list_like_the_memory_store() {
    let stores = both();
    let (anna, bo) = (UserId::new(), UserId::new());
    let (kari, ola) = (UserId::new(), UserId::new());
    let mut all = Vec::new();
    for (i, (user, provider)) in [(anna, kari), (anna, ola), (bo, kari), (anna, kari)]
        .into_iter()
        .enumerate()
    {
        // Two invitations at the same instant: the id breaks the tie.
        let when = at(1, if i < 2 { 0 } else { i as i64 });
        all.push(membership(user, provider, when));
    }
    all[1].status = TeamStatus::Active;
    all[1].accepted_at = Some(at(2, 17));
    all[2].status = TeamStatus::Inactive;
    all[2].ended = Some((at(3, 999_999_999), bo));
    both_ok(write_both(&stores, |tx| {
        all.iter().try_for_each(|m| tx.insert_membership(m))
    }));

    for m in &all {
        assert_eq!(
            read_both(&stores, |tx| tx.membership(m.id)).as_ref(),
            Some(m)
        );
    }
    assert_eq!(
        read_both(&stores, |tx| tx.membership(MembershipId::new())),
        None
    );
    for service_user in [None, Some(anna), Some(bo), Some(UserId::new())] {
        for provider in [None, Some(kari), Some(ola)] {
            read_both(&stores, |tx| {
                tx.memberships(&MembershipQuery {
                    service_user,
                    provider,
                })
            });
        }
    }
    let anna_kari = read_both(&stores, |tx| {
        tx.memberships(&MembershipQuery {
            service_user: Some(anna),
            provider: Some(kari),
        })
    });
    assert_eq!(anna_kari.len(), 2);
}

#[test]
fn membership_updates_keep_their_parties() {
    let stores = both();
    let m = membership(UserId::new(), UserId::new(), at(1, 0));
    both_ok(write_both(&stores, |tx| tx.insert_membership(&m)));
    both_conflict(
        write_both(&stores, |tx| tx.insert_membership(&m)),
        "duplicate membership",
    );

    let accepted = Membership {
        status: TeamStatus::Active,
        accepted_at: Some(at(2, 0)),
        ..m.clone()
    };
    both_ok(write_both(&stores, |tx| tx.update_membership(&accepted)));
    let attempts = [
        (
            "another service user",
            Membership {
                service_user: UserId::new(),
                ..accepted.clone()
            },
        ),
        (
            "another provider",
            Membership {
                provider: UserId::new(),
                ..accepted.clone()
            },
        ),
        (
            "a missing membership",
            Membership {
                id: MembershipId::new(),
                ..accepted.clone()
            },
        ),
    ];
    for (what, attempt) in attempts {
        both_conflict(
            write_both(&stores, |tx| tx.update_membership(&attempt)),
            what,
        );
    }
    let ended = Membership {
        status: TeamStatus::Inactive,
        ended: Some((at(3, 5), m.provider)),
        ..accepted
    };
    both_ok(write_both(&stores, |tx| tx.update_membership(&ended)));
    assert_eq!(read_both(&stores, |tx| tx.membership(m.id)), Some(ended));
}

#[test]
fn grants_replace_by_scope_and_list_in_scope_order() {
    let stores = both();
    let m = membership(UserId::new(), UserId::new(), at(1, 0));
    let other = membership(m.service_user, UserId::new(), at(1, 1));
    both_ok(write_both(&stores, |tx| {
        tx.insert_membership(&m)?;
        tx.insert_membership(&other)
    }));
    let grant = |scope: Scope, level: Level, expires: Option<DateTime<Utc>>| Grant {
        membership: m.id,
        scope,
        level,
        expires_at: expires,
        granted_at: at(2, 3),
    };
    // Reverse order in, scope order out.
    for (i, scope) in every_scope().into_iter().rev().enumerate() {
        let g = grant(
            scope,
            if i % 2 == 0 {
                Level::View
            } else {
                Level::Suggest
            },
            (i % 3 == 0).then(|| at(9, 1)),
        );
        both_ok(write_both(&stores, |tx| tx.put_grant(&g)));
    }
    both_ok(write_both(&stores, |tx| {
        tx.put_grant(&Grant {
            membership: other.id,
            ..grant(Scope::Diary, Level::View, None)
        })
    }));
    let listed = read_both(&stores, |tx| tx.grants(m.id));
    assert_eq!(listed.len(), every_scope().len());
    let keys: Vec<String> = listed.iter().map(|g| g.scope.to_string()).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");

    let replaced = grant(Scope::Diary, Level::Suggest, Some(at(30, 0)));
    both_ok(write_both(&stores, |tx| tx.put_grant(&replaced)));
    let diary: Vec<Grant> = read_both(&stores, |tx| tx.grants(m.id))
        .into_iter()
        .filter(|g| g.scope == Scope::Diary)
        .collect();
    assert_eq!(diary, vec![replaced]);

    assert!(both_ok(
        write_both(&stores, |tx| tx.delete_grant(m.id, &Scope::Diary))
    ));
    assert!(!both_ok(
        write_both(&stores, |tx| tx.delete_grant(m.id, &Scope::Diary))
    ));
    assert_eq!(
        both_ok(write_both(&stores, |tx| tx.delete_grants(m.id))),
        every_scope().len() - 1
    );
    assert_eq!(both_ok(write_both(&stores, |tx| tx.delete_grants(m.id))), 0);
    assert_eq!(read_both(&stores, |tx| tx.grants(m.id)), vec![]);
    assert_eq!(
        read_both(&stores, |tx| tx.grants(other.id)).len(),
        1,
        "another membership's grants stay"
    );

    let orphan = Grant {
        membership: MembershipId::new(),
        ..grant(Scope::Diary, Level::View, None)
    };
    both_conflict(
        write_both(&stores, |tx| tx.put_grant(&orphan)),
        "a grant without a membership",
    );
}

#[test]
fn proposals_round_trip_update_and_list_like_the_memory_store() {
    let stores = both();
    let (anna, bo, kari, ola) = (UserId::new(), UserId::new(), UserId::new(), UserId::new());
    let mut all: Vec<Proposal> = (0..8u32)
        .map(|n| {
            let owner = if n % 3 == 0 { bo } else { anna };
            let provider = if n % 2 == 0 { kari } else { ola };
            proposal(owner, provider, at(1, i64::from(n / 3)), n)
        })
        .collect();
    both_ok(write_both(&stores, |tx| {
        all.iter().try_for_each(|p| tx.insert_proposal(p))
    }));
    both_conflict(
        write_both(&stores, |tx| tx.insert_proposal(&all[0])),
        "duplicate proposal",
    );

    all[1].status = ProposalStatus::Accepted;
    all[1].decided_at = Some(at(4, 44));
    all[1].accepted_as = Some(ItemId::new());
    all[2].status = ProposalStatus::Rejected;
    all[2].decided_at = Some(at(4, 45));
    both_ok(write_both(&stores, |tx| {
        tx.update_proposal(&all[1])?;
        tx.update_proposal(&all[2])
    }));
    let changed_content = Proposal {
        content: proposal(anna, kari, at(1, 0), 2).content,
        ..all[3].clone()
    };
    let attempts = [
        (
            "another owner",
            Proposal {
                owner: UserId::new(),
                ..all[3].clone()
            },
        ),
        (
            "another provider",
            Proposal {
                provider: UserId::new(),
                ..all[3].clone()
            },
        ),
        ("other content", changed_content),
        (
            "a missing proposal",
            Proposal {
                id: ProposalId::new(),
                ..all[3].clone()
            },
        ),
    ];
    for (what, attempt) in attempts {
        both_conflict(write_both(&stores, |tx| tx.update_proposal(&attempt)), what);
    }

    for p in &all {
        assert_eq!(read_both(&stores, |tx| tx.proposal(p.id)).as_ref(), Some(p));
    }
    let statuses = [
        None,
        Some(ProposalStatus::Pending),
        Some(ProposalStatus::Accepted),
        Some(ProposalStatus::Rejected),
    ];
    for owner in [None, Some(anna), Some(bo)] {
        for provider in [None, Some(kari), Some(ola)] {
            for status in statuses {
                read_both(&stores, |tx| {
                    tx.proposals(&ProposalQuery {
                        owner,
                        provider,
                        status,
                    })
                });
            }
        }
    }
}

#[test]
fn comments_list_by_item_oldest_first() {
    let stores = both();
    let (item, elsewhere) = (ItemId::new(), ItemId::new());
    let comment = |item: ItemId, written_at: DateTime<Utc>| Comment {
        id: CommentId::new(),
        owner: UserId::new(),
        item,
        author: UserId::new(),
        text: "Nice progress — keep it up!\nSee you Tuesday.".to_owned(),
        written_at,
    };
    let all = [
        comment(item, at(2, 0)),
        comment(item, at(1, 0)),
        comment(elsewhere, at(1, 5)),
        comment(item, at(1, 0)),
    ];
    both_ok(write_both(&stores, |tx| {
        all.iter().try_for_each(|c| tx.insert_comment(c))
    }));
    both_conflict(
        write_both(&stores, |tx| tx.insert_comment(&all[0])),
        "duplicate comment",
    );
    let on_item = read_both(&stores, |tx| tx.comments(item));
    assert_eq!(on_item.len(), 3);
    assert_eq!(on_item[2], all[0]);
    assert_eq!(
        read_both(&stores, |tx| tx.comments(elsewhere)),
        vec![all[2].clone()]
    );
    assert_eq!(read_both(&stores, |tx| tx.comments(ItemId::new())), vec![]);
}

#[test]
fn team_writes_roll_back_with_their_transaction() {
    let store = SqliteStore::open_in_memory().unwrap();
    let m = membership(UserId::new(), UserId::new(), at(1, 0));
    write(&store, |tx| tx.insert_membership(&m));
    {
        let mut tx = store.transaction(TxMode::Write).unwrap();
        tx.update_membership(&Membership {
            status: TeamStatus::Active,
            ..m.clone()
        })
        .unwrap();
        tx.put_grant(&Grant {
            membership: m.id,
            scope: Scope::Diary,
            level: Level::View,
            expires_at: None,
            granted_at: at(1, 1),
        })
        .unwrap();
        tx.insert_proposal(&proposal(m.service_user, m.provider, at(1, 2), 0))
            .unwrap();
    }
    assert_eq!(read(&store, |tx| tx.membership(m.id)), Some(m.clone()));
    assert_eq!(read(&store, |tx| tx.grants(m.id)), vec![]);
    assert_eq!(
        read(&store, |tx| tx.proposals(&ProposalQuery::default())),
        vec![]
    );
}
