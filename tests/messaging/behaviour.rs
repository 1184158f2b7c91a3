//! Secure messaging through the public API, on the memory store and on an SQLite file:
//! conversations inside the care team, snapshots, read state, pages, losing access, bad input
//! and the access log.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod world;

use chrono::Duration;
use recovery_core::model::audit::{AccessAction, AccessEntry, Outcome};
use recovery_core::model::team::{Level, Scope, TeamStatus};
use recovery_core::*;
use world::{Backend, World};

on_both_stores!(
    user_and_providers_exchange_messages_numbered_in_order,
    either_side_may_start_a_conversation,
    messaging_a_provider_outside_the_team_is_refused_and_changes_nothing,
    an_invited_provider_who_has_not_accepted_cannot_be_messaged,
    a_provider_outside_the_team_cannot_start_one_and_the_attempt_is_logged,
    a_conversation_needs_exactly_one_service_user,
    empty_overlong_or_forbidden_text_is_refused_and_changes_nothing,
    a_snapshot_is_frozen_at_send_time,
    participants_see_snapshots_whatever_the_grants,
    a_snapshot_of_an_item_the_sender_does_not_own_is_refused,
    a_removed_or_unknown_item_cannot_be_attached,
    duplicate_or_too_many_attachments_are_refused,
    ending_the_membership_takes_the_conversation_from_the_provider_at_once,
    the_user_keeps_a_conversation_but_cannot_write_once_every_provider_has_left,
    reinviting_a_provider_does_not_bring_old_conversations_back,
    unread_counts_per_conversation_and_in_total,
    sending_marks_the_conversation_read_for_the_sender,
    read_marks_never_move_back_and_stop_at_the_last_message,
    pages_walk_back_newest_first_to_the_first_message,
    page_sizes_outside_the_limits_are_refused,
    outsiders_cannot_read_or_write_and_are_logged,
    provider_reads_are_in_the_users_access_log_without_text,
    a_send_logs_the_message_and_each_attachment,
    unknown_conversations_and_attachments_are_not_found,
    the_inbox_lists_the_most_recent_conversation_first,
    roles_without_conversations_are_refused,
);

fn user_and_providers_exchange_messages_numbered_in_order(backend: Backend) {
    let w = world::world(backend);
    let started = w.start(&w.anna, &[&w.nils, &w.dina], "I slept badly again");
    let c = started.conversation.id;
    assert_eq!(started.message.seq, 1);
    assert_eq!(started.conversation.service_user, w.anna.id);
    assert_eq!(started.conversation.started_by, w.anna.id);
    assert_eq!(started.conversation.last_seq, 1);
    let providers: Vec<UserId> = started
        .conversation
        .providers
        .iter()
        .map(|p| p.provider)
        .collect();
    assert_eq!(providers, [w.nils.id, w.dina.id]);
    assert_eq!(started.conversation.providers[0].membership, w.nils_seat);

    let reply = w.send(&w.nils, c, "Shall we talk about it on Thursday?");
    let again = w.send(&w.dina, c, "Keep a sleep diary until then.");
    assert_eq!((reply.seq, again.seq), (2, 3));
    assert_eq!(reply.author, w.nils.id);

    for reader in [&w.anna, &w.nils, &w.dina] {
        let page = w.portal.messages(reader, c, None, 0).unwrap();
        assert_eq!(
            World::bodies(&page),
            [
                "Keep a sleep diary until then.",
                "Shall we talk about it on Thursday?",
                "I slept badly again",
            ]
        );
        assert_eq!(page.next, None);
        assert_eq!(page.conversation.conversation.last_seq, 3);
        let names: Vec<&str> = page
            .conversation
            .participants
            .iter()
            .map(|p| p.display_name.as_str())
            .collect();
        assert_eq!(names, ["Anna", "Nils", "Dina"]);
        assert!(page.conversation.participants.iter().all(|p| p.active));
        assert!(page.conversation.can_post);
    }
}

fn either_side_may_start_a_conversation(backend: Backend) {
    let w = world::world(backend);
    let started = w.start(&w.nils, &[&w.anna, &w.dina], "How was the appointment?");
    let c = &started.conversation;
    assert_eq!(c.service_user, w.anna.id);
    assert_eq!(c.started_by, w.nils.id);
    let providers: Vec<UserId> = c.providers.iter().map(|p| p.provider).collect();
    assert_eq!(providers, [w.nils.id, w.dina.id]);
    let inbox = w.portal.inbox(&w.anna).unwrap();
    assert_eq!(inbox.conversations.len(), 1);
    assert_eq!(inbox.conversations[0].conversation.id, c.id);
    assert_eq!(inbox.unread_total, 1);
}

