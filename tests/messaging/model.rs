//! Messaging against a simple model: random sends, read marks, pages, unread counts, feed reads
//! and ended memberships, on both stores. After every step the portal must answer exactly as
//! the model says: who may do what, the unread counts, the pages and the feed.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod world;

use std::collections::HashMap;

use proptest::prelude::*;
use recovery_core::*;
use world::Backend;

/// People by index: 0 is Anna, the service user; 1 and 2 are Nils and Dina, providers.
const PEOPLE: usize = 3;
/// Who is in each conversation: Anna with Nils, with both, with Dina.
const CONVERSATIONS: [&[usize]; 3] = [&[0, 1], &[0, 1, 2], &[0, 2]];

#[derive(Clone, Debug)]
enum Op {
    Send {
        conversation: usize,
        by: usize,
    },
    MarkRead {
        conversation: usize,
        by: usize,
        through: u64,
    },
    Page {
        conversation: usize,
        by: usize,
        before: Option<u64>,
        limit: usize,
    },
    Counts {
        by: usize,
    },
    Feed {
        by: usize,
    },
    End {
        provider: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let conversation = 0..CONVERSATIONS.len();
    let by = 0..PEOPLE;
    prop_oneof![
        6 => (conversation.clone(), by.clone()).prop_map(|(conversation, by)| Op::Send { conversation, by }),
        3 => (conversation.clone(), by.clone(), 0u64..14)
            .prop_map(|(conversation, by, through)| Op::MarkRead { conversation, by, through }),
        3 => (conversation, by.clone(), proptest::option::of(0u64..16), 1usize..6)
            .prop_map(|(conversation, by, before, limit)| Op::Page { conversation, by, before, limit }),
        2 => by.clone().prop_map(|by| Op::Counts { by }),
        2 => by.prop_map(|by| Op::Feed { by }),
        1 => (1usize..PEOPLE).prop_map(|provider| Op::End { provider }),
    ]
}

/// What a call came to, in the model's terms.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Ok,
    Denied(DenyReason),
    Closed,
    Invalid,
}

fn outcome<T>(result: &Result<T, Error>) -> Outcome {
    match result {
        Ok(_) => Outcome::Ok,
        Err(Error::PermissionDenied(reason)) => Outcome::Denied(*reason),
        Err(Error::ConversationClosed { .. }) => Outcome::Closed,
        Err(Error::Invalid { .. }) => Outcome::Invalid,
        Err(other) => panic!("unexpected error: {other:?}"),
    }
}

#[derive(Debug, Default)]
struct ModelConversation {
    /// The author of message `seq` at index `seq - 1`.
    authors: Vec<usize>,
    read: HashMap<usize, u64>,
}

#[derive(Debug)]
struct Model {
    conversations: Vec<ModelConversation>,
    /// Whether each person's membership is active (Anna's entry is unused).
    active: [bool; PEOPLE],
    /// Every message sent, in order: its conversation, seq and recipients.
    feed: Vec<(usize, u64, Vec<usize>)>,
    /// How far each person has read the feed.
    feed_read: [usize; PEOPLE],
}

impl Model {
    fn new() -> Self {
        let mut model = Self {
            conversations: Vec::new(),
            active: [true; PEOPLE],
            feed: Vec::new(),
            feed_read: [0; PEOPLE],
        };
        // Anna starts each conversation with one message.
        for (c, _) in CONVERSATIONS.iter().enumerate() {
            model.conversations.push(ModelConversation::default());
            model.send(c, 0);
        }
        model
    }

    fn in_conversation(c: usize, person: usize) -> bool {
        CONVERSATIONS[c].contains(&person)
    }

