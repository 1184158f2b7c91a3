//! The peer-support forum through the public API: joining, posting, flags, the review queue and
//! every moderator action, on both stores.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use recovery_core::model::audit::AccessAction;
use recovery_core::store::SqliteStore;
use recovery_core::*;

struct Forum {
    portal: Portal,
    clock: Arc<ManualClock>,
    moderator: Actor,
    anna: Actor,
    others: Vec<Actor>,
}

#[derive(Clone, Copy, Debug)]
enum Backend {
    Memory,
    Sqlite,
}

const BACKENDS: [Backend; 2] = [Backend::Memory, Backend::Sqlite];

fn portal(backend: Backend, config: PortalConfig) -> Portal {
    match backend {
        Backend::Memory => Portal::with_store(recovery_core::store::MemoryStore::new(), config),
        Backend::Sqlite => Portal::with_store(SqliteStore::open_in_memory().unwrap(), config),
    }
}

/// A forum whose members are past the new-member hold and week (unless `fresh`), with a
/// moderator, Anna and five other members.
fn forum_with(backend: Backend, config: PortalConfig, fresh: bool) -> Forum {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().unwrap(),
    ));
    let portal = portal(backend, config).with_clock(clock.clone());
    let moderator = Actor::new(
        portal
            .register(NewPerson::with_role(Role::Moderator, "Marte Moe"))
            .unwrap()
            .id,
    );
    let join = |name: &str, pseudonym: &str| {
        let id = portal.register(NewPerson::service_user(name)).unwrap().id;
        portal.join_forum(&Actor::new(id), pseudonym).unwrap();
        Actor::new(id)
    };
    let anna = join("Anna Berg", "Lark");
    let others: Vec<Actor> = ["Fjord", "Heather", "Moss", "Tern", "Birch"]
        .iter()
        .enumerate()
        .map(|(i, p)| join(&format!("Person {i}"), p))
        .collect();
    let forum = Forum {
        portal,
        clock,
        moderator,
        anna,
        others,
    };
    if !fresh {
        // Each member's first post is held; the moderator approves it and a week passes.
        for member in std::iter::once(&forum.anna).chain(&forum.others) {
            let (_, posted) = forum.start("introductions", "Hello", "Hi all.", member);
            assert!(posted.held);
            forum
                .portal
                .approve_post(&forum.moderator, posted.post.id)
                .unwrap();
        }
        forum.clock.advance(Duration::days(8));
    }
    forum
}

fn forum(backend: Backend) -> Forum {
    forum_with(backend, PortalConfig::default(), false)
}

impl Forum {
    fn start(
        &self,
        category: &str,
        title: &str,
        body: &str,
        who: &Actor,
    ) -> (ThreadSummary, Posted) {
        self.portal
            .start_thread(
                who,
                NewThread {
                    category: category.into(),
                    title: title.into(),
                    body: body.into(),
                },
            )
            .unwrap()
    }

    fn flag(&self, who: &Actor, post: PostId, reason: ForumReason) -> Result<()> {
        self.portal.flag_post(
            who,
            post,
            NewFlag {
                reason,
                note: String::new(),
            },
        )
    }

    fn status_for(&self, who: &Actor, thread: ThreadId, post: PostId) -> Option<PostView> {
        self.portal
            .thread_page(who, thread, None, 100)
            .ok()?
            .posts
            .into_iter()
            .find(|p| p.id == post)
    }

    fn log_len(&self) -> u64 {
        self.portal.verify_access_log().unwrap().entries
    }

    fn queue(&self) -> Vec<ReviewItem> {
        self.portal
            .review_queue(&self.moderator, None, 100)
            .unwrap()
            .items
    }
}

