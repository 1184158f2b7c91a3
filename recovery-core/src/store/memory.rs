//! The in-memory store: the reference implementation of [`Store`], for tests, demos and hosts
//! that persist elsewhere. Transactions are serialised by one lock and undone from an undo log
//! when dropped uncommitted.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use super::usage::{InvolvementTally, MessageUsage, ModuleTally, TeamTally, UsageTx};
use super::{
    AccessQuery, AuditTx, FeedTx, ForumTx, ItemQuery, MembershipQuery, MessageQuery, MessagingTx,
    PeopleTx, PostQuery, ProposalQuery, QueuedPost, Store, StoreError, TeamTx, ThreadQuery,
    ToolboxTx, Transaction, TxMode,
};
use crate::model::audit::AccessEntry;
use crate::model::feed::{ChangeRecord, NewChange};
use crate::model::forum::{Flag, Member, ModerationRecord, Post, PostVersion, Thread};
use crate::model::ids::{
    AttachmentId, ConversationId, ItemId, MemberId, MembershipId, MessageId, PostId, ProposalId,
    ThreadId, UserId,
};
use crate::model::messaging::{Attachment, Conversation, Message, Participation};
use crate::model::people::{Person, Role};
use crate::model::team::{Comment, Grant, Membership, Proposal, Scope};
use crate::model::toolbox::ItemRecord;
use crate::model::usage::{Period, UsageAction, UsageEvent};

/// Keeps everything in memory; dropped with the process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

#[derive(Debug, Default)]
struct State {
    people: HashMap<UserId, Person>,
    /// Every version of every item, oldest first.
    items: HashMap<ItemId, Vec<ItemRecord>>,
    /// Each owner's items in creation order.
    by_owner: HashMap<UserId, Vec<ItemId>>,
    memberships: HashMap<MembershipId, Membership>,
    /// Grants by membership, then scope.
    grants: HashMap<MembershipId, Vec<Grant>>,
    proposals: HashMap<ProposalId, Proposal>,
    comments: Vec<Comment>,
    access_log: Vec<AccessEntry>,
    forum: Forum,
    conversations: HashMap<ConversationId, ConversationState>,
    /// Each person's conversations, in id order.
    participations: HashMap<UserId, BTreeSet<ConversationId>>,
    /// Where each message is: its conversation and `seq`.
    message_index: HashMap<MessageId, (ConversationId, u64)>,
    attachments: HashMap<AttachmentId, Attachment>,
    /// Every change, in sequence order (change `n` at index `n - 1`).
    changes: Vec<ChangeRecord>,
    /// Each person's feed: the sequence numbers of the changes addressed to them, in order.
    feeds: HashMap<UserId, Vec<u64>>,
    /// The usage log, in the order recorded.
    usage: Vec<UsageEvent>,
}

/// A conversation with its messages and each participant's read mark.
#[derive(Debug)]
struct ConversationState {
    conversation: Conversation,
    /// Message `seq` sits at index `seq - 1`.
    messages: Vec<Message>,
    read: HashMap<UserId, u64>,
}

#[derive(Debug, Default)]
struct Forum {
    members: HashMap<MemberId, Member>,
    member_by_user: HashMap<UserId, MemberId>,
    member_by_key: HashMap<String, MemberId>,
    member_by_shape: HashMap<String, MemberId>,
    threads: HashMap<ThreadId, Thread>,
    posts: HashMap<PostId, Post>,
    /// Each thread's posts in insertion order.
    thread_posts: HashMap<ThreadId, Vec<PostId>>,
    versions: HashMap<PostId, Vec<PostVersion>>,
    flags: HashMap<PostId, Vec<Flag>>,
    moderation: Vec<ModerationRecord>,
}

/// How to take back one write.
#[derive(Debug)]
enum Undo {
    Person(UserId),
    NewItem(ItemId),
    ItemVersion(ItemId),
    Membership(MembershipId, Option<Membership>),
    Grants(MembershipId, Option<Vec<Grant>>),
    Proposal(ProposalId, Option<Proposal>),
    Comment,
    Access,
    NewMember(MemberId),
    Member(Member),
    NewThread(ThreadId),
    Thread(Thread),
    NewPost(PostId),
    Post(Post),
    Versions(PostId, Option<Vec<PostVersion>>),
    Flags(PostId, Option<Vec<Flag>>),
    Moderation,
    Conversation(ConversationId),
    /// A message, and the conversation's `last_message_at` before it.
    Message(ConversationId, DateTime<Utc>),
    Read(ConversationId, UserId, u64),
    /// A change, and its recipients.
    Change(Vec<UserId>),
    Usage,
}

impl Store for MemoryStore {
    fn transaction(&self, _mode: TxMode) -> Result<Box<dyn Transaction + '_>, StoreError> {
        // A panic inside a transaction leaves no partial writes behind (the undo log ran in
        // Drop), so a poisoned lock still guards consistent state.
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        Ok(Box::new(MemoryTx {
            state,
            undo: Vec::new(),
        }))
    }
}

struct MemoryTx<'a> {
    state: MutexGuard<'a, State>,
    undo: Vec<Undo>,
}