    fn may(&self, c: usize, person: usize, post: bool) -> Outcome {
        if !Self::in_conversation(c, person) {
            return Outcome::Denied(DenyReason::NotAParty);
        }
        if person == 0 {
            let open = CONVERSATIONS[c].iter().any(|&p| p != 0 && self.active[p]);
            return if post && !open {
                Outcome::Closed
            } else {
                Outcome::Ok
            };
        }
        if self.active[person] {
            Outcome::Ok
        } else {
            Outcome::Denied(DenyReason::NoCareTeam)
        }
    }

    fn last(&self, c: usize) -> u64 {
        self.conversations[c].authors.len() as u64
    }

    fn send(&mut self, c: usize, by: usize) -> u64 {
        let recipients: Vec<usize> = CONVERSATIONS[c]
            .iter()
            .copied()
            .filter(|&p| p == 0 || p == by || self.active[p])
            .collect();
        let conversation = &mut self.conversations[c];
        conversation.authors.push(by);
        let seq = conversation.authors.len() as u64;
        conversation.read.insert(by, seq);
        self.feed.push((c, seq, recipients));
        seq
    }

    fn unread(&self, c: usize, person: usize) -> u64 {
        let read = self.conversations[c]
            .read
            .get(&person)
            .copied()
            .unwrap_or(0);
        self.last(c) - read
    }
}

struct Fixture {
    portal: Portal,
    people: [Actor; PEOPLE],
    seats: [Option<MembershipId>; PEOPLE],
    conversations: Vec<ConversationId>,
    cursors: [Option<String>; PEOPLE],
}

fn fixture(backend: Backend) -> Fixture {
    let clock = world::clock();
    let portal = match backend {
        Backend::Memory => Portal::open_in_memory().with_clock(clock),
        Backend::Sqlite => world::sqlite_in_memory(clock),
    };
    let anna = Actor::new(portal.register(NewPerson::service_user("Anna")).unwrap().id);
    let nils = world::provider(&portal, "Nils", Profession::MentalHealthNurse);
    let dina = world::provider(&portal, "Dina", Profession::Psychiatrist);
    let seats = [
        None,
        Some(world::join(&portal, &anna, &nils)),
        Some(world::join(&portal, &anna, &dina)),
    ];
    let people = [anna, nils, dina];
    let conversations = CONVERSATIONS
        .iter()
        .map(|members| {
            portal
                .start_conversation(
                    &anna,
                    NewConversation {
                        with: members[1..].iter().map(|&p| people[p].id).collect(),
                        subject: String::new(),
                        message: NewMessage::text("start"),
                    },
                )
                .unwrap()
                .conversation
                .id
        })
        .collect();
    Fixture {
        portal,
        people,
        seats,
        conversations,
        cursors: [None, None, None],
    }
}

fn run(backend: Backend, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut f = fixture(backend);
    let mut m = Model::new();
    for (step, op) in ops.iter().enumerate() {
        apply(&mut f, &mut m, op)
            .map_err(|e| TestCaseError::fail(format!("step {step} {op:?}: {e}")))?;
        // After every step, every person's unread counts match the model's.
        for by in 0..PEOPLE {
            check_counts(&f, &m, by)?;
        }
    }
    Ok(())
}

fn check_counts(f: &Fixture, m: &Model, by: usize) -> Result<(), TestCaseError> {
    let counts = f.portal.unread_counts(&f.people[by]).unwrap();
    let mut expected: Vec<UnreadCount> = (0..CONVERSATIONS.len())
        .filter(|&c| m.may(c, by, false) == Outcome::Ok)
        .map(|c| UnreadCount {
            conversation: f.conversations[c],
            unread: m.unread(c, by),
        })
        .filter(|u| u.unread > 0)
        .collect();
    expected.sort_by_key(|u| u.conversation);
    prop_assert_eq!(&counts.conversations, &expected, "person {}", by);
    prop_assert_eq!(counts.total, expected.iter().map(|u| u.unread).sum::<u64>());
    Ok(())
}

