//! Storage of the forum: members, threads, posts with their earlier versions, flags and the
//! moderators' records.

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::model::forum::{Flag, Member, ModerationRecord, Post, PostState, PostVersion, Thread};
use crate::model::ids::{MemberId, PostId, ThreadId, UserId};

/// Whose view of the forum a listing is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Moderators: every thread and every post.
    Moderators,
    /// A member: threads whose opening post is visible or deleted, and posts that are not
    /// held, plus everything of their own.
    Member(MemberId),
}

/// Which threads to list, by `last_post_at` then id, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadQuery {
    /// Only threads in this category.
    pub category: Option<String>,
    /// Whose view.
    pub audience: Audience,
    /// Only threads strictly before this `(last_post_at, id)`: the keyset cursor.
    pub before: Option<(DateTime<Utc>, ThreadId)>,
    /// At most this many threads.
    pub limit: usize,
}

impl ThreadQuery {
    /// Whether a thread matches, given the state of its opening post (ordering and limit
    /// aside; used by the memory store and by tests).
    pub fn matches(&self, thread: &Thread, opening: &PostState) -> bool {
        self.category.as_ref().is_none_or(|c| &thread.category == c)
            && self
                .before
                .is_none_or(|cursor| (thread.last_post_at, thread.id) < cursor)
            && match self.audience {
                Audience::Moderators => true,
                Audience::Member(m) => {
                    thread.author == m
                        || matches!(opening, PostState::Visible | PostState::Deleted { .. })
                }
            }
    }
}

/// Which posts of a thread to list, by `created_at` then id, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostQuery {
    /// The thread.
    pub thread: ThreadId,
    /// Whose view.
    pub audience: Audience,
    /// Only posts strictly after this `(created_at, id)`: the keyset cursor.
    pub after: Option<(DateTime<Utc>, PostId)>,
    /// At most this many posts.
    pub limit: usize,
}

impl PostQuery {
    /// Whether a post matches (ordering and limit aside; used by the memory store and tests).
    pub fn matches(&self, post: &Post) -> bool {
        post.thread == self.thread
            && self
                .after
                .is_none_or(|cursor| (post.created_at, post.id) > cursor)
            && match self.audience {
                Audience::Moderators => true,
                Audience::Member(m) => post.author == m || post.state != PostState::Held,
            }
    }
}

/// A post in the review queue with what a moderator needs beside it, read in one go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedPost {
    /// The post.
    pub post: Post,
    /// Its author's pseudonym.
    pub pseudonym: String,
    /// Its thread's title.
    pub thread_title: String,
    /// Every flag on it, oldest first (by `at`, then flagger).
    pub flags: Vec<Flag>,
}

/// A person's membership and a thread with the state of its opening post: what a member's
/// read or write in a thread starts from, read in one go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberAndThread {
    /// The person's membership, if they joined.
    pub member: Option<Member>,
    /// The thread, if it exists.
    pub thread: Option<Thread>,
    /// The state of the thread's opening post, if the thread and that post exist.
    pub opening: Option<PostState>,
}

/// The forum.
pub trait ForumTx {
    /// Adds a member. [`StoreError::Conflict`] if the id exists, the person is a member
    /// already, or another member has the same `pseudonym_key` or `pseudonym_shape`.
    fn insert_member(&mut self, member: &Member) -> Result<(), StoreError>;
    /// Replaces a member's standing (counts and suspension). [`StoreError::Conflict`] unless
    /// the member exists with the same person, pseudonym, key and shape.
    fn update_member(&mut self, member: &Member) -> Result<(), StoreError>;
    /// A member by id.
    fn member(&mut self, id: MemberId) -> Result<Option<Member>, StoreError>;
    /// A person's membership, if they joined.
    fn member_of(&mut self, user: UserId) -> Result<Option<Member>, StoreError>;
    /// The member whose `pseudonym_key` is `key` or whose `pseudonym_shape` is `shape`, if any
    /// (the first by id if two match).
    fn member_by_key(&mut self, key: &str, shape: &str) -> Result<Option<Member>, StoreError>;

