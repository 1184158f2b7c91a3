//! The moderation state machine of a post: flags, the auto-hide threshold, holds, approval and
//! hiding, and the suspension ladder.
//!
//! The rules:
//! - A post is hidden when the number of *distinct* members whose flags are not yet cleared
//!   reaches the threshold. A member flags a post at most once, ever.
//! - A moderator's approval makes the post visible, takes it out of the review queue and
//!   clears every flag on it: those flags never count again, so only new flaggers can hide it
//!   again, and they need the full threshold.
//! - A post waits in the review queue while it is held, hidden by flags, flagged at all, or its
//!   text matches a crisis term; it leaves when a moderator approves or hides it (or its author
//!   deletes it).
//! - Each suspension climbs one step of the ladder; past its end, suspension is permanent.

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Result};
use crate::model::forum::{Flag, ForumReason, Post, PostState, Review, Suspension};
use crate::model::ids::MemberId;

/// The threshold in force: a configured 0 counts as 1 (one flag hides).
pub fn threshold(configured: u32) -> u32 {
    configured.max(1)
}

/// How many distinct members have flags on the post that no approval has cleared.
pub fn uncleared_flaggers(flags: &[Flag]) -> u32 {
    let mut flaggers: Vec<MemberId> = flags
        .iter()
        .filter(|f| !f.cleared)
        .map(|f| f.flagger)
        .collect();
    flaggers.sort_unstable();
    flaggers.dedup();
    u32::try_from(flaggers.len()).unwrap_or(u32::MAX)
}

/// Whether a member may flag the post now: not their own, not already flagged by them, and
/// only while it is visible (held posts are not shown to others; hidden and deleted ones have
/// nothing left to flag).
pub fn check_flag(post: &Post, flagger: MemberId, flags: &[Flag]) -> Result<()> {
    if post.author == flagger {
        return Err(Error::invalid(
            "flag.post",
            crate::error::Problem::Inconsistent("members cannot flag their own posts"),
        ));
    }
    if flags.iter().any(|f| f.flagger == flagger) {
        return Err(Error::invalid(
            "flag.post",
            crate::error::Problem::Duplicate,
        ));
    }
    if post.state != PostState::Visible {
        return Err(transition(post, "flagged"));
    }
    Ok(())
}

/// Applies a new flag: `flags` holds every flag on the post, the new one included. Puts the
/// post in the review queue (at the top for a crisis flag) and hides it once the uncleared
/// distinct flaggers reach `threshold`. Returns whether this flag hid it.
pub fn apply_flag(post: &mut Post, flags: &[Flag], threshold: u32, now: DateTime<Utc>) -> bool {
    let flaggers = uncleared_flaggers(flags);
    let crisis_flag = flags
        .iter()
        .any(|f| !f.cleared && f.reason == ForumReason::CrisisRisk);
    let since = post.review.map_or(now, |r| r.since);
    let crisis = post.review.is_some_and(|r| r.crisis) || post.crisis_text || crisis_flag;
    post.review = Some(Review {
        crisis,
        flaggers,
        since,
    });
    let hide = post.state == PostState::Visible && flaggers >= self::threshold(threshold);
    if hide {
        post.state = PostState::HiddenByFlags { at: now };
    }
    hide
}

/// Puts a post in the review queue because its text matched a crisis term (on writing or on
/// its author's edit), keeping its place if it is already there.
pub fn queue_for_crisis(post: &mut Post, now: DateTime<Utc>) {
    post.review = Some(match post.review {
        Some(r) => Review { crisis: true, ..r },
        None => Review {
            crisis: true,
            flaggers: 0,
            since: now,
        },
    });
}

/// Holds a new member's post for review.
pub fn hold(post: &mut Post, now: DateTime<Utc>) {
    post.state = PostState::Held;
    post.review = Some(Review {
        crisis: post.crisis_text,
        flaggers: 0,
        since: now,
    });
}

/// What an approval did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Approval {
    /// The post was a new member's held post (their approved count goes up).
    pub was_held: bool,
}

