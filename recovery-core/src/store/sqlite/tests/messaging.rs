//! Conversations, messages, attachments, read marks and the change feed: the SQLite store agrees
//! with the memory store, keeps the same rules, and refuses what it must without a trace.

use super::*;
use crate::model::feed::{ChangeRecord, ChangeSubject, NewChange};
use crate::model::messaging::{
    Attachment, Conversation, ConversationProvider, Message, Participation, Snapshot,
};
use crate::model::team::{Membership, TeamStatus};
use crate::store::MessageQuery;

/// A service user, two providers with active memberships, all written to both stores.
struct Cast {
    anna: Person,
    nils: Person,
    dina: Person,
    nils_seat: MembershipId,
    dina_seat: MembershipId,
}

fn cast(stores: &(MemoryStore, SqliteStore)) -> Cast {
    let anna = service_user("Anna");
    let nils = provider("Nils");
    let dina = provider("Dina");
    let seat = |p: &Person| Membership {
        id: MembershipId::new(),
        service_user: anna.id,
        provider: p.id,
        status: TeamStatus::Active,
        invited_at: at(1, 0),
        accepted_at: Some(at(1, 5)),
        ended: None,
    };
    let (nils_seat, dina_seat) = (seat(&nils), seat(&dina));
    let (m, s) = write_both(stores, |tx| {
        for p in [&anna, &nils, &dina] {
            tx.insert_person(p)?;
        }
        tx.insert_membership(&nils_seat)?;
        tx.insert_membership(&dina_seat)
    });
    m.unwrap();
    s.unwrap();
    Cast {
        nils_seat: nils_seat.id,
        dina_seat: dina_seat.id,
        anna,
        nils,
        dina,
    }
}

fn conversation(cast: &Cast, started_at: DateTime<Utc>) -> Conversation {
    Conversation {
        id: ConversationId::new(),
        service_user: cast.anna.id,
        providers: vec![
            ConversationProvider {
                provider: cast.nils.id,
                membership: cast.nils_seat,
            },
            ConversationProvider {
                provider: cast.dina.id,
                membership: cast.dina_seat,
            },
        ],
        subject: "Søvn og «medisiner»".to_owned(),
        started_by: cast.nils.id,
        started_at,
        last_seq: 0,
        last_message_at: started_at,
    }
}

fn message(c: &Conversation, seq: u64, author: UserId, sent_at: DateTime<Utc>) -> Message {
    Message {
        id: MessageId::new(),
        conversation: c.id,
        seq,
        author,
        body: format!("Message {seq}:\n\t\"hei\" \\ 🌙 æøå"),
        sent_at,
        attachments: Vec::new(),
    }
}

/// A stored record as a typed toolbox item with the given content.
fn item<Id: From<uuid::Uuid>, T>(r: &ItemRecord, content: T) -> Item<Id, T> {
    Item {
        id: Id::from(r.id.as_uuid()),
        owner: r.owner,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
        updated_by: r.updated_by,
        content,
    }
}

/// One snapshot of every kind (and an empty medication list), with the awkward values of
/// `every_kind`.
fn snapshots(owner: &Person, provider: &Person) -> Vec<Snapshot> {
    let mut medications = Vec::new();
    let mut goal = None;
    let mut activities = Vec::new();
    let mut crisis_plan = None;
    let mut status = None;
    for body in every_kind(owner, provider) {
        let r = record(owner, at(2, 7), body.clone());
        match body {
            ItemBody::Medication(m) => medications.push(item(&r, m)),
            ItemBody::Goal(g) => goal = Some(item(&r, g)),
            ItemBody::Activity(a) => activities.push(item(&r, a)),
            ItemBody::CrisisPlan(p) => crisis_plan = Some(item(&r, p)),
            ItemBody::Status(s) => status = Some(item(&r, s)),
            _ => {}
        }
    }
    vec![
        Snapshot::Medications { medications },
        Snapshot::Goal {
            goal: goal.unwrap(),
            activities,
        },
        Snapshot::CrisisPlan {
            crisis_plan: crisis_plan.unwrap(),
        },
        Snapshot::Status {
            status: status.unwrap(),
        },
        Snapshot::Medications {
            medications: Vec::new(),
        },
    ]
}