impl Drop for MemoryTx<'_> {
    fn drop(&mut self) {
        while let Some(undo) = self.undo.pop() {
            match undo {
                Undo::Person(id) => {
                    self.state.people.remove(&id);
                }
                Undo::NewItem(id) => {
                    if let Some(versions) = self.state.items.remove(&id) {
                        let owner = versions.first().map(|r| r.owner);
                        if let Some(list) = owner.and_then(|o| self.state.by_owner.get_mut(&o)) {
                            list.retain(|i| *i != id);
                        }
                    }
                }
                Undo::ItemVersion(id) => {
                    if let Some(versions) = self.state.items.get_mut(&id) {
                        versions.pop();
                    }
                }
                Undo::Membership(id, before) => restore(&mut self.state.memberships, id, before),
                Undo::Grants(id, before) => restore(&mut self.state.grants, id, before),
                Undo::Proposal(id, before) => restore(&mut self.state.proposals, id, before),
                Undo::Comment => {
                    self.state.comments.pop();
                }
                Undo::Access => {
                    self.state.access_log.pop();
                }
                Undo::NewMember(id) => {
                    let forum = &mut self.state.forum;
                    if let Some(m) = forum.members.remove(&id) {
                        forum.member_by_user.remove(&m.user);
                        forum.member_by_key.remove(&m.pseudonym_key);
                        forum.member_by_shape.remove(&m.pseudonym_shape);
                    }
                }
                Undo::Member(before) => {
                    self.state.forum.members.insert(before.id, before);
                }
                Undo::NewThread(id) => {
                    self.state.forum.threads.remove(&id);
                }
                Undo::Thread(before) => {
                    self.state.forum.threads.insert(before.id, before);
                }
                Undo::NewPost(id) => {
                    let forum = &mut self.state.forum;
                    if let Some(p) = forum.posts.remove(&id) {
                        if let Some(list) = forum.thread_posts.get_mut(&p.thread) {
                            list.retain(|i| *i != id);
                        }
                    }
                }
                Undo::Post(before) => {
                    self.state.forum.posts.insert(before.id, before);
                }
                Undo::Versions(id, before) => restore(&mut self.state.forum.versions, id, before),
                Undo::Flags(id, before) => restore(&mut self.state.forum.flags, id, before),
                Undo::Moderation => {
                    self.state.forum.moderation.pop();
                }
                Undo::Conversation(id) => {
                    if let Some(c) = self.state.conversations.remove(&id) {
                        for person in c.conversation.participants() {
                            if let Some(set) = self.state.participations.get_mut(&person) {
                                set.remove(&id);
                            }
                        }
                    }
                }
                Undo::Message(id, previous_at) => self.undo_message(id, previous_at),
                Undo::Read(id, person, before) => {
                    if let Some(c) = self.state.conversations.get_mut(&id) {
                        c.read.insert(person, before);
                    }
                }
                Undo::Usage => {
                    self.state.usage.pop();
                }
                Undo::Change(recipients) => {
                    if let Some(change) = self.state.changes.pop() {
                        for person in recipients {
                            let feed = self.state.feeds.get_mut(&person);
                            if let Some(feed) = feed.filter(|f| f.last() == Some(&change.seq)) {
                                feed.pop();
                            }
                        }
                    }
                }
            }
        }
    }
}

impl MemoryTx<'_> {
    /// Takes back a conversation's last message and its attachments.
    fn undo_message(&mut self, id: ConversationId, previous_at: DateTime<Utc>) {
        let state = &mut *self.state;
        let Some(c) = state.conversations.get_mut(&id) else {
            return;
        };
        if let Some(message) = c.messages.pop() {
            state.message_index.remove(&message.id);
            for info in &message.attachments {
                state.attachments.remove(&info.id);
            }
            c.conversation.last_seq = message.seq.saturating_sub(1);
            c.conversation.last_message_at = previous_at;
        }
    }
}

/// Puts a map entry back as it was before a transaction touched it.
fn restore<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>, key: K, before: Option<V>) {
    match before {
        Some(value) => {
            map.insert(key, value);
        }
        None => {
            map.remove(&key);
        }
    }
}

fn conflict(detail: String) -> StoreError {
    StoreError::Conflict { detail }
}

impl Transaction for MemoryTx<'_> {
    fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        self.undo.clear();
        Ok(())
    }
}

impl PeopleTx for MemoryTx<'_> {
    fn insert_person(&mut self, person: &Person) -> Result<(), StoreError> {
        if self.state.people.contains_key(&person.id) {
            return Err(StoreError::Conflict {
                detail: format!("person {} exists", person.id),
            });
        }
        self.state.people.insert(person.id, person.clone());
        self.undo.push(Undo::Person(person.id));
        Ok(())
    }

    fn person(&mut self, id: UserId) -> Result<Option<Person>, StoreError> {
        Ok(self.state.people.get(&id).cloned())
    }
}

