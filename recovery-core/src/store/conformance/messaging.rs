//! Conformance cases for [`MessagingTx`](crate::store::MessagingTx) and
//! [`FeedTx`](crate::store::FeedTx): conversations, numbered messages, attachments, read marks
//! and the change feed.
//!
//! The cases write the people and care-team memberships a conversation refers to first, so a
//! store that enforces references passes them.

use super::{SECOND, assert_conflict, at, begin, day, person, read, write};
use crate::model::feed::{ChangeRecord, ChangeSubject, NewChange};
use crate::model::ids::*;
use crate::model::messaging::{
    Attachment, Conversation, ConversationProvider, Message, Participation, Snapshot,
};
use crate::model::people::{Person, Role};
use crate::model::team::{Membership, TeamStatus};
use crate::model::toolbox::*;
use crate::store::{MessageQuery, Store, TxMode};

/// A service user and two providers in her team, written and committed.
struct Cast {
    anna: Person,
    nils: Person,
    dina: Person,
    nils_seat: MembershipId,
    dina_seat: MembershipId,
}

fn cast(store: &dyn Store) -> Cast {
    let anna = person(Role::ServiceUser, "Anna");
    let nils = person(Role::Provider, "Nils");
    let dina = person(Role::Provider, "Dina");
    let seat = |p: &Person| Membership {
        id: MembershipId::new(),
        service_user: anna.id,
        provider: p.id,
        status: TeamStatus::Active,
        invited_at: at(0),
        accepted_at: Some(at(1)),
        ended: None,
    };
    let (nils_seat, dina_seat) = (seat(&nils), seat(&dina));
    write(store, |tx| {
        for p in [&anna, &nils, &dina] {
            tx.insert_person(p).expect("a new person is written");
        }
        tx.insert_membership(&nils_seat)
            .expect("a new membership is written");
        tx.insert_membership(&dina_seat)
            .expect("a new membership is written");
    });
    Cast {
        nils_seat: nils_seat.id,
        dina_seat: dina_seat.id,
        anna,
        nils,
        dina,
    }
}

/// A new conversation between Anna and both providers, started at `micros`.
fn conversation(cast: &Cast, micros: i64) -> Conversation {
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
        subject: "Søvn — «uke 12»".to_owned(),
        started_by: cast.nils.id,
        started_at: at(micros),
        last_seq: 0,
        last_message_at: at(micros),
    }
}

fn message(c: &Conversation, seq: u64, author: UserId, micros: i64) -> Message {
    Message {
        id: MessageId::new(),
        conversation: c.id,
        seq,
        author,
        body: format!("Melding {seq}:\n\t\"sov dårlig\" \\ 🌙"),
        sent_at: at(micros),
        attachments: Vec::new(),
    }
}

/// A typed toolbox item of `owner`'s, version 3, with `content`.
fn item<Id: From<uuid::Uuid>, T>(owner: UserId, content: T) -> Item<Id, T> {
    Item {
        id: Id::from(uuid::Uuid::now_v7()),
        owner,
        version: 3,
        created_at: at(5),
        updated_at: at(6 * SECOND + 7),
        updated_by: owner,
        content,
    }
}

/// One snapshot of each kind, with awkward text and optional fields set and unset.
fn snapshots(owner: UserId) -> Vec<Snapshot> {
    let housing = DomainRef::Catalogue("housing".to_owned());
    let goal: Item<GoalId, Goal> = item(
        owner,
        Goal {
            domain: housing.clone(),
            title: "Find a flat «near the sea»".to_owned(),
            why: String::new(),
            target_date: Some(day(2026, 12, 31)),
            lifecycle: GoalLifecycle::Active,
            achievement: Some(GoalAchievement::Improving),
            authored_by: owner,
        },
    );
    let activity: Item<ActivityId, Activity> = item(
        owner,
        Activity {
            goal: goal.id,
            domain: housing.clone(),
            title: "Call the housing office".to_owned(),
            due: None,
            state: ActivityState::Done,
            authored_by: owner,
        },
    );
    vec![
        Snapshot::Medications {
            medications: vec![item(
                owner,
                Medication {
                    name: "Sertraline".to_owned(),
                    dose: "50 mg".to_owned(),
                    purpose: "Mood\nand sleep".to_owned(),
                    prescribed: true,
                    status: MedicationStatus::OnHold,
                    experiences: String::new(),
                    questions: "Can I drink coffee? \"Really\"?".to_owned(),
                },
            )],
        },
        Snapshot::Goal {
            goal,
            activities: vec![activity],
        },
        Snapshot::CrisisPlan {
            crisis_plan: item(
                owner,
                CrisisPlan {
                    warning_signs: "Not sleeping 🌙".to_owned(),
                    ..CrisisPlan::default()
                },
            ),
        },
        Snapshot::Status {
            status: item(
                owner,
                StatusEntry {
                    domain: housing,
                    now: "Bedre — æøå".to_owned(),
                    helps: String::new(),
                    hinders: "\\".to_owned(),
                    rating: None,
                },
            ),
        },
        Snapshot::Medications {
            medications: Vec::new(),
        },
    ]
}

