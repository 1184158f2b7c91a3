//! The peer-support forum through the facade: joining under a pseudonym, threads and posts,
//! flags, and the moderators' review queue and actions.
//!
//! Members see each other only as a [`MemberId`] and a pseudonym. Moderators may read
//! everything without joining; everyone else reads and writes only as a member. Every
//! moderator action is kept in the forum's records with its note and written to the access
//! log with its reason code, about the member it concerns.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Portal, acting};
use crate::error::{DenyReason, Error, Problem, Result};
use crate::model::audit::{AccessAction, AccessEvent, Outcome};
use crate::model::forum::*;
use crate::model::ids::{MemberId, ModerationId, PostId, ThreadId};
use crate::model::people::{Actor, Person};
use crate::model::toolbox::Localized;
use crate::model::usage::{Module, UsageAction, UsageEvent};
use crate::policy::forum::{self as rules, moderation, pseudonym, rate};
use crate::policy::text::{TextKind, clean};
use crate::store::{Audience, PostQuery, ThreadQuery, Transaction};

/// The most threads, posts or review items one page holds.
pub const FORUM_PAGE_MAX: usize = 100;
/// Items per page when a query asks for 0.
pub const FORUM_PAGE_DEFAULT: usize = 50;

/// A new thread: its opening post and where it goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewThread {
    /// The category key (one of [`ForumConfig::categories`](crate::ForumConfig::categories)).
    pub category: String,
    /// The title (a one-line text).
    pub title: String,
    /// The opening post (a body).
    pub body: String,
}

/// A member's flag on a post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFlag {
    /// Why.
    pub reason: ForumReason,
    /// A word to the moderators (a one-line text, may be empty).
    pub note: String,
}

/// A moderator's reason for an action, and the note the member sees with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeratorNote {
    /// The reason code: this goes into the access log.
    pub reason: ForumReason,
    /// A note to the member (a body, may be empty): kept in the forum's records only.
    pub note: String,
}

impl ModeratorNote {
    /// A reason with a note.
    pub fn new(reason: ForumReason, note: impl Into<String>) -> Self {
        Self {
            reason,
            note: note.into(),
        }
    }
}

/// A moderator's edit of a post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeratorEdit {
    /// The new text (a body).
    pub body: String,
    /// A new thread title: only for a thread's opening post.
    pub title: Option<String>,
    /// Why, and the note shown with the post.
    pub note: ModeratorNote,
}

/// Where a post stands, as a reader sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PostStatus {
    /// Shown to everyone.
    Visible,
    /// Waiting for a moderator: shown only to its author and moderators.
    Held,
    /// Hidden: others see that a post was here, not what it said.
    Hidden,
    /// Deleted by its author: a tombstone.
    Deleted,
}

/// Why a post is hidden: for its author and moderators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiddenNotice {
    /// Hidden by a moderator (otherwise by members' flags, until a moderator looks).
    pub by_moderator: bool,
    /// The moderator's reason.
    pub reason: Option<ForumReason>,
    /// The moderator's note (empty for flags).
    pub note: String,
}

/// A post as the acting person may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostView {
    /// Its id.
    pub id: PostId,
    /// Its thread.
    pub thread: ThreadId,
    /// Its author's member id.
    pub author: MemberId,
    /// Its author's pseudonym.
    pub pseudonym: String,
    /// Where it stands.
    pub status: PostStatus,
    /// The text: `None` for a tombstone, and for a hidden post unless the reader wrote it or
    /// moderates.
    pub body: Option<String>,
    /// Why it is hidden, for its author and moderators.
    pub hidden: Option<HiddenNotice>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// The latest moderator edit and its note, shown with the post.
    pub moderator_edit: Option<ModeratorEditNote>,
    /// Whether the reader wrote it.
    pub mine: bool,
}

/// What a post call tells the author.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posted {
    /// The post as its author sees it.
    pub post: PostView,
    /// Whether it waits for a moderator before others see it.
    pub held: bool,
    /// Where help is, when the text sounded like a crisis (from
    /// [`ForumConfig::crisis_help`](crate::ForumConfig::crisis_help)).
    pub crisis_help: Option<Localized>,
}

/// A thread in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadSummary {
    /// Its id.
    pub id: ThreadId,
    /// Its category key.
    pub category: String,
    /// Its title.
    pub title: String,
    /// Who started it.
    pub author: MemberId,
    /// Their pseudonym.
    pub pseudonym: String,
    /// When it was started.
    pub created_at: DateTime<Utc>,
    /// When its newest post was written.
    pub last_post_at: DateTime<Utc>,
    /// How many posts it has (including held, hidden and deleted ones).
    pub posts: u32,
    /// Whether a moderator locked it.
    pub locked: bool,
}

/// Where the next page of threads starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadCursor {
    /// The last listed thread's newest post time.
    pub last_post_at: DateTime<Utc>,
    /// The last listed thread.
    pub id: ThreadId,
}

/// Which threads to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadListQuery {
    /// Only this category.
    pub category: Option<String>,
    /// The cursor from the previous page.
    pub before: Option<ThreadCursor>,
    /// Threads per page: 1 to 100 (0 means 50).
    pub limit: usize,
}

/// One page of threads, newest activity first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadList {
    /// The threads.
    pub threads: Vec<ThreadSummary>,
    /// Pass as [`ThreadListQuery::before`] for the next page; `None` on the last page.
    pub next: Option<ThreadCursor>,
}