#[test]
fn confusable_pseudonyms_are_taken_and_bad_ones_change_nothing() {
    for backend in BACKENDS {
        let f = forum(backend);
        for taken in ["lark", "LARK", "\u{0406}ark", "L-ark", "l a r k"] {
            let id = f
                .portal
                .register(NewPerson::service_user("Someone"))
                .unwrap()
                .id;
            let err = f.portal.join_forum(&Actor::new(id), taken).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::Invalid {
                        field: "member.pseudonym",
                        problem: Problem::Taken
                    }
                ),
                "{taken}: {err:?}"
            );
            assert!(matches!(
                f.portal.forum_standing(&Actor::new(id)),
                Err(Error::PermissionDenied(DenyReason::NotAMember))
            ));
        }
        let kari = Actor::new(
            f.portal
                .register(NewPerson::service_user("Kari Nordmann"))
                .unwrap()
                .id,
        );
        for (bad, problem) in [
            ("kari@example.no", Problem::ContactDetails { kind: "email" }),
            ("tlf 912 34 567", Problem::ContactDetails { kind: "phone" }),
            ("wolf77777", Problem::DigitRun { max: 4 }),
            ("Nordmann", Problem::RevealsName),
            ("ab", Problem::TooShort { min: 3, actual: 2 }),
        ] {
            let err = f.portal.join_forum(&kari, bad).unwrap_err();
            assert!(
                matches!(err, Error::Invalid { problem: ref p, .. } if *p == problem),
                "{bad}: {err:?}"
            );
        }
        let standing = f.portal.join_forum(&kari, "Snøugle").unwrap();
        assert_eq!(standing.pseudonym, "Snøugle");
        assert!(standing.posts_held && standing.new_member);
        assert!(matches!(
            f.portal.join_forum(&kari, "Another"),
            Err(Error::InvalidTransition {
                kind: "forum member",
                ..
            })
        ));
    }
}

#[test]
fn providers_join_only_when_the_host_allows_it() {
    for backend in BACKENDS {
        let f = forum(backend);
        let nurse = Actor::new(
            f.portal
                .register(NewPerson::provider(
                    "Nils",
                    Profession::MentalHealthNurse,
                    "DPS",
                ))
                .unwrap()
                .id,
        );
        assert!(matches!(
            f.portal.join_forum(&nurse, "Helper"),
            Err(Error::PermissionDenied(DenyReason::WrongRole))
        ));
        let mut config = PortalConfig::default();
        config.forum.providers_may_join = true;
        let open = forum_with(backend, config, true);
        let nurse = Actor::new(
            open.portal
                .register(NewPerson::provider(
                    "Nils",
                    Profession::MentalHealthNurse,
                    "DPS",
                ))
                .unwrap()
                .id,
        );
        assert!(open.portal.join_forum(&nurse, "Helper").is_ok());
        // Reading needs membership (or the moderator role).
        let stranger = Actor::new(
            open.portal
                .register(NewPerson::service_user("Ola"))
                .unwrap()
                .id,
        );
        assert!(matches!(
            open.portal.threads(&stranger, ThreadListQuery::default()),
            Err(Error::PermissionDenied(DenyReason::NotAMember))
        ));
    }
}

#[test]
fn a_new_members_first_post_is_held_until_a_moderator_approves_it() {
    for backend in BACKENDS {
        let f = forum_with(backend, PortalConfig::default(), true);
        let (thread, posted) = f.start("introductions", "Ny her", "Hei alle sammen.", &f.anna);
        assert!(posted.held);
        assert_eq!(posted.post.status, PostStatus::Held);
        // Others do not see the thread at all; the author and the moderator do.
        let others = f
            .portal
            .threads(&f.others[0], ThreadListQuery::default())
            .unwrap();
        assert!(others.threads.is_empty());
        assert!(matches!(
            f.portal.thread_page(&f.others[0], thread.id, None, 0),
            Err(Error::NotFound { .. })
        ));
        assert_eq!(
            f.portal
                .threads(&f.anna, ThreadListQuery::default())
                .unwrap()
                .threads
                .len(),
            1
        );
        let queue = f.queue();
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].post.body.as_deref(), Some("Hei alle sammen."));
        let before = f.log_len();
        let approved = f.portal.approve_post(&f.moderator, posted.post.id).unwrap();
        assert_eq!(approved.status, PostStatus::Visible);
        assert_eq!(f.log_len(), before + 1);
        assert!(f.queue().is_empty());
        let seen = f
            .status_for(&f.others[0], thread.id, posted.post.id)
            .unwrap();
        assert_eq!(seen.body.as_deref(), Some("Hei alle sammen."));
        assert_eq!(seen.pseudonym, "Lark");
        assert!(!seen.mine);
        // With one approved post, the next is not held.
        let reply = f.portal.reply(&f.anna, thread.id, "Takk!").unwrap();
        assert!(!reply.held);
        assert!(!f.portal.forum_standing(&f.anna).unwrap().posts_held);
    }
}