impl ToolboxTx for MemoryTx<'_> {
    fn insert_item(&mut self, record: &ItemRecord) -> Result<(), StoreError> {
        if record.version != 1 || self.state.items.contains_key(&record.id) {
            return Err(StoreError::Conflict {
                detail: format!("item {} exists or is not version 1", record.id),
            });
        }
        self.state.items.insert(record.id, vec![record.clone()]);
        self.state
            .by_owner
            .entry(record.owner)
            .or_default()
            .push(record.id);
        self.undo.push(Undo::NewItem(record.id));
        Ok(())
    }

    fn update_item(&mut self, record: &ItemRecord) -> Result<(), StoreError> {
        let conflict = || StoreError::Conflict {
            detail: format!("item {} version {} out of order", record.id, record.version),
        };
        let versions = self.state.items.get_mut(&record.id).ok_or_else(conflict)?;
        let latest = versions.last().ok_or_else(conflict)?;
        if latest.version.checked_add(1) != Some(record.version)
            || latest.owner != record.owner
            || latest.kind() != record.kind()
            || latest.created_at != record.created_at
        {
            return Err(conflict());
        }
        versions.push(record.clone());
        self.undo.push(Undo::ItemVersion(record.id));
        Ok(())
    }

    fn item(&mut self, id: ItemId) -> Result<Option<ItemRecord>, StoreError> {
        Ok(self.state.items.get(&id).and_then(|v| v.last()).cloned())
    }

    fn items(&mut self, query: &ItemQuery) -> Result<Vec<ItemRecord>, StoreError> {
        let Some(ids) = self.state.by_owner.get(&query.owner) else {
            return Ok(Vec::new());
        };
        let mut found: Vec<ItemRecord> = ids
            .iter()
            .filter_map(|id| self.state.items.get(id).and_then(|v| v.last()))
            .filter(|r| query.matches(r))
            .cloned()
            .collect();
        found.sort_by_key(|a| (a.created_at, a.id));
        if query.newest_first {
            found.reverse();
        }
        if let Some(limit) = query.limit {
            found.truncate(limit);
        }
        Ok(found)
    }

    fn item_history(&mut self, id: ItemId) -> Result<Vec<ItemRecord>, StoreError> {
        Ok(self.state.items.get(&id).cloned().unwrap_or_default())
    }
}

impl MemoryTx<'_> {
    /// Records how a membership's grants were, before changing them.
    fn save_grants(&mut self, membership: MembershipId) {
        let before = self.state.grants.get(&membership).cloned();
        self.undo.push(Undo::Grants(membership, before));
    }
}

impl TeamTx for MemoryTx<'_> {
    fn insert_membership(&mut self, membership: &Membership) -> Result<(), StoreError> {
        if self.state.memberships.contains_key(&membership.id) {
            return Err(conflict(format!("membership {} exists", membership.id)));
        }
        self.state
            .memberships
            .insert(membership.id, membership.clone());
        self.undo.push(Undo::Membership(membership.id, None));
        Ok(())
    }

    fn update_membership(&mut self, membership: &Membership) -> Result<(), StoreError> {
        let before = self
            .state
            .memberships
            .get(&membership.id)
            .filter(|m| {
                m.service_user == membership.service_user && m.provider == membership.provider
            })
            .cloned()
            .ok_or_else(|| conflict(format!("membership {} cannot be updated", membership.id)))?;
        self.state
            .memberships
            .insert(membership.id, membership.clone());
        self.undo
            .push(Undo::Membership(membership.id, Some(before)));
        Ok(())
    }

    fn membership(&mut self, id: MembershipId) -> Result<Option<Membership>, StoreError> {
        Ok(self.state.memberships.get(&id).cloned())
    }

    fn memberships(&mut self, query: &MembershipQuery) -> Result<Vec<Membership>, StoreError> {
        let mut found: Vec<Membership> = self
            .state
            .memberships
            .values()
            .filter(|m| query.matches(m))
            .cloned()
            .collect();
        found.sort_by_key(|a| (a.invited_at, a.id));
        Ok(found)
    }

    fn put_grant(&mut self, grant: &Grant) -> Result<(), StoreError> {
        if !self.state.memberships.contains_key(&grant.membership) {
            return Err(conflict(format!(
                "membership {} does not exist",
                grant.membership
            )));
        }
        self.save_grants(grant.membership);
        let grants = self.state.grants.entry(grant.membership).or_default();
        grants.retain(|g| g.scope != grant.scope);
        grants.push(grant.clone());
        grants.sort_by_key(|g| g.scope.to_string());
        Ok(())
    }

    fn delete_grant(
        &mut self,
        membership: MembershipId,
        scope: &Scope,
    ) -> Result<bool, StoreError> {
        let present = self
            .state
            .grants
            .get(&membership)
            .is_some_and(|g| g.iter().any(|g| &g.scope == scope));
        if present {
            self.save_grants(membership);
            if let Some(grants) = self.state.grants.get_mut(&membership) {
                grants.retain(|g| &g.scope != scope);
            }
        }
        Ok(present)
    }

    fn delete_grants(&mut self, membership: MembershipId) -> Result<usize, StoreError> {
        let count = self.state.grants.get(&membership).map_or(0, Vec::len);
        if count > 0 {
            self.save_grants(membership);
            self.state.grants.remove(&membership);
        }
        Ok(count)
    }

    fn grants(&mut self, membership: MembershipId) -> Result<Vec<Grant>, StoreError> {
        Ok(self
            .state
            .grants
            .get(&membership)
            .cloned()
            .unwrap_or_default())
    }

    fn insert_proposal(&mut self, proposal: &Proposal) -> Result<(), StoreError> {
        if self.state.proposals.contains_key(&proposal.id) {
            return Err(conflict(format!("proposal {} exists", proposal.id)));
        }
        self.state.proposals.insert(proposal.id, proposal.clone());
        self.undo.push(Undo::Proposal(proposal.id, None));
        Ok(())
    }

    fn update_proposal(&mut self, proposal: &Proposal) -> Result<(), StoreError> {
        let before = self
            .state
            .proposals
            .get(&proposal.id)
            .filter(|p| {
                p.owner == proposal.owner
                    && p.provider == proposal.provider
                    && p.content == proposal.content
            })
            .cloned()
            .ok_or_else(|| conflict(format!("proposal {} cannot be updated", proposal.id)))?;
        self.state.proposals.insert(proposal.id, proposal.clone());
        self.undo.push(Undo::Proposal(proposal.id, Some(before)));
        Ok(())
    }

    fn proposal(&mut self, id: ProposalId) -> Result<Option<Proposal>, StoreError> {
        Ok(self.state.proposals.get(&id).cloned())
    }

    fn proposals(&mut self, query: &ProposalQuery) -> Result<Vec<Proposal>, StoreError> {
        let mut found: Vec<Proposal> = self
            .state
            .proposals
            .values()
            .filter(|p| query.matches(p))
            .cloned()
            .collect();
        found.sort_by_key(|a| (a.proposed_at, a.id));
        Ok(found)
    }

    fn insert_comment(&mut self, comment: &Comment) -> Result<(), StoreError> {
        if self.state.comments.iter().any(|c| c.id == comment.id) {
            return Err(conflict(format!("comment {} exists", comment.id)));
        }
        self.state.comments.push(comment.clone());
        self.undo.push(Undo::Comment);
        Ok(())
    }

    fn comments(&mut self, item: ItemId) -> Result<Vec<Comment>, StoreError> {
        let mut found: Vec<Comment> = self
            .state
            .comments
            .iter()
            .filter(|c| c.item == item)
            .cloned()
            .collect();
        found.sort_by_key(|a| (a.written_at, a.id));
        Ok(found)
    }
}