fn messaging_a_provider_outside_the_team_is_refused_and_changes_nothing(backend: Backend) {
    let w = world::world(backend);
    let log = w.log_len();
    let err = w
        .portal
        .start_conversation(
            &w.anna,
            NewConversation {
                with: vec![w.nils.id, w.olav.id],
                subject: String::new(),
                message: NewMessage::text("Hello"),
            },
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotInCareTeam { provider } if *provider == w.olav.id.to_string()),
        "{err:?}"
    );
    assert_eq!(w.log_len(), log);
    for person in [&w.anna, &w.nils, &w.olav] {
        assert!(w.portal.inbox(person).unwrap().conversations.is_empty());
        assert!(
            w.portal
                .changes_since(person, None)
                .unwrap()
                .changes
                .is_empty()
        );
    }
    // Ended teams are outside the team too.
    w.portal.end_membership(&w.anna, w.dina_seat).unwrap();
    let log = w.log_len();
    let err = w
        .portal
        .start_conversation(
            &w.anna,
            NewConversation {
                with: vec![w.dina.id],
                subject: String::new(),
                message: NewMessage::text("Hello"),
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::NotInCareTeam { .. }), "{err:?}");
    assert_eq!(w.log_len(), log);
}

fn an_invited_provider_who_has_not_accepted_cannot_be_messaged(backend: Backend) {
    let w = world::world(backend);
    w.portal.invite(&w.anna, w.olav.id).unwrap();
    let err = w
        .portal
        .start_conversation(
            &w.anna,
            NewConversation {
                with: vec![w.olav.id],
                subject: String::new(),
                message: NewMessage::text("Welcome"),
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::NotInCareTeam { .. }), "{err:?}");
    assert!(w.portal.inbox(&w.anna).unwrap().conversations.is_empty());
}

fn a_provider_outside_the_team_cannot_start_one_and_the_attempt_is_logged(backend: Backend) {
    let w = world::world(backend);
    let log = w.log_len();
    let err = w
        .portal
        .start_conversation(
            &w.olav,
            NewConversation {
                with: vec![w.anna.id],
                subject: String::new(),
                message: NewMessage::text("Hello Anna"),
            },
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::PermissionDenied(DenyReason::NoCareTeam)),
        "{err:?}"
    );
    assert_eq!(w.log_len(), log + 1);
    let entry = &w.annas_log()[0];
    assert_eq!(entry.event.actor, w.olav.id);
    assert_eq!(entry.event.action, AccessAction::StartConversation);
    assert_eq!(entry.event.outcome, Outcome::Denied(DenyReason::NoCareTeam));
    assert!(w.portal.inbox(&w.anna).unwrap().conversations.is_empty());
}

fn a_conversation_needs_exactly_one_service_user(backend: Backend) {
    let w = world::world(backend);
    let attempt = |by: &Actor, with: Vec<UserId>| {
        w.portal.start_conversation(
            by,
            NewConversation {
                with,
                subject: String::new(),
                message: NewMessage::text("Hello"),
            },
        )
    };
    let invalid = |r: Result<Started>| match r {
        Err(Error::Invalid {
            field: "conversation.with",
            problem,
        }) => problem,
        other => panic!("expected invalid conversation.with: {other:?}"),
    };
    assert_eq!(invalid(attempt(&w.anna, vec![])), Problem::Empty);
    assert!(matches!(
        invalid(attempt(&w.anna, vec![w.bo.id])),
        Problem::Inconsistent(_)
    ));
    assert!(matches!(
        invalid(attempt(&w.nils, vec![w.dina.id])),
        Problem::WrongRole { .. }
    ));
    assert!(matches!(
        invalid(attempt(&w.anna, vec![w.mona.id])),
        Problem::WrongRole { .. }
    ));
    assert_eq!(
        invalid(attempt(&w.anna, vec![w.nils.id, w.nils.id])),
        Problem::Duplicate
    );
    assert!(matches!(
        invalid(attempt(&w.anna, vec![w.anna.id])),
        Problem::Inconsistent(_)
    ));
    assert!(matches!(
        attempt(&w.anna, vec![UserId::new()]),
        Err(Error::NotFound { kind: "person", .. })
    ));
    assert!(w.portal.inbox(&w.anna).unwrap().conversations.is_empty());
}

