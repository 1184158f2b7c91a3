//! The forum: the SQLite store agrees with the memory store on every write and read, refuses
//! the same conflicting writes, and every forum query searches an index.

use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::*;
use crate::model::forum::*;
use crate::store::sqlite::forum::{
    FLAG_TIMES, MEMBER_AND_THREAD, MEMBER_BY_KEY, POST_TIMES, REVIEW_QUEUE, REVIEW_QUEUE_FLAGS,
    SELECT_FLAGS, SELECT_MODERATION, SELECT_VERSIONS, posts_sql, posts_with_pseudonyms_sql,
    threads_sql,
};
use crate::store::{Audience, PostQuery, ThreadQuery};
use uuid::Uuid;

fn member(name: &str, joined_at: DateTime<Utc>) -> Member {
    Member {
        id: MemberId::new(),
        user: UserId::new(),
        pseudonym: name.to_owned(),
        pseudonym_key: name.to_lowercase(),
        pseudonym_shape: name.to_uppercase(),
        joined_at,
        approved_posts: 0,
        warnings: 0,
        suspensions: 0,
        suspension: None,
    }
}

fn thread(author: &Member, category: &str, at: DateTime<Utc>) -> Thread {
    Thread {
        id: ThreadId::new(),
        category: category.to_owned(),
        title: format!("Søvn og «rutiner» i {category}"),
        author: author.id,
        opening: PostId::new(),
        created_at: at,
        last_post_at: at,
        posts: 1,
        locked: None,
    }
}

fn post(id: PostId, thread: &Thread, author: &Member, at: DateTime<Utc>, n: u32) -> Post {
    Post {
        id,
        thread: thread.id,
        author: author.id,
        body: format!("Innlegg {n}:\n\"sitat\" — æøå \\ {n}"),
        state: PostState::Visible,
        created_at: at,
        edited_at: None,
        moderator_edit: None,
        version: 1,
        crisis_text: false,
        review: None,
    }
}

/// Runs the same writes against both stores and commits them.
fn on_both(stores: &[&dyn Store], write: impl Fn(&mut dyn Transaction)) {
    for store in stores {
        let mut tx = store.transaction(TxMode::Write).unwrap();
        write(tx.as_mut());
        tx.commit().unwrap();
    }
}

/// Reads the same way from both stores; the answers must be equal.
fn agree<T: PartialEq + std::fmt::Debug>(
    stores: &[&dyn Store],
    read: impl Fn(&mut dyn Transaction) -> T,
) -> T {
    let mut answers: Vec<T> = stores
        .iter()
        .map(|s| {
            let mut tx = s.transaction(TxMode::Read).unwrap();
            read(tx.as_mut())
        })
        .collect();
    let last = answers.pop().unwrap();
    for a in answers {
        assert_eq!(a, last);
    }
    last
}