impl AuditTx for MemoryTx<'_> {
    fn append_access(&mut self, entry: &AccessEntry) -> Result<(), StoreError> {
        let expected = self.state.access_log.last().map_or(1, |e| e.seq + 1);
        if entry.seq != expected {
            return Err(conflict(format!(
                "access entry {} out of sequence",
                entry.seq
            )));
        }
        self.state.access_log.push(entry.clone());
        self.undo.push(Undo::Access);
        Ok(())
    }

    fn last_access(&mut self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        Ok(self.state.access_log.last().map(|e| (e.seq, e.hash)))
    }

    fn access_entries(&mut self, query: &AccessQuery) -> Result<Vec<AccessEntry>, StoreError> {
        Ok(self
            .state
            .access_log
            .iter()
            .rev()
            .filter(|e| query.matches(e))
            .take(query.limit)
            .cloned()
            .collect())
    }

    fn access_range(
        &mut self,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<AccessEntry>, StoreError> {
        // Sequence numbers run from 1 without gaps, so entry `n` sits at index `n - 1`.
        let start = usize::try_from(after_seq)
            .unwrap_or(usize::MAX)
            .min(self.state.access_log.len());
        Ok(self.state.access_log[start..]
            .iter()
            .take(limit)
            .cloned()
            .collect())
    }
}

/// Times at or after `since`, newest first, at most `limit`.
fn newest_times(
    times: impl Iterator<Item = DateTime<Utc>>,
    since: DateTime<Utc>,
    limit: usize,
) -> Vec<DateTime<Utc>> {
    let mut found: Vec<DateTime<Utc>> = times.filter(|t| *t >= since).collect();
    found.sort_unstable_by(|a, b| b.cmp(a));
    found.truncate(limit);
    found
}