fn empty_overlong_or_forbidden_text_is_refused_and_changes_nothing(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.anna, &[&w.nils], "First").conversation.id;
    let log = w.log_len();
    let limit = w.portal.config().limits.body;
    let cases = [
        (String::new(), Problem::Empty),
        (" \n\t ".to_owned(), Problem::Empty),
        (
            "x".repeat(limit + 1),
            Problem::TooLong {
                max: limit,
                actual: limit + 1,
            },
        ),
        (
            "ok\u{202E}txet".to_owned(),
            Problem::ForbiddenCharacter {
                code: 0x202E,
                position: 2,
            },
        ),
    ];
    for (body, expected) in cases {
        let err = w
            .portal
            .send_message(&w.nils, c, NewMessage::text(body.clone()))
            .unwrap_err();
        match err {
            Error::Invalid {
                field: "message.body",
                problem,
            } => assert_eq!(problem, expected),
            other => panic!("{other:?}"),
        }
        let err = w
            .portal
            .start_conversation(
                &w.anna,
                NewConversation {
                    with: vec![w.dina.id],
                    subject: String::new(),
                    message: NewMessage::text(body),
                },
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Invalid {
                    field: "message.body",
                    ..
                }
            ),
            "{err:?}"
        );
    }
    let err = w
        .portal
        .start_conversation(
            &w.anna,
            NewConversation {
                with: vec![w.dina.id],
                subject: "two\nlines".into(),
                message: NewMessage::text("Hi"),
            },
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "conversation.subject",
                ..
            }
        ),
        "{err:?}"
    );
    // Exactly at the limit is fine.
    w.portal
        .send_message(&w.nils, c, NewMessage::text("y".repeat(limit)))
        .unwrap();
    assert_eq!(w.log_len(), log + 1, "only the good message was logged");
    assert_eq!(w.portal.inbox(&w.anna).unwrap().conversations.len(), 1);
    let page = w.portal.messages(&w.anna, c, None, 0).unwrap();
    assert_eq!(page.messages.len(), 2);
}

fn snapshot_of(w: &World, by: &Actor, message: &Message) -> Vec<Snapshot> {
    message
        .attachments
        .iter()
        .map(|a| w.portal.attachment(by, a.id).unwrap().snapshot)
        .collect()
}

fn a_snapshot_is_frozen_at_send_time(backend: Backend) {
    let w = world::world(backend);
    let started = w
        .portal
        .start_conversation(
            &w.anna,
            NewConversation {
                with: vec![w.nils.id],
                subject: "My plan".into(),
                message: NewMessage::text("This is where I am")
                    .attach(Attach::Goal(w.goal))
                    .attach(Attach::Medications),
            },
        )
        .unwrap();
    let kinds: Vec<SnapshotKind> = started.message.attachments.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [SnapshotKind::Goal, SnapshotKind::Medications]);
    assert_eq!(started.message.attachments[0].source, Some(w.goal.item()));
    assert_eq!(started.message.attachments[1].source, None);
    let before = snapshot_of(&w, &w.nils, &started.message);

    // Anna changes the goal, adds an activity and a medication afterwards.
    let goal = w
        .portal
        .goals(&w.anna, None)
        .unwrap()
        .into_iter()
        .find(|g| g.id == w.goal)
        .unwrap();
    let mut edit = GoalEdit::from(&goal.content);
    edit.title = "Find a flat near my sister".into();
    w.portal.edit_goal(&w.anna, w.goal, edit).unwrap();
    w.portal
        .add_activity(
            &w.anna,
            NewActivity {
                goal: w.goal,
                title: "Ask my sister".into(),
                due: None,
            },
        )
        .unwrap();
    w.portal
        .add_medication(&w.anna, world::medication("Quetiapine", "25 mg"))
        .unwrap();

    let after = snapshot_of(&w, &w.nils, &started.message);
    assert_eq!(after, before, "the snapshot did not follow the toolbox");
    match &after[0] {
        Snapshot::Goal { goal, activities } => {
            assert_eq!(goal.content.title, "Find a flat of my own");
            assert_eq!(goal.version, 1);
            assert_eq!(activities.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    match &after[1] {
        Snapshot::Medications { medications } => {
            let names: Vec<&str> = medications
                .iter()
                .map(|m| m.content.name.as_str())
                .collect();
            assert_eq!(names, ["Melatonin", "Sertraline"]);
        }
        other => panic!("{other:?}"),
    }
    // A new snapshot shows the goal as it is now.
    let newer = w
        .portal
        .send_message(
            &w.anna,
            started.conversation.id,
            NewMessage::text("Updated").attach(Attach::Goal(w.goal)),
        )
        .unwrap();
    match &snapshot_of(&w, &w.anna, &newer)[0] {
        Snapshot::Goal { goal, activities } => {
            assert_eq!(goal.content.title, "Find a flat near my sister");
            assert_eq!(goal.version, 2);
            assert_eq!(activities.len(), 3);
        }
        other => panic!("{other:?}"),
    }
}

fn participants_see_snapshots_whatever_the_grants(backend: Backend) {
    let w = world::world(backend);
    // Nothing is shared with Nils.
    assert!(matches!(
        w.portal.view(&w.nils, w.anna.id, &Scope::Medications),
        Err(Error::PermissionDenied(DenyReason::NotShared))
    ));
    let started = w
        .portal
        .start_conversation(
            &w.anna,
            NewConversation {
                with: vec![w.nils.id, w.dina.id],
                subject: String::new(),
                message: NewMessage::text("Before the appointment")
                    .attach(Attach::Medications)
                    .attach(Attach::CrisisPlan)
                    .attach(Attach::Status(w.status)),
            },
        )
        .unwrap();
    for reader in [&w.nils, &w.dina, &w.anna] {
        let snapshots = snapshot_of(&w, reader, &started.message);
        assert!(
            matches!(&snapshots[0], Snapshot::Medications { medications } if medications.len() == 2)
        );
        assert!(
            matches!(&snapshots[1], Snapshot::CrisisPlan { crisis_plan } if crisis_plan.content.contacts == "My sister")
        );
        assert!(
            matches!(&snapshots[2], Snapshot::Status { status } if status.content.rating == Some(4))
        );
    }
    // The grants are as they were: the snapshot shares the copy, not the scope.
    assert!(matches!(
        w.portal.view(&w.nils, w.anna.id, &Scope::Medications),
        Err(Error::PermissionDenied(DenyReason::NotShared))
    ));
    assert!(matches!(
        w.portal.view(&w.dina, w.anna.id, &Scope::CrisisPlan),
        Err(Error::PermissionDenied(DenyReason::NotShared))
    ));
    // Someone outside the conversation, even in the team with a grant, does not see it.
    let solo = w.start(&w.anna, &[&w.nils], "Just us").conversation.id;
    let private = w
        .portal
        .send_message(
            &w.anna,
            solo,
            NewMessage::text("Mine").attach(Attach::CrisisPlan),
        )
        .unwrap();
    w.portal
        .share(
            &w.anna,
            w.dina.id,
            Scope::CrisisPlan,
            Sharing::level(Level::View),
        )
        .unwrap();
    assert!(matches!(
        w.portal.attachment(&w.dina, private.attachments[0].id),
        Err(Error::PermissionDenied(DenyReason::NotAParty))
    ));
}

fn a_snapshot_of_an_item_the_sender_does_not_own_is_refused(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.anna, &[&w.nils], "Hello").conversation.id;
    let log = w.log_len();
    let not_owned = |by: &Actor, attach: Attach| {
        let err = w
            .portal
            .send_message(by, c, NewMessage::text("See attached").attach(attach))
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Invalid {
                    field: "message.attachments",
                    problem: Problem::NotOwned
                }
            ),
            "{attach:?}: {err:?}"
        );
    };
    // Anna attaches Bo's goal; Nils attaches Anna's things, or a list he does not have.
    not_owned(&w.anna, Attach::Goal(w.bo_goal));
    not_owned(&w.nils, Attach::Goal(w.goal));
    not_owned(&w.nils, Attach::Status(w.status));
    not_owned(&w.nils, Attach::Medications);
    not_owned(&w.nils, Attach::CrisisPlan);
    assert_eq!(w.log_len(), log);
    let page = w.portal.messages(&w.anna, c, None, 0).unwrap();
    assert_eq!(World::bodies(&page), ["Hello"]);
    assert_eq!(w.portal.unread_counts(&w.nils).unwrap().total, 1);
    // In a new conversation too, and then no conversation is made.
    let err = w
        .portal
        .start_conversation(
            &w.anna,
            NewConversation {
                with: vec![w.dina.id],
                subject: String::new(),
                message: NewMessage::text("Hi").attach(Attach::Goal(w.bo_goal)),
            },
        )
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Invalid {
            problem: Problem::NotOwned,
            ..
        }
    ));
    assert_eq!(w.portal.inbox(&w.dina).unwrap().conversations.len(), 0);
    assert_eq!(w.log_len(), log);
}