/// A moderator approves: the post becomes visible, leaves the queue, and every flag on it is
/// cleared. Refused for a deleted post and for a visible post nobody asked to review.
pub fn approve(post: &mut Post, flags: &mut [Flag]) -> Result<Approval> {
    match post.state {
        PostState::Deleted { .. } => return Err(transition(post, "approved")),
        PostState::Visible if post.review.is_none() => return Err(transition(post, "approved")),
        _ => {}
    }
    let was_held = post.state == PostState::Held;
    post.state = PostState::Visible;
    post.review = None;
    for flag in flags.iter_mut() {
        flag.cleared = true;
    }
    Ok(Approval { was_held })
}

/// A moderator hides a post with a reason its author sees. It leaves the review queue; its
/// flags stay as they are. Refused for a deleted post or one a moderator already hid.
pub fn hide(post: &mut Post, reason: ForumReason, note: String, now: DateTime<Utc>) -> Result<()> {
    if matches!(
        post.state,
        PostState::Deleted { .. } | PostState::HiddenByModerator { .. }
    ) {
        return Err(transition(post, "hidden-by-moderator"));
    }
    post.state = PostState::HiddenByModerator {
        at: now,
        reason,
        note,
    };
    post.review = None;
    Ok(())
}

/// Whether the author may still edit the post: it must be visible or held (not hidden or
/// deleted) and younger than the edit window.
pub fn check_author_edit(post: &Post, window_minutes: u32, now: DateTime<Utc>) -> Result<()> {
    if !matches!(post.state, PostState::Visible | PostState::Held) {
        return Err(transition(post, "edited"));
    }
    if now >= post.created_at + Duration::minutes(i64::from(window_minutes)) {
        return Err(Error::EditWindowClosed {
            minutes: window_minutes,
        });
    }
    Ok(())
}

/// Whether a moderator may edit the post: anything but a deleted post.
pub fn check_moderator_edit(post: &Post) -> Result<()> {
    if matches!(post.state, PostState::Deleted { .. }) {
        return Err(transition(post, "edited"));
    }
    Ok(())
}

/// The author deletes their post: its text goes, a tombstone stays, it leaves the queue.
pub fn delete(post: &mut Post, now: DateTime<Utc>) -> Result<()> {
    if matches!(post.state, PostState::Deleted { .. }) {
        return Err(transition(post, "deleted"));
    }
    post.state = PostState::Deleted { at: now };
    post.body.clear();
    post.review = None;
    Ok(())
}

/// The suspension a member gets after `previous` earlier suspensions.
pub fn suspension(previous: u32, ladder_days: &[u32], now: DateTime<Utc>) -> Suspension {
    let step = usize::try_from(previous).unwrap_or(usize::MAX);
    let until = ladder_days
        .get(step)
        .map(|&days| now + Duration::days(i64::from(days)));
    Suspension { from: now, until }
}