/// `message` with the snapshots attached.
fn with_attachments(
    mut message: Message,
    owner: UserId,
    all: Vec<Snapshot>,
) -> (Message, Vec<Attachment>) {
    let attachments: Vec<Attachment> = all
        .into_iter()
        .map(|snapshot| Attachment {
            id: AttachmentId::new(),
            message: message.id,
            conversation: message.conversation,
            owner,
            taken_at: message.sent_at,
            snapshot,
        })
        .collect();
    message.attachments = attachments.iter().map(Attachment::info).collect();
    (message, attachments)
}

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

fn page(c: &Conversation, before_seq: Option<u64>, limit: usize) -> MessageQuery {
    MessageQuery {
        conversation: c.id,
        before_seq,
        limit,
    }
}

#[test]
fn conversations_and_messages_round_trip_like_the_memory_store() {
    let stores = both();
    let cast = cast(&stores);
    let c = conversation(&cast, at(3, 1));
    let (m, s) = write_both(&stores, |tx| tx.insert_conversation(&c));
    m.unwrap();
    s.unwrap();
    assert_eq!(
        read_both(&stores, |tx| tx.conversation(c.id)),
        Some(c.clone())
    );
    assert_eq!(
        read_both(&stores, |tx| tx.conversation(ConversationId::new())),
        None
    );

    let authors = [cast.nils.id, cast.anna.id, cast.dina.id, cast.anna.id];
    let mut sent = Vec::new();
    for (i, author) in (1u64..=12).zip(authors.iter().cycle()) {
        let mut m = message(&c, i, *author, at(4, i as i64 * 1_000_000_007));
        let mut attachments = Vec::new();
        if i == 5 {
            (m, attachments) = with_attachments(m, cast.anna.id, snapshots(&cast.anna, &cast.nils));
        }
        let (a, b) = write_both(&stores, |tx| tx.insert_message(&m, &attachments));
        a.unwrap();
        b.unwrap();
        sent.push((m, attachments));
    }

    let stored = read_both(&stores, |tx| tx.conversation(c.id)).unwrap();
    assert_eq!(stored.last_seq, 12);
    assert_eq!(stored.last_message_at, sent[11].0.sent_at);

    let newest = read_both(&stores, |tx| tx.messages(&page(&c, None, 5)));
    let seqs: Vec<u64> = newest.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, [12, 11, 10, 9, 8]);
    let older = read_both(&stores, |tx| tx.messages(&page(&c, Some(8), 5)));
    assert_eq!(
        older.iter().map(|m| m.seq).collect::<Vec<_>>(),
        [7, 6, 5, 4, 3]
    );
    let last = read_both(&stores, |tx| tx.messages(&page(&c, Some(3), 5)));
    assert_eq!(last.iter().map(|m| m.seq).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(
        older[2], sent[4].0,
        "the message with attachments reads back whole"
    );
    assert_eq!(
        read_both(&stores, |tx| tx.messages(&page(&c, Some(u64::MAX), 1))),
        vec![sent[11].0.clone()]
    );

    for (m, attachments) in &sent {
        assert_eq!(read_both(&stores, |tx| tx.message(m.id)).as_ref(), Some(m));
        for a in attachments {
            assert_eq!(
                read_both(&stores, |tx| tx.attachment(a.id)).as_ref(),
                Some(a)
            );
        }
    }
    assert_eq!(read_both(&stores, |tx| tx.message(MessageId::new())), None);
    assert_eq!(
        read_both(&stores, |tx| tx.attachment(AttachmentId::new())),
        None
    );
}