/// Where the next page of a thread starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostCursor {
    /// The last listed post's time.
    pub created_at: DateTime<Utc>,
    /// The last listed post.
    pub id: PostId,
}

/// One page of a thread, oldest post first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadPage {
    /// The thread.
    pub thread: ThreadSummary,
    /// Its posts on this page.
    pub posts: Vec<PostView>,
    /// Pass to [`Portal::thread_page`] for the next page; `None` on the last page.
    pub next: Option<PostCursor>,
}

/// A flag as moderators see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagView {
    /// Who flagged.
    pub flagger: MemberId,
    /// Why.
    pub reason: ForumReason,
    /// Their note.
    pub note: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Whether an approval cleared it.
    pub cleared: bool,
}

/// A post waiting in the review queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    /// The post, with its text.
    pub post: PostView,
    /// Its thread's title.
    pub thread_title: String,
    /// Crisis text or a crisis flag: these come first.
    pub crisis: bool,
    /// Whether the text itself matched a crisis term.
    pub crisis_text: bool,
    /// Distinct members whose flags are not cleared.
    pub flaggers: u32,
    /// Every flag on it, cleared ones included.
    pub flags: Vec<FlagView>,
    /// When it entered the queue.
    pub since: DateTime<Utc>,
}

/// One page of the review queue: crisis first, then most flaggers, then longest waiting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewPage {
    /// The posts.
    pub items: Vec<ReviewItem>,
    /// Pass to [`Portal::review_queue`] for the next page; `None` on the last page.
    pub next: Option<String>,
}

/// A moderator action as the member it concerns sees it (without the moderator's id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationNotice {
    /// When.
    pub at: DateTime<Utc>,
    /// What was done.
    pub action: ModerationAction,
    /// Why.
    pub reason: Option<ForumReason>,
    /// The moderator's note.
    pub note: String,
    /// The post concerned.
    pub post: Option<PostId>,
    /// The thread concerned.
    pub thread: Option<ThreadId>,
}

/// The acting member's own standing in the forum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForumStanding {
    /// Their member id.
    pub member: MemberId,
    /// Their pseudonym.
    pub pseudonym: String,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
    /// Whether their next post will be held for review.
    pub posts_held: bool,
    /// Whether the stricter new-member limits apply.
    pub new_member: bool,
    /// The suspension in force, if any.
    pub suspension: Option<Suspension>,
    /// Moderator actions about them, oldest first.
    pub notices: Vec<ModerationNotice>,
}

/// A member as moderators see them: the pseudonym and record, never the person behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRecord {
    /// Their member id.
    pub member: MemberId,
    /// Their pseudonym.
    pub pseudonym: String,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
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

/// Who is reading: a moderator, a member, or both.
struct Reader {
    person: Person,
    member: Option<Member>,
    moderator: bool,
    audience: Audience,
}

impl Reader {
    fn member_id(&self) -> Option<MemberId> {
        self.member.as_ref().map(|m| m.id)
    }

    /// Whether the reader may see the thread at all.
    fn sees_thread(&self, thread: &Thread, opening: &PostState) -> bool {
        self.moderator
            || self.member_id() == Some(thread.author)
            || matches!(opening, PostState::Visible | PostState::Deleted { .. })
    }
}

/// Pseudonyms looked up once per call.
#[derive(Default)]
struct Pseudonyms(HashMap<MemberId, String>);

impl Pseudonyms {
    fn get(&mut self, tx: &mut dyn Transaction, id: MemberId) -> Result<String> {
        if let Some(p) = self.0.get(&id) {
            return Ok(p.clone());
        }
        let member = tx
            .member(id)?
            .ok_or_else(|| Error::not_found("forum member", id))?;
        self.0.insert(id, member.pseudonym.clone());
        Ok(member.pseudonym)
    }
}

fn page_limit(field: &'static str, limit: usize) -> Result<usize> {
    match limit {
        0 => Ok(FORUM_PAGE_DEFAULT),
        n if n <= FORUM_PAGE_MAX => Ok(n),
        _ => Err(Error::invalid(
            field,
            Problem::OutOfRange {
                min: 1,
                max: FORUM_PAGE_MAX as i64,
            },
        )),
    }
}

fn post_view(post: &Post, pseudonym: String, reader: &Reader) -> PostView {
    let mine = reader.member_id() == Some(post.author);
    let insider = mine || reader.moderator;
    let (status, hidden) = match &post.state {
        PostState::Visible => (PostStatus::Visible, None),
        PostState::Held => (PostStatus::Held, None),
        PostState::HiddenByFlags { .. } => (
            PostStatus::Hidden,
            insider.then(|| HiddenNotice {
                by_moderator: false,
                reason: None,
                note: String::new(),
            }),
        ),
        PostState::HiddenByModerator { reason, note, .. } => (
            PostStatus::Hidden,
            insider.then(|| HiddenNotice {
                by_moderator: true,
                reason: Some(*reason),
                note: note.clone(),
            }),
        ),
        PostState::Deleted { .. } => (PostStatus::Deleted, None),
    };
    let body = match status {
        PostStatus::Visible => Some(post.body.clone()),
        PostStatus::Held | PostStatus::Hidden => insider.then(|| post.body.clone()),
        PostStatus::Deleted => None,
    };
    PostView {
        id: post.id,
        thread: post.thread,
        author: post.author,
        pseudonym,
        status,
        body,
        hidden,
        created_at: post.created_at,
        edited_at: post.edited_at,
        moderator_edit: post.moderator_edit.clone(),
        mine,
    }
}