fn a_removed_or_unknown_item_cannot_be_attached(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.anna, &[&w.nils], "Hello").conversation.id;
    let send = |attach| {
        w.portal
            .send_message(&w.anna, c, NewMessage::text("x").attach(attach))
    };
    assert!(matches!(
        send(Attach::Goal(GoalId::new())),
        Err(Error::NotFound { kind: "goal", .. })
    ));
    assert!(matches!(
        send(Attach::Status(StatusId::from_uuid(w.goal.as_uuid()))),
        Err(Error::NotFound { kind: "status", .. })
    ));
    w.portal.remove_item(&w.anna, w.goal).unwrap();
    assert!(matches!(
        send(Attach::Goal(w.goal)),
        Err(Error::NotFound { kind: "goal", .. })
    ));
    // Bo has no crisis plan to send; his empty medication list he may send.
    world::join(&w.portal, &w.bo, &w.olav);
    let bo = w.start(&w.bo, &[&w.olav], "Hello").conversation.id;
    assert!(matches!(
        w.portal
            .send_message(&w.bo, bo, NewMessage::text("x").attach(Attach::CrisisPlan)),
        Err(Error::NotFound {
            kind: "crisis plan",
            ..
        })
    ));
    let sent = w
        .portal
        .send_message(
            &w.bo,
            bo,
            NewMessage::text("I take none").attach(Attach::Medications),
        )
        .unwrap();
    assert_eq!(
        snapshot_of(&w, &w.olav, &sent),
        [Snapshot::Medications {
            medications: vec![]
        }]
    );
}