#[test]
fn forum_reads_agree_with_the_memory_store() {
    let memory = MemoryStore::new();
    let sqlite = SqliteStore::open_in_memory().unwrap();
    let stores: [&dyn Store; 2] = [&memory, &sqlite];

    let anna = member("Lark", at(1, 5));
    let bo = member("Fjord", at(1, 7));
    let mut threads = Vec::new();
    let mut posts = Vec::new();
    for i in 0..6u32 {
        let author = if i % 2 == 0 { &anna } else { &bo };
        let category = if i % 3 == 0 {
            "recovery"
        } else {
            "everyday-life"
        };
        let t = thread(author, category, at(2 + i, i64::from(i)));
        let opening = post(t.opening, &t, author, t.created_at, 0);
        threads.push(t);
        posts.push(opening);
    }
    // Replies in thread 0, two of them at the same instant (the id breaks the tie).
    let t0 = threads[0].clone();
    for n in 1..=5u32 {
        let author = if n % 2 == 0 { &anna } else { &bo };
        let when = at(10, i64::from(n.min(4)));
        posts.push(post(PostId::new(), &t0, author, when, n));
    }
    // Every state and review a post can be in.
    posts[1].state = PostState::Held;
    posts[1].review = Some(Review {
        crisis: false,
        flaggers: 0,
        since: at(3, 1),
    });
    posts[2].state = PostState::HiddenByFlags { at: at(4, 9) };
    posts[2].review = Some(Review {
        crisis: false,
        flaggers: 3,
        since: at(4, 2),
    });
    posts[3].state = PostState::HiddenByModerator {
        at: at(5, 3),
        reason: ForumReason::PersonalInformation,
        note: "Fjernet telefonnummer".to_owned(),
    };
    posts[4].state = PostState::Deleted { at: at(6, 4) };
    posts[4].body.clear();
    posts[6].crisis_text = true;
    posts[6].review = Some(Review {
        crisis: true,
        flaggers: 0,
        since: at(10, 1),
    });
    posts[7].review = Some(Review {
        crisis: false,
        flaggers: 1,
        since: at(10, 2),
    });
    posts[8].edited_at = Some(at(11, 1));
    posts[8].moderator_edit = Some(ModeratorEditNote {
        at: at(11, 1),
        note: String::new(),
    });
    posts[8].version = 2;

    on_both(&stores, |tx| {
        tx.insert_member(&anna).unwrap();
        tx.insert_member(&bo).unwrap();
        for t in &threads {
            tx.insert_thread(t).unwrap();
        }
        for p in &posts {
            tx.insert_post(p).unwrap();
        }
    });

    for (audience, who) in [
        (Audience::Moderators, "moderators"),
        (Audience::Member(anna.id), "anna"),
        (Audience::Member(bo.id), "bo"),
    ] {
        for category in [
            None,
            Some("recovery".to_owned()),
            Some("nothing".to_owned()),
        ] {
            let first = agree(&stores, |tx| {
                tx.threads(&ThreadQuery {
                    category: category.clone(),
                    audience,
                    before: None,
                    limit: 3,
                })
                .unwrap()
            });
            if let Some(last) = first.last() {
                let rest = agree(&stores, |tx| {
                    tx.threads(&ThreadQuery {
                        category: category.clone(),
                        audience,
                        before: Some((last.last_post_at, last.id)),
                        limit: 10,
                    })
                    .unwrap()
                });
                assert!(
                    rest.iter()
                        .all(|t| (t.last_post_at, t.id) < (last.last_post_at, last.id)),
                    "{who}"
                );
            }
        }
        let page = agree(&stores, |tx| {
            tx.posts(&PostQuery {
                thread: t0.id,
                audience,
                after: None,
                limit: 4,
            })
            .unwrap()
        });
        let named = agree(&stores, |tx| {
            tx.posts_with_pseudonyms(&PostQuery {
                thread: t0.id,
                audience,
                after: None,
                limit: 4,
            })
            .unwrap()
        });
        let name = |m: MemberId| if m == anna.id { "Lark" } else { "Fjord" };
        assert_eq!(
            named,
            page.iter()
                .map(|p| (p.clone(), name(p.author).to_owned()))
                .collect::<Vec<_>>(),
            "{who}"
        );
        let last = page.last().unwrap();
        agree(&stores, |tx| {
            tx.posts(&PostQuery {
                thread: t0.id,
                audience,
                after: Some((last.created_at, last.id)),
                limit: 4,
            })
            .unwrap()
        });
    }
    // Bo does not see Anna's thread whose opening post is held; Anna does.
    let listed = |who: MemberId| {
        agree(&stores, |tx| {
            tx.threads(&ThreadQuery {
                category: None,
                audience: Audience::Member(who),
                before: None,
                limit: 50,
            })
            .unwrap()
            .into_iter()
            .map(|t| t.id)
            .collect::<Vec<_>>()
        })
    };
    assert!(!listed(bo.id).contains(&threads[1].id) || threads[1].author == bo.id);
    assert!(
        listed(bo.id).contains(&threads[4].id),
        "a deleted opening post leaves a tombstone"
    );

    // A membership and a thread with its opening post's state, in one read: every state of
    // the opening post, and a missing member, thread or opening post.
    let mut orphan = thread(&bo, "recovery", at(20, 0));
    orphan.opening = PostId::new();
    on_both(&stores, |tx| tx.insert_thread(&orphan).unwrap());
    let outsider = UserId::new();
    for user in [anna.user, bo.user, outsider] {
        for t in threads.iter().chain([&orphan]) {
            let found = agree(&stores, |tx| tx.member_and_thread(user, t.id).unwrap());
            assert_eq!(
                found.member.map(|m| m.user),
                (user != outsider).then_some(user)
            );
            assert_eq!(found.thread.as_ref(), Some(t));
            let opening = posts.iter().find(|p| p.id == t.opening).map(|p| &p.state);
            assert_eq!(found.opening.as_ref(), opening);
        }
        let nowhere = agree(&stores, |tx| {
            tx.member_and_thread(user, ThreadId::new()).unwrap()
        });
        assert_eq!((nowhere.thread, nowhere.opening), (None, None));
    }

    // The review queue: crisis first, then more flaggers, then the longest waiting.
    let queue = agree(&stores, |tx| tx.review_queue(None, 10).unwrap());
    let ids: Vec<PostId> = queue.iter().map(|q| q.post.id).collect();
    assert_eq!(ids, [posts[6].id, posts[2].id, posts[7].id, posts[1].id]);
    let key = queue[1].post.review.unwrap().queue_key(queue[1].post.id);
    let after = agree(&stores, |tx| tx.review_queue(Some(&key), 10).unwrap());
    assert_eq!(
        after.iter().map(|q| q.post.id).collect::<Vec<_>>(),
        ids[2..]
    );

    // Updates, versions, flags, moderation records and the times rate limits read.
    let mut edited = posts[5].clone();
    edited.body = "Ny tekst".to_owned();
    edited.version = 2;
    edited.edited_at = Some(at(12, 0));
    let version = PostVersion {
        post: edited.id,
        version: 1,
        body: posts[5].body.clone(),
        written_at: posts[5].created_at,
        replaced_at: at(12, 0),
        replaced_by: Editor::Moderator(UserId::new()),
    };
    let flags = [
        Flag {
            post: posts[7].id,
            flagger: anna.id,
            reason: ForumReason::CrisisRisk,
            note: "Bekymret".to_owned(),
            at: at(12, 1),
            cleared: false,
        },
        Flag {
            post: posts[7].id,
            flagger: MemberId::new(),
            reason: ForumReason::Spam,
            note: String::new(),
            at: at(12, 2),
            cleared: false,
        },
        Flag {
            post: posts[6].id,
            flagger: anna.id,
            reason: ForumReason::Other,
            note: String::new(),
            at: at(12, 3),
            cleared: false,
        },
    ];
    let mut suspended = bo.clone();
    suspended.suspensions = 1;
    suspended.warnings = 2;
    suspended.suspension = Some(Suspension {
        from: at(13, 0),
        until: Some(at(27, 0)),
    });
    let mut permanent = anna.clone();
    permanent.suspension = Some(Suspension {
        from: at(13, 0),
        until: None,
    });
    let mut locked = threads[2].clone();
    locked.locked = Some(Lock {
        at: at(13, 5),
        reason: ForumReason::OffTopic,
    });
    locked.title = "Ny tittel".to_owned();
    let records = [
        ModerationRecord {
            id: ModerationId::new(),
            at: at(13, 0),
            moderator: UserId::new(),
            member: bo.id,
            action: ModerationAction::Suspend {
                until: Some(at(27, 0)),
            },
            reason: Some(ForumReason::Harassment),
            note: "To uker".to_owned(),
            post: None,
            thread: None,
        },
        ModerationRecord {
            id: ModerationId::new(),
            at: at(13, 1),
            moderator: UserId::new(),
            member: bo.id,
            action: ModerationAction::Hide,
            reason: Some(ForumReason::Spam),
            note: String::new(),
            post: Some(posts[3].id),
            thread: Some(threads[3].id),
        },
        ModerationRecord {
            id: ModerationId::new(),
            at: at(13, 2),
            moderator: UserId::new(),
            member: anna.id,
            action: ModerationAction::Suspend { until: None },
            reason: Some(ForumReason::Other),
            note: String::new(),
            post: None,
            thread: None,
        },
        ModerationRecord {
            id: ModerationId::new(),
            at: at(13, 3),
            moderator: UserId::new(),
            member: bo.id,
            action: ModerationAction::Lift,
            reason: None,
            note: "Opphevet".to_owned(),
            post: None,
            thread: None,
        },
    ];
    on_both(&stores, |tx| {
        tx.insert_post_version(&version).unwrap();
        tx.update_post(&edited).unwrap();
        for f in &flags {
            tx.insert_flag(f).unwrap();
        }
        assert_eq!(tx.clear_flags(posts[7].id).unwrap(), 2);
        assert_eq!(tx.clear_flags(posts[7].id).unwrap(), 0);
        tx.update_member(&suspended).unwrap();
        tx.update_member(&permanent).unwrap();
        tx.update_thread(&locked).unwrap();
        for r in &records {
            tx.insert_moderation(r).unwrap();
        }
    });
    agree(&stores, |tx| tx.post(edited.id).unwrap());
    agree(&stores, |tx| tx.post_versions(edited.id).unwrap());
    let read_flags = agree(&stores, |tx| tx.flags(posts[7].id).unwrap());
    assert!(read_flags.iter().all(|f| f.cleared));
    agree(&stores, |tx| tx.flags(posts[6].id).unwrap());
    agree(&stores, |tx| {
        (
            tx.member(bo.id).unwrap(),
            tx.member_of(anna.user).unwrap(),
            tx.member_by_key("lark", "").unwrap(),
            tx.member_by_key("", "FJORD").unwrap(),
            tx.member_by_key("lark", "FJORD").unwrap(),
        )
    });
    agree(&stores, |tx| tx.thread(locked.id).unwrap());
    agree(&stores, |tx| {
        (
            tx.moderation_records(bo.id).unwrap(),
            tx.moderation_records(anna.id).unwrap(),
        )
    });
    let times = agree(&stores, |tx| tx.post_times(bo.id, at(10, 2), 2).unwrap());
    assert_eq!(times.len(), 2);
    assert!(times[0] >= times[1]);
    agree(&stores, |tx| tx.flag_times(anna.id, at(12, 2), 5).unwrap());
    on_both(&stores, |tx| {
        assert_eq!(tx.delete_post_versions(edited.id).unwrap(), 1);
        assert_eq!(tx.delete_post_versions(edited.id).unwrap(), 0);
    });
    agree(&stores, |tx| tx.post_versions(edited.id).unwrap());
}

