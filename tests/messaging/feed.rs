//! The change feed through the public API: one ordered feed per person of messages, proposals
//! and decisions, with opaque cursors that survive restarts and are refused when not theirs.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod world;

use recovery_core::model::audit::{AccessAction, Outcome};
use recovery_core::model::team::{Level, ProposalStatus, Scope};
use recovery_core::*;
use world::Backend;

on_both_stores!(
    messages_proposals_and_decisions_come_in_the_order_they_happened,
    a_cursor_carries_on_where_the_last_call_stopped,
    a_long_feed_comes_in_pages,
    someone_elses_or_a_damaged_cursor_is_refused_and_changes_nothing,
    a_cursor_past_the_newest_change_is_refused,
    a_provider_who_left_gets_nothing_more_from_the_conversation,
    a_providers_feed_read_is_logged_once_per_conversation,
    each_person_sees_only_their_own_changes,
);

/// What a change is about, for comparing feeds.
#[derive(Debug, PartialEq)]
enum Seen {
    Message(String),
    Proposal(ProposalId, ProposalStatus),
    Decision(ProposalId, ProposalStatus),
}

fn seen(changes: &Changes) -> Vec<Seen> {
    changes
        .changes
        .iter()
        .map(|c| match c {
            Change::Message { message } => Seen::Message(message.body.clone()),
            Change::Proposal { proposal } => Seen::Proposal(proposal.id, proposal.status),
            Change::Decision { proposal } => Seen::Decision(proposal.id, proposal.status),
        })
        .collect()
}

fn message(body: &str) -> Seen {
    Seen::Message(body.to_owned())
}

fn messages_proposals_and_decisions_come_in_the_order_they_happened(backend: Backend) {
    let w = world::world(backend);
    w.portal
        .share(
            &w.anna,
            w.nils.id,
            Scope::Domain(w.housing.clone()),
            Sharing::level(Level::Suggest),
        )
        .unwrap();
    let c = w
        .start(&w.anna, &[&w.nils], "Can we plan my move?")
        .conversation
        .id;
    let proposal = w
        .portal
        .propose_goal(
            &w.nils,
            w.anna.id,
            NewGoal::new(w.housing.clone(), "Apply for housing support"),
        )
        .unwrap();
    w.send(&w.nils, c, "I have proposed a goal");
    w.portal
        .decide_proposal(&w.anna, proposal.id, true)
        .unwrap();
    w.send(&w.anna, c, "Accepted, thanks");

    // Proposals show as they stand now: the first entry already says accepted.
    let expected = || {
        vec![
            message("Can we plan my move?"),
            Seen::Proposal(proposal.id, ProposalStatus::Accepted),
            message("I have proposed a goal"),
            Seen::Decision(proposal.id, ProposalStatus::Accepted),
            message("Accepted, thanks"),
        ]
    };
    for person in [&w.anna, &w.nils] {
        let changes = w.portal.changes_since(person, None).unwrap();
        assert_eq!(seen(&changes), expected());
        assert!(!changes.more);
    }
    // Dina is in the team but in none of it.
    assert!(
        w.portal
            .changes_since(&w.dina, None)
            .unwrap()
            .changes
            .is_empty()
    );
}

fn a_cursor_carries_on_where_the_last_call_stopped(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.anna, &[&w.nils], "One").conversation.id;
    let first = w.portal.changes_since(&w.nils, None).unwrap();
    assert_eq!(seen(&first), [message("One")]);
    let quiet = w
        .portal
        .changes_since(&w.nils, Some(&first.cursor))
        .unwrap();
    assert!(quiet.changes.is_empty());
    assert!(!quiet.more);
    assert_eq!(quiet.cursor, first.cursor, "nothing new: the cursor stays");
    w.send(&w.anna, c, "Two");
    // Changes for others move the cursor along without showing up.
    w.start(&w.anna, &[&w.dina], "For Dina only");
    w.send(&w.nils, c, "Three");
    let next = w
        .portal
        .changes_since(&w.nils, Some(&first.cursor))
        .unwrap();
    assert_eq!(seen(&next), [message("Two"), message("Three")]);
    // The same cursor gives the same answer again: reading changes nothing in the feed.
    let again = w
        .portal
        .changes_since(&w.nils, Some(&first.cursor))
        .unwrap();
    assert_eq!(again, next);
    assert!(
        w.portal
            .changes_since(&w.nils, Some(&next.cursor))
            .unwrap()
            .changes
            .is_empty()
    );
    // Cursors are opaque text: nothing in them reads as the position or the person.
    assert!(!next.cursor.contains(&w.nils.id.to_string()));
    assert!(
        next.cursor
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
}

