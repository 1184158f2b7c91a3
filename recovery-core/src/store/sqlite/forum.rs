//! The forum (`004_forum.sql`): members, threads, posts with their earlier versions, flags and
//! moderator actions.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};

use super::encoding::{optional_uuid_at, time_bound, time_from_sql, time_to_sql, uuid_at};
use super::error::{about, store_error, updated_one};
use super::transaction::SqliteTx;
use crate::model::forum::{
    Editor, Flag, ForumReason, Lock, Member, ModerationAction, ModerationRecord, ModeratorEditNote,
    Post, PostState, PostVersion, Review, Suspension, Thread,
};
use crate::model::ids::{MemberId, ModerationId, PostId, ThreadId, UserId};
use crate::store::{
    Audience, ForumTx, MemberAndThread, PostQuery, QueuedPost, StoreError, ThreadQuery,
};

const MEMBER_COLUMNS: &str = "id, person, pseudonym, pseudonym_key, pseudonym_shape, joined_at, \
                              approved_posts, warnings, suspensions, suspended_from, \
                              suspended_until";

/// A new member; the UNIQUE constraints refuse a second membership or a taken key.
pub(super) const INSERT_MEMBER: &str = "\
    INSERT INTO forum_members (id, person, pseudonym, pseudonym_key, pseudonym_shape, joined_at, \
                               approved_posts, warnings, suspensions, suspended_from, \
                               suspended_until) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

/// A member's new standing; person, pseudonym, key and shape never change.
pub(super) const UPDATE_MEMBER: &str = "\
    UPDATE forum_members SET joined_at = ?6, approved_posts = ?7, warnings = ?8, \
                             suspensions = ?9, suspended_from = ?10, suspended_until = ?11 \
    WHERE id = ?1 AND person = ?2 AND pseudonym = ?3 AND pseudonym_key = ?4 \
      AND pseudonym_shape = ?5";

/// The member with a key or a shape, through the two UNIQUE indexes.
pub(super) const MEMBER_BY_KEY: &str = "\
    SELECT id, person, pseudonym, pseudonym_key, pseudonym_shape, joined_at, approved_posts, \
           warnings, suspensions, suspended_from, suspended_until \
    FROM forum_members WHERE pseudonym_key = ?1 OR pseudonym_shape = ?2 ORDER BY id LIMIT 1";

const THREAD_COLUMNS: &str = "t.id, t.category, t.title, t.author, t.opening, t.created_at, \
                              t.last_post_at, t.posts, t.locked_at, t.locked_reason";

/// A new thread.
pub(super) const INSERT_THREAD: &str = "\
    INSERT INTO forum_threads (id, category, title, author, opening, created_at, last_post_at, \
                               posts, locked_at, locked_reason) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

/// A thread's new title, activity and lock; the rest never changes.
pub(super) const UPDATE_THREAD: &str = "\
    UPDATE forum_threads SET title = ?3, last_post_at = ?7, posts = ?8, locked_at = ?9, \
                             locked_reason = ?10 \
    WHERE id = ?1 AND category = ?2 AND author = ?4 AND opening = ?5 AND created_at = ?6";

/// A person's membership, a thread and its opening post's state in one statement: each joined
/// by a unique key (`person`, then the two primary keys), any of them possibly missing.
pub(super) const MEMBER_AND_THREAD: &str = "\
    SELECT m.id, m.person, m.pseudonym, m.pseudonym_key, m.pseudonym_shape, m.joined_at, \
           m.approved_posts, m.warnings, m.suspensions, m.suspended_from, m.suspended_until, \
           t.id, t.category, t.title, t.author, t.opening, t.created_at, t.last_post_at, \
           t.posts, t.locked_at, t.locked_reason, \
           o.id, o.state, o.state_at, o.hidden_reason, o.hidden_note \
    FROM (SELECT 1) AS one \
    LEFT JOIN forum_members AS m ON m.person = ?1 \
    LEFT JOIN forum_threads AS t ON t.id = ?2 \
    LEFT JOIN forum_posts AS o ON o.id = t.opening";

const POST_COLUMNS: &str = "id, thread, author, body, state, state_at, hidden_reason, \
                            hidden_note, created_at, edited_at, moderator_edit_at, \
                            moderator_edit_note, version, crisis_text, review_crisis, \
                            review_flaggers, review_since";

/// A new post; the foreign key refuses a post in a thread that does not exist.
pub(super) const INSERT_POST: &str = "\
    INSERT INTO forum_posts (id, thread, author, body, state, state_at, hidden_reason, \
                             hidden_note, created_at, edited_at, moderator_edit_at, \
                             moderator_edit_note, version, crisis_text, review_crisis, \
                             review_flaggers, review_since, review_key) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";

