//! The peer-support forum: members under pseudonyms, threads and posts, flags and the
//! moderators' review queue.
//!
//! Ids are UUID strings and moments are timestamps. Members are known by their forum member id
//! and pseudonym, never by their person id.

use std::time::SystemTime;

use crate::convert::{self, Result, all, timestamp};
use crate::model::toolbox::Localized;

/// Why a post is flagged, hidden or edited, or a member warned or suspended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum ForumReason {
    /// The post suggests its author may be at risk.
    CrisisRisk,
    /// Harassment of another member.
    Harassment,
    /// Personal information (of the author or anyone else).
    PersonalInformation,
    /// Spam or advertising.
    Spam,
    /// Off topic.
    OffTopic,
    /// Anything else (say what in the note).
    Other,
}

/// A thread to start, with its opening post.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct NewThread {
    /// The category's key (e.g. `introductions`).
    pub category: String,
    /// Its title.
    pub title: String,
    /// The opening post.
    pub body: String,
}

/// A member's flag on a post.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct NewFlag {
    /// Why.
    pub reason: ForumReason,
    /// More about why (may be empty).
    #[uniffi(default = "")]
    pub note: String,
}

/// Why a moderator acts, shown to the member concerned.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ModeratorNote {
    /// Why.
    pub reason: ForumReason,
    /// What the moderator tells the member (may be empty).
    #[uniffi(default = "")]
    pub note: String,
}

/// Where a post stands, as the reader may know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum PostStatus {
    /// Seen by every member.
    Visible,
    /// A new member's post, waiting for a moderator's approval.
    Held,
    /// Hidden by enough members' flags or by a moderator.
    Hidden,
    /// Deleted by its author.
    Deleted,
}

/// Why a post is hidden, for its author and moderators.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HiddenNotice {
    /// True if a moderator hid it; false if members' flags did.
    pub by_moderator: bool,
    /// The moderator's reason.
    pub reason: Option<ForumReason>,
    /// The moderator's note (may be empty).
    pub note: String,
}

/// The latest moderator edit of a post.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ModeratorEditNote {
    /// When.
    pub at: SystemTime,
    /// What the moderator told readers about the edit (may be empty).
    pub note: String,
}

/// A post as the reader may see it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PostView {
    /// Its id.
    pub id: String,
    /// Its thread.
    pub thread: String,
    /// Its author's member id.
    pub author: String,
    /// Its author's pseudonym.
    pub pseudonym: String,
    /// Where it stands.
    pub status: PostStatus,
    /// What it says, if the reader may see it.
    pub body: Option<String>,
    /// Why it is hidden, for its author and moderators.
    pub hidden: Option<HiddenNotice>,
    /// When it was written.
    pub created_at: SystemTime,
    /// When its author last edited it.
    pub edited_at: Option<SystemTime>,
    /// The latest moderator edit.
    pub moderator_edit: Option<ModeratorEditNote>,
    /// Whether the reader wrote it.
    pub mine: bool,
}

/// A post just written.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Posted {
    /// The post.
    pub post: PostView,
    /// Whether it waits for a moderator's approval.
    pub held: bool,
    /// Where help is, when the post reads like a crisis.
    pub crisis_help: Option<Localized>,
}

/// A thread in a list.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ThreadSummary {
    /// Its id.
    pub id: String,
    /// Its category's key.
    pub category: String,
    /// Its title.
    pub title: String,
    /// Its author's member id.
    pub author: String,
    /// Its author's pseudonym.
    pub pseudonym: String,
    /// When it was started.
    pub created_at: SystemTime,
    /// When its newest post was written.
    pub last_post_at: SystemTime,
    /// How many posts the reader may see in it.
    pub posts: u32,
    /// Whether only moderators may post in it.
    pub locked: bool,
}

/// A thread just started, with its opening post.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StartedThread {
    /// The thread.
    pub thread: ThreadSummary,
    /// Its opening post.
    pub posted: Posted,
}

