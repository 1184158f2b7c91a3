//! Storage: the public [`Store`] trait and the crate's two implementations.
//!
//! A store knows nothing of policy: it keeps and returns what the [`Portal`](crate::Portal)
//! gives it. Every portal call runs in one [`Transaction`]: its writes commit together or not at
//! all, and a transaction dropped without [`Transaction::commit`] rolls back.
//!
//! Hosts that keep data elsewhere (an EHR's own database) implement [`Store`] and check their
//! implementation with the conformance suite behind the `testing` feature
//! ([`store_conformance_tests!`](crate::store_conformance_tests)).

use chrono::{DateTime, Utc};

use crate::model::ids::{ItemId, UserId};
use crate::model::people::Person;
use crate::model::toolbox::{DomainRef, ItemKind, ItemRecord};

pub mod audit;
pub mod feed;
pub mod forum;
pub mod memory;
pub mod messaging;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod team;
pub mod usage;

#[cfg(feature = "testing")]
pub mod conformance;

pub use audit::{AccessQuery, AuditTx};
pub use feed::FeedTx;
pub use forum::{Audience, ForumTx, MemberAndThread, PostQuery, QueuedPost, ThreadQuery};
pub use memory::MemoryStore;
pub use messaging::{MessageQuery, MessagingTx};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use team::{MembershipQuery, ProposalQuery, TeamTx};
pub use usage::{InvolvementTally, MessageUsage, ModuleTally, TeamTally, UsageTx};

/// Why a store could not do what it was asked. Messages carry ids and kinds, never health text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The file is not a database of ours (or not a database at all). It was left untouched.
    #[error("the file is not a recovery-core database")]
    NotADatabase,
    /// The database is damaged. It was left untouched.
    #[error("the database is corrupt: {detail}")]
    Corrupt {
        /// What the engine reported (no user data).
        detail: String,
    },
    /// The key does not open the database: it is another key, or the file is not an encrypted
    /// database at all (the two cannot be told apart). The file was left untouched.
    #[error("the key does not open the database")]
    WrongKey,
    /// The database is not encrypted, so it cannot be opened or re-keyed with a key. Open it
    /// with [`Portal::open`](crate::Portal::open) instead. The file was left untouched.
    #[error("the database is not encrypted")]
    NotEncrypted,
    /// The database was written by a newer version of this library.
    #[error("the database has schema version {found}; this library supports up to {supported}")]
    TooNew {
        /// The schema version in the file.
        found: u32,
        /// The newest schema version this library knows.
        supported: u32,
    },
    /// Another writer held the database longer than the busy timeout.
    #[error("the database is busy (locked by another writer)")]
    Busy,
    /// The disk or the database's size limit is full. Nothing of the call was written.
    #[error("the database or disk is full")]
    Full,
    /// The database cannot be written (read-only file, directory or medium).
    #[error("the database is read-only")]
    ReadOnly,
    /// The file cannot be opened or read.
    #[error("cannot open or read the database: {detail}")]
    Io {
        /// What went wrong (a path or an OS message, no user data).
        detail: String,
    },
    /// A write broke a rule the store keeps (a duplicate id, a version out of order).
    #[error("store conflict: {detail}")]
    Conflict {
        /// What collided (ids only).
        detail: String,
    },
    /// Anything else the backend reported (no user data).
    #[error("storage backend error: {detail}")]
    Backend {
        /// What the backend said.
        detail: String,
    },
}

/// A shared store is a store: a host (or a test) can keep a handle on the store it gave the
/// portal, e.g. to change an SQLite store's size limit while the portal runs.
impl<S: Store + ?Sized> Store for std::sync::Arc<S> {
    fn transaction(&self, mode: TxMode) -> Result<Box<dyn Transaction + '_>, StoreError> {
        (**self).transaction(mode)
    }

    fn damage_found(&self) {
        (**self).damage_found()
    }
}

/// Whether a transaction will write. Backends may use it to take a lock early (SQLite's
/// `BEGIN IMMEDIATE`) or to read from a snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxMode {
    /// Only reads.
    Read,
    /// Reads and writes.
    Write,
}

/// A place the portal keeps its data. Implementations must be safe to share between threads.
pub trait Store: Send + Sync {
    /// Starts a transaction. Everything done through it commits together on
    /// [`Transaction::commit`]; dropping it uncommitted rolls everything back.
    fn transaction(&self, mode: TxMode) -> Result<Box<dyn Transaction + '_>, StoreError>;