#[test]
fn three_distinct_flags_hide_a_post_and_the_moderator_reviews_it() {
    for backend in BACKENDS {
        let f = forum(backend);
        let (thread, _) = f.start(
            "everyday-life",
            "Naboen",
            "Hvordan takler dere naboer?",
            &f.others[4],
        );
        let posted = f
            .portal
            .reply(&f.anna, thread.id, "Naboen min er en idiot.")
            .unwrap();
        let post = posted.post.id;
        f.flag(&f.others[0], post, ForumReason::Harassment).unwrap();
        // A duplicate never counts twice.
        let dup = f.flag(&f.others[0], post, ForumReason::Spam).unwrap_err();
        assert!(matches!(
            dup,
            Error::Invalid {
                field: "flag.post",
                problem: Problem::Duplicate
            }
        ));
        // Nobody flags their own post.
        assert!(f.flag(&f.anna, post, ForumReason::Other).is_err());
        f.flag(&f.others[1], post, ForumReason::Harassment).unwrap();
        assert_eq!(
            f.status_for(&f.others[2], thread.id, post).unwrap().status,
            PostStatus::Visible
        );
        f.flag(&f.others[2], post, ForumReason::OffTopic).unwrap();
        let seen = f.status_for(&f.others[3], thread.id, post).unwrap();
        assert_eq!((seen.status, seen.body), (PostStatus::Hidden, None));
        let own = f.status_for(&f.anna, thread.id, post).unwrap();
        assert_eq!(own.body.as_deref(), Some("Naboen min er en idiot."));
        assert!(!own.hidden.unwrap().by_moderator);
        // The thread stays listed: only the reply is hidden.
        assert!(
            f.portal
                .threads(&f.others[3], ThreadListQuery::default())
                .unwrap()
                .threads
                .iter()
                .any(|t| t.id == thread.id)
        );

        let item = &f.queue()[0];
        assert_eq!(item.post.id, post);
        assert_eq!(item.flaggers, 3);
        assert_eq!(item.flags.len(), 3);
        assert_eq!(item.thread_title, "Naboen");
        f.portal.approve_post(&f.moderator, post).unwrap();
        assert_eq!(
            f.status_for(&f.others[3], thread.id, post).unwrap().status,
            PostStatus::Visible
        );
        // The cleared flags cannot hide it again, and their authors cannot flag it again.
        assert!(f.flag(&f.others[1], post, ForumReason::Spam).is_err());
        f.flag(&f.others[3], post, ForumReason::Spam).unwrap();
        f.flag(&f.others[4], post, ForumReason::Spam).unwrap();
        assert_eq!(
            f.status_for(&f.others[3], thread.id, post).unwrap().status,
            PostStatus::Visible
        );
        assert_eq!(f.queue()[0].flaggers, 2);
    }
}

