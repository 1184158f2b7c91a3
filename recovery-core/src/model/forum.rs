//! The peer-support forum: members under pseudonyms, categories, threads, posts, flags and the
//! moderators' actions.
//!
//! Nothing here names the person behind a pseudonym to other members: posts carry a
//! [`MemberId`], and only the store maps it to a [`UserId`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{MemberId, ModerationId, PostId, ThreadId, UserId};
use super::toolbox::Localized;

/// A person's membership of the forum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The id other members and moderators see.
    pub id: MemberId,
    /// The account behind it: never shown in the forum.
    pub user: UserId,
    /// The pseudonym, as the member wrote it (after text cleaning).
    pub pseudonym: String,
    /// The pseudonym case-folded, then confusable-folded; unique across the forum.
    pub pseudonym_key: String,
    /// The pseudonym confusable-folded as written, then case-folded; unique across the forum.
    /// See [`policy::forum::pseudonym`](crate::policy::forum::pseudonym) for why there are two.
    pub pseudonym_shape: String,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
    /// How many of their held posts a moderator has approved. Posts are held for review until
    /// this reaches the configured count.
    pub approved_posts: u32,
    /// How many warnings they have had.
    pub warnings: u32,
    /// How many suspensions they have had: the next one climbs the ladder from here.
    pub suspensions: u32,
    /// The current or last suspension, until a moderator lifts it.
    pub suspension: Option<Suspension>,
}

impl Member {
    /// The suspension in force at `now`, if any.
    pub fn suspended_at(&self, now: DateTime<Utc>) -> Option<&Suspension> {
        self.suspension.as_ref().filter(|s| s.in_force(now))
    }
}

/// A suspension: the member can read but not post, edit or flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    /// When it began.
    pub from: DateTime<Utc>,
    /// When it ends by itself; `None` means permanent.
    pub until: Option<DateTime<Utc>>,
}

impl Suspension {
    /// Whether the suspension is in force at `now`.
    pub fn in_force(&self, now: DateTime<Utc>) -> bool {
        now >= self.from && self.until.is_none_or(|until| now < until)
    }
}

/// A forum category, from the configured list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForumCategory {
    /// Its stable key (lowercase ASCII letters, digits and hyphens), e.g. `everyday-life`.
    pub key: String,
    /// Its name.
    pub label: Localized,
    /// What belongs there.
    pub description: Localized,
}

impl ForumCategory {
    /// A category from its key and texts in English and Norwegian Bokmål.
    pub fn new(key: &str, label: (&str, &str), description: (&str, &str)) -> Self {
        Self {
            key: key.to_owned(),
            label: Localized::new(label.0, label.1),
            description: Localized::new(description.0, description.1),
        }
    }
}

/// Why a member flags a post, and why a moderator acts: one list, so that a moderator's
/// decision can name the flag it answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForumReason {
    /// The author may be in crisis or at risk of harming themselves.
    CrisisRisk,
    /// Harassment of another member.
    Harassment,
    /// Personal information: the author's or someone else's real name, address, contacts.
    PersonalInformation,
    /// Advertising or other spam.
    Spam,
    /// Not about this category or thread.
    OffTopic,
    /// Anything else (the note says what).
    Other,
}

impl ForumReason {
    /// Every reason, in a stable order.
    pub const ALL: [ForumReason; 6] = [
        ForumReason::CrisisRisk,
        ForumReason::Harassment,
        ForumReason::PersonalInformation,
        ForumReason::Spam,
        ForumReason::OffTopic,
        ForumReason::Other,
    ];

    /// A stable machine name, used in storage and in the access log.
    pub const fn as_str(self) -> &'static str {
        match self {
            ForumReason::CrisisRisk => "crisis-risk",
            ForumReason::Harassment => "harassment",
            ForumReason::PersonalInformation => "personal-information",
            ForumReason::Spam => "spam",
            ForumReason::OffTopic => "off-topic",
            ForumReason::Other => "other",
        }
    }

    /// Parses [`ForumReason::as_str`] back.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A thread: a title in a category and the posts under it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    /// Its id.
    pub id: ThreadId,
    /// The category key.
    pub category: String,
    /// Its title (a one-line text).
    pub title: String,
    /// Who started it.
    pub author: MemberId,
    /// Its first post: the thread is listed for members only while that post is visible or
    /// deleted (a tombstone), never while it is held or hidden.
    pub opening: PostId,
    /// When it was started.
    pub created_at: DateTime<Utc>,
    /// When its newest post was written: threads are listed by this, newest first.
    pub last_post_at: DateTime<Utc>,
    /// How many posts it has, the opening post included.
    pub posts: u32,
    /// Set while a moderator has locked it: only moderators may post.
    pub locked: Option<Lock>,
}

/// A moderator's lock on a thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub reason: ForumReason,
}

/// Where a post stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum PostState {
    /// Everyone sees it.
    Visible,
    /// A new member's post, waiting for a moderator: only its author and moderators see it.
    Held,
    /// Hidden because enough distinct members flagged it; waiting for a moderator.
    HiddenByFlags {
        /// When the last flag needed arrived.
        at: DateTime<Utc>,
    },
    /// Hidden by a moderator, with a reason its author sees.
    HiddenByModerator {
        /// When.
        at: DateTime<Utc>,
        /// Why.
        reason: ForumReason,
        /// The moderator's note to the author (may be empty).
        note: String,
    },
    /// Deleted by its author: a tombstone without text remains in the thread.
    Deleted {
        /// When.
        at: DateTime<Utc>,
    },
}