fn apply(f: &mut Fixture, m: &mut Model, op: &Op) -> Result<(), TestCaseError> {
    match *op {
        Op::Send {
            conversation: c,
            by,
        } => {
            let result = f.portal.send_message(
                &f.people[by],
                f.conversations[c],
                NewMessage::text(format!("from {by}")),
            );
            let expected = m.may(c, by, true);
            prop_assert_eq!(outcome(&result), expected.clone());
            if expected == Outcome::Ok {
                let seq = m.send(c, by);
                prop_assert_eq!(result.unwrap().seq, seq);
            }
        }
        Op::MarkRead {
            conversation: c,
            by,
            through,
        } => {
            let result = f
                .portal
                .mark_read(&f.people[by], f.conversations[c], through);
            let mut expected = m.may(c, by, false);
            if expected == Outcome::Ok && through > m.last(c) {
                expected = Outcome::Invalid;
            }
            prop_assert_eq!(outcome(&result), expected.clone());
            if expected == Outcome::Ok {
                let read = m.conversations[c].read.entry(by).or_insert(0);
                *read = (*read).max(through);
                prop_assert_eq!(result.unwrap(), m.unread(c, by));
            }
        }
        Op::Page {
            conversation: c,
            by,
            before,
            limit,
        } => {
            let result = f
                .portal
                .messages(&f.people[by], f.conversations[c], before, limit);
            let expected = m.may(c, by, false);
            prop_assert_eq!(outcome(&result), expected.clone());
            if expected == Outcome::Ok {
                let page = result.unwrap();
                let mut all: Vec<(u64, usize)> = m.conversations[c]
                    .authors
                    .iter()
                    .enumerate()
                    .map(|(i, &a)| (i as u64 + 1, a))
                    .filter(|(seq, _)| before.is_none_or(|b| *seq < b))
                    .rev()
                    .collect();
                let more = all.len() > limit;
                all.truncate(limit);
                let got: Vec<(u64, UserId)> = page
                    .messages
                    .iter()
                    .map(|msg| (msg.seq, msg.author))
                    .collect();
                let want: Vec<(u64, UserId)> =
                    all.iter().map(|&(seq, a)| (seq, f.people[a].id)).collect();
                prop_assert_eq!(got, want);
                prop_assert_eq!(page.next, if more { all.last().map(|x| x.0) } else { None });
                prop_assert_eq!(page.conversation.unread, m.unread(c, by));
                prop_assert_eq!(
                    page.conversation.can_post,
                    m.may(c, by, true) == Outcome::Ok
                );
            }
        }
        Op::Counts { by } => check_counts(f, m, by)?,
        Op::Feed { by } => {
            let changes = f
                .portal
                .changes_since(&f.people[by], f.cursors[by].as_deref())
                .unwrap();
            let got: Vec<(ConversationId, u64)> = changes
                .changes
                .iter()
                .map(|c| match c {
                    Change::Message { message } => (message.conversation, message.seq),
                    other => panic!("{other:?}"),
                })
                .collect();
            let want: Vec<(ConversationId, u64)> = m.feed[m.feed_read[by]..]
                .iter()
                .filter(|(c, _, to)| to.contains(&by) && m.may(*c, by, false) == Outcome::Ok)
                .map(|&(c, seq, _)| (f.conversations[c], seq))
                .collect();
            prop_assert_eq!(got, want);
            prop_assert!(!changes.more);
            m.feed_read[by] = m.feed.len();
            f.cursors[by] = Some(changes.cursor);
        }
        Op::End { provider } => {
            if m.active[provider] {
                let seat = f.seats[provider].unwrap();
                f.portal.end_membership(&f.people[0], seat).unwrap();
                m.active[provider] = false;
            }
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(200)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn the_memory_store_answers_as_the_model_does(ops in prop::collection::vec(op(), 1..50)) {
        run(Backend::Memory, ops)?;
    }

    #[test]
    fn the_sqlite_store_answers_as_the_model_does(ops in prop::collection::vec(op(), 1..50)) {
        run(Backend::Sqlite, ops)?;
    }
}