#[test]
fn read_marks_and_participations_agree() {
    let stores = both();
    let cast = cast(&stores);
    let first = conversation(&cast, at(3, 0));
    let second = Conversation {
        providers: vec![ConversationProvider {
            provider: cast.dina.id,
            membership: cast.dina_seat,
        }],
        ..conversation(&cast, at(3, 9))
    };
    let (a, b) = write_both(&stores, |tx| {
        tx.insert_conversation(&first)?;
        tx.insert_conversation(&second)?;
        for seq in 1..=4 {
            tx.insert_message(&message(&first, seq, cast.nils.id, at(5, seq as i64)), &[])?;
        }
        tx.insert_message(&message(&second, 1, cast.anna.id, at(6, 0)), &[])?;
        tx.set_read_seq(first.id, cast.anna.id, 3)?;
        tx.set_read_seq(second.id, cast.anna.id, 1)
    });
    a.unwrap();
    b.unwrap();

    assert_eq!(
        read_both(&stores, |tx| tx.read_seq(first.id, cast.anna.id)),
        Some(3)
    );
    assert_eq!(
        read_both(&stores, |tx| tx.read_seq(first.id, cast.dina.id)),
        Some(0)
    );
    assert_eq!(
        read_both(&stores, |tx| tx.read_seq(second.id, cast.nils.id)),
        None
    );

    let anna = read_both(&stores, |tx| tx.participations(cast.anna.id));
    let mut ids = [first.id, second.id];
    ids.sort();
    assert_eq!(anna.iter().map(|p| p.conversation).collect::<Vec<_>>(), ids);
    let in_first = anna.iter().find(|p| p.conversation == first.id).unwrap();
    assert_eq!(
        *in_first,
        Participation {
            conversation: first.id,
            service_user: cast.anna.id,
            membership: None,
            read_seq: 3,
            last_seq: 4,
            last_message_at: at(5, 4),
        }
    );
    assert_eq!(in_first.unread(), 1);
    let nils = read_both(&stores, |tx| tx.participations(cast.nils.id));
    assert_eq!(nils.len(), 1);
    assert_eq!(nils[0].membership, Some(cast.nils_seat));
    assert_eq!(nils[0].unread(), 4);
    assert_eq!(
        read_both(&stores, |tx| tx.participations(UserId::new())),
        vec![]
    );

    // Beyond the last message, or for someone not in it: refused, and the mark stays.
    both_conflict(
        write_both(&stores, |tx| tx.set_read_seq(first.id, cast.anna.id, 5)),
        "a mark past the last message",
    );
    both_conflict(
        write_both(&stores, |tx| tx.set_read_seq(second.id, cast.nils.id, 1)),
        "a mark for someone not in the conversation",
    );
    both_conflict(
        write_both(&stores, |tx| {
            tx.set_read_seq(ConversationId::new(), cast.anna.id, 0)
        }),
        "a mark in no conversation",
    );
    assert_eq!(
        read_both(&stores, |tx| tx.read_seq(first.id, cast.anna.id)),
        Some(3)
    );
    // The store lets a mark move back; keeping it from doing so is the portal's rule.
    let (a, b) = write_both(&stores, |tx| tx.set_read_seq(first.id, cast.anna.id, 1));
    a.unwrap();
    b.unwrap();
    assert_eq!(
        read_both(&stores, |tx| tx.read_seq(first.id, cast.anna.id)),
        Some(1)
    );
}

#[test]
fn refused_messages_are_conflicts_that_leave_no_trace() {
    let stores = both();
    let cast = cast(&stores);
    let c = conversation(&cast, at(3, 0));
    let first = message(&c, 1, cast.anna.id, at(4, 0));
    let (a, b) = write_both(&stores, |tx| {
        tx.insert_conversation(&c)?;
        tx.insert_message(&first, &[])
    });
    a.unwrap();
    b.unwrap();

    let stranger = provider("Stranger");
    let (a, b) = write_both(&stores, |tx| tx.insert_person(&stranger));
    a.unwrap();
    b.unwrap();
    let (attached, attachments) = with_attachments(
        message(&c, 2, cast.anna.id, at(4, 1)),
        cast.anna.id,
        snapshots(&cast.anna, &cast.nils),
    );
    let mut reordered = attachments.clone();
    reordered.swap(0, 1);
    let mut foreign = attachments.clone();
    foreign[0].message = MessageId::new();
    let mut reused = attachments.clone();
    reused[1].id = reused[0].id;
    let cases: Vec<(&str, Message, Vec<Attachment>)> = vec![
        (
            "a gap in the numbers",
            message(&c, 3, cast.anna.id, at(4, 1)),
            vec![],
        ),
        (
            "a number used already",
            message(&c, 1, cast.anna.id, at(4, 1)),
            vec![],
        ),
        ("number 0", message(&c, 0, cast.anna.id, at(4, 1)), vec![]),
        (
            "an author outside the conversation",
            message(&c, 2, stranger.id, at(4, 1)),
            vec![],
        ),
        (
            "a message id used already",
            Message {
                id: first.id,
                ..message(&c, 2, cast.anna.id, at(4, 1))
            },
            vec![],
        ),
        (
            "an unknown conversation",
            Message {
                conversation: ConversationId::new(),
                ..message(&c, 1, cast.anna.id, at(4, 1))
            },
            vec![],
        ),
        ("attachments missing", attached.clone(), vec![]),
        ("attachments out of order", attached.clone(), reordered),
        (
            "an attachment of another message",
            attached.clone(),
            foreign,
        ),
        ("an attachment id twice", attached.clone(), reused),
    ];
    for (what, m, attachments) in &cases {
        // The transaction stays usable after the refusal: a good write in it still commits.
        let (a, b) = write_both(&stores, |tx| {
            let refused = tx.insert_message(m, attachments);
            tx.set_read_seq(c.id, cast.dina.id, 1)?;
            refused
        });
        both_conflict((a, b), what);
        let stored = read_both(&stores, |tx| tx.conversation(c.id)).unwrap();
        assert_eq!(stored.last_seq, 1, "{what}");
        assert_eq!(stored.last_message_at, at(4, 0), "{what}");
        assert_eq!(
            read_both(&stores, |tx| tx.messages(&page(&c, None, 10))),
            vec![first.clone()],
            "{what}"
        );
        for a in attachments {
            assert_eq!(read_both(&stores, |tx| tx.attachment(a.id)), None, "{what}");
        }
        assert_eq!(
            read_both(&stores, |tx| tx.read_seq(c.id, cast.dina.id)),
            Some(1)
        );
    }
    // And then the good one goes in.
    let (a, b) = write_both(&stores, |tx| tx.insert_message(&attached, &attachments));
    a.unwrap();
    b.unwrap();
    assert_eq!(
        read_both(&stores, |tx| tx.conversation(c.id))
            .unwrap()
            .last_seq,
        2
    );
}