impl ForumTx for MemoryTx<'_> {
    fn insert_member(&mut self, member: &Member) -> Result<(), StoreError> {
        let forum = &mut self.state.forum;
        if forum.members.contains_key(&member.id)
            || forum.member_by_user.contains_key(&member.user)
            || forum.member_by_key.contains_key(&member.pseudonym_key)
            || forum.member_by_shape.contains_key(&member.pseudonym_shape)
        {
            return Err(conflict(format!(
                "member {} exists, or its person or pseudonym is taken",
                member.id
            )));
        }
        forum.members.insert(member.id, member.clone());
        forum.member_by_user.insert(member.user, member.id);
        forum
            .member_by_key
            .insert(member.pseudonym_key.clone(), member.id);
        forum
            .member_by_shape
            .insert(member.pseudonym_shape.clone(), member.id);
        self.undo.push(Undo::NewMember(member.id));
        Ok(())
    }

    fn update_member(&mut self, member: &Member) -> Result<(), StoreError> {
        let before = self
            .state
            .forum
            .members
            .get(&member.id)
            .filter(|m| {
                m.user == member.user
                    && m.pseudonym == member.pseudonym
                    && m.pseudonym_key == member.pseudonym_key
                    && m.pseudonym_shape == member.pseudonym_shape
            })
            .cloned()
            .ok_or_else(|| conflict(format!("member {} cannot be updated", member.id)))?;
        self.state.forum.members.insert(member.id, member.clone());
        self.undo.push(Undo::Member(before));
        Ok(())
    }

    fn member(&mut self, id: MemberId) -> Result<Option<Member>, StoreError> {
        Ok(self.state.forum.members.get(&id).cloned())
    }

    fn member_of(&mut self, user: UserId) -> Result<Option<Member>, StoreError> {
        let forum = &self.state.forum;
        Ok(forum
            .member_by_user
            .get(&user)
            .and_then(|id| forum.members.get(id))
            .cloned())
    }

    fn member_by_key(&mut self, key: &str, shape: &str) -> Result<Option<Member>, StoreError> {
        let forum = &self.state.forum;
        let mut found: Vec<&Member> = [
            forum.member_by_key.get(key),
            forum.member_by_shape.get(shape),
        ]
        .into_iter()
        .flatten()
        .filter_map(|id| forum.members.get(id))
        .collect();
        found.sort_by_key(|m| m.id);
        Ok(found.first().map(|m| (*m).clone()))
    }

    fn insert_thread(&mut self, thread: &Thread) -> Result<(), StoreError> {
        if self.state.forum.threads.contains_key(&thread.id) {
            return Err(conflict(format!("thread {} exists", thread.id)));
        }
        self.state.forum.threads.insert(thread.id, thread.clone());
        self.undo.push(Undo::NewThread(thread.id));
        Ok(())
    }

    fn update_thread(&mut self, thread: &Thread) -> Result<(), StoreError> {
        let before = self
            .state
            .forum
            .threads
            .get(&thread.id)
            .filter(|t| {
                t.category == thread.category
                    && t.author == thread.author
                    && t.opening == thread.opening
                    && t.created_at == thread.created_at
            })
            .cloned()
            .ok_or_else(|| conflict(format!("thread {} cannot be updated", thread.id)))?;
        self.state.forum.threads.insert(thread.id, thread.clone());
        self.undo.push(Undo::Thread(before));
        Ok(())
    }

    fn thread(&mut self, id: ThreadId) -> Result<Option<Thread>, StoreError> {
        Ok(self.state.forum.threads.get(&id).cloned())
    }

    fn threads(&mut self, query: &ThreadQuery) -> Result<Vec<Thread>, StoreError> {
        let forum = &self.state.forum;
        let mut found: Vec<Thread> = forum
            .threads
            .values()
            .filter(|t| {
                forum
                    .posts
                    .get(&t.opening)
                    .is_some_and(|p| query.matches(t, &p.state))
            })
            .cloned()
            .collect();
        found.sort_by_key(|t| std::cmp::Reverse((t.last_post_at, t.id)));
        found.truncate(query.limit);
        Ok(found)
    }

    fn insert_post(&mut self, post: &Post) -> Result<(), StoreError> {
        let forum = &mut self.state.forum;
        if forum.posts.contains_key(&post.id) || !forum.threads.contains_key(&post.thread) {
            return Err(conflict(format!(
                "post {} exists or its thread does not",
                post.id
            )));
        }
        forum.posts.insert(post.id, post.clone());
        forum
            .thread_posts
            .entry(post.thread)
            .or_default()
            .push(post.id);
        self.undo.push(Undo::NewPost(post.id));
        Ok(())
    }

    fn update_post(&mut self, post: &Post) -> Result<(), StoreError> {
        let before = self
            .state
            .forum
            .posts
            .get(&post.id)
            .filter(|p| {
                p.thread == post.thread
                    && p.author == post.author
                    && p.created_at == post.created_at
            })
            .cloned()
            .ok_or_else(|| conflict(format!("post {} cannot be updated", post.id)))?;
        self.state.forum.posts.insert(post.id, post.clone());
        self.undo.push(Undo::Post(before));
        Ok(())
    }

    fn post(&mut self, id: PostId) -> Result<Option<Post>, StoreError> {
        Ok(self.state.forum.posts.get(&id).cloned())
    }

    fn posts(&mut self, query: &PostQuery) -> Result<Vec<Post>, StoreError> {
        let forum = &self.state.forum;
        let Some(ids) = forum.thread_posts.get(&query.thread) else {
            return Ok(Vec::new());
        };
        let mut found: Vec<Post> = ids
            .iter()
            .filter_map(|id| forum.posts.get(id))
            .filter(|p| query.matches(p))
            .cloned()
            .collect();
        found.sort_by_key(|p| (p.created_at, p.id));
        found.truncate(query.limit);
        Ok(found)
    }

    fn post_times(
        &mut self,
        author: MemberId,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        let posts = self.state.forum.posts.values();
        Ok(newest_times(
            posts.filter(|p| p.author == author).map(|p| p.created_at),
            since,
            limit,
        ))
    }

    fn review_queue(
        &mut self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<QueuedPost>, StoreError> {
        let forum = &self.state.forum;
        let mut found: Vec<(String, &Post)> = forum
            .posts
            .values()
            .filter_map(|p| p.review.map(|r| (r.queue_key(p.id), p)))
            .filter(|(key, _)| after.is_none_or(|a| key.as_str() > a))
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
            .into_iter()
            .take(limit)
            .map(|(_, p)| {
                let missing = |what: &str| StoreError::Corrupt {
                    detail: format!("post {}: its {what} is missing", p.id),
                };
                Ok(QueuedPost {
                    post: p.clone(),
                    pseudonym: forum
                        .members
                        .get(&p.author)
                        .ok_or_else(|| missing("author"))?
                        .pseudonym
                        .clone(),
                    thread_title: forum
                        .threads
                        .get(&p.thread)
                        .ok_or_else(|| missing("thread"))?
                        .title
                        .clone(),
                    flags: forum.flags.get(&p.id).cloned().unwrap_or_default(),
                })
            })
            .collect()
    }

    fn insert_post_version(&mut self, version: &PostVersion) -> Result<(), StoreError> {
        let forum = &mut self.state.forum;
        let exists = forum
            .versions
            .get(&version.post)
            .is_some_and(|v| v.iter().any(|v| v.version == version.version));
        if exists || !forum.posts.contains_key(&version.post) {
            return Err(conflict(format!(
                "version {} of post {} is kept already, or the post does not exist",
                version.version, version.post
            )));
        }
        let before = forum.versions.get(&version.post).cloned();
        let list = forum.versions.entry(version.post).or_default();
        list.push(version.clone());
        list.sort_by_key(|v| v.version);
        self.undo.push(Undo::Versions(version.post, before));
        Ok(())
    }

    fn post_versions(&mut self, post: PostId) -> Result<Vec<PostVersion>, StoreError> {
        Ok(self
            .state
            .forum
            .versions
            .get(&post)
            .cloned()
            .unwrap_or_default())
    }

    fn delete_post_versions(&mut self, post: PostId) -> Result<usize, StoreError> {
        let before = self.state.forum.versions.remove(&post);
        let count = before.as_ref().map_or(0, Vec::len);
        if before.is_some() {
            self.undo.push(Undo::Versions(post, before));
        }
        Ok(count)
    }

    fn insert_flag(&mut self, flag: &Flag) -> Result<(), StoreError> {
        let forum = &mut self.state.forum;
        let exists = forum
            .flags
            .get(&flag.post)
            .is_some_and(|f| f.iter().any(|f| f.flagger == flag.flagger));
        if exists || !forum.posts.contains_key(&flag.post) {
            return Err(conflict(format!(
                "member {} flagged post {} already, or the post does not exist",
                flag.flagger, flag.post
            )));
        }
        let before = forum.flags.get(&flag.post).cloned();
        let list = forum.flags.entry(flag.post).or_default();
        list.push(flag.clone());
        list.sort_by_key(|f| (f.at, f.flagger));
        self.undo.push(Undo::Flags(flag.post, before));
        Ok(())
    }

    fn flags(&mut self, post: PostId) -> Result<Vec<Flag>, StoreError> {
        Ok(self
            .state
            .forum
            .flags
            .get(&post)
            .cloned()
            .unwrap_or_default())
    }

    fn clear_flags(&mut self, post: PostId) -> Result<usize, StoreError> {
        let before = self.state.forum.flags.get(&post).cloned();
        let Some(flags) = self.state.forum.flags.get_mut(&post) else {
            return Ok(0);
        };
        let mut cleared = 0;
        for flag in flags.iter_mut().filter(|f| !f.cleared) {
            flag.cleared = true;
            cleared += 1;
        }
        if cleared > 0 {
            self.undo.push(Undo::Flags(post, before));
        }
        Ok(cleared)
    }

    fn flag_times(
        &mut self,
        flagger: MemberId,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        let flags = self.state.forum.flags.values().flatten();
        Ok(newest_times(
            flags.filter(|f| f.flagger == flagger).map(|f| f.at),
            since,
            limit,
        ))
    }

    fn insert_moderation(&mut self, record: &ModerationRecord) -> Result<(), StoreError> {
        if self
            .state
            .forum
            .moderation
            .iter()
            .any(|r| r.id == record.id)
        {
            return Err(conflict(format!("moderation record {} exists", record.id)));
        }
        self.state.forum.moderation.push(record.clone());
        self.undo.push(Undo::Moderation);
        Ok(())
    }

    fn moderation_records(
        &mut self,
        member: MemberId,
    ) -> Result<Vec<ModerationRecord>, StoreError> {
        let mut found: Vec<ModerationRecord> = self
            .state
            .forum
            .moderation
            .iter()
            .filter(|r| r.member == member)
            .cloned()
            .collect();
        found.sort_by_key(|r| (r.at, r.id));
        Ok(found)
    }
}