#[test]
fn crisis_posts_go_first_and_their_authors_are_told_where_help_is() {
    for backend in BACKENDS {
        let f = forum(backend);
        let (_, calm) = f.start("recovery", "Tur", "Gikk en lang tur i dag.", &f.anna);
        f.flag(&f.others[0], calm.post.id, ForumReason::OffTopic)
            .unwrap();
        f.flag(&f.others[1], calm.post.id, ForumReason::OffTopic)
            .unwrap();
        f.clock.advance(Duration::minutes(1));
        let (_, nb) = f.start("recovery", "Natt", "Jeg orker ikke mer.", &f.others[2]);
        let help = nb.crisis_help.unwrap();
        assert!(help.nb.contains("113"));
        assert_eq!(
            nb.post.status,
            PostStatus::Visible,
            "crisis posts stay visible"
        );
        let (_, en) = f.start(
            "recovery",
            "Tonight",
            "Honestly I just want to die.",
            &f.others[3],
        );
        assert!(en.crisis_help.is_some());
        let (_, ordinary) = f.start(
            "recovery",
            "Diet",
            "I want to diet before summer.",
            &f.others[4],
        );
        assert!(ordinary.crisis_help.is_none());
        // A crisis flag on an ordinary post also goes first.
        f.clock.advance(Duration::minutes(1));
        f.flag(&f.anna, ordinary.post.id, ForumReason::CrisisRisk)
            .unwrap();
        let order: Vec<PostId> = f.queue().iter().map(|i| i.post.id).collect();
        // Crisis first (the flagged one has a flagger more), then by flaggers, then oldest.
        assert_eq!(
            order,
            [ordinary.post.id, nb.post.id, en.post.id, calm.post.id]
        );
        // Paging walks the same order.
        let first = f.portal.review_queue(&f.moderator, None, 2).unwrap();
        let rest = f
            .portal
            .review_queue(&f.moderator, first.next.as_deref(), 2)
            .unwrap();
        let paged: Vec<PostId> = first
            .items
            .iter()
            .chain(&rest.items)
            .map(|i| i.post.id)
            .collect();
        assert_eq!(paged, order);
        assert!(rest.next.is_none());
        // An edit into crisis language puts a post in the queue too.
        let (_, later) = f.start("recovery", "Later", "A quiet day.", &f.anna);
        let edited = f
            .portal
            .edit_post(
                &f.anna,
                later.post.id,
                "A quiet day. I keep thinking about suicide.",
            )
            .unwrap();
        assert!(edited.crisis_help.is_some());
        assert!(
            f.queue()
                .iter()
                .any(|i| i.post.id == later.post.id && i.crisis)
        );
    }
}