    /// Adds a thread. [`StoreError::Conflict`] if the id exists. The opening post is
    /// inserted after it, in the same transaction.
    fn insert_thread(&mut self, thread: &Thread) -> Result<(), StoreError>;
    /// Replaces a thread's title, last post time, post count and lock.
    /// [`StoreError::Conflict`] unless it exists with the same category, author, opening post
    /// and creation time.
    fn update_thread(&mut self, thread: &Thread) -> Result<(), StoreError>;
    /// A thread by id.
    fn thread(&mut self, id: ThreadId) -> Result<Option<Thread>, StoreError>;
    /// The threads that match, newest activity first.
    fn threads(&mut self, query: &ThreadQuery) -> Result<Vec<Thread>, StoreError>;
    /// A person's membership and a thread with its opening post's state. The default asks
    /// [`member_of`](Self::member_of), [`thread`](Self::thread) and [`post`](Self::post); a
    /// store that can answer in one query should (the SQLite store does: replying and reading
    /// a thread start here).
    fn member_and_thread(
        &mut self,
        user: UserId,
        thread: ThreadId,
    ) -> Result<MemberAndThread, StoreError> {
        let member = self.member_of(user)?;
        let thread = self.thread(thread)?;
        let opening = match &thread {
            Some(t) => self.post(t.opening)?.map(|p| p.state),
            None => None,
        };
        Ok(MemberAndThread {
            member,
            thread,
            opening,
        })
    }

    /// Adds a post. [`StoreError::Conflict`] if the id exists or its thread does not.
    fn insert_post(&mut self, post: &Post) -> Result<(), StoreError>;
    /// Replaces a post's text, state, edit facts and review state. [`StoreError::Conflict`]
    /// unless it exists with the same thread, author and creation time.
    fn update_post(&mut self, post: &Post) -> Result<(), StoreError>;
    /// A post by id.
    fn post(&mut self, id: PostId) -> Result<Option<Post>, StoreError>;
    /// The posts of a thread that match, oldest first.
    fn posts(&mut self, query: &PostQuery) -> Result<Vec<Post>, StoreError>;
    /// The posts of a thread that match, oldest first, each with its author's pseudonym.
    /// [`StoreError::Corrupt`] if an author is missing. The default asks
    /// [`posts`](Self::posts) and then [`member`](Self::member) once per author; a store that
    /// can join them should (the SQLite store does: a thread page is this one read).
    fn posts_with_pseudonyms(
        &mut self,
        query: &PostQuery,
    ) -> Result<Vec<(Post, String)>, StoreError> {
        let posts = self.posts(query)?;
        let mut names: std::collections::HashMap<MemberId, String> =
            std::collections::HashMap::new();
        let mut out = Vec::with_capacity(posts.len());
        for post in posts {
            let name = match names.get(&post.author) {
                Some(name) => name.clone(),
                None => {
                    let member = self
                        .member(post.author)?
                        .ok_or_else(|| StoreError::Corrupt {
                            detail: format!("post {}: its author is missing", post.id),
                        })?;
                    names.insert(post.author, member.pseudonym.clone());
                    member.pseudonym
                }
            };
            out.push((post, name));
        }
        Ok(out)
    }
    /// When the member wrote their newest posts at or after `since`, newest first, at most
    /// `limit` (for rate limits).
    fn post_times(
        &mut self,
        author: MemberId,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DateTime<Utc>>, StoreError>;
    /// The review queue: posts with a [`Review`](crate::model::forum::Review), ordered by
    /// [`Review::queue_key`](crate::model::forum::Review::queue_key), only those whose key is
    /// greater than `after`, at most `limit`, each with its author's pseudonym, its thread's
    /// title and its flags. [`StoreError::Corrupt`] if a post's author or thread is missing.
    fn review_queue(
        &mut self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<QueuedPost>, StoreError>;

    /// Keeps an earlier version of a post. [`StoreError::Conflict`] if that version of the
    /// post is already kept or the post does not exist.
    fn insert_post_version(&mut self, version: &PostVersion) -> Result<(), StoreError>;
    /// A post's earlier versions, oldest first.
    fn post_versions(&mut self, post: PostId) -> Result<Vec<PostVersion>, StoreError>;
    /// Erases a post's earlier versions (its author deleted it); returns how many there were.
    fn delete_post_versions(&mut self, post: PostId) -> Result<usize, StoreError>;

    /// Adds a flag. [`StoreError::Conflict`] if this member already flagged this post, or the
    /// post does not exist.
    fn insert_flag(&mut self, flag: &Flag) -> Result<(), StoreError>;
    /// The flags on a post, oldest first (by `at`, then flagger).
    fn flags(&mut self, post: PostId) -> Result<Vec<Flag>, StoreError>;
    /// Marks every flag on a post cleared; returns how many were not cleared before.
    fn clear_flags(&mut self, post: PostId) -> Result<usize, StoreError>;
    /// When the member flagged posts at or after `since`, newest first, at most `limit` (for
    /// rate limits).
    fn flag_times(
        &mut self,
        flagger: MemberId,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DateTime<Utc>>, StoreError>;

    /// Records a moderator action. [`StoreError::Conflict`] if the id exists.
    fn insert_moderation(&mut self, record: &ModerationRecord) -> Result<(), StoreError>;
    /// The moderator actions concerning a member, oldest first (by `at`, then id).
    fn moderation_records(&mut self, member: MemberId)
    -> Result<Vec<ModerationRecord>, StoreError>;
}