#[test]
fn both_stores_refuse_the_same_conflicting_forum_writes() {
    let memory = MemoryStore::new();
    let sqlite = SqliteStore::open_in_memory().unwrap();
    let stores: [&dyn Store; 2] = [&memory, &sqlite];
    let anna = member("Lark", at(1, 0));
    let t = thread(&anna, "recovery", at(2, 0));
    let p = post(t.opening, &t, &anna, at(2, 0), 0);
    let flag = Flag {
        post: p.id,
        flagger: MemberId::new(),
        reason: ForumReason::Spam,
        note: String::new(),
        at: at(3, 0),
        cleared: false,
    };
    on_both(&stores, |tx| {
        tx.insert_member(&anna).unwrap();
        tx.insert_thread(&t).unwrap();
        tx.insert_post(&p).unwrap();
        tx.insert_flag(&flag).unwrap();
    });
    for store in stores {
        let mut tx = store.transaction(TxMode::Write).unwrap();
        let conflict = |r: Result<(), StoreError>| {
            assert!(matches!(r, Err(StoreError::Conflict { .. })), "{r:?}")
        };
        // The same person twice, and a pseudonym key already taken.
        conflict(tx.insert_member(&Member {
            id: MemberId::new(),
            ..anna.clone()
        }));
        conflict(tx.insert_member(&Member {
            id: MemberId::new(),
            user: UserId::new(),
            ..anna.clone()
        }));
        conflict(tx.insert_member(&Member {
            id: MemberId::new(),
            user: UserId::new(),
            pseudonym_key: "other".to_owned(),
            ..anna.clone()
        }));
        conflict(tx.update_member(&Member {
            pseudonym: "Other".to_owned(),
            ..anna.clone()
        }));
        conflict(tx.insert_thread(&t));
        conflict(tx.update_thread(&Thread {
            author: MemberId::new(),
            ..t.clone()
        }));
        conflict(tx.insert_post(&p));
        conflict(tx.insert_post(&Post {
            id: PostId::new(),
            thread: ThreadId::new(),
            ..p.clone()
        }));
        conflict(tx.update_post(&Post {
            author: MemberId::new(),
            ..p.clone()
        }));
        conflict(tx.insert_flag(&Flag {
            reason: ForumReason::Other,
            ..flag.clone()
        }));
        conflict(tx.insert_flag(&Flag {
            post: PostId::new(),
            ..flag.clone()
        }));
        let version = PostVersion {
            post: p.id,
            version: 1,
            body: String::new(),
            written_at: at(2, 0),
            replaced_at: at(3, 0),
            replaced_by: Editor::Author,
        };
        tx.insert_post_version(&version).unwrap();
        conflict(tx.insert_post_version(&version));
        conflict(tx.insert_post_version(&PostVersion {
            post: PostId::new(),
            ..version
        }));
        drop(tx);
        let mut tx = store.transaction(TxMode::Read).unwrap();
        assert!(tx.post_versions(p.id).unwrap().is_empty(), "rolled back");
        assert_eq!(tx.flags(p.id).unwrap(), std::slice::from_ref(&flag));
    }
}

