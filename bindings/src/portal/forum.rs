//! The peer-support forum: joining, threads, replies, flags and moderation.

use super::Portal;
use crate::convert::{self, Result};
use crate::model::forum::*;

#[uniffi::export]
impl Portal {
    /// The acting person joins the forum under a pseudonym (not their name, no contact
    /// details). Service users and moderators may join; providers only if the config allows.
    pub fn join_forum(&self, actor: String, pseudonym: String) -> Result<ForumStanding> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.join_forum(&actor, &pseudonym)?.into())
    }

    /// The acting member's standing: pseudonym, whether their posts are held, any suspension,
    /// and moderators' notices.
    pub fn forum_standing(&self, actor: String) -> Result<ForumStanding> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.forum_standing(&actor)?.into())
    }

    /// Starts a thread with its opening post (held for approval while the member is new).
    pub fn start_thread(&self, actor: String, new: NewThread) -> Result<StartedThread> {
        let actor = convert::actor(&actor)?;
        let (thread, posted) = self.inner.start_thread(&actor, new.into())?;
        Ok(StartedThread {
            thread: thread.into(),
            posted: posted.into(),
        })
    }

    /// Replies in a thread.
    pub fn reply(&self, actor: String, thread: String, body: String) -> Result<Posted> {
        let actor = convert::actor(&actor)?;
        let thread = convert::id("thread", &thread)?;
        Ok(self.inner.reply(&actor, thread, &body)?.into())
    }

    /// Flags a post for the moderators; enough members' flags hide it until one reviews it.
    pub fn flag_post(&self, actor: String, post: String, flag: NewFlag) -> Result<()> {
        let actor = convert::actor(&actor)?;
        let post = convert::id("post", &post)?;
        Ok(self.inner.flag_post(&actor, post, flag.into())?)
    }

    /// One page of a thread, oldest first: posts after `after` (none: from the start), at most
    /// `limit` (0: the default of 50; at most 100).
    #[uniffi::method(default(after = None, limit = 0))]
    pub fn thread_page(
        &self,
        actor: String,
        thread: String,
        after: Option<PostCursor>,
        limit: u32,
    ) -> Result<ThreadPage> {
        let actor = convert::actor(&actor)?;
        let thread = convert::id("thread", &thread)?;
        let after = after.map(PostCursor::into_core).transpose()?;
        Ok(self
            .inner
            .thread_page(&actor, thread, after, convert::limit(limit))?
            .into())
    }

    /// For moderators: posts waiting for review, most urgent first.
    #[uniffi::method(default(after = None, limit = 0))]
    pub fn review_queue(
        &self,
        actor: String,
        after: Option<String>,
        limit: u32,
    ) -> Result<ReviewPage> {
        let actor = convert::actor(&actor)?;
        Ok(self
            .inner
            .review_queue(&actor, after.as_deref(), convert::limit(limit))?
            .into())
    }

    /// For moderators: approves a held or hidden post, which becomes visible.
    pub fn approve_post(&self, actor: String, post: String) -> Result<PostView> {
        let actor = convert::actor(&actor)?;
        let post = convert::id("post", &post)?;
        Ok(self.inner.approve_post(&actor, post)?.into())
    }

    /// For moderators: hides a post, telling its author why.
    pub fn hide_post(&self, actor: String, post: String, why: ModeratorNote) -> Result<PostView> {
        let actor = convert::actor(&actor)?;
        let post = convert::id("post", &post)?;
        Ok(self.inner.hide_post(&actor, post, why.into())?.into())
    }

    /// For moderators: suspends a member from posting, for the next step of the ladder.
    pub fn suspend_member(
        &self,
        actor: String,
        member: String,
        why: ModeratorNote,
    ) -> Result<Suspension> {
        let actor = convert::actor(&actor)?;
        let member = convert::id("member", &member)?;
        Ok(self
            .inner
            .suspend_member(&actor, member, why.into())?
            .into())
    }

    /// The forum's categories, in display order.
    pub fn forum_categories(&self) -> Vec<ForumCategory> {
        self.inner
            .forum_categories()
            .iter()
            .map(Into::into)
            .collect()
    }

    /// Threads, newest activity first: only `category` if given, those before `before` (none:
    /// from the newest), at most `limit` (0: the default of 50; at most 100).
    #[uniffi::method(default(category = None, before = None, limit = 0))]
    pub fn threads(
        &self,
        actor: String,
        category: Option<String>,
        before: Option<ThreadCursor>,
        limit: u32,
    ) -> Result<ThreadList> {
        let actor = convert::actor(&actor)?;
        let before = before.map(ThreadCursor::into_core).transpose()?;
        let query = recovery_core::ThreadListQuery {
            category,
            before,
            limit: convert::limit(limit),
        };
        Ok(self.inner.threads(&actor, query)?.into())
    }

    /// The author edits their post within the edit window; moderators keep the earlier text.
    pub fn edit_post(&self, actor: String, post: String, body: String) -> Result<Posted> {
        let actor = convert::actor(&actor)?;
        let post = convert::id("post", &post)?;
        Ok(self.inner.edit_post(&actor, post, &body)?.into())
    }

    /// The author deletes their post: its text and earlier versions are erased, a tombstone
    /// stays in the thread.
    pub fn delete_post(&self, actor: String, post: String) -> Result<PostView> {
        let actor = convert::actor(&actor)?;
        let post = convert::id("post", &post)?;
        Ok(self.inner.delete_post(&actor, post)?.into())
    }

    /// For moderators: every earlier version of a post, oldest first.
    pub fn post_history(&self, actor: String, post: String) -> Result<Vec<PostVersion>> {
        let actor = convert::actor(&actor)?;
        let post = convert::id("post", &post)?;
        Ok(convert::all(self.inner.post_history(&actor, post)?))
    }

    /// For moderators: edits a post (and an opening post's thread title) with a note shown
    /// with it; the earlier text is kept in the post's history.
    pub fn moderate_post(
        &self,
        actor: String,
        post: String,
        edit: ModeratorEdit,
    ) -> Result<PostView> {
        let actor = convert::actor(&actor)?;
        let post = convert::id("post", &post)?;
        Ok(self.inner.moderate_post(&actor, post, edit.into())?.into())
    }

    /// For moderators: locks a thread, so that only moderators may post in it.
    pub fn lock_thread(
        &self,
        actor: String,
        thread: String,
        why: ModeratorNote,
    ) -> Result<ThreadSummary> {
        let actor = convert::actor(&actor)?;
        let thread = convert::id("thread", &thread)?;
        Ok(self.inner.lock_thread(&actor, thread, why.into())?.into())
    }

    /// For moderators: unlocks a thread.
    pub fn unlock_thread(&self, actor: String, thread: String) -> Result<ThreadSummary> {
        let actor = convert::actor(&actor)?;
        let thread = convert::id("thread", &thread)?;
        Ok(self.inner.unlock_thread(&actor, thread)?.into())
    }

    /// For moderators: a member's record (pseudonym, counts, suspension, every moderator
    /// action about them), never the person behind the pseudonym.
    pub fn member_record(&self, actor: String, member: String) -> Result<MemberRecord> {
        let actor = convert::actor(&actor)?;
        let member = convert::id("member", &member)?;
        Ok(self.inner.member_record(&actor, member)?.into())
    }

    /// For moderators: warns a member, with a reason and a note the member sees.
    pub fn warn_member(
        &self,
        actor: String,
        member: String,
        why: ModeratorNote,
    ) -> Result<MemberRecord> {
        let actor = convert::actor(&actor)?;
        let member = convert::id("member", &member)?;
        Ok(self.inner.warn_member(&actor, member, why.into())?.into())
    }

    /// For moderators: lifts a member's suspension now; the next suspension is still the next
    /// step of the ladder.
    #[uniffi::method(default(note = ""))]
    pub fn lift_suspension(
        &self,
        actor: String,
        member: String,
        note: String,
    ) -> Result<MemberRecord> {
        let actor = convert::actor(&actor)?;
        let member = convert::id("member", &member)?;
        Ok(self.inner.lift_suspension(&actor, member, &note)?.into())
    }
}