fn summary(thread: &Thread, pseudonym: String) -> ThreadSummary {
    ThreadSummary {
        id: thread.id,
        category: thread.category.clone(),
        title: thread.title.clone(),
        author: thread.author,
        pseudonym,
        created_at: thread.created_at,
        last_post_at: thread.last_post_at,
        posts: thread.posts,
        locked: thread.locked.is_some(),
    }
}

fn notice(record: ModerationRecord) -> ModerationNotice {
    ModerationNotice {
        at: record.at,
        action: record.action,
        reason: record.reason,
        note: record.note,
        post: record.post,
        thread: record.thread,
    }
}

impl Portal {
    // ----- who is acting ---------------------------------------------------------------------

    /// The acting person as a reader of the forum: a moderator, or a member.
    fn reader(&self, tx: &mut dyn Transaction, actor: &Actor) -> Result<Reader> {
        let person = acting(tx, actor)?;
        let member = tx.member_of(person.id)?;
        Self::reader_of(person, member)
    }

    fn reader_of(person: Person, member: Option<Member>) -> Result<Reader> {
        let moderator = rules::is_moderator(&person);
        let audience = match (&member, moderator) {
            (_, true) => Audience::Moderators,
            (Some(m), false) => Audience::Member(m.id),
            (None, false) => return Err(Error::PermissionDenied(DenyReason::NotAMember)),
        };
        Ok(Reader {
            person,
            member,
            moderator,
            audience,
        })
    }

    /// The acting person as a member who wants to write: not suspended.
    fn writer(&self, tx: &mut dyn Transaction, actor: &Actor) -> Result<(Reader, Member)> {
        let reader = self.reader(tx, actor)?;
        self.writer_of(reader)
    }

    fn writer_of(&self, reader: Reader) -> Result<(Reader, Member)> {
        let member = reader
            .member
            .clone()
            .ok_or(Error::PermissionDenied(DenyReason::NotAMember))?;
        if let Some(s) = member.suspended_at(self.clock.now()) {
            return Err(Error::Suspended { until: s.until });
        }
        Ok((reader, member))
    }

    /// The acting person's membership and a thread, from one read of the store: what replying
    /// and reading a thread start from.
    fn reader_and_thread(
        &self,
        tx: &mut dyn Transaction,
        actor: &Actor,
        thread: ThreadId,
    ) -> Result<(Reader, Option<Thread>, Option<PostState>)> {
        let person = acting(tx, actor)?;
        let found = tx.member_and_thread(person.id, thread)?;
        Ok((
            Self::reader_of(person, found.member)?,
            found.thread,
            found.opening,
        ))
    }

    /// The acting person, who must be a moderator.
    fn moderator(&self, tx: &mut dyn Transaction, actor: &Actor) -> Result<Reader> {
        let reader = self.reader(tx, actor).map_err(|e| match e {
            Error::PermissionDenied(_) => Error::PermissionDenied(DenyReason::WrongRole),
            other => other,
        })?;
        if !reader.moderator {
            return Err(Error::PermissionDenied(DenyReason::WrongRole));
        }
        Ok(reader)
    }

    fn check_rate(
        &self,
        tx: &mut dyn Transaction,
        member: &Member,
        action: &'static str,
    ) -> Result<()> {
        let now = self.clock.now();
        let forum = &self.config.forum;
        let (limit, times) = if action == "post" {
            let limit = rules::post_limit(member, forum, now);
            let since = rate::window_start(limit, now);
            (
                limit,
                tx.post_times(member.id, since, limit.count as usize)?,
            )
        } else {
            let limit = rules::flag_limit(member, forum, now);
            let since = rate::window_start(limit, now);
            (
                limit,
                tx.flag_times(member.id, since, limit.count as usize)?,
            )
        };
        rate::check(limit, &times, now).map_err(|retry_after_secs| Error::RateLimited {
            action,
            retry_after_secs,
        })
    }

    fn log_moderation(
        &self,
        tx: &mut dyn Transaction,
        moderator: &Person,
        record: &ModerationRecord,
    ) -> Result<()> {
        let member = tx
            .member(record.member)?
            .ok_or_else(|| Error::not_found("forum member", record.member))?;
        let action = match record.action {
            ModerationAction::Approve => AccessAction::ForumApprove,
            ModerationAction::Hide => AccessAction::ForumHide,
            ModerationAction::Edit => AccessAction::ForumEdit,
            ModerationAction::Lock => AccessAction::ForumLock,
            ModerationAction::Unlock => AccessAction::ForumUnlock,
            ModerationAction::Warn => AccessAction::ForumWarn,
            ModerationAction::Suspend { .. } => AccessAction::ForumSuspend,
            ModerationAction::Lift => AccessAction::ForumLift,
        };
        let target = record
            .post
            .map(|p| p.as_uuid())
            .or(record.thread.map(|t| t.as_uuid()))
            .unwrap_or(record.id.as_uuid());
        tx.insert_moderation(record)?;
        self.log(
            tx,
            AccessEvent {
                at: record.at,
                actor: moderator.id,
                subject: member.user,
                action,
                scope: None,
                counterpart: None,
                target: Some(target),
                level: None,
                outcome: Outcome::Allowed,
                moderation_reason: record.reason,
            },
        )
    }