impl PostState {
    /// A stable machine name: `visible`, `held`, `hidden-by-flags`, `hidden-by-moderator`,
    /// `deleted`.
    pub const fn code(&self) -> &'static str {
        match self {
            PostState::Visible => "visible",
            PostState::Held => "held",
            PostState::HiddenByFlags { .. } => "hidden-by-flags",
            PostState::HiddenByModerator { .. } => "hidden-by-moderator",
            PostState::Deleted { .. } => "deleted",
        }
    }

    /// Whether the post is hidden, by flags or by a moderator.
    pub const fn is_hidden(&self) -> bool {
        matches!(
            self,
            PostState::HiddenByFlags { .. } | PostState::HiddenByModerator { .. }
        )
    }
}

/// Why a post waits in the review queue. Its place there follows from these facts alone:
/// crisis first, then more distinct flaggers, then the longest waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// The text matched a crisis term, or a member flagged a crisis risk.
    pub crisis: bool,
    /// Distinct members whose flags have not been cleared by a moderator's approval.
    pub flaggers: u32,
    /// When the post entered the queue.
    pub since: DateTime<Utc>,
}

impl Review {
    /// The post's place in the review queue as a string that sorts ascending in queue order:
    /// crisis first, then more distinct flaggers, then the longest waiting, then the post id.
    /// Stores order by it and page with it as a keyset cursor.
    pub fn queue_key(&self, post: PostId) -> String {
        let crisis = if self.crisis { 0 } else { 1 };
        let fewer_flaggers = u32::MAX - self.flaggers;
        // Shift seconds so that they are never negative and sort as digits.
        let secs = i128::from(self.since.timestamp()) - i128::from(i64::MIN);
        let nanos = self.since.timestamp_subsec_nanos();
        format!(
            "{crisis}{fewer_flaggers:010}{secs:020}{nanos:09}{}",
            post.as_uuid().simple()
        )
    }
}

/// The latest moderator edit of a post, shown with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeratorEditNote {
    /// When.
    pub at: DateTime<Utc>,
    /// What the moderator told readers about the edit (may be empty).
    pub note: String,
}

/// A post as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    /// Its id.
    pub id: PostId,
    /// Its thread.
    pub thread: ThreadId,
    /// Who wrote it.
    pub author: MemberId,
    /// The text, plain (rendering is the app's job); empty once deleted.
    pub body: String,
    /// Where it stands.
    pub state: PostState,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was last edited, by its author or a moderator.
    pub edited_at: Option<DateTime<Utc>>,
    /// The latest moderator edit, if any.
    pub moderator_edit: Option<ModeratorEditNote>,
    /// 1 when written, one more for every edit.
    pub version: u32,
    /// Whether its current text matches a crisis term.
    pub crisis_text: bool,
    /// Set while the post waits in the review queue.
    pub review: Option<Review>,
}

/// Who wrote a version of a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "by", content = "moderator")]
pub enum Editor {
    /// The post's author.
    Author,
    /// A moderator.
    Moderator(UserId),
}

/// An earlier version of a post, kept when it is edited. Moderators can read them; deleting a
/// post erases them with its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostVersion {
    /// The post.
    pub post: PostId,
    /// The version number this text had.
    pub version: u32,
    /// The text it had.
    pub body: String,
    /// When this version was written.
    pub written_at: DateTime<Utc>,
    /// When the edit that replaced it was made.
    pub replaced_at: DateTime<Utc>,
    /// Who made that edit.
    pub replaced_by: Editor,
}

/// A member's flag on a post. One per member per post, ever.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    /// The post.
    pub post: PostId,
    /// Who flagged it.
    pub flagger: MemberId,
    /// Why.
    pub reason: ForumReason,
    /// What the flagger told the moderators (a one-line text, may be empty).
    pub note: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Set once a moderator's approval answered this flag: it no longer counts toward hiding.
    pub cleared: bool,
}

/// What a moderator did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "action")]
pub enum ModerationAction {
    /// Let a held or flagged post be seen, clearing its flags.
    Approve,
    /// Hid a post.
    Hide,
    /// Edited a post.
    Edit,
    /// Locked a thread.
    Lock,
    /// Unlocked a thread.
    Unlock,
    /// Warned a member.
    Warn,
    /// Suspended a member.
    Suspend {
        /// When it ends; `None` means permanent.
        until: Option<DateTime<Utc>>,
    },
    /// Lifted a suspension.
    Lift,
}

impl ModerationAction {
    /// A stable machine name.
    pub const fn code(&self) -> &'static str {
        match self {
            ModerationAction::Approve => "approve",
            ModerationAction::Hide => "hide",
            ModerationAction::Edit => "edit",
            ModerationAction::Lock => "lock",
            ModerationAction::Unlock => "unlock",
            ModerationAction::Warn => "warn",
            ModerationAction::Suspend { .. } => "suspend",
            ModerationAction::Lift => "lift",
        }
    }
}

/// One moderator action, as kept in the forum's own records. The access log holds the same
/// action with its reason code, but never the note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationRecord {
    /// Its id.
    pub id: ModerationId,
    /// When.
    pub at: DateTime<Utc>,
    /// The moderator.
    pub moderator: UserId,
    /// The member it concerns (the author, for posts and threads).
    pub member: MemberId,
    /// What was done.
    pub action: ModerationAction,
    /// Why, where the action takes a reason (not approve, unlock or lift).
    pub reason: Option<ForumReason>,
    /// The moderator's note (may be empty).
    pub note: String,
    /// The post acted on, if any.
    pub post: Option<PostId>,
    /// The thread acted on, or the post's thread.
    pub thread: Option<ThreadId>,
}