/// The plan's lines for `sql` with `values` bound. Tables appear under their alias (`t`, `o`).
fn plan(store: &SqliteStore, sql: &str, values: Vec<Value>) -> Vec<String> {
    let conn = store.conn.lock().unwrap();
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    stmt.query_map(params_from_iter(values), |row| row.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn assert_uses(lines: &[String], table: &str, index: &str, what: &str) {
    assert!(
        lines.iter().any(|l| l.contains(table)
            && l.contains(index)
            && (l.starts_with("SEARCH") || l.starts_with("SCAN"))),
        "{what}: expected {index} on {table}: {lines:?}"
    );
    // A SCAN is allowed only along an index in order (the thread lists), never of a table.
    assert!(
        lines
            .iter()
            .filter(|l| l.starts_with("SCAN"))
            .all(|l| l.contains("USING INDEX") || l.contains("USING COVERING INDEX")),
        "{what}: a full scan in {lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("TEMP B-TREE")),
        "{what}: sorts in {lines:?}"
    );
}

#[test]
fn every_forum_query_searches_an_index_in_its_order() {
    let store = SqliteStore::open_in_memory().unwrap();
    let id = || Value::Blob(Uuid::now_v7().as_bytes().to_vec());
    for audience in [Audience::Moderators, Audience::Member(MemberId::new())] {
        for category in [None, Some("recovery".to_owned())] {
            for before in [None, Some((at(1, 0), ThreadId::new()))] {
                let query = ThreadQuery {
                    category: category.clone(),
                    audience,
                    before,
                    limit: 50,
                };
                let (sql, values) = threads_sql(&query);
                let index = if category.is_some() {
                    "forum_threads_by_category"
                } else {
                    "forum_threads_by_activity"
                };
                let lines = plan(&store, &sql, values);
                assert_uses(&lines, "t", index, &format!("{query:?}"));
                if let Audience::Member(_) = audience {
                    assert_uses(
                        &lines,
                        "o",
                        "sqlite_autoindex_forum_posts_1",
                        "the opening post",
                    );
                }
            }
        }
        for after in [None, Some((at(1, 0), PostId::new()))] {
            let query = PostQuery {
                thread: ThreadId::new(),
                audience,
                after,
                limit: 50,
            };
            let (sql, values) = posts_sql(&query);
            let lines = plan(&store, &sql, values);
            assert_uses(
                &lines,
                "forum_posts",
                "forum_posts_by_thread",
                &format!("{query:?}"),
            );
            assert!(lines.iter().all(|l| l.starts_with("SEARCH")), "{lines:?}");
            // A thread page: the same walk, each author by primary key.
            let (sql, values) = posts_with_pseudonyms_sql(&query);
            let lines = plan(&store, &sql, values);
            assert_uses(
                &lines,
                "forum_posts",
                "forum_posts_by_thread",
                &format!("{query:?}"),
            );
            assert_uses(&lines, "m", "sqlite_autoindex_forum_members_1", "authors");
            assert!(lines.iter().all(|l| l.starts_with("SEARCH")), "{lines:?}");
        }
    }
    let flags_plan = plan(
        &store,
        REVIEW_QUEUE_FLAGS,
        vec![Value::Text(String::new()), Value::Integer(50)],
    );
    // The page's flags are few: sorting them is fine, reading beyond them is not.
    assert!(
        flags_plan
            .iter()
            .any(|l| l.starts_with("SEARCH forum_posts USING INDEX forum_posts_review_queue")),
        "{flags_plan:?}"
    );
    assert!(
        !flags_plan.iter().any(|l| l.starts_with("SCAN")),
        "{flags_plan:?}"
    );
    assert!(
        flags_plan
            .iter()
            .any(|l| l.starts_with("SEARCH f USING PRIMARY KEY")),
        "{flags_plan:?}"
    );
    let review = plan(
        &store,
        REVIEW_QUEUE,
        vec![Value::Text(String::new()), Value::Integer(50)],
    );
    assert_uses(&review, "p", "forum_posts_review_queue", "review queue");
    let times = vec![id(), Value::Integer(0), Value::Integer(10)];
    assert_uses(
        &plan(&store, POST_TIMES, times.clone()),
        "forum_posts",
        "forum_posts_by_author",
        "post times",
    );
    assert_uses(
        &plan(&store, FLAG_TIMES, times),
        "forum_flags",
        "forum_flags_by_flagger",
        "flag times",
    );
    assert_uses(
        &plan(&store, SELECT_MODERATION, vec![id()]),
        "forum_moderation",
        "forum_moderation_by_member",
        "moderation",
    );
    assert_uses(
        &plan(&store, SELECT_VERSIONS, vec![id()]),
        "forum_post_versions",
        "PRIMARY KEY",
        "versions",
    );
    let by_key = plan(
        &store,
        MEMBER_BY_KEY,
        vec![Value::Text("a".into()), Value::Text("b".into())],
    );
    assert!(
        by_key.iter().any(|l| l.contains("MULTI-INDEX OR")),
        "{by_key:?}"
    );
    assert!(
        by_key
            .iter()
            .filter(|l| l.contains("forum_members"))
            .all(|l| l.starts_with("SEARCH")),
        "{by_key:?}"
    );
    // Replying and reading a thread start with one row: each table by a unique key.
    // The only scan is of the one constant row the three lookups hang from.
    let start = plan(&store, MEMBER_AND_THREAD, vec![id(), id()]);
    for step in [
        "SEARCH m USING INDEX sqlite_autoindex_forum_members_2 (person=?)",
        "SEARCH t USING INDEX sqlite_autoindex_forum_threads_1 (id=?)",
        "SEARCH o USING INDEX sqlite_autoindex_forum_posts_1 (id=?)",
    ] {
        assert!(
            start.iter().any(|l| l.starts_with(step)),
            "{step}: {start:?}"
        );
    }
    assert!(
        start
            .iter()
            .filter(|l| l.starts_with("SCAN"))
            .all(|l| l == "SCAN one" || l == "SCAN CONSTANT ROW"),
        "{start:?}"
    );
    let flags = plan(&store, SELECT_FLAGS, vec![id()]);
    assert!(
        flags
            .iter()
            .any(|l| l.starts_with("SEARCH forum_flags USING PRIMARY KEY")),
        "{flags:?}"
    );
}