fn duplicate_or_too_many_attachments_are_refused(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.anna, &[&w.nils], "Hello").conversation.id;
    let twice = NewMessage::text("x")
        .attach(Attach::CrisisPlan)
        .attach(Attach::CrisisPlan);
    assert!(matches!(
        w.portal.send_message(&w.anna, c, twice),
        Err(Error::Invalid {
            field: "message.attachments",
            problem: Problem::Duplicate
        })
    ));
    let mut many = NewMessage::text("x");
    many.attachments = (0..=MESSAGE_ATTACHMENTS_MAX)
        .map(|_| Attach::Goal(GoalId::new()))
        .collect();
    assert!(matches!(
        w.portal.send_message(&w.anna, c, many),
        Err(Error::Invalid {
            field: "message.attachments",
            problem: Problem::OutOfRange { .. }
        })
    ));
    assert_eq!(
        w.portal
            .messages(&w.anna, c, None, 0)
            .unwrap()
            .messages
            .len(),
        1
    );
}

fn ending_the_membership_takes_the_conversation_from_the_provider_at_once(backend: Backend) {
    let w = world::world(backend);
    let started = w
        .portal
        .start_conversation(
            &w.anna,
            NewConversation {
                with: vec![w.nils.id, w.dina.id],
                subject: String::new(),
                message: NewMessage::text("My plan").attach(Attach::CrisisPlan),
            },
        )
        .unwrap();
    let c = started.conversation.id;
    let attachment = started.message.attachments[0].id;
    assert!(w.portal.messages(&w.nils, c, None, 0).is_ok());
    let cursor = w.portal.changes_since(&w.nils, None).unwrap().cursor;

    w.portal.end_membership(&w.nils, w.nils_seat).unwrap();
    let denied = |r: Result<(), Error>| {
        assert!(
            matches!(r, Err(Error::PermissionDenied(DenyReason::NoCareTeam))),
            "{r:?}"
        );
    };
    denied(w.portal.messages(&w.nils, c, None, 0).map(|_| ()));
    denied(w.portal.attachment(&w.nils, attachment).map(|_| ()));
    denied(
        w.portal
            .send_message(&w.nils, c, NewMessage::text("One more thing"))
            .map(|_| ()),
    );
    denied(w.portal.mark_read(&w.nils, c, 1).map(|_| ()));
    assert!(w.portal.inbox(&w.nils).unwrap().conversations.is_empty());
    assert_eq!(
        w.portal.unread_counts(&w.nils).unwrap(),
        UnreadCounts {
            conversations: vec![],
            total: 0
        }
    );
    // Anna and Dina carry on; nothing of it reaches Nils.
    w.send(&w.dina, c, "I am still here");
    let page = w.portal.messages(&w.anna, c, None, 0).unwrap();
    assert_eq!(World::bodies(&page), ["I am still here", "My plan"]);
    assert!(page.conversation.can_post);
    let active: Vec<(UserId, bool)> = page
        .conversation
        .participants
        .iter()
        .map(|p| (p.person, p.active))
        .collect();
    assert_eq!(
        active,
        [(w.anna.id, true), (w.nils.id, false), (w.dina.id, true)]
    );
    assert!(
        w.portal
            .changes_since(&w.nils, Some(&cursor))
            .unwrap()
            .changes
            .is_empty()
    );
    assert!(
        w.portal
            .changes_since(&w.nils, None)
            .unwrap()
            .changes
            .is_empty()
    );
    // Every refused attempt is in Anna's log.
    let refused: Vec<AccessAction> = w
        .annas_log()
        .iter()
        .filter(|e| e.event.actor == w.nils.id && e.event.outcome != Outcome::Allowed)
        .map(|e| e.event.action)
        .collect();
    assert_eq!(
        refused,
        [
            AccessAction::ReadMessages,
            AccessAction::SendMessage,
            AccessAction::ReadAttachment,
            AccessAction::ReadMessages,
        ]
    );
}

fn the_user_keeps_a_conversation_but_cannot_write_once_every_provider_has_left(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.anna, &[&w.nils], "Hello").conversation.id;
    w.send(&w.nils, c, "Hi Anna");
    w.portal.end_membership(&w.anna, w.nils_seat).unwrap();
    let log = w.log_len();
    let err = w
        .portal
        .send_message(&w.anna, c, NewMessage::text("Are you there?"))
        .unwrap_err();
    assert!(
        matches!(&err, Error::ConversationClosed { conversation } if *conversation == c.to_string()),
        "{err:?}"
    );
    assert_eq!(w.log_len(), log, "a closed conversation changes nothing");
    let page = w.portal.messages(&w.anna, c, None, 0).unwrap();
    assert_eq!(World::bodies(&page), ["Hi Anna", "Hello"]);
    assert!(!page.conversation.can_post);
    assert_eq!(page.conversation.unread, 1);
    assert_eq!(w.portal.mark_read(&w.anna, c, 2).unwrap(), 0);
    let inbox = w.portal.inbox(&w.anna).unwrap();
    assert_eq!(inbox.conversations.len(), 1);
    assert!(!inbox.conversations[0].can_post);
}