fn transition(post: &Post, to: &'static str) -> Error {
    Error::InvalidTransition {
        kind: "forum post",
        from: post.state.code(),
        to,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ids::{PostId, ThreadId};
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0)
            .single()
            .expect("time")
    }

    fn post(author: MemberId) -> Post {
        Post {
            id: PostId::new(),
            thread: ThreadId::new(),
            author,
            body: "text".into(),
            state: PostState::Visible,
            created_at: t0(),
            edited_at: None,
            moderator_edit: None,
            version: 1,
            crisis_text: false,
            review: None,
        }
    }

    fn flag(post: &Post, flagger: MemberId, reason: ForumReason) -> Flag {
        Flag {
            post: post.id,
            flagger,
            reason,
            note: String::new(),
            at: t0(),
            cleared: false,
        }
    }

    #[test]
    fn ladder_is_two_weeks_then_a_month_then_permanent() {
        let ladder = [14, 30];
        assert_eq!(
            suspension(0, &ladder, t0()).until,
            Some(t0() + Duration::days(14))
        );
        assert_eq!(
            suspension(1, &ladder, t0()).until,
            Some(t0() + Duration::days(30))
        );
        assert_eq!(suspension(2, &ladder, t0()).until, None);
        assert_eq!(suspension(u32::MAX, &ladder, t0()).until, None);
        assert_eq!(suspension(0, &[], t0()).until, None);
        let s = suspension(0, &ladder, t0());
        assert!(s.in_force(t0()));
        assert!(s.in_force(t0() + Duration::days(14) - Duration::seconds(1)));
        assert!(!s.in_force(t0() + Duration::days(14)));
    }

    #[test]
    fn a_crisis_flag_puts_the_post_at_the_top_without_hiding_it() {
        let mut p = post(MemberId::new());
        let flags = [flag(&p, MemberId::new(), ForumReason::CrisisRisk)];
        assert!(!apply_flag(&mut p, &flags, 3, t0()));
        assert_eq!(
            p.review,
            Some(Review {
                crisis: true,
                flaggers: 1,
                since: t0()
            })
        );
        assert_eq!(p.state, PostState::Visible);
    }

    #[test]
    fn approving_a_post_nobody_asked_about_is_refused() {
        let mut p = post(MemberId::new());
        assert!(matches!(
            approve(&mut p, &mut []),
            Err(Error::InvalidTransition {
                from: "visible",
                ..
            })
        ));
        delete(&mut p, t0()).expect("delete");
        assert!(p.body.is_empty());
        assert!(approve(&mut p, &mut []).is_err());
        assert!(hide(&mut p, ForumReason::Spam, String::new(), t0()).is_err());
    }

    #[test]
    fn authors_edit_within_the_window_and_only_while_shown_or_held() {
        let mut p = post(MemberId::new());
        assert!(check_author_edit(&p, 60, t0() + Duration::minutes(59)).is_ok());
        assert!(matches!(
            check_author_edit(&p, 60, t0() + Duration::minutes(60)),
            Err(Error::EditWindowClosed { minutes: 60 })
        ));
        hide(&mut p, ForumReason::Harassment, "be kind".into(), t0()).expect("hide");
        assert!(matches!(
            check_author_edit(&p, 60, t0()),
            Err(Error::InvalidTransition {
                from: "hidden-by-moderator",
                ..
            })
        ));
        assert!(check_moderator_edit(&p).is_ok());
    }

    #[derive(Clone, Debug)]
    enum Op {
        Flag(usize),
        Approve,
    }

    fn ops() -> impl Strategy<Value = Vec<Op>> {
        prop::collection::vec(
            prop_oneof![4 => (0usize..8).prop_map(Op::Flag), 1 => Just(Op::Approve)],
            0..40,
        )
    }

    proptest! {
        /// Hidden exactly when distinct uncleared flaggers reach the threshold; a duplicate
        /// flag never counts twice; an approval holds against the flags it cleared.
        #[test]
        fn hidden_exactly_when_distinct_uncleared_flaggers_reach_the_threshold(
            threshold in 1u32..5,
            ops in ops(),
        ) {
            let author = MemberId::new();
            let members: Vec<MemberId> = (0..8).map(|_| MemberId::new()).collect();
            let mut p = post(author);
            let mut flags: Vec<Flag> = Vec::new();
            // The model: who ever flagged, and who flagged since the last approval.
            let mut ever = std::collections::HashSet::new();
            let mut since_approval = std::collections::HashSet::new();
            for op in ops {
                match op {
                    Op::Flag(i) => {
                        let who = members[i];
                        let before = p.clone();
                        match check_flag(&p, who, &flags) {
                            Ok(()) => {
                                prop_assert!(ever.insert(who), "a second flag was accepted");
                                flags.push(flag(&p, who, ForumReason::Spam));
                                since_approval.insert(who);
                                let hid = apply_flag(&mut p, &flags, threshold, t0());
                                prop_assert_eq!(hid, since_approval.len() as u32 == threshold);
                            }
                            Err(_) => {
                                prop_assert!(ever.contains(&who) || p.state != PostState::Visible);
                                prop_assert_eq!(&p, &before, "a refused flag changed the post");
                            }
                        }
                    }
                    Op::Approve => {
                        if approve(&mut p, &mut flags).is_ok() {
                            since_approval.clear();
                        }
                    }
                }
                prop_assert_eq!(uncleared_flaggers(&flags) as usize, since_approval.len());
                prop_assert_eq!(
                    p.state.is_hidden(),
                    since_approval.len() as u32 >= threshold
                );
                prop_assert_eq!(p.review.is_some(), !since_approval.is_empty());
            }
        }
    }
}