/// A post's new text, state and review; its thread, author and time never change.
pub(super) const UPDATE_POST: &str = "\
    UPDATE forum_posts SET body = ?4, state = ?5, state_at = ?6, hidden_reason = ?7, \
                           hidden_note = ?8, edited_at = ?10, moderator_edit_at = ?11, \
                           moderator_edit_note = ?12, version = ?13, crisis_text = ?14, \
                           review_crisis = ?15, review_flaggers = ?16, review_since = ?17, \
                           review_key = ?18 \
    WHERE id = ?1 AND thread = ?2 AND author = ?3 AND created_at = ?9";

/// A member's newest posts since a time (rate limits), through `forum_posts_by_author`.
pub(super) const POST_TIMES: &str = "\
    SELECT created_at FROM forum_posts WHERE author = ?1 AND created_at >= ?2 \
    ORDER BY created_at DESC LIMIT ?3";

/// One page of the review queue, through the partial index `forum_posts_review_queue`, with
/// each post's author and thread joined by primary key. Every key is greater than the empty
/// string, so the first page passes `''`.
pub(super) const REVIEW_QUEUE: &str = "\
    SELECT p.id, p.thread, p.author, p.body, p.state, p.state_at, p.hidden_reason, \
           p.hidden_note, p.created_at, p.edited_at, p.moderator_edit_at, \
           p.moderator_edit_note, p.version, p.crisis_text, p.review_crisis, \
           p.review_flaggers, p.review_since, m.pseudonym, t.title \
    FROM forum_posts AS p INDEXED BY forum_posts_review_queue \
    JOIN forum_members AS m ON m.id = p.author \
    JOIN forum_threads AS t ON t.id = p.thread \
    WHERE p.review_key > ?1 ORDER BY p.review_key LIMIT ?2";

/// The flags on the posts of one review-queue page, by post, then oldest first.
pub(super) const REVIEW_QUEUE_FLAGS: &str = "\
    SELECT f.post, f.flagger, f.reason, f.note, f.at, f.cleared \
    FROM forum_flags AS f \
    WHERE f.post IN (SELECT id FROM forum_posts INDEXED BY forum_posts_review_queue \
                     WHERE review_key > ?1 ORDER BY review_key LIMIT ?2) \
    ORDER BY f.post, f.at, f.flagger";

/// An earlier version of a post.
pub(super) const INSERT_VERSION: &str = "\
    INSERT INTO forum_post_versions (post, version, body, written_at, replaced_at, replaced_by) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// A post's earlier versions, oldest first (the primary key's order).
pub(super) const SELECT_VERSIONS: &str = "\
    SELECT post, version, body, written_at, replaced_at, replaced_by \
    FROM forum_post_versions WHERE post = ?1 ORDER BY version";

/// A flag; the primary key refuses a second flag by the same member on the same post.
pub(super) const INSERT_FLAG: &str = "\
    INSERT INTO forum_flags (post, flagger, reason, note, at, cleared) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// A post's flags, oldest first.
pub(super) const SELECT_FLAGS: &str = "\
    SELECT post, flagger, reason, note, at, cleared \
    FROM forum_flags WHERE post = ?1 ORDER BY at, flagger";

/// A member's newest flags since a time (rate limits), through `forum_flags_by_flagger`.
pub(super) const FLAG_TIMES: &str = "\
    SELECT at FROM forum_flags WHERE flagger = ?1 AND at >= ?2 ORDER BY at DESC LIMIT ?3";

/// A moderator action.
pub(super) const INSERT_MODERATION: &str = "\
    INSERT INTO forum_moderation (id, at, moderator, member, action, until, reason, note, post, \
                                  thread) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

/// The actions about a member, oldest first, through `forum_moderation_by_member`.
pub(super) const SELECT_MODERATION: &str = "\
    SELECT id, at, moderator, member, action, until, reason, note, post, thread \
    FROM forum_moderation WHERE member = ?1 ORDER BY at, id";

fn blob(id: uuid::Uuid) -> Value {
    Value::Blob(id.as_bytes().to_vec())
}

fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn opt_time(t: Option<DateTime<Utc>>, what: &str) -> Result<Option<i64>, StoreError> {
    t.map(|t| time_to_sql(t, what)).transpose()
}