    /// A moderation record about a member, at the clock's time; the caller names the post or
    /// thread it concerns.
    fn record(
        &self,
        moderator: &Person,
        member: MemberId,
        action: ModerationAction,
        reason: Option<ForumReason>,
        note: String,
    ) -> ModerationRecord {
        ModerationRecord {
            id: ModerationId::new(),
            at: self.clock.now(),
            moderator: moderator.id,
            member,
            action,
            reason,
            note,
            post: None,
            thread: None,
        }
    }

    fn clean_note(&self, field: &'static str, note: &str) -> Result<String> {
        clean(field, note, TextKind::OptionalBody, &self.config.limits)
    }

    fn forum_post(tx: &mut dyn Transaction, id: PostId) -> Result<Post> {
        tx.post(id)?
            .ok_or_else(|| Error::not_found("forum post", id))
    }

    fn forum_thread(tx: &mut dyn Transaction, id: ThreadId) -> Result<Thread> {
        tx.thread(id)?
            .ok_or_else(|| Error::not_found("forum thread", id))
    }

    fn forum_member(tx: &mut dyn Transaction, id: MemberId) -> Result<Member> {
        tx.member(id)?
            .ok_or_else(|| Error::not_found("forum member", id))
    }

    /// A thread the reader may see; NotFound otherwise, so that hidden threads do not show
    /// they exist.
    fn visible_thread(tx: &mut dyn Transaction, reader: &Reader, id: ThreadId) -> Result<Thread> {
        let thread = Self::forum_thread(tx, id)?;
        let opening = Self::forum_post(tx, thread.opening)?;
        Self::seen_thread(reader, id, Some(thread), Some(opening.state))
    }

    /// The thread `id` if it exists, its opening post exists and the reader may see it.
    fn seen_thread(
        reader: &Reader,
        id: ThreadId,
        thread: Option<Thread>,
        opening: Option<PostState>,
    ) -> Result<Thread> {
        let thread = thread.ok_or_else(|| Error::not_found("forum thread", id))?;
        let opening = opening.ok_or_else(|| Error::not_found("forum post", thread.opening))?;
        if !reader.sees_thread(&thread, &opening) {
            return Err(Error::not_found("forum thread", id));
        }
        Ok(thread)
    }

    /// A post the reader may see (held posts only to their author and moderators).
    fn visible_post(tx: &mut dyn Transaction, reader: &Reader, id: PostId) -> Result<Post> {
        let post = Self::forum_post(tx, id)?;
        let own = reader.member_id() == Some(post.author);
        if post.state == PostState::Held && !own && !reader.moderator {
            return Err(Error::not_found("forum post", id));
        }
        Self::visible_thread(tx, reader, post.thread)?;
        Ok(post)
    }

    // ----- members ---------------------------------------------------------------------------

    /// The forum's categories, in display order.
    pub fn forum_categories(&self) -> &[ForumCategory] {
        &self.config.forum.categories
    }

    /// The acting person joins the forum under a pseudonym.
    ///
    /// Service users and moderators may join; providers only when
    /// [`ForumConfig::providers_may_join`](crate::ForumConfig::providers_may_join) allows.
    /// The pseudonym follows [`policy::forum::pseudonym`](crate::policy::forum::pseudonym):
    /// one that looks like another member's is [`Problem::Taken`].
    pub fn join_forum(&self, actor: &Actor, pseudonym: &str) -> Result<ForumStanding> {
        self.write(|tx| {
            let me = acting(tx, actor)?;
            rules::may_join(&me, &self.config.forum).map_err(Error::PermissionDenied)?;
            if tx.member_of(me.id)?.is_some() {
                return Err(Error::InvalidTransition {
                    kind: "forum member",
                    from: "joined",
                    to: "joined",
                });
            }
            let checked = pseudonym::check(
                "member.pseudonym",
                pseudonym,
                &me.display_name,
                &self.config.limits,
            )?;
            if tx.member_by_key(&checked.key, &checked.shape)?.is_some() {
                return Err(Error::invalid("member.pseudonym", Problem::Taken));
            }
            let member = Member {
                id: MemberId::new(),
                user: me.id,
                pseudonym: checked.text,
                pseudonym_key: checked.key,
                pseudonym_shape: checked.shape,
                joined_at: self.clock.now(),
                approved_posts: 0,
                warnings: 0,
                suspensions: 0,
                suspension: None,
            };
            tx.insert_member(&member)?;
            self.standing(tx, member)
        })
    }

    fn standing(&self, tx: &mut dyn Transaction, member: Member) -> Result<ForumStanding> {
        let now = self.clock.now();
        let forum = &self.config.forum;
        let notices = tx
            .moderation_records(member.id)?
            .into_iter()
            .map(notice)
            .collect();
        Ok(ForumStanding {
            member: member.id,
            posts_held: rules::posts_are_held(&member, forum),
            new_member: rules::is_new(&member, forum, now),
            suspension: member.suspended_at(now).copied(),
            pseudonym: member.pseudonym,
            joined_at: member.joined_at,
            notices,
        })
    }

    /// The acting member's standing: pseudonym, whether posts are held, any suspension, and
    /// every moderator action about them.
    pub fn forum_standing(&self, actor: &Actor) -> Result<ForumStanding> {
        self.read(|tx| {
            let me = acting(tx, actor)?;
            let member = tx
                .member_of(me.id)?
                .ok_or(Error::PermissionDenied(DenyReason::NotAMember))?;
            self.standing(tx, member)
        })
    }

    // ----- writing ---------------------------------------------------------------------------