/// Where the next page of a thread starts.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PostCursor {
    /// The last post's time.
    pub created_at: SystemTime,
    /// The last post's id.
    pub id: String,
}

/// One page of a thread, oldest post first.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ThreadPage {
    /// The thread.
    pub thread: ThreadSummary,
    /// Its posts on this page.
    pub posts: Vec<PostView>,
    /// Pass as `after` for the next page; none on the last.
    pub next: Option<PostCursor>,
}

/// A flag as moderators see it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct FlagView {
    /// The flagging member.
    pub flagger: String,
    /// Why.
    pub reason: ForumReason,
    /// Their note.
    pub note: String,
    /// When.
    pub at: SystemTime,
    /// Whether a moderator's decision has cleared it.
    pub cleared: bool,
}

/// A post waiting for a moderator.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ReviewItem {
    /// The post.
    pub post: PostView,
    /// Its thread's title.
    pub thread_title: String,
    /// Whether it is flagged as a crisis risk or reads like one.
    pub crisis: bool,
    /// Whether its text matched a crisis term.
    pub crisis_text: bool,
    /// How many distinct members flagged it.
    pub flaggers: u32,
    /// The flags.
    pub flags: Vec<FlagView>,
    /// Since when it has waited.
    pub since: SystemTime,
}

/// One page of the review queue, most urgent first.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ReviewPage {
    /// The posts waiting.
    pub items: Vec<ReviewItem>,
    /// Pass as `after` for the next page; none on the last.
    pub next: Option<String>,
}

/// A suspension from posting.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Suspension {
    /// When it began.
    pub from: SystemTime,
    /// When it ends by itself; none means permanent.
    pub until: Option<SystemTime>,
}

/// What a moderator did.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum ModerationAction {
    /// Approved a post.
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
        /// Until when; none means permanent.
        until: Option<SystemTime>,
    },
    /// Lifted a suspension.
    Lift,
}

/// A moderator's action as the member concerned sees it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ModerationNotice {
    /// When.
    pub at: SystemTime,
    /// What.
    pub action: ModerationAction,
    /// Why.
    pub reason: Option<ForumReason>,
    /// The moderator's note.
    pub note: String,
    /// The post concerned.
    pub post: Option<String>,
    /// The thread concerned.
    pub thread: Option<String>,
}

/// The acting member's standing in the forum.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ForumStanding {
    /// Their member id.
    pub member: String,
    /// Their pseudonym.
    pub pseudonym: String,
    /// When they joined.
    pub joined_at: SystemTime,
    /// Whether their posts still wait for approval.
    pub posts_held: bool,
    /// Whether the new-member limits apply.
    pub new_member: bool,
    /// Their suspension, if one is in force or to come.
    pub suspension: Option<Suspension>,
    /// Moderators' actions concerning them, newest first.
    pub notices: Vec<ModerationNotice>,
}

/// A forum category, from the portal's configuration.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ForumCategory {
    /// Its key: what a thread names it by (e.g. `everyday-life`).
    pub key: String,
    /// Its name.
    pub label: Localized,
    /// What belongs there.
    pub description: Localized,
}

/// Where the next page of threads starts.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ThreadCursor {
    /// The last listed thread's newest post time.
    pub last_post_at: SystemTime,
    /// The last listed thread's id.
    pub id: String,
}

/// One page of threads, newest activity first.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ThreadList {
    /// The threads.
    pub threads: Vec<ThreadSummary>,
    /// Pass as `before` for the next page; none on the last.
    pub next: Option<ThreadCursor>,
}

/// A moderator's edit of a post.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ModeratorEdit {
    /// The new text.
    pub body: String,
    /// A new thread title: only for a thread's opening post.
    #[uniffi(default = None)]
    pub title: Option<String>,
    /// Why, and the note shown with the post.
    pub note: ModeratorNote,
}

/// Who replaced a version of a post.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Editor {
    /// The post's author.
    Author,
    /// A moderator.
    Moderator {
        /// The moderator's person id.
        person: String,
    },
}