impl MessagingTx for MemoryTx<'_> {
    fn insert_conversation(&mut self, conversation: &Conversation) -> Result<(), StoreError> {
        let mut people: Vec<UserId> = conversation.participants().collect();
        people.sort();
        people.dedup();
        if self.state.conversations.contains_key(&conversation.id)
            || conversation.last_seq != 0
            || people.len() != 1 + conversation.providers.len()
        {
            return Err(conflict(format!(
                "conversation {} exists or is not new",
                conversation.id
            )));
        }
        let read = conversation.participants().map(|p| (p, 0)).collect();
        for person in conversation.participants() {
            self.state
                .participations
                .entry(person)
                .or_default()
                .insert(conversation.id);
        }
        self.state.conversations.insert(
            conversation.id,
            ConversationState {
                conversation: conversation.clone(),
                messages: Vec::new(),
                read,
            },
        );
        self.undo.push(Undo::Conversation(conversation.id));
        Ok(())
    }

    fn conversation(&mut self, id: ConversationId) -> Result<Option<Conversation>, StoreError> {
        Ok(self
            .state
            .conversations
            .get(&id)
            .map(|c| c.conversation.clone()))
    }

    fn insert_message(
        &mut self,
        message: &Message,
        attachments: &[Attachment],
    ) -> Result<(), StoreError> {
        let refused = || conflict(format!("message {} cannot be added", message.id));
        let state = &mut *self.state;
        let c = state
            .conversations
            .get_mut(&message.conversation)
            .ok_or_else(refused)?;
        let mut ids: Vec<AttachmentId> = attachments.iter().map(|a| a.id).collect();
        ids.sort();
        ids.dedup();
        let attachments_match = attachments.len() == message.attachments.len()
            && ids.len() == attachments.len()
            && attachments
                .iter()
                .zip(&message.attachments)
                .all(|(a, info)| {
                    a.info() == *info
                        && a.message == message.id
                        && a.conversation == message.conversation
                });
        if c.conversation.last_seq.checked_add(1) != Some(message.seq)
            || !c.conversation.has_participant(message.author)
            || state.message_index.contains_key(&message.id)
            || ids.iter().any(|id| state.attachments.contains_key(id))
            || !attachments_match
        {
            return Err(refused());
        }
        let previous_at = c.conversation.last_message_at;
        c.conversation.last_seq = message.seq;
        c.conversation.last_message_at = message.sent_at;
        c.messages.push(message.clone());
        state
            .message_index
            .insert(message.id, (message.conversation, message.seq));
        for a in attachments {
            state.attachments.insert(a.id, a.clone());
        }
        self.undo
            .push(Undo::Message(message.conversation, previous_at));
        Ok(())
    }

    fn message(&mut self, id: MessageId) -> Result<Option<Message>, StoreError> {
        let Some(&(conversation, seq)) = self.state.message_index.get(&id) else {
            return Ok(None);
        };
        Ok(self
            .state
            .conversations
            .get(&conversation)
            .and_then(|c| c.messages.get(usize::try_from(seq).ok()?.checked_sub(1)?))
            .cloned())
    }

    fn messages(&mut self, query: &MessageQuery) -> Result<Vec<Message>, StoreError> {
        let Some(c) = self.state.conversations.get(&query.conversation) else {
            return Ok(Vec::new());
        };
        Ok(c.messages
            .iter()
            .rev()
            .filter(|m| query.matches(m))
            .take(query.limit)
            .cloned()
            .collect())
    }

    fn attachment(&mut self, id: AttachmentId) -> Result<Option<Attachment>, StoreError> {
        Ok(self.state.attachments.get(&id).cloned())
    }

    fn read_seq(
        &mut self,
        conversation: ConversationId,
        person: UserId,
    ) -> Result<Option<u64>, StoreError> {
        Ok(self
            .state
            .conversations
            .get(&conversation)
            .and_then(|c| c.read.get(&person).copied()))
    }

    fn set_read_seq(
        &mut self,
        conversation: ConversationId,
        person: UserId,
        read_seq: u64,
    ) -> Result<(), StoreError> {
        let c = self
            .state
            .conversations
            .get_mut(&conversation)
            .filter(|c| read_seq <= c.conversation.last_seq)
            .ok_or_else(|| conflict(format!("conversation {conversation}: read mark refused")))?;
        let before = c
            .read
            .get_mut(&person)
            .ok_or_else(|| conflict(format!("conversation {conversation}: not a participant")))?;
        let previous = std::mem::replace(before, read_seq);
        self.undo.push(Undo::Read(conversation, person, previous));
        Ok(())
    }

    fn participations(&mut self, person: UserId) -> Result<Vec<Participation>, StoreError> {
        let Some(ids) = self.state.participations.get(&person) else {
            return Ok(Vec::new());
        };
        Ok(ids
            .iter()
            .filter_map(|id| self.state.conversations.get(id))
            .map(|c| Participation {
                conversation: c.conversation.id,
                service_user: c.conversation.service_user,
                membership: c.conversation.provider(person).map(|p| p.membership),
                read_seq: c.read.get(&person).copied().unwrap_or(0),
                last_seq: c.conversation.last_seq,
                last_message_at: c.conversation.last_message_at,
            })
            .collect())
    }
}

