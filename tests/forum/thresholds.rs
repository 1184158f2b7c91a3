//! Property tests of the flag threshold through the public API, on both stores: a post is
//! hidden exactly when the distinct members whose flags no approval has cleared reach the
//! threshold; a duplicate flag never counts twice; an approval holds against the flags it
//! cleared.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use proptest::prelude::*;
use recovery_core::store::{MemoryStore, SqliteStore};
use recovery_core::*;

const MEMBERS: usize = 7;

#[derive(Clone, Debug)]
enum Op {
    /// Member `i` flags the post.
    Flag(usize, ForumReason),
    /// The moderator approves it.
    Approve,
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let reason = prop::sample::select(ForumReason::ALL.to_vec());
    prop::collection::vec(
        prop_oneof![
            4 => (0..MEMBERS, reason).prop_map(|(i, r)| Op::Flag(i, r)),
            1 => Just(Op::Approve),
        ],
        0..24,
    )
}

struct Case {
    portal: Portal,
    moderator: Actor,
    members: Vec<Actor>,
    thread: ThreadId,
    post: PostId,
}

fn case(sqlite: bool, threshold: u32) -> Case {
    let mut config = PortalConfig::default();
    config.forum.flag_threshold = threshold;
    config.forum.held_posts = 0;
    let portal = if sqlite {
        Portal::with_store(SqliteStore::open_in_memory().unwrap(), config)
    } else {
        Portal::with_store(MemoryStore::new(), config)
    };
    let moderator = Actor::new(
        portal
            .register(NewPerson::with_role(Role::Moderator, "Mod"))
            .unwrap()
            .id,
    );
    let members: Vec<Actor> = (0..=MEMBERS)
        .map(|i| {
            let id = portal
                .register(NewPerson::service_user(format!("Person {i}")))
                .unwrap()
                .id;
            portal
                .join_forum(
                    &Actor::new(id),
                    &format!("Member {}", ["a", "b", "c", "d", "e", "f", "g", "h"][i]),
                )
                .unwrap();
            Actor::new(id)
        })
        .collect();
    let (thread, _) = portal
        .start_thread(
            &members[MEMBERS],
            NewThread {
                category: "recovery".into(),
                title: "A thread".into(),
                body: "Some ordinary text.".into(),
            },
        )
        .unwrap();
    // A reply, so that hiding it leaves the thread listed and the post in place.
    let posted = portal
        .reply(&members[MEMBERS], thread.id, "A reply to flag.")
        .unwrap();
    Case {
        portal,
        moderator,
        members,
        thread: thread.id,
        post: posted.post.id,
    }
}

impl Case {
    /// The post as a member who never flags sees it.
    fn status(&self) -> PostStatus {
        self.portal
            .thread_page(&self.members[MEMBERS], self.thread, None, 0)
            .unwrap()
            .posts[1]
            .status
    }

    fn queue(&self) -> Vec<(PostId, bool, u32)> {
        self.portal
            .review_queue(&self.moderator, None, 0)
            .unwrap()
            .items
            .iter()
            .map(|i| (i.post.id, i.crisis, i.flaggers))
            .collect()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn hidden_exactly_when_distinct_uncleared_flaggers_reach_the_threshold(
        threshold in 1u32..5,
        ops in ops(),
        sqlite: bool,
    ) {
        let c = case(sqlite, threshold);
        let mut ever = HashSet::new();
        let mut since_approval = HashSet::new();
        for op in ops {
            match op {
                Op::Flag(i, reason) => {
                    let before = c.queue();
                    let hidden_before = c.status() == PostStatus::Hidden;
                    let result = c.portal.flag_post(&c.members[i], c.post, NewFlag { reason, note: String::new() });
                    if ever.contains(&i) {
                        prop_assert!(
                            matches!(result, Err(Error::Invalid { problem: Problem::Duplicate, .. })),
                            "a second flag by the same member: {:?}", result
                        );
                    } else if hidden_before {
                        prop_assert!(matches!(result, Err(Error::InvalidTransition { .. })), "{:?}", result);
                    } else {
                        prop_assert!(result.is_ok(), "{:?}", result);
                        ever.insert(i);
                        since_approval.insert(i);
                    }
                    if result.is_err() {
                        prop_assert_eq!(c.queue(), before, "a refused flag changed the queue");
                    }
                }
                Op::Approve => {
                    let result = c.portal.approve_post(&c.moderator, c.post);
                    // Approval is refused exactly when nothing waits for review.
                    prop_assert_eq!(result.is_ok(), !since_approval.is_empty());
                    since_approval.clear();
                }
            }
            let hidden = c.status() == PostStatus::Hidden;
            prop_assert_eq!(hidden, since_approval.len() as u32 >= threshold);
            let queue = c.queue();
            prop_assert_eq!(queue.len(), usize::from(!since_approval.is_empty()));
            if let Some((_, _, flaggers)) = queue.first() {
                prop_assert_eq!(*flaggers as usize, since_approval.len());
            }
        }
    }
}