fn reinviting_a_provider_does_not_bring_old_conversations_back(backend: Backend) {
    let w = world::world(backend);
    let old = w.start(&w.anna, &[&w.nils], "Before").conversation.id;
    w.portal.end_membership(&w.anna, w.nils_seat).unwrap();
    let seat = world::join(&w.portal, &w.anna, &w.nils);
    assert!(matches!(
        w.portal.messages(&w.nils, old, None, 0),
        Err(Error::PermissionDenied(DenyReason::NoCareTeam))
    ));
    let new = w.start(&w.anna, &[&w.nils], "After");
    assert_eq!(new.conversation.providers[0].membership, seat);
    let inbox = w.portal.inbox(&w.nils).unwrap();
    let ids: Vec<ConversationId> = inbox
        .conversations
        .iter()
        .map(|c| c.conversation.id)
        .collect();
    assert_eq!(ids, [new.conversation.id]);
    assert_eq!(w.portal.inbox(&w.anna).unwrap().conversations.len(), 2);
}

fn unread_counts_per_conversation_and_in_total(backend: Backend) {
    let w = world::world(backend);
    let a = w.start(&w.nils, &[&w.anna], "One").conversation.id;
    w.send(&w.nils, a, "Two");
    w.send(&w.nils, a, "Three");
    let b = w.start(&w.dina, &[&w.anna], "Four").conversation.id;
    w.send(&w.dina, b, "Five");

    let counts = w.portal.unread_counts(&w.anna).unwrap();
    let mut expected = vec![
        UnreadCount {
            conversation: a,
            unread: 3,
        },
        UnreadCount {
            conversation: b,
            unread: 2,
        },
    ];
    expected.sort_by_key(|c| c.conversation);
    assert_eq!(counts.conversations, expected);
    assert_eq!(counts.total, 5);
    let inbox = w.portal.inbox(&w.anna).unwrap();
    assert_eq!(inbox.unread_total, 5);

    assert_eq!(w.portal.mark_read(&w.anna, a, 2).unwrap(), 1);
    let counts = w.portal.unread_counts(&w.anna).unwrap();
    assert_eq!(counts.total, 3);
    assert_eq!(w.portal.mark_read(&w.anna, b, 2).unwrap(), 0);
    let counts = w.portal.unread_counts(&w.anna).unwrap();
    assert_eq!(
        counts.conversations,
        [UnreadCount {
            conversation: a,
            unread: 1
        }]
    );
    // The providers have read their own messages; Dina is not in Nils's conversation.
    assert_eq!(w.portal.unread_counts(&w.nils).unwrap().total, 0);
    assert_eq!(w.portal.unread_counts(&w.dina).unwrap().total, 0);
}

fn sending_marks_the_conversation_read_for_the_sender(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.anna, &[&w.nils], "One").conversation.id;
    w.send(&w.nils, c, "Two");
    w.send(&w.nils, c, "Three");
    assert_eq!(w.portal.unread_counts(&w.anna).unwrap().total, 2);
    w.send(&w.anna, c, "Four");
    assert_eq!(w.portal.unread_counts(&w.anna).unwrap().total, 0);
    assert_eq!(w.portal.unread_counts(&w.nils).unwrap().total, 1);
}

fn read_marks_never_move_back_and_stop_at_the_last_message(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.nils, &[&w.anna], "One").conversation.id;
    for body in ["Two", "Three", "Four"] {
        w.send(&w.nils, c, body);
    }
    assert_eq!(w.portal.mark_read(&w.anna, c, 3).unwrap(), 1);
    assert_eq!(w.portal.mark_read(&w.anna, c, 1).unwrap(), 1);
    assert_eq!(w.portal.unread_counts(&w.anna).unwrap().total, 1);
    let err = w.portal.mark_read(&w.anna, c, 5).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "read.through",
                problem: Problem::OutOfRange { min: 0, max: 4 }
            }
        ),
        "{err:?}"
    );
    assert_eq!(w.portal.unread_counts(&w.anna).unwrap().total, 1);
    assert_eq!(w.portal.mark_read(&w.anna, c, 4).unwrap(), 0);
}

fn pages_walk_back_newest_first_to_the_first_message(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.anna, &[&w.nils], "Message 1").conversation.id;
    for i in 2..=120 {
        let by = if i % 3 == 0 { &w.nils } else { &w.anna };
        w.send(by, c, &format!("Message {i}"));
    }
    let mut seen = Vec::new();
    let mut before = None;
    let mut pages = 0;
    loop {
        let page = w.portal.messages(&w.nils, c, before, 50).unwrap();
        pages += 1;
        seen.extend(page.messages.iter().map(|m| m.seq));
        match page.next {
            Some(next) => {
                assert_eq!(Some(next), page.messages.last().map(|m| m.seq));
                before = Some(next);
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, (1..=120).rev().collect::<Vec<u64>>());
    // A page ending exactly at the first message says there is no more.
    let exact = w.portal.messages(&w.nils, c, Some(51), 50).unwrap();
    assert_eq!(exact.messages.len(), 50);
    assert_eq!(exact.next, None);
    // The default page is 50.
    assert_eq!(
        w.portal
            .messages(&w.anna, c, None, 0)
            .unwrap()
            .messages
            .len(),
        MESSAGE_PAGE_DEFAULT
    );
}

fn page_sizes_outside_the_limits_are_refused(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.anna, &[&w.nils], "Hello").conversation.id;
    let log = w.log_len();
    let err = w
        .portal
        .messages(&w.nils, c, None, MESSAGE_PAGE_MAX + 1)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "messages.limit",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(w.log_len(), log);
    assert_eq!(
        w.portal
            .messages(&w.nils, c, None, MESSAGE_PAGE_MAX)
            .unwrap()
            .messages
            .len(),
        1
    );
}