/// The SQL and parameters for a [`ThreadQuery`]: newest activity first, through
/// `forum_threads_by_category` or `forum_threads_by_activity`, the opening post joined by its
/// primary key for a member's view.
pub(super) fn threads_sql(query: &ThreadQuery) -> (String, Vec<Value>) {
    let mut sql = format!("SELECT {THREAD_COLUMNS} FROM forum_threads AS t");
    let mut values = Vec::new();
    let mut conditions = Vec::new();
    if let Audience::Member(member) = query.audience {
        sql.push_str(" JOIN forum_posts AS o ON o.id = t.opening");
        conditions.push("(t.author = ? OR o.state IN ('visible', 'deleted'))");
        values.push(blob(member.as_uuid()));
    }
    if let Some(category) = &query.category {
        conditions.push("t.category = ?");
        values.push(Value::Text(category.clone()));
    }
    if let Some((at, id)) = query.before {
        conditions.push("(t.last_post_at, t.id) < (?, ?)");
        values.push(time_bound(at));
        values.push(blob(id.as_uuid()));
    }
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    let index = if query.category.is_some() {
        "forum_threads_by_category"
    } else {
        "forum_threads_by_activity"
    };
    // Name the index: with the join, the planner would otherwise weigh walking the posts.
    sql = sql.replacen(
        "FROM forum_threads AS t",
        &format!("FROM forum_threads AS t INDEXED BY {index}"),
        1,
    );
    sql.push_str(" ORDER BY t.last_post_at DESC, t.id DESC LIMIT ?");
    values.push(Value::Integer(limit(query.limit)));
    (sql, values)
}

/// The SQL and parameters for a [`PostQuery`]: oldest first, through `forum_posts_by_thread`.
pub(super) fn posts_sql(query: &PostQuery) -> (String, Vec<Value>) {
    posts_select(query, &format!("SELECT {POST_COLUMNS} FROM forum_posts"))
}