    /// Builds, scans and stores a new post by `member` in `thread` (already inserted).
    fn add_post(
        &self,
        tx: &mut dyn Transaction,
        (reader, member): (&Reader, &Member),
        thread: &mut Thread,
        id: PostId,
        body: String,
        scanned_title: &str,
    ) -> Result<Posted> {
        let now = self.clock.now();
        let crisis = self.crisis.matches_any(&[scanned_title, &body]);
        let mut post = Post {
            id,
            thread: thread.id,
            author: member.id,
            body,
            state: PostState::Visible,
            created_at: now,
            edited_at: None,
            moderator_edit: None,
            version: 1,
            crisis_text: crisis,
            review: None,
        };
        // Moderators' own posts are never held.
        let held = !reader.moderator && rules::posts_are_held(member, &self.config.forum);
        if held {
            moderation::hold(&mut post, now);
        } else if crisis {
            moderation::queue_for_crisis(&mut post, now);
        }
        tx.insert_post(&post)?;
        let person = &reader.person;
        let posted = UsageEvent::new(
            now,
            person.id,
            person.role,
            Module::Forum,
            UsageAction::Post,
        );
        self.note_event(tx, posted)?;
        thread.last_post_at = now;
        thread.posts = thread.posts.saturating_add(1);
        tx.update_thread(thread)?;
        Ok(Posted {
            post: post_view(&post, member.pseudonym.clone(), reader),
            held,
            crisis_help: crisis.then(|| self.config.forum.crisis_help.clone()),
        })
    }

    /// The acting member starts a thread with its opening post.
    ///
    /// A new member's post is held for review; a post that sounds like a crisis goes to the
    /// top of the review queue and the answer carries where help is.
    pub fn start_thread(&self, actor: &Actor, new: NewThread) -> Result<(ThreadSummary, Posted)> {
        let limits = &self.config.limits;
        let title = clean("thread.title", &new.title, TextKind::Title, limits)?;
        let body = clean("thread.body", &new.body, TextKind::Body, limits)?;
        if !self
            .config
            .forum
            .categories
            .iter()
            .any(|c| c.key == new.category)
        {
            return Err(Error::invalid("thread.category", Problem::Unknown));
        }
        self.write(|tx| {
            let (reader, member) = self.writer(tx, actor)?;
            self.check_rate(tx, &member, "post")?;
            let now = self.clock.now();
            let opening = PostId::new();
            let mut thread = Thread {
                id: ThreadId::new(),
                category: new.category,
                title,
                author: member.id,
                opening,
                created_at: now,
                last_post_at: now,
                posts: 0,
                locked: None,
            };
            tx.insert_thread(&thread)?;
            let title = thread.title.clone();
            let posted =
                self.add_post(tx, (&reader, &member), &mut thread, opening, body, &title)?;
            Ok((summary(&thread, member.pseudonym.clone()), posted))
        })
    }

    /// The acting member replies in a thread. Locked threads take replies from moderators
    /// only.
    pub fn reply(&self, actor: &Actor, thread: ThreadId, body: &str) -> Result<Posted> {
        let body = clean("post.body", body, TextKind::Body, &self.config.limits)?;
        self.write(|tx| {
            let id = thread;
            let (reader, thread, opening) = self.reader_and_thread(tx, actor, id)?;
            let (reader, member) = self.writer_of(reader)?;
            let mut thread = Self::seen_thread(&reader, id, thread, opening)?;
            if thread.locked.is_some() && !reader.moderator {
                return Err(Error::ThreadLocked {
                    thread: thread.id.to_string(),
                });
            }
            self.check_rate(tx, &member, "post")?;
            self.add_post(tx, (&reader, &member), &mut thread, PostId::new(), body, "")
        })
    }

    /// The author edits their post within the edit window. The earlier text is kept for
    /// moderators; a text that now sounds like a crisis goes to the review queue.
    pub fn edit_post(&self, actor: &Actor, post: PostId, body: &str) -> Result<Posted> {
        let body = clean("post.body", body, TextKind::Body, &self.config.limits)?;
        self.write(|tx| {
            let (reader, member) = self.writer(tx, actor)?;
            let mut post = Self::visible_post(tx, &reader, post)?;
            if post.author != member.id {
                return Err(Error::PermissionDenied(DenyReason::OwnerOnly));
            }
            let now = self.clock.now();
            moderation::check_author_edit(&post, self.config.forum.edit_window_minutes, now)?;
            tx.insert_post_version(&PostVersion {
                post: post.id,
                version: post.version,
                body: std::mem::replace(&mut post.body, body),
                written_at: post.edited_at.unwrap_or(post.created_at),
                replaced_at: now,
                replaced_by: Editor::Author,
            })?;
            post.version = post.version.saturating_add(1);
            post.edited_at = Some(now);
            post.crisis_text = self.crisis.matches(&post.body);
            if post.crisis_text {
                moderation::queue_for_crisis(&mut post, now);
            }
            tx.update_post(&post)?;
            Ok(Posted {
                held: post.state == PostState::Held,
                crisis_help: post
                    .crisis_text
                    .then(|| self.config.forum.crisis_help.clone()),
                post: post_view(&post, member.pseudonym.clone(), &reader),
            })
        })
    }

    /// The author deletes their post: its text and earlier versions are erased, a tombstone
    /// stays in the thread. Allowed while suspended and after the edit window.
    pub fn delete_post(&self, actor: &Actor, post: PostId) -> Result<PostView> {
        self.write(|tx| {
            let reader = self.reader(tx, actor)?;
            let mut post = Self::visible_post(tx, &reader, post)?;
            let Some(member) = reader.member.as_ref().filter(|m| m.id == post.author) else {
                return Err(Error::PermissionDenied(DenyReason::OwnerOnly));
            };
            moderation::delete(&mut post, self.clock.now())?;
            tx.delete_post_versions(post.id)?;
            tx.update_post(&post)?;
            Ok(post_view(&post, member.pseudonym.clone(), &reader))
        })
    }