impl FeedTx for MemoryTx<'_> {
    fn append_change(&mut self, change: &NewChange) -> Result<u64, StoreError> {
        let mut recipients = change.recipients.clone();
        recipients.sort();
        recipients.dedup();
        if recipients.len() != change.recipients.len() {
            return Err(conflict("a change names a recipient twice".to_owned()));
        }
        let seq = self.state.changes.len() as u64 + 1;
        self.state.changes.push(ChangeRecord {
            seq,
            at: change.at,
            subject: change.subject,
        });
        for person in &change.recipients {
            self.state.feeds.entry(*person).or_default().push(seq);
        }
        self.undo.push(Undo::Change(change.recipients.clone()));
        Ok(seq)
    }

    fn last_change(&mut self) -> Result<u64, StoreError> {
        Ok(self.state.changes.len() as u64)
    }

    fn changes_for(
        &mut self,
        recipient: UserId,
        after: u64,
        limit: usize,
    ) -> Result<Vec<ChangeRecord>, StoreError> {
        let Some(feed) = self.state.feeds.get(&recipient) else {
            return Ok(Vec::new());
        };
        let start = feed.partition_point(|&seq| seq <= after);
        Ok(feed[start..]
            .iter()
            .take(limit)
            .filter_map(|&seq| {
                let index = usize::try_from(seq).ok()?.checked_sub(1)?;
                self.state.changes.get(index).copied()
            })
            .collect())
    }
}