/// `message` with the snapshots attached, as the portal builds them.
fn attached(mut message: Message, owner: UserId, all: Vec<Snapshot>) -> (Message, Vec<Attachment>) {
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

/// Writes a conversation and messages `1..=n` in it, committed.
fn with_messages(store: &dyn Store, cast: &Cast, n: u64) -> (Conversation, Vec<Message>) {
    let c = conversation(cast, 0);
    let authors = [cast.anna.id, cast.nils.id, cast.dina.id];
    let messages: Vec<Message> = (1..=n)
        .map(|seq| {
            let author = authors[usize::try_from(seq).expect("small") % authors.len()];
            message(&c, seq, author, i64::try_from(seq).expect("small") * SECOND)
        })
        .collect();
    write(store, |tx| {
        tx.insert_conversation(&c)
            .expect("a new conversation is written");
        for m in &messages {
            tx.insert_message(m, &[])
                .expect("the next message is written");
        }
    });
    (c, messages)
}

fn page(store: &dyn Store, c: &Conversation, before_seq: Option<u64>, limit: usize) -> Vec<u64> {
    let query = MessageQuery {
        conversation: c.id,
        before_seq,
        limit,
    };
    read(store, |tx| {
        tx.messages(&query).expect("messages can be listed")
    })
    .iter()
    .map(|m| m.seq)
    .collect()
}

fn stored(store: &dyn Store, id: ConversationId) -> Option<Conversation> {
    read(store, |tx| {
        tx.conversation(id).expect("a conversation can be read")
    })
}

// ----- conversations ---------------------------------------------------------------------------

/// A conversation reads back exactly, its providers in the order named; an unknown id is none.
pub fn conversation_round_trips_with_its_participants(store: &dyn Store) {
    let cast = cast(store);
    let c = conversation(&cast, 17);
    write(store, |tx| {
        tx.insert_conversation(&c)
            .expect("a new conversation is written")
    });
    assert_eq!(stored(store, c.id), Some(c.clone()));
    assert_eq!(stored(store, ConversationId::new()), None);
    let reversed = Conversation {
        providers: c.providers.iter().rev().copied().collect(),
        ..conversation(&cast, 18)
    };
    write(store, |tx| {
        tx.insert_conversation(&reversed)
            .expect("a new conversation is written")
    });
    assert_eq!(
        stored(store, reversed.id).map(|c| c.providers),
        Some(reversed.providers.clone()),
        "providers keep the order they were named in"
    );
}

/// A conversation whose id exists, that names a person twice, or that claims messages already,
/// is a conflict that writes nothing; the transaction stays usable.
pub fn refused_conversations_are_conflicts_that_write_nothing(store: &dyn Store) {
    let cast = cast(store);
    let c = conversation(&cast, 0);
    write(store, |tx| {
        tx.insert_conversation(&c)
            .expect("a new conversation is written")
    });
    let twice = Conversation {
        providers: vec![c.providers[0], c.providers[0]],
        ..conversation(&cast, 1)
    };
    let anna_as_provider = Conversation {
        providers: vec![ConversationProvider {
            provider: cast.anna.id,
            membership: cast.nils_seat,
        }],
        ..conversation(&cast, 1)
    };
    let not_new = Conversation {
        last_seq: 3,
        ..conversation(&cast, 1)
    };
    let same_id = Conversation {
        subject: "Another".to_owned(),
        ..c.clone()
    };
    for (what, refused) in [
        ("an id in use", &same_id),
        ("a provider named twice", &twice),
        ("the service user as a provider", &anna_as_provider),
        ("a conversation with messages already", &not_new),
    ] {
        let mut tx = begin(store, TxMode::Write);
        assert_conflict(tx.insert_conversation(refused), what);
        tx.set_read_seq(c.id, cast.anna.id, 0)
            .expect("the transaction stays usable after a conflict");
        tx.commit()
            .expect("a transaction whose write conflicted still commits");
        if refused.id != c.id {
            assert_eq!(stored(store, refused.id), None, "{what}");
        }
        assert_eq!(stored(store, c.id), Some(c.clone()), "{what}");
        let conversations = read(store, |tx| {
            tx.participations(cast.nils.id)
                .expect("participations can be listed")
        });
        assert_eq!(conversations.len(), 1, "{what}");
    }
}

// ----- messages --------------------------------------------------------------------------------

/// Messages go in numbered 1, 2, 3...; each advances the conversation's `last_seq` and
/// `last_message_at`, and reads back exactly.
pub fn messages_advance_the_conversation_and_read_back_exactly(store: &dyn Store) {
    let cast = cast(store);
    let (c, messages) = with_messages(store, &cast, 3);
    let now = stored(store, c.id).expect("the conversation is there");
    assert_eq!(now.last_seq, 3);
    assert_eq!(now.last_message_at, messages[2].sent_at);
    assert_eq!(now.started_at, c.started_at, "the start stays");
    for m in &messages {
        assert_eq!(
            read(store, |tx| tx.message(m.id).expect("a message can be read")).as_ref(),
            Some(m)
        );
    }
    assert_eq!(
        read(store, |tx| tx
            .message(MessageId::new())
            .expect("a message can be read")),
        None
    );
}

/// A number out of turn (a gap, a repeat, 0), an author outside the conversation, a message id
/// in use or an unknown conversation is a conflict that writes nothing.
pub fn messages_out_of_turn_are_conflicts_that_write_nothing(store: &dyn Store) {
    let cast = cast(store);
    let (c, messages) = with_messages(store, &cast, 2);
    let stranger = person(Role::Provider, "Stranger");
    write(store, |tx| {
        tx.insert_person(&stranger)
            .expect("a new person is written")
    });
    let cases = [
        ("a gap", message(&c, 4, cast.anna.id, 9 * SECOND)),
        ("a repeat", message(&c, 2, cast.anna.id, 9 * SECOND)),
        ("number 0", message(&c, 0, cast.anna.id, 9 * SECOND)),
        (
            "an author outside the conversation",
            message(&c, 3, stranger.id, 9 * SECOND),
        ),
        (
            "a message id in use",
            Message {
                id: messages[0].id,
                ..message(&c, 3, cast.anna.id, 9 * SECOND)
            },
        ),
        (
            "an unknown conversation",
            Message {
                conversation: ConversationId::new(),
                ..message(&c, 1, cast.anna.id, 9 * SECOND)
            },
        ),
    ];
    for (what, refused) in &cases {
        let mut tx = begin(store, TxMode::Write);
        assert_conflict(tx.insert_message(refused, &[]), what);
        tx.set_read_seq(c.id, cast.dina.id, 1)
            .expect("the transaction stays usable after a conflict");
        tx.commit()
            .expect("a transaction whose write conflicted still commits");
        let now = stored(store, c.id).expect("the conversation is there");
        assert_eq!(now.last_seq, 2, "{what}");
        assert_eq!(now.last_message_at, messages[1].sent_at, "{what}");
        assert_eq!(page(store, &c, None, 10), [2, 1], "{what}");
    }
    // The next number goes in.
    let next = message(&c, 3, cast.nils.id, 9 * SECOND);
    write(store, |tx| {
        tx.insert_message(&next, &[])
            .expect("the next message is written")
    });
    assert_eq!(page(store, &c, None, 10), [3, 2, 1]);
}

/// Attachments read back exactly, whatever their snapshot holds.
pub fn attachments_round_trip_exactly(store: &dyn Store) {
    let cast = cast(store);
    let c = conversation(&cast, 0);
    let (m, attachments) = attached(
        message(&c, 1, cast.anna.id, SECOND),
        cast.anna.id,
        snapshots(cast.anna.id),
    );
    write(store, |tx| {
        tx.insert_conversation(&c)
            .expect("a new conversation is written");
        tx.insert_message(&m, &attachments)
            .expect("a message with attachments is written");
    });
    assert_eq!(
        read(store, |tx| tx.message(m.id).expect("a message can be read")),
        Some(m.clone())
    );
    for a in &attachments {
        assert_eq!(
            read(store, |tx| tx
                .attachment(a.id)
                .expect("an attachment can be read"))
            .as_ref(),
            Some(a)
        );
    }
    assert_eq!(
        read(store, |tx| tx
            .attachment(AttachmentId::new())
            .expect("an attachment can be read")),
        None
    );
}

/// Attachments that are not exactly the ones the message lists are a conflict that writes
/// neither the message nor any attachment.
pub fn attachments_that_do_not_match_the_message_are_conflicts(store: &dyn Store) {
    let cast = cast(store);
    let c = conversation(&cast, 0);
    write(store, |tx| {
        tx.insert_conversation(&c)
            .expect("a new conversation is written")
    });
    let (m, attachments) = attached(
        message(&c, 1, cast.anna.id, SECOND),
        cast.anna.id,
        snapshots(cast.anna.id),
    );
    let mut reordered = attachments.clone();
    reordered.swap(0, 1);
    let mut elsewhere = attachments.clone();
    elsewhere[2].message = MessageId::new();
    let mut twice = attachments.clone();
    twice[1].id = twice[0].id;
    let cases = [
        ("none given", Vec::new()),
        ("one missing", attachments[1..].to_vec()),
        ("out of order", reordered),
        ("one of another message", elsewhere),
        ("an id twice", twice),
    ];
    for (what, given) in &cases {
        let mut tx = begin(store, TxMode::Write);
        assert_conflict(tx.insert_message(&m, given), what);
        tx.commit()
            .expect("a transaction whose write conflicted still commits");
        assert_eq!(
            read(store, |tx| tx.message(m.id).expect("a message can be read")),
            None,
            "{what}"
        );
        for a in &attachments {
            assert_eq!(
                read(store, |tx| tx
                    .attachment(a.id)
                    .expect("an attachment can be read")),
                None,
                "{what}"
            );
        }
        assert_eq!(stored(store, c.id).map(|c| c.last_seq), Some(0), "{what}");
    }
}

/// Pages list a conversation's messages newest first, below `before_seq` if given, at most
/// `limit`, and only that conversation's.
pub fn messages_page_newest_first_below_a_number(store: &dyn Store) {
    let cast = cast(store);
    let (c, _) = with_messages(store, &cast, 7);
    let (other, _) = with_messages(store, &cast, 2);
    assert_eq!(page(store, &c, None, 3), [7, 6, 5]);
    assert_eq!(page(store, &c, Some(5), 3), [4, 3, 2]);
    assert_eq!(page(store, &c, Some(2), 3), [1]);
    assert_eq!(page(store, &c, Some(1), 3), Vec::<u64>::new());
    assert_eq!(page(store, &c, Some(u64::MAX), 2), [7, 6]);
    assert_eq!(page(store, &c, None, 100), [7, 6, 5, 4, 3, 2, 1]);
    assert_eq!(page(store, &other, None, 100), [2, 1]);
    let nowhere = Conversation {
        id: ConversationId::new(),
        ..c
    };
    assert_eq!(page(store, &nowhere, None, 10), Vec::<u64>::new());
}

// ----- read marks ------------------------------------------------------------------------------

/// Each participant has a read mark, 0 at first; it may be set to any number up to the last
/// message, for participants only; a person's participations list every conversation they are
/// in, by conversation id, with their mark and the conversation's last message.
pub fn read_marks_are_kept_per_participant(store: &dyn Store) {
    let cast = cast(store);
    let (first, messages) = with_messages(store, &cast, 4);
    let second = Conversation {
        providers: vec![ConversationProvider {
            provider: cast.dina.id,
            membership: cast.dina_seat,
        }],
        ..conversation(&cast, 50)
    };
    write(store, |tx| {
        tx.insert_conversation(&second)
            .expect("a new conversation is written");
        tx.set_read_seq(first.id, cast.anna.id, 3)
            .expect("a mark is set");
    });
    let mark = |c: ConversationId, p: UserId| {
        read(store, |tx| tx.read_seq(c, p).expect("a mark can be read"))
    };
    assert_eq!(mark(first.id, cast.anna.id), Some(3));
    assert_eq!(mark(first.id, cast.nils.id), Some(0));
    assert_eq!(mark(second.id, cast.nils.id), None);
    for (what, c, p, n) in [
        ("past the last message", first.id, cast.anna.id, 5),
        ("not a participant", second.id, cast.nils.id, 0),
        (
            "no such conversation",
            ConversationId::new(),
            cast.anna.id,
            0,
        ),
    ] {
        let mut tx = begin(store, TxMode::Write);
        assert_conflict(tx.set_read_seq(c, p, n), what);
        tx.commit()
            .expect("a transaction whose write conflicted still commits");
    }
    assert_eq!(mark(first.id, cast.anna.id), Some(3));
    // A mark may move back at the store; keeping it from doing so is the portal's rule.
    write(store, |tx| {
        tx.set_read_seq(first.id, cast.anna.id, 1)
            .expect("a mark is set")
    });
    assert_eq!(mark(first.id, cast.anna.id), Some(1));

    let annas = read(store, |tx| {
        tx.participations(cast.anna.id)
            .expect("participations can be listed")
    });
    let mut expected = vec![
        Participation {
            conversation: first.id,
            service_user: cast.anna.id,
            membership: None,
            read_seq: 1,
            last_seq: 4,
            last_message_at: messages[3].sent_at,
        },
        Participation {
            conversation: second.id,
            service_user: cast.anna.id,
            membership: None,
            read_seq: 0,
            last_seq: 0,
            last_message_at: second.started_at,
        },
    ];
    expected.sort_by_key(|p| p.conversation);
    assert_eq!(annas, expected);
    let nils = read(store, |tx| {
        tx.participations(cast.nils.id)
            .expect("participations can be listed")
    });
    assert_eq!(nils.len(), 1);
    assert_eq!(nils[0].membership, Some(cast.nils_seat));
    assert_eq!(nils[0].unread(), 4);
    assert_eq!(
        read(store, |tx| tx
            .participations(UserId::new())
            .expect("participations can be listed")),
        Vec::new()
    );
}

/// Dropping a transaction takes back the conversations, messages, attachments and marks it
/// wrote, and the conversation's last message.
pub fn dropped_transaction_rolls_back_conversations_messages_and_marks(store: &dyn Store) {
    let cast = cast(store);
    let (kept, messages) = with_messages(store, &cast, 1);
    let dropped = conversation(&cast, 70);
    let (next, attachments) = attached(
        message(&kept, 2, cast.anna.id, 80 * SECOND),
        cast.anna.id,
        snapshots(cast.anna.id),
    );
    {
        let mut tx = begin(store, TxMode::Write);
        tx.insert_conversation(&dropped)
            .expect("a new conversation is written");
        tx.insert_message(&next, &attachments)
            .expect("the next message is written");
        tx.set_read_seq(kept.id, cast.anna.id, 2)
            .expect("a mark is set");
    }
    assert_eq!(stored(store, dropped.id), None);
    let now = stored(store, kept.id).expect("the conversation is there");
    assert_eq!(
        (now.last_seq, now.last_message_at),
        (1, messages[0].sent_at)
    );
    assert_eq!(
        read(store, |tx| tx
            .message(next.id)
            .expect("a message can be read")),
        None
    );
    assert_eq!(
        read(store, |tx| tx
            .attachment(attachments[0].id)
            .expect("an attachment can be read")),
        None
    );
    assert_eq!(
        read(store, |tx| tx
            .read_seq(kept.id, cast.anna.id)
            .expect("a mark can be read")),
        Some(0)
    );
    let annas = read(store, |tx| {
        tx.participations(cast.anna.id)
            .expect("participations can be listed")
    });
    assert_eq!(annas.len(), 1);
}

// ----- the change feed -------------------------------------------------------------------------

fn change(micros: i64, subject: ChangeSubject, recipients: Vec<UserId>) -> NewChange {
    NewChange {
        at: at(micros),
        subject,
        recipients,
    }
}

fn subjects() -> [ChangeSubject; 3] {
    [
        ChangeSubject::Message {
            conversation: ConversationId::new(),
            message: MessageId::new(),
        },
        ChangeSubject::Proposal {
            proposal: ProposalId::new(),
        },
        ChangeSubject::Decision {
            proposal: ProposalId::new(),
        },
    ]
}

/// Changes are numbered 1, 2, 3... as they are appended; each reaches exactly its recipients,
/// who list theirs after a position, in order, at most `limit`.
pub fn changes_are_numbered_in_order_and_reach_their_recipients(store: &dyn Store) {
    let (anna, nils, dina) = (UserId::new(), UserId::new(), UserId::new());
    assert_eq!(
        read(store, |tx| tx.last_change().expect("the feed can be read")),
        0
    );
    let [m, p, d] = subjects();
    let appended = [
        change(1, m, vec![anna, nils]),
        change(2, p, vec![nils, dina]),
        change(3, d, vec![dina, anna, nils]),
        change(4, m, vec![anna]),
    ];
    for (i, c) in appended.iter().enumerate() {
        let seq = write(store, |tx| {
            tx.append_change(c).expect("a change is appended")
        });
        assert_eq!(seq, i as u64 + 1, "change {i}");
    }
    assert_eq!(
        read(store, |tx| tx.last_change().expect("the feed can be read")),
        4
    );
    let record = |i: usize| ChangeRecord {
        seq: i as u64 + 1,
        at: appended[i].at,
        subject: appended[i].subject,
    };
    let feed = |who: UserId, after: u64, limit: usize| {
        read(store, |tx| {
            tx.changes_for(who, after, limit)
                .expect("the feed can be read")
        })
    };
    assert_eq!(feed(anna, 0, 10), [record(0), record(2), record(3)]);
    assert_eq!(feed(anna, 1, 10), [record(2), record(3)]);
    assert_eq!(feed(anna, 0, 2), [record(0), record(2)]);
    assert_eq!(feed(nils, 0, 10), [record(0), record(1), record(2)]);
    assert_eq!(feed(nils, 3, 10), Vec::new());
    assert_eq!(feed(dina, 2, 10), [record(2)]);
    assert_eq!(feed(anna, u64::MAX, 10), Vec::new());
    assert_eq!(feed(UserId::new(), 0, 10), Vec::new());
}

/// A change that names a recipient twice is a conflict that appends nothing; a dropped
/// transaction takes its changes back, and the next change takes the number they had.
pub fn refused_or_dropped_changes_leave_no_trace(store: &dyn Store) {
    let (anna, nils) = (UserId::new(), UserId::new());
    let [m, p, _] = subjects();
    write(store, |tx| {
        tx.append_change(&change(1, m, vec![anna]))
            .expect("a change is appended")
    });
    {
        let mut tx = begin(store, TxMode::Write);
        assert_conflict(
            tx.append_change(&change(2, p, vec![nils, nils]))
                .map(|_| ()),
            "a recipient twice",
        );
        tx.commit()
            .expect("a transaction whose write conflicted still commits");
    }
    {
        let mut tx = begin(store, TxMode::Write);
        tx.append_change(&change(3, p, vec![nils]))
            .expect("a change is appended");
    }
    assert_eq!(
        read(store, |tx| tx.last_change().expect("the feed can be read")),
        1
    );
    assert_eq!(
        read(store, |tx| tx
            .changes_for(nils, 0, 10)
            .expect("the feed can be read")),
        Vec::new()
    );
    let seq = write(store, |tx| {
        tx.append_change(&change(4, p, vec![nils]))
            .expect("a change is appended")
    });
    assert_eq!(seq, 2);
}