/// An earlier version of an edited post, for moderators.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PostVersion {
    /// The post.
    pub post: String,
    /// The version number this text had (from 1).
    pub version: u32,
    /// The text it had.
    pub body: String,
    /// When this version was written.
    pub written_at: SystemTime,
    /// When the edit that replaced it was made.
    pub replaced_at: SystemTime,
    /// Who made that edit.
    pub replaced_by: Editor,
}

/// A moderator's action as moderators see it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ModerationRecord {
    /// Its id.
    pub id: String,
    /// When.
    pub at: SystemTime,
    /// The moderator's person id.
    pub moderator: String,
    /// The member it concerns.
    pub member: String,
    /// What was done.
    pub action: ModerationAction,
    /// Why (none for approve, unlock and lift).
    pub reason: Option<ForumReason>,
    /// The moderator's note.
    pub note: String,
    /// The post acted on.
    pub post: Option<String>,
    /// The thread acted on, or the post's thread.
    pub thread: Option<String>,
}

/// A member as moderators see them: pseudonym and record, never the person behind it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct MemberRecord {
    /// Their member id.
    pub member: String,
    /// Their pseudonym.
    pub pseudonym: String,
    /// When they joined.
    pub joined_at: SystemTime,
    /// Held posts a moderator approved.
    pub approved_posts: u32,
    /// Warnings so far.
    pub warnings: u32,
    /// Suspensions so far (the next climbs the ladder from here).
    pub suspensions: u32,
    /// The suspension in force, if any.
    pub suspension: Option<Suspension>,
    /// Every moderator action about them, oldest first.
    pub actions: Vec<ModerationRecord>,
}

impl From<ForumReason> for recovery_core::ForumReason {
    fn from(r: ForumReason) -> Self {
        use recovery_core::ForumReason as R;
        match r {
            ForumReason::CrisisRisk => R::CrisisRisk,
            ForumReason::Harassment => R::Harassment,
            ForumReason::PersonalInformation => R::PersonalInformation,
            ForumReason::Spam => R::Spam,
            ForumReason::OffTopic => R::OffTopic,
            ForumReason::Other => R::Other,
        }
    }
}

impl From<recovery_core::ForumReason> for ForumReason {
    fn from(r: recovery_core::ForumReason) -> Self {
        use recovery_core::ForumReason as R;
        match r {
            R::CrisisRisk => ForumReason::CrisisRisk,
            R::Harassment => ForumReason::Harassment,
            R::PersonalInformation => ForumReason::PersonalInformation,
            R::Spam => ForumReason::Spam,
            R::OffTopic => ForumReason::OffTopic,
            R::Other => ForumReason::Other,
        }
    }
}

impl From<NewThread> for recovery_core::NewThread {
    fn from(t: NewThread) -> Self {
        Self {
            category: t.category,
            title: t.title,
            body: t.body,
        }
    }
}

impl From<NewFlag> for recovery_core::NewFlag {
    fn from(f: NewFlag) -> Self {
        Self {
            reason: f.reason.into(),
            note: f.note,
        }
    }
}

impl From<ModeratorNote> for recovery_core::ModeratorNote {
    fn from(n: ModeratorNote) -> Self {
        Self {
            reason: n.reason.into(),
            note: n.note,
        }
    }
}

impl From<recovery_core::PostStatus> for PostStatus {
    fn from(s: recovery_core::PostStatus) -> Self {
        use recovery_core::PostStatus as S;
        match s {
            S::Visible => PostStatus::Visible,
            S::Held => PostStatus::Held,
            S::Hidden => PostStatus::Hidden,
            S::Deleted => PostStatus::Deleted,
        }
    }
}

impl From<recovery_core::HiddenNotice> for HiddenNotice {
    fn from(h: recovery_core::HiddenNotice) -> Self {
        Self {
            by_moderator: h.by_moderator,
            reason: h.reason.map(Into::into),
            note: h.note,
        }
    }
}