#[test]
fn every_moderator_action_is_logged_with_its_reason_and_no_text() {
    for backend in BACKENDS {
        let f = forum(backend);
        let (thread, posted) = f.start("everyday-life", "Tlf", "Ring meg på 912 34 567", &f.anna);
        let post = posted.post.id;
        let note = |reason, text: &str| ModeratorNote::new(reason, text);
        let edited = f
            .portal
            .moderate_post(
                &f.moderator,
                post,
                ModeratorEdit {
                    body: "Ring meg på [fjernet]".into(),
                    title: Some("Telefon".into()),
                    note: note(ForumReason::PersonalInformation, "Fjernet telefonnummer."),
                },
            )
            .unwrap();
        assert_eq!(
            edited.moderator_edit.unwrap().note,
            "Fjernet telefonnummer."
        );
        let history = f.portal.post_history(&f.moderator, post).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].body, "Ring meg på 912 34 567");
        assert!(matches!(history[0].replaced_by, Editor::Moderator(_)));
        let hidden = f
            .portal
            .hide_post(
                &f.moderator,
                post,
                note(ForumReason::Harassment, "Vær snill."),
            )
            .unwrap();
        assert_eq!(hidden.status, PostStatus::Hidden);
        let own = f.status_for(&f.anna, thread.id, post).unwrap();
        let notice = own.hidden.unwrap();
        assert_eq!(
            (notice.by_moderator, notice.reason, notice.note.as_str()),
            (true, Some(ForumReason::Harassment), "Vær snill.")
        );
        f.portal.approve_post(&f.moderator, post).unwrap();
        let locked = f
            .portal
            .lock_thread(&f.moderator, thread.id, note(ForumReason::OffTopic, ""))
            .unwrap();
        assert!(locked.locked);
        assert!(matches!(
            f.portal.reply(&f.anna, thread.id, "Hei?"),
            Err(Error::ThreadLocked { .. })
        ));
        f.portal
            .reply(&f.moderator, thread.id, "Låst.")
            .unwrap_err(); // the moderator has not joined
        f.portal.unlock_thread(&f.moderator, thread.id).unwrap();
        f.portal.reply(&f.anna, thread.id, "Hei?").unwrap();
        let anna_member = posted.post.author;
        let record = f
            .portal
            .warn_member(
                &f.moderator,
                anna_member,
                note(ForumReason::PersonalInformation, "Ikke del numre."),
            )
            .unwrap();
        assert_eq!(record.warnings, 1);
        f.portal
            .suspend_member(&f.moderator, anna_member, note(ForumReason::Harassment, ""))
            .unwrap();
        f.portal
            .lift_suspension(&f.moderator, anna_member, "Gjort opp.")
            .unwrap();

        // Anna reads every action in her access log, with its reason code, and sees them as
        // notices with the notes; the log holds no text.
        let log = f
            .portal
            .access_log(&f.anna, AccessLogFilter::default())
            .unwrap();
        let actions: Vec<(AccessAction, Option<ForumReason>)> = log
            .entries
            .iter()
            .rev()
            .map(|e| (e.event.action, e.event.moderation_reason))
            .filter(|(a, _)| a.as_str().starts_with("forum-"))
            .collect();
        assert_eq!(
            actions,
            [
                (AccessAction::ForumApprove, None),
                (
                    AccessAction::ForumEdit,
                    Some(ForumReason::PersonalInformation)
                ),
                (AccessAction::ForumHide, Some(ForumReason::Harassment)),
                (AccessAction::ForumApprove, None),
                (AccessAction::ForumLock, Some(ForumReason::OffTopic)),
                (AccessAction::ForumUnlock, None),
                (
                    AccessAction::ForumWarn,
                    Some(ForumReason::PersonalInformation)
                ),
                (AccessAction::ForumSuspend, Some(ForumReason::Harassment)),
                (AccessAction::ForumLift, None),
            ]
        );
        let serialized = format!("{log:?}");
        // The whole phone number: its digits alone turn up in ids and times by chance.
        for text in [
            "Fjernet",
            "Vær snill",
            "912 34 567",
            "Ring meg",
            "numre",
            "Gjort opp",
        ] {
            assert!(!serialized.contains(text), "{text} in the access log");
        }
        assert!(f.portal.verify_access_log().unwrap().is_intact());
        let notices = f.portal.forum_standing(&f.anna).unwrap().notices;
        assert_eq!(notices.len(), 9);
        assert_eq!(notices[6].note, "Ikke del numre.");
        // Members see neither the person behind a moderator nor behind another member.
        let record = f.portal.member_record(&f.moderator, anna_member).unwrap();
        assert_eq!(record.pseudonym, "Lark");
        assert_eq!(record.actions.len(), 9);
    }
}

#[test]
fn the_suspension_ladder_climbs_two_weeks_a_month_then_forever() {
    for backend in BACKENDS {
        let f = forum(backend);
        let (thread, posted) = f.start("recovery", "Hei", "Tekst", &f.others[0]);
        let member = posted.post.author;
        let why = || ModeratorNote::new(ForumReason::Harassment, "");
        let now = f.clock.now();
        let first = f
            .portal
            .suspend_member(&f.moderator, member, why())
            .unwrap();
        assert_eq!(first.until, Some(now + Duration::days(14)));
        // Suspended: reading works, posting, editing and flagging do not.
        assert!(
            f.portal
                .thread_page(&f.others[0], thread.id, None, 0)
                .is_ok()
        );
        let err = f
            .portal
            .reply(&f.others[0], thread.id, "Hallo")
            .unwrap_err();
        assert!(matches!(err, Error::Suspended { until } if until == first.until));
        assert!(matches!(
            f.portal.edit_post(&f.others[0], posted.post.id, "x"),
            Err(Error::Suspended { .. })
        ));
        let (_, other) = f.start("recovery", "Annet", "Tekst", &f.anna);
        assert!(matches!(
            f.flag(&f.others[0], other.post.id, ForumReason::Spam),
            Err(Error::Suspended { .. })
        ));
        assert!(matches!(
            f.portal.suspend_member(&f.moderator, member, why()),
            Err(Error::InvalidTransition {
                from: "suspended",
                ..
            })
        ));
        // It ends by itself.
        f.clock.advance(Duration::days(14));
        f.portal.reply(&f.others[0], thread.id, "Tilbake").unwrap();
        let now = f.clock.now();
        let second = f
            .portal
            .suspend_member(&f.moderator, member, why())
            .unwrap();
        assert_eq!(second.until, Some(now + Duration::days(30)));
        f.portal.lift_suspension(&f.moderator, member, "").unwrap();
        assert!(matches!(
            f.portal.lift_suspension(&f.moderator, member, ""),
            Err(Error::InvalidTransition { .. })
        ));
        let third = f
            .portal
            .suspend_member(&f.moderator, member, why())
            .unwrap();
        assert_eq!(third.until, None);
        f.clock.advance(Duration::days(3650));
        assert!(matches!(
            f.portal.reply(&f.others[0], thread.id, "?"),
            Err(Error::Suspended { until: None })
        ));
        assert_eq!(
            f.portal
                .member_record(&f.moderator, member)
                .unwrap()
                .suspensions,
            3
        );
    }
}