    /// Told by the portal when a call met damage in this store ([`StoreError::Corrupt`]).
    /// A store that can should stop changing its files from then on, so that the damage is
    /// kept as found for whoever inspects or restores it: the SQLite store refuses to commit
    /// further changes and leaves its write-ahead log where it is. Reads go on. The default
    /// does nothing.
    fn damage_found(&self) {}
}

/// One unit of work against a [`Store`]: one sub-trait per capability, plus commit.
pub trait Transaction:
    PeopleTx + ToolboxTx + TeamTx + AuditTx + ForumTx + MessagingTx + FeedTx + UsageTx
{
    /// Makes every write of this transaction durable and visible, all at once.
    fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// Accounts.
pub trait PeopleTx {
    /// Adds a person. Fails with [`StoreError::Conflict`] if the id exists.
    fn insert_person(&mut self, person: &Person) -> Result<(), StoreError>;
    /// The person with this id, if any.
    fn person(&mut self, id: UserId) -> Result<Option<Person>, StoreError>;
}

/// Which toolbox items to list. Results are ordered by `created_at`, then id: oldest first, or
/// newest first with [`ItemQuery::newest_first`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemQuery {
    /// The owner whose items to list.
    pub owner: UserId,
    /// Only items of these kinds; empty means every kind.
    pub kinds: Vec<ItemKind>,
    /// Only items in this life domain.
    pub domain: Option<DomainRef>,
    /// Only items under this parent (see [`ItemBody::parent`](crate::model::toolbox::ItemBody::parent)).
    pub parent: Option<ItemId>,
    /// Also items whose latest version removed them.
    pub include_removed: bool,
    /// Only items created at or after this time.
    pub created_since: Option<DateTime<Utc>>,
    /// Newest first instead of oldest first.
    pub newest_first: bool,
    /// At most this many items.
    pub limit: Option<usize>,
}

impl ItemQuery {
    /// Every current item of an owner.
    pub fn owner(owner: UserId) -> Self {
        Self {
            owner,
            kinds: Vec::new(),
            domain: None,
            parent: None,
            include_removed: false,
            created_since: None,
            newest_first: false,
            limit: None,
        }
    }

    /// Only items of these kinds.
    pub fn kinds(mut self, kinds: &[ItemKind]) -> Self {
        self.kinds.extend_from_slice(kinds);
        self
    }

    /// The newest `limit` items, newest first.
    pub fn newest(mut self, limit: usize) -> Self {
        self.newest_first = true;
        self.limit = Some(limit);
        self
    }

    /// Only items of one kind.
    pub fn kind(mut self, kind: ItemKind) -> Self {
        self.kinds.push(kind);
        self
    }

    /// Only items in one domain.
    pub fn domain(mut self, domain: DomainRef) -> Self {
        self.domain = Some(domain);
        self
    }

    /// Only items under one parent.
    pub fn parent(mut self, parent: ItemId) -> Self {
        self.parent = Some(parent);
        self
    }

    /// Whether a record matches this query's filters (ordering and limit aside); used by the
    /// memory store and by tests.
    pub fn matches(&self, record: &ItemRecord) -> bool {
        record.owner == self.owner
            && (self.kinds.is_empty() || self.kinds.contains(&record.kind()))
            && self
                .domain
                .as_ref()
                .is_none_or(|d| record.body.domain() == Some(d))
            && self.parent.is_none_or(|p| record.body.parent() == Some(p))
            && (self.include_removed || !record.removed)
            && self.created_since.is_none_or(|t| record.created_at >= t)
    }
}

/// The service user's toolbox items, each kept with every earlier version.
pub trait ToolboxTx {
    /// Writes an item's version 1. Fails with [`StoreError::Conflict`] if the id exists or the
    /// record's version is not 1.
    fn insert_item(&mut self, record: &ItemRecord) -> Result<(), StoreError>;
    /// Writes the next version of an existing item; the previous one goes into its history.
    /// Fails with [`StoreError::Conflict`] unless `record.version` is exactly one more than the
    /// stored version and the owner and kind are unchanged.
    fn update_item(&mut self, record: &ItemRecord) -> Result<(), StoreError>;
    /// The latest version of an item, removed or not.
    fn item(&mut self, id: ItemId) -> Result<Option<ItemRecord>, StoreError>;
    /// The latest versions of the items that match, oldest first.
    fn items(&mut self, query: &ItemQuery) -> Result<Vec<ItemRecord>, StoreError>;
    /// Every version of an item, version 1 first; empty if the item does not exist.
    fn item_history(&mut self, id: ItemId) -> Result<Vec<ItemRecord>, StoreError>;
}