#[test]
fn refused_conversations_leave_no_trace() {
    let stores = both();
    let cast = cast(&stores);
    let c = conversation(&cast, at(3, 0));
    let (a, b) = write_both(&stores, |tx| tx.insert_conversation(&c));
    a.unwrap();
    b.unwrap();
    let twice = Conversation {
        providers: vec![c.providers[0], c.providers[0]],
        ..conversation(&cast, at(3, 1))
    };
    let not_new = Conversation {
        last_seq: 1,
        ..conversation(&cast, at(3, 1))
    };
    for (what, refused) in [
        ("an id used already", c.clone()),
        ("a provider twice", twice),
        ("one with messages already", not_new),
    ] {
        both_conflict(
            write_both(&stores, |tx| tx.insert_conversation(&refused)),
            what,
        );
        if refused.id != c.id {
            assert_eq!(
                read_both(&stores, |tx| tx.conversation(refused.id)),
                None,
                "{what}"
            );
        }
    }
    assert_eq!(
        read_both(&stores, |tx| tx.conversation(c.id)),
        Some(c.clone())
    );
    assert_eq!(
        read_both(&stores, |tx| tx.participations(cast.nils.id)).len(),
        1
    );
}

#[test]
fn a_dropped_transaction_takes_back_conversations_messages_marks_and_changes() {
    let stores = both();
    let cast = cast(&stores);
    let kept = conversation(&cast, at(3, 0));
    let (a, b) = write_both(&stores, |tx| {
        tx.insert_conversation(&kept)?;
        tx.insert_message(&message(&kept, 1, cast.nils.id, at(4, 0)), &[])
    });
    a.unwrap();
    b.unwrap();
    let dropped = conversation(&cast, at(3, 1));
    let (next, attachments) = with_attachments(
        message(&kept, 2, cast.anna.id, at(4, 9)),
        cast.anna.id,
        snapshots(&cast.anna, &cast.nils),
    );
    for store in [&stores.0 as &dyn Store, &stores.1] {
        let mut tx = store.transaction(TxMode::Write).unwrap();
        tx.insert_conversation(&dropped).unwrap();
        tx.insert_message(&next, &attachments).unwrap();
        tx.set_read_seq(kept.id, cast.anna.id, 2).unwrap();
        tx.append_change(&NewChange {
            at: at(4, 9),
            subject: ChangeSubject::Message {
                conversation: kept.id,
                message: next.id,
            },
            recipients: vec![cast.anna.id, cast.nils.id],
        })
        .unwrap();
        drop(tx);
    }
    assert_eq!(read_both(&stores, |tx| tx.conversation(dropped.id)), None);
    let stored = read_both(&stores, |tx| tx.conversation(kept.id)).unwrap();
    assert_eq!((stored.last_seq, stored.last_message_at), (1, at(4, 0)));
    assert_eq!(read_both(&stores, |tx| tx.message(next.id)), None);
    assert_eq!(
        read_both(&stores, |tx| tx.attachment(attachments[0].id)),
        None
    );
    assert_eq!(
        read_both(&stores, |tx| tx.read_seq(kept.id, cast.anna.id)),
        Some(0)
    );
    assert_eq!(
        read_both(&stores, |tx| tx.participations(cast.anna.id)).len(),
        1
    );
    assert_eq!(read_both(&stores, |tx| tx.last_change()), 0);
    assert_eq!(
        read_both(&stores, |tx| tx.changes_for(cast.anna.id, 0, 10)),
        vec![]
    );
}