impl From<recovery_core::ModeratorEditNote> for ModeratorEditNote {
    fn from(n: recovery_core::ModeratorEditNote) -> Self {
        Self {
            at: timestamp(n.at),
            note: n.note,
        }
    }
}

impl From<recovery_core::PostView> for PostView {
    fn from(p: recovery_core::PostView) -> Self {
        Self {
            id: p.id.to_string(),
            thread: p.thread.to_string(),
            author: p.author.to_string(),
            pseudonym: p.pseudonym,
            status: p.status.into(),
            body: p.body,
            hidden: p.hidden.map(Into::into),
            created_at: timestamp(p.created_at),
            edited_at: p.edited_at.map(timestamp),
            moderator_edit: p.moderator_edit.map(Into::into),
            mine: p.mine,
        }
    }
}

impl From<recovery_core::Posted> for Posted {
    fn from(p: recovery_core::Posted) -> Self {
        Self {
            post: p.post.into(),
            held: p.held,
            crisis_help: p.crisis_help.map(Into::into),
        }
    }
}

impl From<recovery_core::ThreadSummary> for ThreadSummary {
    fn from(t: recovery_core::ThreadSummary) -> Self {
        Self {
            id: t.id.to_string(),
            category: t.category,
            title: t.title,
            author: t.author.to_string(),
            pseudonym: t.pseudonym,
            created_at: timestamp(t.created_at),
            last_post_at: timestamp(t.last_post_at),
            posts: t.posts,
            locked: t.locked,
        }
    }
}

impl From<recovery_core::PostCursor> for PostCursor {
    fn from(c: recovery_core::PostCursor) -> Self {
        Self {
            created_at: timestamp(c.created_at),
            id: c.id.to_string(),
        }
    }
}

impl PostCursor {
    /// Parses the id and time.
    pub(crate) fn into_core(self) -> Result<recovery_core::PostCursor> {
        Ok(recovery_core::PostCursor {
            created_at: convert::moment("after.created_at", self.created_at)?,
            id: convert::id("after.id", &self.id)?,
        })
    }
}

impl From<recovery_core::ThreadPage> for ThreadPage {
    fn from(p: recovery_core::ThreadPage) -> Self {
        Self {
            thread: p.thread.into(),
            posts: all(p.posts),
            next: p.next.map(Into::into),
        }
    }
}

impl From<recovery_core::FlagView> for FlagView {
    fn from(f: recovery_core::FlagView) -> Self {
        Self {
            flagger: f.flagger.to_string(),
            reason: f.reason.into(),
            note: f.note,
            at: timestamp(f.at),
            cleared: f.cleared,
        }
    }
}

impl From<recovery_core::ReviewItem> for ReviewItem {
    fn from(i: recovery_core::ReviewItem) -> Self {
        Self {
            post: i.post.into(),
            thread_title: i.thread_title,
            crisis: i.crisis,
            crisis_text: i.crisis_text,
            flaggers: i.flaggers,
            flags: all(i.flags),
            since: timestamp(i.since),
        }
    }
}

impl From<recovery_core::ReviewPage> for ReviewPage {
    fn from(p: recovery_core::ReviewPage) -> Self {
        Self {
            items: all(p.items),
            next: p.next,
        }
    }
}

impl From<recovery_core::Suspension> for Suspension {
    fn from(s: recovery_core::Suspension) -> Self {
        Self {
            from: timestamp(s.from),
            until: s.until.map(timestamp),
        }
    }
}

impl From<recovery_core::ModerationAction> for ModerationAction {
    fn from(a: recovery_core::ModerationAction) -> Self {
        use recovery_core::ModerationAction as A;
        match a {
            A::Approve => ModerationAction::Approve,
            A::Hide => ModerationAction::Hide,
            A::Edit => ModerationAction::Edit,
            A::Lock => ModerationAction::Lock,
            A::Unlock => ModerationAction::Unlock,
            A::Warn => ModerationAction::Warn,
            A::Suspend { until } => ModerationAction::Suspend {
                until: until.map(timestamp),
            },
            A::Lift => ModerationAction::Lift,
        }
    }
}