    /// The acting member flags a post, once, with a reason. A crisis flag puts the post at the
    /// top of the review queue; when distinct members' flags reach the threshold, the post is
    /// hidden until a moderator looks.
    pub fn flag_post(&self, actor: &Actor, post: PostId, flag: NewFlag) -> Result<()> {
        let note = clean(
            "flag.note",
            &flag.note,
            TextKind::OptionalTitle,
            &self.config.limits,
        )?;
        self.write(|tx| {
            let (reader, member) = self.writer(tx, actor)?;
            let mut post = Self::visible_post(tx, &reader, post)?;
            let mut flags = tx.flags(post.id)?;
            moderation::check_flag(&post, member.id, &flags)?;
            self.check_rate(tx, &member, "flag")?;
            let now = self.clock.now();
            let new = Flag {
                post: post.id,
                flagger: member.id,
                reason: flag.reason,
                note,
                at: now,
                cleared: false,
            };
            tx.insert_flag(&new)?;
            flags.push(new);
            moderation::apply_flag(&mut post, &flags, self.config.forum.flag_threshold, now);
            tx.update_post(&post)?;
            Ok(())
        })
    }

    // ----- reading ---------------------------------------------------------------------------

    /// Threads, newest activity first, as the acting member or moderator may see them.
    pub fn threads(&self, actor: &Actor, query: ThreadListQuery) -> Result<ThreadList> {
        let limit = page_limit("threads.limit", query.limit)?;
        if let Some(category) = &query.category {
            if !self
                .config
                .forum
                .categories
                .iter()
                .any(|c| &c.key == category)
            {
                return Err(Error::invalid("threads.category", Problem::Unknown));
            }
        }
        self.read(|tx| {
            let reader = self.reader(tx, actor)?;
            let mut threads = tx.threads(&ThreadQuery {
                category: query.category,
                audience: reader.audience,
                before: query.before.map(|c| (c.last_post_at, c.id)),
                limit: limit + 1,
            })?;
            let next = if threads.len() > limit {
                threads.truncate(limit);
                threads.last().map(|t| ThreadCursor {
                    last_post_at: t.last_post_at,
                    id: t.id,
                })
            } else {
                None
            };
            let mut names = Pseudonyms::default();
            let threads = threads
                .iter()
                .map(|t| Ok(summary(t, names.get(tx, t.author)?)))
                .collect::<Result<_>>()?;
            Ok(ThreadList { threads, next })
        })
    }

    /// One page of a thread, oldest post first: `limit` posts (1 to 100, 0 means 50) after
    /// `after`. Held posts show only to their author and moderators; hidden posts show as
    /// placeholders; deleted ones as tombstones.
    pub fn thread_page(
        &self,
        actor: &Actor,
        thread: ThreadId,
        after: Option<PostCursor>,
        limit: usize,
    ) -> Result<ThreadPage> {
        let limit = page_limit("thread_page.limit", limit)?;
        self.read(|tx| {
            let id = thread;
            let (reader, thread, opening) = self.reader_and_thread(tx, actor, id)?;
            let thread = Self::seen_thread(&reader, id, thread, opening)?;
            let mut posts = tx.posts_with_pseudonyms(&PostQuery {
                thread: thread.id,
                audience: reader.audience,
                after: after.map(|c| (c.created_at, c.id)),
                limit: limit + 1,
            })?;
            let next = if posts.len() > limit {
                posts.truncate(limit);
                posts.last().map(|(p, _)| PostCursor {
                    created_at: p.created_at,
                    id: p.id,
                })
            } else {
                None
            };
            // The thread's author is usually on its first page already.
            let author = match posts.iter().find(|(p, _)| p.author == thread.author) {
                Some((_, name)) => name.clone(),
                None => Self::forum_member(tx, thread.author)?.pseudonym,
            };
            let posts = posts
                .into_iter()
                .map(|(p, name)| post_view(&p, name, &reader))
                .collect();
            let thread = summary(&thread, author);
            Ok(ThreadPage {
                thread,
                posts,
                next,
            })
        })
    }

    // ----- moderating ------------------------------------------------------------------------

    /// The review queue, for moderators: crisis first, then by number of distinct flaggers,
    /// then oldest first. `after` is the previous page's [`ReviewPage::next`].
    pub fn review_queue(
        &self,
        actor: &Actor,
        after: Option<&str>,
        limit: usize,
    ) -> Result<ReviewPage> {
        let limit = page_limit("review_queue.limit", limit)?;
        self.read(|tx| {
            let reader = self.moderator(tx, actor)?;
            let mut queued = tx.review_queue(after, limit + 1)?;
            let more = queued.len() > limit;
            queued.truncate(limit);
            let next = more
                .then(|| {
                    queued
                        .last()
                        .and_then(|q| q.post.review.map(|r| r.queue_key(q.post.id)))
                })
                .flatten();
            let mut items = Vec::with_capacity(queued.len());
            for q in queued {
                let Some(review) = q.post.review else {
                    continue;
                };
                let flags = q
                    .flags
                    .into_iter()
                    .map(|f| FlagView {
                        flagger: f.flagger,
                        reason: f.reason,
                        note: f.note,
                        at: f.at,
                        cleared: f.cleared,
                    })
                    .collect();
                items.push(ReviewItem {
                    post: post_view(&q.post, q.pseudonym, &reader),
                    thread_title: q.thread_title,
                    crisis: review.crisis,
                    crisis_text: q.post.crisis_text,
                    flaggers: review.flaggers,
                    flags,
                    since: review.since,
                });
            }
            Ok(ReviewPage { items, next })
        })
    }