#[test]
fn changes_are_numbered_in_order_and_reach_only_their_recipients() {
    let stores = both();
    let (anna, nils, dina) = (UserId::new(), UserId::new(), UserId::new());
    let c = ConversationId::new();
    let subjects = [
        ChangeSubject::Message {
            conversation: c,
            message: MessageId::new(),
        },
        ChangeSubject::Proposal {
            proposal: ProposalId::new(),
        },
        ChangeSubject::Decision {
            proposal: ProposalId::new(),
        },
        ChangeSubject::Message {
            conversation: c,
            message: MessageId::new(),
        },
    ];
    let recipients = [
        vec![anna, nils],
        vec![anna, dina],
        vec![dina, anna],
        vec![nils],
    ];
    for (i, (subject, to)) in subjects.iter().zip(&recipients).enumerate() {
        let change = NewChange {
            at: at(7, i as i64),
            subject: *subject,
            recipients: to.clone(),
        };
        let (a, b) = write_both(&stores, |tx| tx.append_change(&change));
        assert_eq!((a.unwrap(), b.unwrap()), (i as u64 + 1, i as u64 + 1));
    }
    assert_eq!(read_both(&stores, |tx| tx.last_change()), 4);
    let record = |i: usize| ChangeRecord {
        seq: i as u64 + 1,
        at: at(7, i as i64),
        subject: subjects[i],
    };
    assert_eq!(
        read_both(&stores, |tx| tx.changes_for(anna, 0, 10)),
        vec![record(0), record(1), record(2)]
    );
    assert_eq!(
        read_both(&stores, |tx| tx.changes_for(anna, 1, 10)),
        vec![record(1), record(2)]
    );
    assert_eq!(
        read_both(&stores, |tx| tx.changes_for(anna, 0, 2)),
        vec![record(0), record(1)]
    );
    assert_eq!(
        read_both(&stores, |tx| tx.changes_for(nils, 0, 10)),
        vec![record(0), record(3)]
    );
    assert_eq!(read_both(&stores, |tx| tx.changes_for(nils, 4, 10)), vec![]);
    assert_eq!(
        read_both(&stores, |tx| tx.changes_for(nils, u64::MAX, 10)),
        vec![]
    );

    let twice = NewChange {
        at: at(8, 0),
        subject: subjects[1],
        recipients: vec![dina, dina],
    };
    both_conflict(
        write_both(&stores, |tx| tx.append_change(&twice)),
        "a recipient twice",
    );
    assert_eq!(read_both(&stores, |tx| tx.last_change()), 4);
    assert_eq!(
        read_both(&stores, |tx| tx.changes_for(dina, 0, 10)).len(),
        2
    );
}

#[test]
fn sql_cannot_rewrite_a_sent_message_or_snapshot() {
    let store = SqliteStore::open_in_memory().unwrap();
    let anna = service_user("Anna");
    let nils = provider("Nils");
    let seat = Membership {
        id: MembershipId::new(),
        service_user: anna.id,
        provider: nils.id,
        status: TeamStatus::Active,
        invited_at: at(1, 0),
        accepted_at: Some(at(1, 1)),
        ended: None,
    };
    let c = Conversation {
        id: ConversationId::new(),
        service_user: anna.id,
        providers: vec![ConversationProvider {
            provider: nils.id,
            membership: seat.id,
        }],
        subject: String::new(),
        started_by: anna.id,
        started_at: at(2, 0),
        last_seq: 0,
        last_message_at: at(2, 0),
    };
    let (m, attachments) = with_attachments(
        message(&c, 1, anna.id, at(2, 1)),
        anna.id,
        snapshots(&anna, &nils),
    );
    write(&store, |tx| {
        tx.insert_person(&anna)?;
        tx.insert_person(&nils)?;
        tx.insert_membership(&seat)?;
        tx.insert_conversation(&c)?;
        tx.insert_message(&m, &attachments)
    });
    let conn = store.conn.lock().unwrap();
    for sql in [
        "UPDATE messages SET body = 'changed'",
        "UPDATE attachments SET snapshot = '{}'",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("immutable"), "{sql}: {err}");
    }
    drop(conn);
    assert_eq!(read(&store, |tx| tx.message(m.id)), Some(m));
}