impl UsageTx for MemoryTx<'_> {
    fn record_usage(&mut self, event: &UsageEvent) -> Result<(), StoreError> {
        self.state.usage.push(event.clone());
        self.undo.push(Undo::Usage);
        Ok(())
    }

    fn module_tallies(&mut self, period: &Period) -> Result<Vec<ModuleTally>, StoreError> {
        // Keyed by module and the role's place in Role::ALL: the order tallies come in.
        let mut tallies: std::collections::BTreeMap<_, (u64, BTreeSet<UserId>, u64)> =
            std::collections::BTreeMap::new();
        for event in self.state.usage.iter().filter(|e| period.contains(e.at)) {
            let rank = Role::ALL.iter().position(|r| *r == event.role);
            let tally = tallies.entry((event.module, rank)).or_default();
            if event.action.is_posting() {
                tally.2 += 1;
            } else {
                tally.0 += 1;
            }
            tally.1.insert(event.actor);
        }
        Ok(tallies
            .into_iter()
            .filter_map(|((module, rank), (visits, people, postings))| {
                Some(ModuleTally {
                    module,
                    role: *Role::ALL.get(rank?)?,
                    visits,
                    people: people.len() as u64,
                    postings,
                })
            })
            .collect())
    }

    fn message_usage(&mut self, period: &Period) -> Result<Vec<MessageUsage>, StoreError> {
        let mut messages: Vec<MessageUsage> = self
            .state
            .usage
            .iter()
            .filter(|e| e.action == UsageAction::Message && period.contains(e.at))
            .filter_map(|e| {
                Some(MessageUsage {
                    at: e.at,
                    service_user: e.subject?,
                    conversation: e.conversation?,
                    from_provider: e.role == Role::Provider,
                })
            })
            .collect();
        // Stable: messages at the same moment keep the order they were recorded in.
        messages.sort_by_key(|m| (m.conversation, m.at));
        Ok(messages)
    }

    fn registered(&mut self, role: Role, before: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(self
            .state
            .people
            .values()
            .filter(|p| p.role == role && p.registered_at < before)
            .count() as u64)
    }

    fn posting_people(&mut self, role: Role, period: &Period) -> Result<u64, StoreError> {
        Ok(self
            .state
            .usage
            .iter()
            .filter(|e| e.role == role && e.action.is_posting() && period.contains(e.at))
            .map(|e| e.actor)
            .collect::<BTreeSet<_>>()
            .len() as u64)
    }

    fn involvement(&mut self, before: DateTime<Utc>) -> Result<InvolvementTally, StoreError> {
        let subjects = |keep: &dyn Fn(&UsageEvent) -> bool| {
            self.state
                .usage
                .iter()
                .filter(|e| e.at < before && keep(e))
                .filter_map(|e| e.subject)
                .collect::<BTreeSet<_>>()
                .len() as u64
        };
        Ok(InvolvementTally {
            with_own_goal: subjects(&|e| {
                e.action == UsageAction::Goal && e.subject == Some(e.actor)
            }),
            with_shared_scope: subjects(&|e| e.action == UsageAction::Share),
            with_crisis_plan: subjects(&|e| e.action == UsageAction::CrisisPlan),
        })
    }

    fn team_tallies(&mut self, before: DateTime<Utc>) -> Result<Vec<TeamTally>, StoreError> {
        let mut teams: std::collections::BTreeMap<UserId, (BTreeSet<UserId>, BTreeSet<String>)> =
            std::collections::BTreeMap::new();
        let earlier = self.state.usage.iter().filter(|e| e.at < before);
        for event in earlier.clone().filter(|e| e.action == UsageAction::Join) {
            if let Some(subject) = event.subject {
                teams.entry(subject).or_default().0.insert(event.actor);
            }
        }
        for event in earlier.filter(|e| e.action == UsageAction::Share) {
            let team = event.subject.and_then(|s| teams.get_mut(&s));
            if let (Some(team), Some(scope)) = (team, &event.scope) {
                team.1.insert(scope.to_string());
            }
        }
        Ok(teams
            .into_iter()
            .map(|(service_user, (providers, scopes))| TeamTally {
                service_user,
                providers: providers.len() as u64,
                scopes_shared: scopes.len() as u64,
            })
            .collect())
    }
}
