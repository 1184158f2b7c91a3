//! Conformance cases for the reads of [`ForumTx`](crate::store::ForumTx) that stores may answer
//! in one query: a membership with a thread, and a thread's posts with their authors'
//! pseudonyms. Each must agree with the plain reads it stands for.

use super::{SECOND, at, read, write};
use crate::model::forum::{ForumReason, Member, Post, PostState, Thread};
use crate::model::ids::*;
use crate::store::{Audience, PostQuery, Store};

fn member(pseudonym: &str) -> Member {
    Member {
        id: MemberId::new(),
        user: UserId::new(),
        pseudonym: pseudonym.to_owned(),
        pseudonym_key: pseudonym.to_lowercase(),
        pseudonym_shape: pseudonym.to_uppercase(),
        joined_at: at(0),
        approved_posts: 1,
        warnings: 0,
        suspensions: 0,
        suspension: None,
    }
}

fn thread(author: &Member, n: i64) -> Thread {
    Thread {
        id: ThreadId::new(),
        category: "recovery".to_owned(),
        title: format!("Thread {n}"),
        author: author.id,
        opening: PostId::new(),
        created_at: at(n * SECOND),
        last_post_at: at(n * SECOND),
        posts: 1,
        locked: None,
    }
}

fn post(id: PostId, thread: &Thread, author: &Member, n: i64, state: PostState) -> Post {
    Post {
        id,
        thread: thread.id,
        author: author.id,
        body: format!("Post {n}: «søvn» og turer"),
        state,
        created_at: at(n * SECOND),
        edited_at: None,
        moderator_edit: None,
        version: 1,
        crisis_text: false,
        review: None,
    }
}

/// `member_and_thread` is `member_of`, `thread` and the opening post's state, whatever is
/// missing.
pub fn member_and_thread_agrees_with_its_three_reads(store: &dyn Store) {
    let lark = member("Lark");
    let open = thread(&lark, 1);
    let hidden = thread(&lark, 2);
    let mut orphan = thread(&lark, 3);
    orphan.opening = PostId::new();
    write(store, |tx| {
        tx.insert_member(&lark).expect("member");
        for t in [&open, &hidden, &orphan] {
            tx.insert_thread(t).expect("thread");
        }
        tx.insert_post(&post(open.opening, &open, &lark, 1, PostState::Visible))
            .expect("post");
        let state = PostState::HiddenByModerator {
            at: at(5 * SECOND),
            reason: ForumReason::Spam,
            note: "Reklame".to_owned(),
        };
        tx.insert_post(&post(hidden.opening, &hidden, &lark, 2, state))
            .expect("post");
    });
    for user in [lark.user, UserId::new()] {
        for id in [open.id, hidden.id, orphan.id, ThreadId::new()] {
            let (together, apart) = read(store, |tx| {
                let together = tx.member_and_thread(user, id).expect("one read");
                let member = tx.member_of(user).expect("member");
                let thread = tx.thread(id).expect("thread");
                let opening = match &thread {
                    Some(t) => tx.post(t.opening).expect("post").map(|p| p.state),
                    None => None,
                };
                (together, (member, thread, opening))
            });
            assert_eq!(
                (together.member, together.thread, together.opening),
                apart,
                "user {user}, thread {id}"
            );
        }
    }
    let found = read(store, |tx| tx.member_and_thread(lark.user, hidden.id)).expect("one read");
    assert!(
        matches!(found.opening, Some(PostState::HiddenByModerator { .. })),
        "the opening post's state is read: {found:?}"
    );
}

/// `posts_with_pseudonyms` is `posts`, in the same order and with the same filters, each post
/// beside its author's pseudonym.
pub fn posts_with_pseudonyms_pairs_each_post_with_its_author(store: &dyn Store) {
    let lark = member("Lark");
    let fjord = member("Fjord");
    let t = thread(&lark, 1);
    let mut posts = vec![post(t.opening, &t, &lark, 1, PostState::Visible)];
    for n in 2..8 {
        let author = if n % 2 == 0 { &fjord } else { &lark };
        let state = if n == 4 {
            PostState::Held
        } else {
            PostState::Visible
        };
        posts.push(post(PostId::new(), &t, author, n, state));
    }
    write(store, |tx| {
        tx.insert_member(&lark).expect("member");
        tx.insert_member(&fjord).expect("member");
        tx.insert_thread(&t).expect("thread");
        for p in &posts {
            tx.insert_post(p).expect("post");
        }
    });
    let name = |m: MemberId| if m == lark.id { "Lark" } else { "Fjord" };
    for audience in [
        Audience::Moderators,
        Audience::Member(lark.id),
        Audience::Member(fjord.id),
    ] {
        for after in [None, Some((posts[2].created_at, posts[2].id))] {
            let query = PostQuery {
                thread: t.id,
                audience,
                after,
                limit: 3,
            };
            let (named, plain) = read(store, |tx| {
                (
                    tx.posts_with_pseudonyms(&query).expect("posts with names"),
                    tx.posts(&query).expect("posts"),
                )
            });
            let expected: Vec<(Post, String)> = plain
                .into_iter()
                .map(|p| {
                    let n = name(p.author).to_owned();
                    (p, n)
                })
                .collect();
            assert_eq!(named, expected, "{query:?}");
            assert!(!named.is_empty(), "{query:?}");
        }
    }
}
