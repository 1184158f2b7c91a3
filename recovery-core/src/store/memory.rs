//! The in-memory store: the reference implementation of [`Store`], for tests, demos and hosts
//! that persist elsewhere. Transactions are serialised by one lock and undone from an undo log
//! when dropped uncommitted.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::{
    AccessQuery, AuditTx, ItemQuery, MembershipQuery, PeopleTx, ProposalQuery, Store, StoreError,
    TeamTx, ToolboxTx, Transaction, TxMode,
};
use crate::model::audit::AccessEntry;
use crate::model::ids::{ItemId, MembershipId, ProposalId, UserId};
use crate::model::people::Person;
use crate::model::team::{Comment, Grant, Membership, Proposal, Scope};
use crate::model::toolbox::ItemRecord;

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
            }
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