fn outsiders_cannot_read_or_write_and_are_logged(backend: Backend) {
    let w = world::world(backend);
    let started = w
        .portal
        .start_conversation(
            &w.anna,
            NewConversation {
                with: vec![w.nils.id],
                subject: String::new(),
                message: NewMessage::text("Private").attach(Attach::CrisisPlan),
            },
        )
        .unwrap();
    let c = started.conversation.id;
    let attachment = started.message.attachments[0].id;
    // Dina is in Anna's team but not in this conversation; Olav, Bo and Mona are outsiders.
    for outsider in [&w.dina, &w.olav, &w.bo, &w.mona] {
        let log = w.log_len();
        assert!(matches!(
            w.portal.messages(outsider, c, None, 0),
            Err(Error::PermissionDenied(DenyReason::NotAParty))
        ));
        assert!(matches!(
            w.portal.attachment(outsider, attachment),
            Err(Error::PermissionDenied(DenyReason::NotAParty))
        ));
        assert!(matches!(
            w.portal
                .send_message(outsider, c, NewMessage::text("Let me in")),
            Err(Error::PermissionDenied(DenyReason::NotAParty))
        ));
        assert!(matches!(
            w.portal.mark_read(outsider, c, 1),
            Err(Error::PermissionDenied(DenyReason::NotAParty))
        ));
        assert_eq!(w.log_len(), log + 4);
        let entries: Vec<AccessEntry> = w.annas_log().into_iter().take(4).collect();
        assert!(entries.iter().all(|e| e.event.actor == outsider.id
            && e.event.subject == w.anna.id
            && e.event.outcome == Outcome::Denied(DenyReason::NotAParty)));
        assert_eq!(entries[2].event.target, Some(attachment.as_uuid()));
        assert_eq!(entries[2].event.scope, Some(Scope::CrisisPlan));
    }
    let page = w.portal.messages(&w.anna, c, None, 0).unwrap();
    assert_eq!(World::bodies(&page), ["Private"]);
}

fn provider_reads_are_in_the_users_access_log_without_text(backend: Backend) {
    let w = world::world(backend);
    let secret = "I stopped taking my medication";
    let started = w
        .portal
        .start_conversation(
            &w.anna,
            NewConversation {
                with: vec![w.nils.id],
                subject: "Something private".into(),
                message: NewMessage::text(secret).attach(Attach::Medications),
            },
        )
        .unwrap();
    let c = started.conversation.id;
    let attachment = started.message.attachments[0].id;
    // Anna's own reads are not logged.
    let log = w.log_len();
    w.portal.messages(&w.anna, c, None, 0).unwrap();
    w.portal.attachment(&w.anna, attachment).unwrap();
    w.portal.mark_read(&w.anna, c, 1).unwrap();
    assert_eq!(w.log_len(), log);

    w.portal.messages(&w.nils, c, None, 0).unwrap();
    w.portal.attachment(&w.nils, attachment).unwrap();
    w.portal.mark_read(&w.nils, c, 1).unwrap();
    assert_eq!(w.log_len(), log + 2, "a read mark reveals nothing");
    let reads: Vec<(AccessAction, Option<Scope>, Option<uuid::Uuid>)> = w
        .annas_log()
        .iter()
        .take(2)
        .map(|e| (e.event.action, e.event.scope.clone(), e.event.target))
        .collect();
    assert_eq!(
        reads,
        [
            (
                AccessAction::ReadAttachment,
                Some(Scope::Medications),
                Some(attachment.as_uuid())
            ),
            (AccessAction::ReadMessages, None, Some(c.as_uuid())),
        ]
    );
    let everything = format!("{:?}", w.annas_log());
    for text in [secret, "Something private", "Melatonin"] {
        assert!(!everything.contains(text), "the log holds {text:?}");
    }
    assert!(w.portal.verify_access_log().unwrap().is_intact());
}

