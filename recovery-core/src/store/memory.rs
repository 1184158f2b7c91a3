//! The in-memory store: the reference implementation of [`Store`], for tests, demos and hosts
//! that persist elsewhere. Transactions are serialised by one lock and undone from an undo log
//! when dropped uncommitted.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::{ItemQuery, PeopleTx, Store, StoreError, ToolboxTx, Transaction, TxMode};
use crate::model::ids::{ItemId, UserId};
use crate::model::people::Person;
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
}

/// How to take back one write.
#[derive(Debug)]
enum Undo {
    Person(UserId),
    NewItem(ItemId),
    ItemVersion(ItemId),
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
            }
        }
    }
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
        found.sort_by(|a, b| (a.created_at, a.id).cmp(&(b.created_at, b.id)));
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