/// [`posts_sql`] with each author's pseudonym as the last column, the member joined by its
/// primary key (a missing one reads as NULL, which the store reports as damage).
pub(super) fn posts_with_pseudonyms_sql(query: &PostQuery) -> (String, Vec<Value>) {
    let columns = POST_COLUMNS
        .split(", ")
        .map(|c| format!("forum_posts.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    posts_select(
        query,
        &format!(
            "SELECT {columns}, m.pseudonym FROM forum_posts \
             LEFT JOIN forum_members AS m ON m.id = forum_posts.author"
        ),
    )
}

fn posts_select(query: &PostQuery, select: &str) -> (String, Vec<Value>) {
    let mut sql = format!("{select} WHERE forum_posts.thread = ?");
    let mut values = vec![blob(query.thread.as_uuid())];
    if let Some((at, id)) = query.after {
        sql.push_str(" AND (forum_posts.created_at, forum_posts.id) > (?, ?)");
        values.push(time_bound(at));
        values.push(blob(id.as_uuid()));
    }
    if let Audience::Member(member) = query.audience {
        sql.push_str(" AND (forum_posts.state <> 'held' OR forum_posts.author = ?)");
        values.push(blob(member.as_uuid()));
    }
    sql.push_str(" ORDER BY forum_posts.created_at, forum_posts.id LIMIT ?");
    values.push(Value::Integer(limit(query.limit)));
    (sql, values)
}

impl ForumTx for SqliteTx<'_> {
    fn insert_member(&mut self, member: &Member) -> Result<(), StoreError> {
        let values = member_values(member)?;
        self.conn()?
            .prepare_cached(INSERT_MEMBER)
            .and_then(|mut s| s.execute(params_from_iter(values)))
            .map_err(|e| about(store_error(e), format_args!("member {}", member.id)))?;
        Ok(())
    }

    fn update_member(&mut self, member: &Member) -> Result<(), StoreError> {
        let values = member_values(member)?;
        let changed = self
            .conn()?
            .prepare_cached(UPDATE_MEMBER)
            .and_then(|mut s| s.execute(params_from_iter(values)))
            .map_err(store_error)?;
        updated_one(changed, format_args!("member {}", member.id))
    }

    fn member(&mut self, id: MemberId) -> Result<Option<Member>, StoreError> {
        self.one_member("id", id.as_uuid().as_bytes().to_vec())
    }

    fn member_of(&mut self, user: UserId) -> Result<Option<Member>, StoreError> {
        self.one_member("person", user.as_uuid().as_bytes().to_vec())
    }

    fn member_by_key(&mut self, key: &str, shape: &str) -> Result<Option<Member>, StoreError> {
        self.conn()?
            .prepare_cached(MEMBER_BY_KEY)
            .and_then(|mut s| s.query_row([key, shape], MemberRow::read).optional())
            .map_err(store_error)
    }

    fn insert_thread(&mut self, thread: &Thread) -> Result<(), StoreError> {
        let values = thread_values(thread)?;
        self.conn()?
            .prepare_cached(INSERT_THREAD)
            .and_then(|mut s| s.execute(params_from_iter(values)))
            .map_err(|e| about(store_error(e), format_args!("thread {}", thread.id)))?;
        Ok(())
    }

    fn update_thread(&mut self, thread: &Thread) -> Result<(), StoreError> {
        let values = thread_values(thread)?;
        let changed = self
            .conn()?
            .prepare_cached(UPDATE_THREAD)
            .and_then(|mut s| s.execute(params_from_iter(values)))
            .map_err(store_error)?;
        updated_one(changed, format_args!("thread {}", thread.id))
    }

    fn thread(&mut self, id: ThreadId) -> Result<Option<Thread>, StoreError> {
        let sql = format!("SELECT {THREAD_COLUMNS} FROM forum_threads AS t WHERE t.id = ?1");
        let row = self
            .conn()?
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_row([id.as_uuid().as_bytes()], ThreadRow::read)
                    .optional()
            })
            .map_err(store_error)?;
        row.map(ThreadRow::into_thread).transpose()
    }

    fn threads(&mut self, query: &ThreadQuery) -> Result<Vec<Thread>, StoreError> {
        let (sql, values) = threads_sql(query);
        let rows = self
            .conn()?
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(values), ThreadRow::read)?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter().map(ThreadRow::into_thread).collect()
    }

    fn member_and_thread(
        &mut self,
        user: UserId,
        thread: ThreadId,
    ) -> Result<MemberAndThread, StoreError> {
        let (member, thread, opening) = self
            .conn()?
            .prepare_cached(MEMBER_AND_THREAD)
            .and_then(|mut s| {
                s.query_row(
                    params![user.as_uuid().as_bytes(), thread.as_uuid().as_bytes()],
                    |row| {
                        let member = match row.get_ref(0)? {
                            rusqlite::types::ValueRef::Null => None,
                            _ => Some(MemberRow::read_at(row, 0)?),
                        };
                        let thread = match row.get_ref(11)? {
                            rusqlite::types::ValueRef::Null => None,
                            _ => Some(ThreadRow::read_at(row, 11)?),
                        };
                        let opening = match optional_uuid_at(row, 21)? {
                            None => None,
                            Some(id) => Some(StateRow::read_at(row, PostId::from_uuid(id), 22)?),
                        };
                        Ok((member, thread, opening))
                    },
                )
            })
            .map_err(store_error)?;
        Ok(MemberAndThread {
            member,
            thread: thread.map(ThreadRow::into_thread).transpose()?,
            opening: opening.map(StateRow::into_state).transpose()?,
        })
    }

    fn insert_post(&mut self, post: &Post) -> Result<(), StoreError> {
        let values = post_values(post)?;
        self.conn()?
            .prepare_cached(INSERT_POST)
            .and_then(|mut s| s.execute(params_from_iter(values)))
            .map_err(|e| about(store_error(e), format_args!("post {}", post.id)))?;
        Ok(())
    }

    fn update_post(&mut self, post: &Post) -> Result<(), StoreError> {
        let values = post_values(post)?;
        let changed = self
            .conn()?
            .prepare_cached(UPDATE_POST)
            .and_then(|mut s| s.execute(params_from_iter(values)))
            .map_err(store_error)?;
        updated_one(changed, format_args!("post {}", post.id))
    }

    fn post(&mut self, id: PostId) -> Result<Option<Post>, StoreError> {
        let sql = format!("SELECT {POST_COLUMNS} FROM forum_posts WHERE id = ?1");
        let row = self
            .conn()?
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_row([id.as_uuid().as_bytes()], PostRow::read)
                    .optional()
            })
            .map_err(store_error)?;
        row.map(PostRow::into_post).transpose()
    }

    fn posts(&mut self, query: &PostQuery) -> Result<Vec<Post>, StoreError> {
        let (sql, values) = posts_sql(query);
        self.post_rows(&sql, values)
    }

    fn posts_with_pseudonyms(
        &mut self,
        query: &PostQuery,
    ) -> Result<Vec<(Post, String)>, StoreError> {
        let (sql, values) = posts_with_pseudonyms_sql(query);
        let rows = self
            .conn()?
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(values), |row| {
                    Ok((PostRow::read(row)?, row.get::<_, Option<String>>(17)?))
                })?
                .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter()
            .map(|(row, pseudonym)| {
                let post = row.into_post()?;
                let pseudonym = pseudonym.ok_or_else(|| StoreError::Corrupt {
                    detail: format!("post {}: its author is missing", post.id),
                })?;
                Ok((post, pseudonym))
            })
            .collect()
    }

    fn post_times(
        &mut self,
        author: MemberId,
        since: DateTime<Utc>,
        limit_to: usize,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        self.times(POST_TIMES, author, since, limit_to)
    }

    fn review_queue(
        &mut self,
        after: Option<&str>,
        limit_to: usize,
    ) -> Result<Vec<QueuedPost>, StoreError> {
        let after = after.unwrap_or("");
        let limit_to = limit(limit_to);
        let conn = self.conn()?;
        let rows = conn
            .prepare_cached(REVIEW_QUEUE)
            .and_then(|mut s| {
                s.query_map(params![after, limit_to], |row| {
                    Ok((PostRow::read(row)?, row.get::<_, String>(17)?, row.get(18)?))
                })?
                .collect::<Result<Vec<(PostRow, String, String)>, _>>()
            })
            .map_err(store_error)?;
        let flag_rows = conn
            .prepare_cached(REVIEW_QUEUE_FLAGS)
            .and_then(|mut s| {
                s.query_map(params![after, limit_to], FlagRow::read)?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        let mut flags: HashMap<PostId, Vec<Flag>> = HashMap::new();
        for row in flag_rows {
            let flag = row.into_flag()?;
            flags.entry(flag.post).or_default().push(flag);
        }
        rows.into_iter()
            .map(|(row, pseudonym, thread_title)| {
                let post = row.into_post()?;
                Ok(QueuedPost {
                    flags: flags.remove(&post.id).unwrap_or_default(),
                    post,
                    pseudonym,
                    thread_title,
                })
            })
            .collect()
    }

    fn insert_post_version(&mut self, version: &PostVersion) -> Result<(), StoreError> {
        let replaced_by = match version.replaced_by {
            Editor::Author => None,
            Editor::Moderator(id) => Some(id.as_uuid().into_bytes()),
        };
        let written_at = time_to_sql(version.written_at, "written_at")?;
        let replaced_at = time_to_sql(version.replaced_at, "replaced_at")?;
        self.conn()?
            .prepare_cached(INSERT_VERSION)
            .and_then(|mut s| {
                s.execute(params![
                    version.post.as_uuid().as_bytes(),
                    version.version,
                    version.body,
                    written_at,
                    replaced_at,
                    replaced_by,
                ])
            })
            .map_err(|e| {
                about(
                    store_error(e),
                    format_args!("post {} version {}", version.post, version.version),
                )
            })?;
        Ok(())
    }

    fn post_versions(&mut self, post: PostId) -> Result<Vec<PostVersion>, StoreError> {
        let rows = self
            .conn()?
            .prepare_cached(SELECT_VERSIONS)
            .and_then(|mut s| {
                s.query_map([post.as_uuid().as_bytes()], |row| {
                    Ok(PostVersion {
                        post: PostId::from_uuid(uuid_at(row, 0)?),
                        version: row.get(1)?,
                        body: row.get(2)?,
                        written_at: time_from_sql(row.get(3)?),
                        replaced_at: time_from_sql(row.get(4)?),
                        replaced_by: match optional_uuid_at(row, 5)? {
                            None => Editor::Author,
                            Some(id) => Editor::Moderator(UserId::from_uuid(id)),
                        },
                    })
                })?
                .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        Ok(rows)
    }

    fn delete_post_versions(&mut self, post: PostId) -> Result<usize, StoreError> {
        self.conn()?
            .prepare_cached("DELETE FROM forum_post_versions WHERE post = ?1")
            .and_then(|mut s| s.execute([post.as_uuid().as_bytes()]))
            .map_err(store_error)
    }

    fn insert_flag(&mut self, flag: &Flag) -> Result<(), StoreError> {
        let at = time_to_sql(flag.at, "at")?;
        self.conn()?
            .prepare_cached(INSERT_FLAG)
            .and_then(|mut s| {
                s.execute(params![
                    flag.post.as_uuid().as_bytes(),
                    flag.flagger.as_uuid().as_bytes(),
                    flag.reason.as_str(),
                    flag.note,
                    at,
                    flag.cleared,
                ])
            })
            .map_err(|e| {
                about(
                    store_error(e),
                    format_args!("flag by {} on post {}", flag.flagger, flag.post),
                )
            })?;
        Ok(())
    }

    fn flags(&mut self, post: PostId) -> Result<Vec<Flag>, StoreError> {
        let rows = self
            .conn()?
            .prepare_cached(SELECT_FLAGS)
            .and_then(|mut s| {
                s.query_map([post.as_uuid().as_bytes()], FlagRow::read)?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter().map(FlagRow::into_flag).collect()
    }

    fn clear_flags(&mut self, post: PostId) -> Result<usize, StoreError> {
        self.conn()?
            .prepare_cached("UPDATE forum_flags SET cleared = 1 WHERE post = ?1 AND cleared = 0")
            .and_then(|mut s| s.execute([post.as_uuid().as_bytes()]))
            .map_err(store_error)
    }

    fn flag_times(
        &mut self,
        flagger: MemberId,
        since: DateTime<Utc>,
        limit_to: usize,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        self.times(FLAG_TIMES, flagger, since, limit_to)
    }

    fn insert_moderation(&mut self, record: &ModerationRecord) -> Result<(), StoreError> {
        let until = match record.action {
            ModerationAction::Suspend { until } => opt_time(until, "until")?,
            _ => None,
        };
        let at = time_to_sql(record.at, "at")?;
        self.conn()?
            .prepare_cached(INSERT_MODERATION)
            .and_then(|mut s| {
                s.execute(params![
                    record.id.as_uuid().as_bytes(),
                    at,
                    record.moderator.as_uuid().as_bytes(),
                    record.member.as_uuid().as_bytes(),
                    record.action.code(),
                    until,
                    record.reason.map(ForumReason::as_str),
                    record.note,
                    record.post.map(|p| p.as_uuid().into_bytes()),
                    record.thread.map(|t| t.as_uuid().into_bytes()),
                ])
            })
            .map_err(|e| about(store_error(e), format_args!("moderation {}", record.id)))?;
        Ok(())
    }

    fn moderation_records(
        &mut self,
        member: MemberId,
    ) -> Result<Vec<ModerationRecord>, StoreError> {
        let rows = self
            .conn()?
            .prepare_cached(SELECT_MODERATION)
            .and_then(|mut s| {
                s.query_map([member.as_uuid().as_bytes()], ModerationRow::read)?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter().map(ModerationRow::into_record).collect()
    }
}

impl SqliteTx<'_> {
    fn one_member(&self, column: &str, key: Vec<u8>) -> Result<Option<Member>, StoreError> {
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM forum_members WHERE {column} = ?1");
        self.conn()?
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row([key], MemberRow::read).optional())
            .map_err(store_error)
    }

    fn post_rows(&self, sql: &str, values: Vec<Value>) -> Result<Vec<Post>, StoreError> {
        let rows = self
            .conn()?
            .prepare_cached(sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(values), PostRow::read)?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter().map(PostRow::into_post).collect()
    }

    fn times(
        &self,
        sql: &str,
        member: MemberId,
        since: DateTime<Utc>,
        limit_to: usize,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        self.conn()?
            .prepare_cached(sql)
            .and_then(|mut s| {
                s.query_map(
                    params![
                        member.as_uuid().as_bytes(),
                        time_bound(since),
                        limit(limit_to)
                    ],
                    |row| row.get::<_, i64>(0).map(time_from_sql),
                )?
                .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)
    }
}

fn corrupt(table: &str, id: impl std::fmt::Display, what: &str) -> StoreError {
    StoreError::Corrupt {
        detail: format!("{table} {id}: stored {what} is not one this library knows"),
    }
}

fn member_values(m: &Member) -> Result<Vec<Value>, StoreError> {
    let (from, until) = match m.suspension {
        Some(s) => (
            Some(time_to_sql(s.from, "suspended_from")?),
            opt_time(s.until, "suspended_until")?,
        ),
        None => (None, None),
    };
    Ok(vec![
        blob(m.id.as_uuid()),
        blob(m.user.as_uuid()),
        Value::Text(m.pseudonym.clone()),
        Value::Text(m.pseudonym_key.clone()),
        Value::Text(m.pseudonym_shape.clone()),
        Value::Integer(time_to_sql(m.joined_at, "joined_at")?),
        Value::Integer(i64::from(m.approved_posts)),
        Value::Integer(i64::from(m.warnings)),
        Value::Integer(i64::from(m.suspensions)),
        from.map_or(Value::Null, Value::Integer),
        until.map_or(Value::Null, Value::Integer),
    ])
}

struct MemberRow;

impl MemberRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Member> {
        Self::read_at(row, 0)
    }

    /// A member from the columns of [`MEMBER_COLUMNS`] starting at column `at`.
    fn read_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Member> {
        let from: Option<i64> = row.get(at + 9)?;
        let until: Option<i64> = row.get(at + 10)?;
        Ok(Member {
            id: MemberId::from_uuid(uuid_at(row, at)?),
            user: UserId::from_uuid(uuid_at(row, at + 1)?),
            pseudonym: row.get(at + 2)?,
            pseudonym_key: row.get(at + 3)?,
            pseudonym_shape: row.get(at + 4)?,
            joined_at: time_from_sql(row.get(at + 5)?),
            approved_posts: row.get(at + 6)?,
            warnings: row.get(at + 7)?,
            suspensions: row.get(at + 8)?,
            suspension: from.map(|from| Suspension {
                from: time_from_sql(from),
                until: until.map(time_from_sql),
            }),
        })
    }
}

fn thread_values(t: &Thread) -> Result<Vec<Value>, StoreError> {
    Ok(vec![
        blob(t.id.as_uuid()),
        Value::Text(t.category.clone()),
        Value::Text(t.title.clone()),
        blob(t.author.as_uuid()),
        blob(t.opening.as_uuid()),
        Value::Integer(time_to_sql(t.created_at, "created_at")?),
        Value::Integer(time_to_sql(t.last_post_at, "last_post_at")?),
        Value::Integer(i64::from(t.posts)),
        match t.locked {
            Some(l) => Value::Integer(time_to_sql(l.at, "locked_at")?),
            None => Value::Null,
        },
        t.locked
            .map_or(Value::Null, |l| Value::Text(l.reason.as_str().to_owned())),
    ])
}

struct ThreadRow {
    thread: Thread,
    locked_at: Option<i64>,
    locked_reason: Option<String>,
}

impl ThreadRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Self::read_at(row, 0)
    }

    /// A thread from the columns of [`THREAD_COLUMNS`] starting at column `at`.
    fn read_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Self> {
        Ok(Self {
            thread: Thread {
                id: ThreadId::from_uuid(uuid_at(row, at)?),
                category: row.get(at + 1)?,
                title: row.get(at + 2)?,
                author: MemberId::from_uuid(uuid_at(row, at + 3)?),
                opening: PostId::from_uuid(uuid_at(row, at + 4)?),
                created_at: time_from_sql(row.get(at + 5)?),
                last_post_at: time_from_sql(row.get(at + 6)?),
                posts: row.get(at + 7)?,
                locked: None,
            },
            locked_at: row.get(at + 8)?,
            locked_reason: row.get(at + 9)?,
        })
    }

    fn into_thread(self) -> Result<Thread, StoreError> {
        let mut thread = self.thread;
        thread.locked = match (self.locked_at, self.locked_reason.as_deref()) {
            (Some(at), Some(reason)) => Some(Lock {
                at: time_from_sql(at),
                reason: ForumReason::parse(reason)
                    .ok_or_else(|| corrupt("thread", thread.id, "lock reason"))?,
            }),
            (None, None) => None,
            _ => return Err(corrupt("thread", thread.id, "lock")),
        };
        Ok(thread)
    }
}

fn post_values(p: &Post) -> Result<Vec<Value>, StoreError> {
    let (state_at, hidden_reason, hidden_note) = match &p.state {
        PostState::Visible | PostState::Held => (None, None, None),
        PostState::HiddenByFlags { at } | PostState::Deleted { at } => {
            (Some(time_to_sql(*at, "state_at")?), None, None)
        }
        PostState::HiddenByModerator { at, reason, note } => (
            Some(time_to_sql(*at, "state_at")?),
            Some(reason.as_str()),
            Some(note.clone()),
        ),
    };
    let int = |v: Option<i64>| v.map_or(Value::Null, Value::Integer);
    let text = |v: Option<String>| v.map_or(Value::Null, Value::Text);
    Ok(vec![
        blob(p.id.as_uuid()),
        blob(p.thread.as_uuid()),
        blob(p.author.as_uuid()),
        Value::Text(p.body.clone()),
        Value::Text(p.state.code().to_owned()),
        int(state_at),
        text(hidden_reason.map(str::to_owned)),
        text(hidden_note),
        Value::Integer(time_to_sql(p.created_at, "created_at")?),
        int(opt_time(p.edited_at, "edited_at")?),
        int(opt_time(
            p.moderator_edit.as_ref().map(|e| e.at),
            "moderator_edit_at",
        )?),
        text(p.moderator_edit.as_ref().map(|e| e.note.clone())),
        Value::Integer(i64::from(p.version)),
        Value::Integer(i64::from(p.crisis_text)),
        int(p.review.map(|r| i64::from(r.crisis))),
        int(p.review.map(|r| i64::from(r.flaggers))),
        int(opt_time(p.review.map(|r| r.since), "review_since")?),
        text(p.review.map(|r| r.queue_key(p.id))),
    ])
}

struct PostRow {
    post: Post,
    state: String,
    state_at: Option<i64>,
    hidden_reason: Option<String>,
    hidden_note: Option<String>,
    moderator_edit_at: Option<i64>,
    moderator_edit_note: Option<String>,
    review: (Option<bool>, Option<u32>, Option<i64>),
}

impl PostRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            post: Post {
                id: PostId::from_uuid(uuid_at(row, 0)?),
                thread: ThreadId::from_uuid(uuid_at(row, 1)?),
                author: MemberId::from_uuid(uuid_at(row, 2)?),
                body: row.get(3)?,
                state: PostState::Visible,
                created_at: time_from_sql(row.get(8)?),
                edited_at: row.get::<_, Option<i64>>(9)?.map(time_from_sql),
                moderator_edit: None,
                version: row.get(12)?,
                crisis_text: row.get(13)?,
                review: None,
            },
            state: row.get(4)?,
            state_at: row.get(5)?,
            hidden_reason: row.get(6)?,
            hidden_note: row.get(7)?,
            moderator_edit_at: row.get(10)?,
            moderator_edit_note: row.get(11)?,
            review: (row.get(14)?, row.get(15)?, row.get(16)?),
        })
    }

    fn into_post(self) -> Result<Post, StoreError> {
        let mut post = self.post;
        let id = post.id;
        post.state = StateRow {
            post: id,
            state: self.state,
            state_at: self.state_at,
            hidden_reason: self.hidden_reason,
            hidden_note: self.hidden_note,
        }
        .into_state()?;
        post.moderator_edit = match (self.moderator_edit_at, self.moderator_edit_note) {
            (Some(at), Some(note)) => Some(ModeratorEditNote {
                at: time_from_sql(at),
                note,
            }),
            (None, None) => None,
            _ => return Err(corrupt("post", id, "moderator edit")),
        };
        post.review = match self.review {
            (Some(crisis), Some(flaggers), Some(since)) => Some(Review {
                crisis,
                flaggers,
                since: time_from_sql(since),
            }),
            (None, None, None) => None,
            _ => return Err(corrupt("post", id, "review")),
        };
        Ok(post)
    }
}