fn a_long_feed_comes_in_pages(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.anna, &[&w.nils], "Message 1").conversation.id;
    let total = 2 * CHANGES_PAGE_MAX + 50;
    for i in 2..=total {
        w.send(&w.anna, c, &format!("Message {i}"));
    }
    let mut cursor: Option<String> = None;
    let mut bodies = Vec::new();
    let mut calls = 0;
    loop {
        let changes = w.portal.changes_since(&w.nils, cursor.as_deref()).unwrap();
        calls += 1;
        assert!(changes.changes.len() <= CHANGES_PAGE_MAX);
        for change in &changes.changes {
            match change {
                Change::Message { message } => bodies.push(message.body.clone()),
                other => panic!("{other:?}"),
            }
        }
        cursor = Some(changes.cursor);
        if !changes.more {
            break;
        }
    }
    assert_eq!(calls, 3);
    let expected: Vec<String> = (1..=total).map(|i| format!("Message {i}")).collect();
    assert_eq!(bodies, expected);
}

fn someone_elses_or_a_damaged_cursor_is_refused_and_changes_nothing(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.anna, &[&w.nils], "One").conversation.id;
    w.send(&w.nils, c, "Two");
    let annas = w.portal.changes_since(&w.anna, None).unwrap().cursor;
    let log = w.log_len();
    let refused = |cursor: &str| match w.portal.changes_since(&w.nils, Some(cursor)) {
        Err(Error::InvalidCursor(problem)) => problem,
        other => panic!("{cursor:?}: {other:?}"),
    };
    assert_eq!(refused(&annas), CursorProblem::NotOurs);
    let mut damaged = annas.clone().into_bytes();
    damaged[5] = if damaged[5] == b'A' { b'B' } else { b'A' };
    let damaged = String::from_utf8(damaged).unwrap();
    assert!(matches!(
        w.portal.changes_since(&w.anna, Some(&damaged)),
        Err(Error::InvalidCursor(_))
    ));
    for junk in [
        "",
        "42",
        "not a cursor",
        &annas[..annas.len() - 1],
        &format!("{annas}A"),
    ] {
        assert_eq!(refused(junk), CursorProblem::Malformed, "{junk:?}");
    }
    assert_eq!(w.log_len(), log, "a refused cursor reads and logs nothing");
    // Anna's own cursor still works for her.
    assert!(w.portal.changes_since(&w.anna, Some(&annas)).is_ok());
}

fn a_cursor_past_the_newest_change_is_refused(backend: Backend) {
    let w = world::world(backend);
    w.start(&w.anna, &[&w.nils], "One");
    // A well-formed cursor for Nils from a store that has seen far more changes (another
    // database, or this one before it was restored from an older backup).
    let ahead = recovery_core::policy::feed::encode_cursor(w.nils.id, 1_000);
    assert!(matches!(
        w.portal.changes_since(&w.nils, Some(&ahead)),
        Err(Error::InvalidCursor(CursorProblem::Ahead))
    ));
    let head = recovery_core::policy::feed::encode_cursor(w.nils.id, 1);
    assert!(
        w.portal
            .changes_since(&w.nils, Some(&head))
            .unwrap()
            .changes
            .is_empty()
    );
}

fn a_provider_who_left_gets_nothing_more_from_the_conversation(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.anna, &[&w.nils, &w.dina], "One").conversation.id;
    let before = w.portal.changes_since(&w.nils, None).unwrap();
    assert_eq!(seen(&before), [message("One")]);
    w.portal.end_membership(&w.anna, w.nils_seat).unwrap();
    w.send(&w.anna, c, "Two");
    w.send(&w.dina, c, "Three");
    let after = w
        .portal
        .changes_since(&w.nils, Some(&before.cursor))
        .unwrap();
    assert!(after.changes.is_empty());
    // From the start, too: what he saw before is no longer his to read.
    assert!(
        w.portal
            .changes_since(&w.nils, None)
            .unwrap()
            .changes
            .is_empty()
    );
    let dinas = w.portal.changes_since(&w.dina, None).unwrap();
    assert_eq!(
        seen(&dinas),
        [message("One"), message("Two"), message("Three")]
    );
}