    /// Every earlier version of a post, oldest first: for moderators.
    pub fn post_history(&self, actor: &Actor, post: PostId) -> Result<Vec<PostVersion>> {
        self.read(|tx| {
            self.moderator(tx, actor)?;
            let post = Self::forum_post(tx, post)?;
            Ok(tx.post_versions(post.id)?)
        })
    }

    /// A moderator approves a held, flagged, crisis-matched or hidden post: it becomes
    /// visible, leaves the queue, and the flags on it never count again.
    pub fn approve_post(&self, actor: &Actor, post: PostId) -> Result<PostView> {
        self.write(|tx| {
            let reader = self.moderator(tx, actor)?;
            let mut post = Self::forum_post(tx, post)?;
            let mut flags = tx.flags(post.id)?;
            let approval = moderation::approve(&mut post, &mut flags)?;
            let mut author = Self::forum_member(tx, post.author)?;
            if approval.was_held {
                author.approved_posts = author.approved_posts.saturating_add(1);
                tx.update_member(&author)?;
            }
            tx.clear_flags(post.id)?;
            tx.update_post(&post)?;
            let record = ModerationRecord {
                post: Some(post.id),
                thread: Some(post.thread),
                ..self.record(
                    &reader.person,
                    post.author,
                    ModerationAction::Approve,
                    None,
                    String::new(),
                )
            };
            self.log_moderation(tx, &reader.person, &record)?;
            Ok(post_view(&post, author.pseudonym, &reader))
        })
    }

    /// A moderator hides a post with a reason its author sees.
    pub fn hide_post(&self, actor: &Actor, post: PostId, why: ModeratorNote) -> Result<PostView> {
        let note = self.clean_note("hide.note", &why.note)?;
        self.write(|tx| {
            let reader = self.moderator(tx, actor)?;
            let mut post = Self::forum_post(tx, post)?;
            moderation::hide(&mut post, why.reason, note.clone(), self.clock.now())?;
            tx.update_post(&post)?;
            let record = ModerationRecord {
                post: Some(post.id),
                thread: Some(post.thread),
                ..self.record(
                    &reader.person,
                    post.author,
                    ModerationAction::Hide,
                    Some(why.reason),
                    note,
                )
            };
            self.log_moderation(tx, &reader.person, &record)?;
            let author = Self::forum_member(tx, post.author)?;
            Ok(post_view(&post, author.pseudonym, &reader))
        })
    }

    /// A moderator edits a post (and, for an opening post, the thread's title), with a note
    /// shown with the post. The earlier text is kept in the post's history.
    pub fn moderate_post(
        &self,
        actor: &Actor,
        post: PostId,
        edit: ModeratorEdit,
    ) -> Result<PostView> {
        let limits = &self.config.limits;
        let body = clean("edit.body", &edit.body, TextKind::Body, limits)?;
        let title = edit
            .title
            .as_deref()
            .map(|t| clean("edit.title", t, TextKind::Title, limits))
            .transpose()?;
        let note = self.clean_note("edit.note", &edit.note.note)?;
        self.write(|tx| {
            let reader = self.moderator(tx, actor)?;
            let mut post = Self::forum_post(tx, post)?;
            moderation::check_moderator_edit(&post)?;
            let mut thread = Self::forum_thread(tx, post.thread)?;
            if title.is_some() && thread.opening != post.id {
                return Err(Error::invalid(
                    "edit.title",
                    Problem::Inconsistent("only a thread's opening post has a title"),
                ));
            }
            let now = self.clock.now();
            tx.insert_post_version(&PostVersion {
                post: post.id,
                version: post.version,
                body: std::mem::replace(&mut post.body, body),
                written_at: post.edited_at.unwrap_or(post.created_at),
                replaced_at: now,
                replaced_by: Editor::Moderator(reader.person.id),
            })?;
            post.version = post.version.saturating_add(1);
            post.edited_at = Some(now);
            post.moderator_edit = Some(ModeratorEditNote {
                at: now,
                note: note.clone(),
            });
            post.crisis_text = self.crisis.matches(&post.body);
            tx.update_post(&post)?;
            if let Some(title) = title {
                thread.title = title;
                tx.update_thread(&thread)?;
            }
            let record = ModerationRecord {
                post: Some(post.id),
                thread: Some(post.thread),
                ..self.record(
                    &reader.person,
                    post.author,
                    ModerationAction::Edit,
                    Some(edit.note.reason),
                    note,
                )
            };
            self.log_moderation(tx, &reader.person, &record)?;
            let author = Self::forum_member(tx, post.author)?;
            Ok(post_view(&post, author.pseudonym, &reader))
        })
    }