fn a_send_logs_the_message_and_each_attachment(backend: Backend) {
    let w = world::world(backend);
    let c = w.start(&w.anna, &[&w.nils], "Hello").conversation.id;
    let log = w.log_len();
    let sent = w
        .portal
        .send_message(
            &w.anna,
            c,
            NewMessage::text("My plan and my goal")
                .attach(Attach::CrisisPlan)
                .attach(Attach::Goal(w.goal)),
        )
        .unwrap();
    assert_eq!(w.log_len(), log + 3);
    let mut entries: Vec<AccessEntry> = w.annas_log().into_iter().take(3).collect();
    entries.reverse();
    let logged: Vec<(AccessAction, Option<Scope>, Option<uuid::Uuid>)> = entries
        .iter()
        .map(|e| (e.event.action, e.event.scope.clone(), e.event.target))
        .collect();
    assert_eq!(
        logged,
        [
            (AccessAction::SendMessage, None, Some(sent.id.as_uuid())),
            (
                AccessAction::Attach,
                Some(Scope::CrisisPlan),
                Some(sent.attachments[0].id.as_uuid())
            ),
            (
                AccessAction::Attach,
                Some(Scope::Domain(w.housing.clone())),
                Some(sent.attachments[1].id.as_uuid())
            ),
        ]
    );
    assert!(entries.iter().all(|e| e.event.actor == w.anna.id
        && e.event.at == sent.sent_at
        && e.event.outcome == Outcome::Allowed));
    // Starting a conversation logs the start and the first message.
    let log = w.log_len();
    let started = w.start(&w.nils, &[&w.anna], "Hi");
    assert_eq!(w.log_len(), log + 2);
    let first_two: Vec<(AccessAction, Option<uuid::Uuid>)> = w
        .annas_log()
        .iter()
        .take(2)
        .map(|e| (e.event.action, e.event.target))
        .collect();
    assert_eq!(
        first_two,
        [
            (
                AccessAction::SendMessage,
                Some(started.message.id.as_uuid())
            ),
            (
                AccessAction::StartConversation,
                Some(started.conversation.id.as_uuid())
            ),
        ]
    );
}

fn unknown_conversations_and_attachments_are_not_found(backend: Backend) {
    let w = world::world(backend);
    let nowhere = ConversationId::new();
    assert!(matches!(
        w.portal.messages(&w.anna, nowhere, None, 0),
        Err(Error::NotFound {
            kind: "conversation",
            ..
        })
    ));
    assert!(matches!(
        w.portal
            .send_message(&w.anna, nowhere, NewMessage::text("x")),
        Err(Error::NotFound {
            kind: "conversation",
            ..
        })
    ));
    assert!(matches!(
        w.portal.mark_read(&w.anna, nowhere, 0),
        Err(Error::NotFound {
            kind: "conversation",
            ..
        })
    ));
    assert!(matches!(
        w.portal.attachment(&w.anna, AttachmentId::new()),
        Err(Error::NotFound {
            kind: "attachment",
            ..
        })
    ));
    let ghost = Actor::new(UserId::new());
    assert!(matches!(
        w.portal.inbox(&ghost),
        Err(Error::UnknownActor(_))
    ));
}

fn the_inbox_lists_the_most_recent_conversation_first(backend: Backend) {
    let w = world::world(backend);
    let older = w.start(&w.anna, &[&w.nils], "First").conversation.id;
    let newer = w.start(&w.anna, &[&w.dina], "Second").conversation.id;
    let ids = |inbox: Inbox| -> Vec<ConversationId> {
        inbox
            .conversations
            .iter()
            .map(|c| c.conversation.id)
            .collect()
    };
    assert_eq!(ids(w.portal.inbox(&w.anna).unwrap()), [newer, older]);
    w.clock.advance(Duration::hours(1));
    w.send(&w.nils, older, "A reply");
    let inbox = w.portal.inbox(&w.anna).unwrap();
    assert_eq!(inbox.conversations[0].unread, 1);
    assert_eq!(inbox.conversations[0].conversation.last_seq, 2);
    assert_eq!(ids(inbox), [older, newer]);
    // A provider's inbox holds only the conversations they are in.
    assert_eq!(ids(w.portal.inbox(&w.dina).unwrap()), [newer]);
}

fn roles_without_conversations_are_refused(backend: Backend) {
    let w = world::world(backend);
    for call in [
        w.portal.inbox(&w.mona).map(|_| ()),
        w.portal.unread_counts(&w.mona).map(|_| ()),
        w.portal.changes_since(&w.mona, None).map(|_| ()),
    ] {
        assert!(
            matches!(call, Err(Error::PermissionDenied(DenyReason::WrongRole))),
            "{call:?}"
        );
    }
    assert!(matches!(
        w.portal.start_conversation(
            &w.mona,
            NewConversation {
                with: vec![w.anna.id],
                subject: String::new(),
                message: NewMessage::text("Hello"),
            }
        ),
        Err(Error::PermissionDenied(DenyReason::WrongRole))
    ));
    // A membership that ended is not active; the status says so.
    let ended = w.portal.end_membership(&w.anna, w.dina_seat).unwrap();
    assert_eq!(ended.status, TeamStatus::Inactive);
}