/// A post's state columns: `state`, `state_at`, `hidden_reason`, `hidden_note`.
struct StateRow {
    post: PostId,
    state: String,
    state_at: Option<i64>,
    hidden_reason: Option<String>,
    hidden_note: Option<String>,
}

impl StateRow {
    fn read_at(row: &Row<'_>, post: PostId, at: usize) -> rusqlite::Result<Self> {
        Ok(Self {
            post,
            state: row.get(at)?,
            state_at: row.get(at + 1)?,
            hidden_reason: row.get(at + 2)?,
            hidden_note: row.get(at + 3)?,
        })
    }

    fn into_state(self) -> Result<PostState, StoreError> {
        let id = self.post;
        let at = self.state_at.map(time_from_sql);
        Ok(match (self.state.as_str(), at) {
            ("visible", None) => PostState::Visible,
            ("held", None) => PostState::Held,
            ("hidden-by-flags", Some(at)) => PostState::HiddenByFlags { at },
            ("deleted", Some(at)) => PostState::Deleted { at },
            ("hidden-by-moderator", Some(at)) => PostState::HiddenByModerator {
                at,
                reason: self
                    .hidden_reason
                    .as_deref()
                    .and_then(ForumReason::parse)
                    .ok_or_else(|| corrupt("post", id, "hidden reason"))?,
                note: self
                    .hidden_note
                    .ok_or_else(|| corrupt("post", id, "hidden note"))?,
            },
            _ => return Err(corrupt("post", id, "state")),
        })
    }
}