    fn set_lock(
        &self,
        actor: &Actor,
        thread: ThreadId,
        why: Option<ModeratorNote>,
    ) -> Result<ThreadSummary> {
        let note = match &why {
            Some(w) => self.clean_note("lock.note", &w.note)?,
            None => String::new(),
        };
        self.write(|tx| {
            let reader = self.moderator(tx, actor)?;
            let mut thread = Self::forum_thread(tx, thread)?;
            let now = self.clock.now();
            let (action, reason) = match (&why, thread.locked) {
                (Some(w), None) => {
                    thread.locked = Some(Lock {
                        at: now,
                        reason: w.reason,
                    });
                    (ModerationAction::Lock, Some(w.reason))
                }
                (None, Some(_)) => {
                    thread.locked = None;
                    (ModerationAction::Unlock, None)
                }
                (_, current) => {
                    let state = if current.is_some() {
                        "locked"
                    } else {
                        "unlocked"
                    };
                    return Err(Error::InvalidTransition {
                        kind: "forum thread",
                        from: state,
                        to: state,
                    });
                }
            };
            tx.update_thread(&thread)?;
            let record = ModerationRecord {
                thread: Some(thread.id),
                ..self.record(&reader.person, thread.author, action, reason, note)
            };
            self.log_moderation(tx, &reader.person, &record)?;
            let pseudonym = Self::forum_member(tx, thread.author)?.pseudonym;
            Ok(summary(&thread, pseudonym))
        })
    }

    /// A moderator locks a thread: only moderators may post in it until it is unlocked.
    pub fn lock_thread(
        &self,
        actor: &Actor,
        thread: ThreadId,
        why: ModeratorNote,
    ) -> Result<ThreadSummary> {
        self.set_lock(actor, thread, Some(why))
    }

    /// A moderator unlocks a thread.
    pub fn unlock_thread(&self, actor: &Actor, thread: ThreadId) -> Result<ThreadSummary> {
        self.set_lock(actor, thread, None)
    }

    /// A member's record, for moderators: pseudonym, counts, suspension and every moderator
    /// action about them.
    pub fn member_record(&self, actor: &Actor, member: MemberId) -> Result<MemberRecord> {
        self.read(|tx| {
            self.moderator(tx, actor)?;
            let member = Self::forum_member(tx, member)?;
            self.member_record_of(tx, member)
        })
    }

    fn member_record_of(&self, tx: &mut dyn Transaction, member: Member) -> Result<MemberRecord> {
        Ok(MemberRecord {
            actions: tx.moderation_records(member.id)?,
            member: member.id,
            suspension: member.suspended_at(self.clock.now()).copied(),
            pseudonym: member.pseudonym,
            joined_at: member.joined_at,
            approved_posts: member.approved_posts,
            warnings: member.warnings,
            suspensions: member.suspensions,
        })
    }

    /// A moderator warns a member, with a reason and a note the member sees.
    pub fn warn_member(
        &self,
        actor: &Actor,
        member: MemberId,
        why: ModeratorNote,
    ) -> Result<MemberRecord> {
        let note = self.clean_note("warning.note", &why.note)?;
        self.write(|tx| {
            let reader = self.moderator(tx, actor)?;
            let mut member = Self::forum_member(tx, member)?;
            member.warnings = member.warnings.saturating_add(1);
            tx.update_member(&member)?;
            let record = self.record(
                &reader.person,
                member.id,
                ModerationAction::Warn,
                Some(why.reason),
                note,
            );
            self.log_moderation(tx, &reader.person, &record)?;
            self.member_record_of(tx, member)
        })
    }

    /// A moderator suspends a member, one step up the ladder
    /// ([`ForumConfig::suspension_ladder_days`](crate::ForumConfig::suspension_ladder_days)):
    /// by default two weeks, then a month, then permanently. A suspended member can read but
    /// not post, edit or flag.
    pub fn suspend_member(
        &self,
        actor: &Actor,
        member: MemberId,
        why: ModeratorNote,
    ) -> Result<Suspension> {
        let note = self.clean_note("suspension.note", &why.note)?;
        self.write(|tx| {
            let reader = self.moderator(tx, actor)?;
            let mut member = Self::forum_member(tx, member)?;
            let now = self.clock.now();
            if member.suspended_at(now).is_some() {
                return Err(Error::InvalidTransition {
                    kind: "forum member",
                    from: "suspended",
                    to: "suspended",
                });
            }
            let suspension = moderation::suspension(
                member.suspensions,
                &self.config.forum.suspension_ladder_days,
                now,
            );
            member.suspensions = member.suspensions.saturating_add(1);
            member.suspension = Some(suspension);
            tx.update_member(&member)?;
            let record = self.record(
                &reader.person,
                member.id,
                ModerationAction::Suspend {
                    until: suspension.until,
                },
                Some(why.reason),
                note,
            );
            self.log_moderation(tx, &reader.person, &record)?;
            Ok(suspension)
        })
    }

    /// A moderator lifts a member's suspension now. The ladder remembers it: the next
    /// suspension is the next step.
    pub fn lift_suspension(
        &self,
        actor: &Actor,
        member: MemberId,
        note: &str,
    ) -> Result<MemberRecord> {
        let note = self.clean_note("lift.note", note)?;
        self.write(|tx| {
            let reader = self.moderator(tx, actor)?;
            let mut member = Self::forum_member(tx, member)?;
            if member.suspended_at(self.clock.now()).is_none() {
                return Err(Error::InvalidTransition {
                    kind: "forum member",
                    from: "active",
                    to: "active",
                });
            }
            member.suspension = None;
            tx.update_member(&member)?;
            let record = self.record(
                &reader.person,
                member.id,
                ModerationAction::Lift,
                None,
                note,
            );
            self.log_moderation(tx, &reader.person, &record)?;
            self.member_record_of(tx, member)
        })
    }
}