impl From<recovery_core::ModerationNotice> for ModerationNotice {
    fn from(n: recovery_core::ModerationNotice) -> Self {
        Self {
            at: timestamp(n.at),
            action: n.action.into(),
            reason: n.reason.map(Into::into),
            note: n.note,
            post: n.post.map(|p| p.to_string()),
            thread: n.thread.map(|t| t.to_string()),
        }
    }
}

impl From<recovery_core::ForumStanding> for ForumStanding {
    fn from(s: recovery_core::ForumStanding) -> Self {
        Self {
            member: s.member.to_string(),
            pseudonym: s.pseudonym,
            joined_at: timestamp(s.joined_at),
            posts_held: s.posts_held,
            new_member: s.new_member,
            suspension: s.suspension.map(Into::into),
            notices: all(s.notices),
        }
    }
}

impl From<&recovery_core::ForumCategory> for ForumCategory {
    fn from(c: &recovery_core::ForumCategory) -> Self {
        Self {
            key: c.key.clone(),
            label: c.label.clone().into(),
            description: c.description.clone().into(),
        }
    }
}

impl From<recovery_core::ThreadCursor> for ThreadCursor {
    fn from(c: recovery_core::ThreadCursor) -> Self {
        Self {
            last_post_at: timestamp(c.last_post_at),
            id: c.id.to_string(),
        }
    }
}

impl ThreadCursor {
    /// Parses the id and time.
    pub(crate) fn into_core(self) -> Result<recovery_core::ThreadCursor> {
        Ok(recovery_core::ThreadCursor {
            last_post_at: convert::moment("before.last_post_at", self.last_post_at)?,
            id: convert::id("before.id", &self.id)?,
        })
    }
}

impl From<recovery_core::ThreadList> for ThreadList {
    fn from(l: recovery_core::ThreadList) -> Self {
        Self {
            threads: all(l.threads),
            next: l.next.map(Into::into),
        }
    }
}

impl From<ModeratorEdit> for recovery_core::ModeratorEdit {
    fn from(e: ModeratorEdit) -> Self {
        Self {
            body: e.body,
            title: e.title,
            note: e.note.into(),
        }
    }
}

impl From<recovery_core::Editor> for Editor {
    fn from(e: recovery_core::Editor) -> Self {
        match e {
            recovery_core::Editor::Author => Editor::Author,
            recovery_core::Editor::Moderator(person) => Editor::Moderator {
                person: person.to_string(),
            },
        }
    }
}

impl From<recovery_core::PostVersion> for PostVersion {
    fn from(v: recovery_core::PostVersion) -> Self {
        Self {
            post: v.post.to_string(),
            version: v.version,
            body: v.body,
            written_at: timestamp(v.written_at),
            replaced_at: timestamp(v.replaced_at),
            replaced_by: v.replaced_by.into(),
        }
    }
}

impl From<recovery_core::ModerationRecord> for ModerationRecord {
    fn from(r: recovery_core::ModerationRecord) -> Self {
        Self {
            id: r.id.to_string(),
            at: timestamp(r.at),
            moderator: r.moderator.to_string(),
            member: r.member.to_string(),
            action: r.action.into(),
            reason: r.reason.map(Into::into),
            note: r.note,
            post: r.post.map(|p| p.to_string()),
            thread: r.thread.map(|t| t.to_string()),
        }
    }
}

impl From<recovery_core::MemberRecord> for MemberRecord {
    fn from(m: recovery_core::MemberRecord) -> Self {
        Self {
            member: m.member.to_string(),
            pseudonym: m.pseudonym,
            joined_at: timestamp(m.joined_at),
            approved_posts: m.approved_posts,
            warnings: m.warnings,
            suspensions: m.suspensions,
            suspension: m.suspension.map(Into::into),
            actions: all(m.actions),
        }
    }
}