fn a_providers_feed_read_is_logged_once_per_conversation(backend: Backend) {
    let w = world::world(backend);
    let a = w.start(&w.anna, &[&w.nils], "A1").conversation.id;
    w.send(&w.anna, a, "A2");
    let b = w.start(&w.anna, &[&w.nils, &w.dina], "B1").conversation.id;
    w.send(&w.dina, b, "B2");
    let log = w.log_len();
    let changes = w.portal.changes_since(&w.nils, None).unwrap();
    assert_eq!(changes.changes.len(), 4);
    assert_eq!(w.log_len(), log + 2);
    let mut reads: Vec<(AccessAction, Outcome, Option<uuid::Uuid>)> = w
        .annas_log()
        .iter()
        .take(2)
        .map(|e| (e.event.action, e.event.outcome, e.event.target))
        .collect();
    reads.sort_by_key(|r| r.2);
    let mut expected = vec![
        (
            AccessAction::ReadMessages,
            Outcome::Allowed,
            Some(a.as_uuid()),
        ),
        (
            AccessAction::ReadMessages,
            Outcome::Allowed,
            Some(b.as_uuid()),
        ),
    ];
    expected.sort_by_key(|r| r.2);
    assert_eq!(reads, expected);
    // The service user's own feed logs nothing; an empty feed read logs nothing.
    let log = w.log_len();
    w.portal.changes_since(&w.anna, None).unwrap();
    w.portal
        .changes_since(&w.nils, Some(&changes.cursor))
        .unwrap();
    assert_eq!(w.log_len(), log);
}

fn each_person_sees_only_their_own_changes(backend: Backend) {
    let w = world::world(backend);
    world::join(&w.portal, &w.bo, &w.olav);
    w.start(&w.anna, &[&w.nils], "For Nils");
    w.start(&w.bo, &[&w.olav], "For Olav");
    assert_eq!(
        seen(&w.portal.changes_since(&w.olav, None).unwrap()),
        [message("For Olav")]
    );
    assert_eq!(
        seen(&w.portal.changes_since(&w.anna, None).unwrap()),
        [message("For Nils")]
    );
    assert_eq!(
        seen(&w.portal.changes_since(&w.bo, None).unwrap()),
        [message("For Olav")]
    );
    assert!(
        w.portal
            .changes_since(&w.dina, None)
            .unwrap()
            .changes
            .is_empty()
    );
}

#[test]
fn cursors_survive_closing_and_reopening_the_file() {
    let clock = world::clock();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let (anna, nils, c, cursor) = {
        let portal = Portal::open(&path, PortalConfig::default())
            .unwrap()
            .with_clock(clock.clone());
        let anna = Actor::new(portal.register(NewPerson::service_user("Anna")).unwrap().id);
        let nils = world::provider(&portal, "Nils", Profession::Physician);
        world::join(&portal, &anna, &nils);
        let started = portal
            .start_conversation(
                &anna,
                NewConversation {
                    with: vec![nils.id],
                    subject: String::new(),
                    message: NewMessage::text("Before the restart"),
                },
            )
            .unwrap();
        let cursor = portal.changes_since(&nils, None).unwrap().cursor;
        (anna, nils, started.conversation.id, cursor)
    };
    let portal = Portal::open(&path, PortalConfig::default())
        .unwrap()
        .with_clock(clock);
    assert!(
        portal
            .changes_since(&nils, Some(&cursor))
            .unwrap()
            .changes
            .is_empty()
    );
    portal
        .send_message(&anna, c, NewMessage::text("After the restart"))
        .unwrap();
    let changes = portal.changes_since(&nils, Some(&cursor)).unwrap();
    assert_eq!(seen(&changes), [message("After the restart")]);
    // The same position gives the same cursor as before the restart.
    let again = portal.changes_since(&nils, None).unwrap();
    assert_eq!(again.cursor, changes.cursor);
}