struct FlagRow {
    flag: Flag,
    reason: String,
}

impl FlagRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            flag: Flag {
                post: PostId::from_uuid(uuid_at(row, 0)?),
                flagger: MemberId::from_uuid(uuid_at(row, 1)?),
                reason: ForumReason::Other,
                note: row.get(3)?,
                at: time_from_sql(row.get(4)?),
                cleared: row.get(5)?,
            },
            reason: row.get(2)?,
        })
    }

    fn into_flag(self) -> Result<Flag, StoreError> {
        let mut flag = self.flag;
        flag.reason = ForumReason::parse(&self.reason)
            .ok_or_else(|| corrupt("flag on post", flag.post, "reason"))?;
        Ok(flag)
    }
}

struct ModerationRow {
    id: ModerationId,
    at: i64,
    moderator: UserId,
    member: MemberId,
    action: String,
    until: Option<i64>,
    reason: Option<String>,
    note: String,
    post: Option<PostId>,
    thread: Option<ThreadId>,
}

impl ModerationRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: ModerationId::from_uuid(uuid_at(row, 0)?),
            at: row.get(1)?,
            moderator: UserId::from_uuid(uuid_at(row, 2)?),
            member: MemberId::from_uuid(uuid_at(row, 3)?),
            action: row.get(4)?,
            until: row.get(5)?,
            reason: row.get(6)?,
            note: row.get(7)?,
            post: optional_uuid_at(row, 8)?.map(PostId::from_uuid),
            thread: optional_uuid_at(row, 9)?.map(ThreadId::from_uuid),
        })
    }

    fn into_record(self) -> Result<ModerationRecord, StoreError> {
        let id = self.id;
        let action = match self.action.as_str() {
            "approve" => ModerationAction::Approve,
            "hide" => ModerationAction::Hide,
            "edit" => ModerationAction::Edit,
            "lock" => ModerationAction::Lock,
            "unlock" => ModerationAction::Unlock,
            "warn" => ModerationAction::Warn,
            "suspend" => ModerationAction::Suspend {
                until: self.until.map(time_from_sql),
            },
            "lift" => ModerationAction::Lift,
            _ => return Err(corrupt("moderation", id, "action")),
        };
        let reason = match self.reason.as_deref() {
            None => None,
            Some(r) => {
                Some(ForumReason::parse(r).ok_or_else(|| corrupt("moderation", id, "reason"))?)
            }
        };
        Ok(ModerationRecord {
            id,
            at: time_from_sql(self.at),
            moderator: self.moderator,
            member: self.member,
            action,
            reason,
            note: self.note,
            post: self.post,
            thread: self.thread,
        })
    }
}