#[test]
fn rate_limits_hold_posts_and_flags_and_say_when_to_retry() {
    for backend in BACKENDS {
        let mut config = PortalConfig::default();
        config.forum.post_limit = RateLimit {
            count: 3,
            window_minutes: 60,
        };
        config.forum.flag_limit = RateLimit {
            count: 2,
            window_minutes: 10,
        };
        let f = forum_with(backend, config, false);
        let (thread, _) = f.start("recovery", "Tråd", "En", &f.anna);
        f.clock.advance(Duration::minutes(10));
        f.portal.reply(&f.anna, thread.id, "To").unwrap();
        f.clock.advance(Duration::minutes(10));
        f.portal.reply(&f.anna, thread.id, "Tre").unwrap();
        let before = f.portal.thread_page(&f.anna, thread.id, None, 0).unwrap();
        let err = f.portal.reply(&f.anna, thread.id, "Fire").unwrap_err();
        assert!(
            matches!(
                err,
                Error::RateLimited {
                    action: "post",
                    retry_after_secs: 2400
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            f.portal.thread_page(&f.anna, thread.id, None, 0).unwrap(),
            before
        );
        f.clock.advance(Duration::minutes(40));
        f.portal.reply(&f.anna, thread.id, "Fire").unwrap();

        let posts: Vec<PostId> = (0..3)
            .map(|i| {
                f.start("recovery", "P", &format!("post {i}"), &f.others[i])
                    .1
                    .post
                    .id
            })
            .collect();
        f.flag(&f.anna, posts[0], ForumReason::Spam).unwrap();
        f.flag(&f.anna, posts[1], ForumReason::Spam).unwrap();
        let err = f.flag(&f.anna, posts[2], ForumReason::Spam).unwrap_err();
        assert!(
            matches!(
                err,
                Error::RateLimited {
                    action: "flag",
                    retry_after_secs: 600
                }
            ),
            "{err:?}"
        );
        f.clock.advance(Duration::minutes(10));
        f.flag(&f.anna, posts[2], ForumReason::Spam).unwrap();
    }
}

#[test]
fn new_members_have_the_stricter_limits() {
    for backend in BACKENDS {
        let f = forum_with(backend, PortalConfig::default(), true);
        let (thread, posted) = f.start("introductions", "Hei", "Første", &f.anna);
        f.portal.approve_post(&f.moderator, posted.post.id).unwrap();
        // Default: 3 posts per hour for a member in their first week.
        f.portal.reply(&f.anna, thread.id, "Andre").unwrap();
        f.portal.reply(&f.anna, thread.id, "Tredje").unwrap();
        assert!(matches!(
            f.portal.reply(&f.anna, thread.id, "Fjerde"),
            Err(Error::RateLimited { .. })
        ));
        f.clock.advance(Duration::days(7));
        f.portal.reply(&f.anna, thread.id, "Fjerde").unwrap();
        f.portal.reply(&f.anna, thread.id, "Femte").unwrap();
        f.portal.reply(&f.anna, thread.id, "Sjette").unwrap();
        f.portal.reply(&f.anna, thread.id, "Sjuende").unwrap();
    }
}

#[test]
fn authors_edit_within_the_window_and_delete_leaving_a_tombstone() {
    for backend in BACKENDS {
        let f = forum(backend);
        let (thread, posted) = f.start("recovery", "Skrivefeil", "Hei ale", &f.anna);
        let post = posted.post.id;
        let edited = f.portal.edit_post(&f.anna, post, "Hei alle").unwrap();
        assert_eq!(edited.post.body.as_deref(), Some("Hei alle"));
        assert!(edited.post.edited_at.is_some());
        assert!(matches!(
            f.portal.edit_post(&f.others[0], post, "Kapret"),
            Err(Error::PermissionDenied(DenyReason::OwnerOnly))
        ));
        f.clock.advance(Duration::minutes(61));
        assert!(matches!(
            f.portal.edit_post(&f.anna, post, "Sent"),
            Err(Error::EditWindowClosed { minutes: 60 })
        ));
        assert_eq!(f.portal.post_history(&f.moderator, post).unwrap().len(), 1);
        let reply = f
            .portal
            .reply(&f.others[0], thread.id, "Velkommen")
            .unwrap();
        assert!(matches!(
            f.portal.delete_post(&f.others[0], post),
            Err(Error::PermissionDenied(_))
        ));
        let tomb = f.portal.delete_post(&f.anna, post).unwrap();
        assert_eq!((tomb.status, tomb.body), (PostStatus::Deleted, None));
        // The text and its history are gone; the thread and its reply stay.
        assert!(
            f.portal
                .post_history(&f.moderator, post)
                .unwrap()
                .is_empty()
        );
        let page = f
            .portal
            .thread_page(&f.others[1], thread.id, None, 0)
            .unwrap();
        assert_eq!(page.posts.len(), 2);
        assert_eq!(page.posts[0].status, PostStatus::Deleted);
        assert_eq!(page.posts[1].id, reply.post.id);
        assert!(matches!(
            f.portal.delete_post(&f.anna, post),
            Err(Error::InvalidTransition { .. })
        ));
    }
}

#[test]
fn bad_input_gets_a_typed_error_and_changes_nothing() {
    for backend in BACKENDS {
        let f = forum(backend);
        let (thread, posted) = f.start("recovery", "Tittel", "Tekst", &f.anna);
        let reply = f
            .portal
            .reply(&f.others[1], thread.id, "Svar")
            .unwrap()
            .post
            .id;
        let snapshot = |f: &Forum| {
            (
                f.portal
                    .threads(&f.moderator, ThreadListQuery::default())
                    .unwrap(),
                f.portal
                    .thread_page(&f.moderator, thread.id, None, 0)
                    .unwrap(),
                f.portal.review_queue(&f.moderator, None, 0).unwrap(),
                f.portal.post_history(&f.moderator, reply).unwrap(),
                f.log_len(),
            )
        };
        let before = snapshot(&f);
        let new = |category: &str, title: &str, body: &str| NewThread {
            category: category.into(),
            title: title.into(),
            body: body.into(),
        };
        let flag = |note: &str| NewFlag {
            reason: ForumReason::Other,
            note: note.into(),
        };
        let titled_reply = ModeratorEdit {
            body: "b".into(),
            title: Some("x".into()),
            note: ModeratorNote::new(ForumReason::Other, ""),
        };
        let cases: Vec<(Error, &str)> = vec![
            (
                f.portal
                    .start_thread(&f.anna, new("nowhere", "T", "B"))
                    .unwrap_err(),
                "thread.category",
            ),
            (
                f.portal
                    .start_thread(&f.anna, new("recovery", " ", "B"))
                    .unwrap_err(),
                "thread.title",
            ),
            (
                f.portal
                    .start_thread(&f.anna, new("recovery", "T", ""))
                    .unwrap_err(),
                "thread.body",
            ),
            (
                f.portal
                    .reply(&f.anna, thread.id, "a\u{202E}b")
                    .unwrap_err(),
                "post.body",
            ),
            (
                f.portal
                    .reply(&f.anna, thread.id, &"x".repeat(20_001))
                    .unwrap_err(),
                "post.body",
            ),
            (
                f.portal
                    .flag_post(&f.others[0], posted.post.id, flag("a\nb"))
                    .unwrap_err(),
                "flag.note",
            ),
            (
                f.portal
                    .threads(
                        &f.anna,
                        ThreadListQuery {
                            limit: 101,
                            ..Default::default()
                        },
                    )
                    .unwrap_err(),
                "threads.limit",
            ),
            (
                f.portal.review_queue(&f.moderator, None, 1000).unwrap_err(),
                "review_queue.limit",
            ),
            (
                f.portal
                    .moderate_post(&f.moderator, reply, titled_reply)
                    .unwrap_err(),
                "edit.title",
            ),
            (
                f.portal
                    .hide_post(
                        &f.moderator,
                        reply,
                        ModeratorNote::new(ForumReason::Spam, "\u{0}"),
                    )
                    .unwrap_err(),
                "hide.note",
            ),
        ];
        for (err, field) in cases {
            assert!(
                matches!(err, Error::Invalid { field: f, .. } if f == field),
                "{field}: {err:?}"
            );
        }
        assert_eq!(snapshot(&f), before);
        // Unknown ids and the wrong roles.
        assert!(matches!(
            f.portal.reply(&f.anna, ThreadId::new(), "x"),
            Err(Error::NotFound {
                kind: "forum thread",
                ..
            })
        ));
        assert!(matches!(
            f.portal.approve_post(&f.anna, posted.post.id),
            Err(Error::PermissionDenied(DenyReason::WrongRole))
        ));
        assert!(matches!(
            f.portal.hide_post(
                &f.moderator,
                PostId::new(),
                ModeratorNote::new(ForumReason::Spam, "")
            ),
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            f.portal.approve_post(&f.moderator, posted.post.id),
            Err(Error::InvalidTransition {
                from: "visible",
                ..
            })
        ));
        assert!(matches!(
            f.portal.unlock_thread(&f.moderator, thread.id),
            Err(Error::InvalidTransition {
                from: "unlocked",
                ..
            })
        ));
        assert_eq!(snapshot(&f), before);
    }
}

#[test]
fn threads_and_pages_walk_by_keyset_cursors() {
    for backend in BACKENDS {
        let f = forum(backend);
        let mut started = Vec::new();
        for i in 0..5 {
            f.clock.advance(Duration::minutes(1));
            started.push(
                f.start("recovery", &format!("Tråd {i}"), "Tekst", &f.others[i % 5])
                    .0
                    .id,
            );
        }
        let (thread, _) = f.start("everyday-life", "Lang", "Start", &f.anna);
        let mut replies = Vec::new();
        for i in 0..7 {
            f.clock.advance(Duration::minutes(7));
            replies.push(
                f.portal
                    .reply(&f.others[i % 5], thread.id, &format!("Svar {i}"))
                    .unwrap()
                    .post
                    .id,
            );
        }
        let first = f
            .portal
            .threads(
                &f.anna,
                ThreadListQuery {
                    category: Some("recovery".into()),
                    before: None,
                    limit: 3,
                },
            )
            .unwrap();
        let rest = f
            .portal
            .threads(
                &f.anna,
                ThreadListQuery {
                    category: Some("recovery".into()),
                    before: first.next,
                    limit: 3,
                },
            )
            .unwrap();
        let listed: Vec<ThreadId> = first
            .threads
            .iter()
            .chain(&rest.threads)
            .map(|t| t.id)
            .collect();
        assert_eq!(listed, started.iter().rev().copied().collect::<Vec<_>>());
        assert!(rest.next.is_none());
        let p1 = f
            .portal
            .thread_page(&f.others[0], thread.id, None, 3)
            .unwrap();
        let p2 = f
            .portal
            .thread_page(&f.others[0], thread.id, p1.next, 3)
            .unwrap();
        let p3 = f
            .portal
            .thread_page(&f.others[0], thread.id, p2.next, 3)
            .unwrap();
        assert!(p3.next.is_none());
        let ids: Vec<PostId> = [p1, p2, p3]
            .iter()
            .flat_map(|p| p.posts.iter().map(|v| v.id))
            .collect();
        assert_eq!(ids.len(), 8);
        assert_eq!(&ids[1..], replies.as_slice());
    }
}
