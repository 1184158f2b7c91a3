//! Storage of the access log.

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::model::audit::AccessEntry;
use crate::model::ids::UserId;
use crate::model::team::Scope;

/// Which access-log entries about one person to list, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessQuery {
    /// The person the entries are about.
    pub subject: UserId,
    /// Only entries where this person acted or was the counterpart (e.g. a provider).
    pub party: Option<UserId>,
    /// Only entries about this scope.
    pub scope: Option<Scope>,
    /// Only entries at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only entries before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only entries with a sequence number below this (the keyset cursor of the next page).
    pub before_seq: Option<u64>,
    /// At most this many entries.
    pub limit: usize,
}

impl AccessQuery {
    /// Whether an entry matches the filters (ordering and limit aside).
    pub fn matches(&self, entry: &AccessEntry) -> bool {
        let e = &entry.event;
        e.subject == self.subject
            && self
                .party
                .is_none_or(|p| e.actor == p || e.counterpart == Some(p))
            && self
                .scope
                .as_ref()
                .is_none_or(|s| e.scope.as_ref() == Some(s))
            && self.from.is_none_or(|t| e.at >= t)
            && self.until.is_none_or(|t| e.at < t)
            && self.before_seq.is_none_or(|s| entry.seq < s)
    }
}

/// The append-only access log.
pub trait AuditTx {
    /// Appends an entry. [`StoreError::Conflict`] unless `entry.seq` is one more than the last
    /// entry's (1 for the first).
    fn append_access(&mut self, entry: &AccessEntry) -> Result<(), StoreError>;
    /// The last entry's sequence number and hash, if the log is not empty.
    fn last_access(&mut self) -> Result<Option<(u64, [u8; 32])>, StoreError>;
    /// Entries about one person, newest first.
    fn access_entries(&mut self, query: &AccessQuery) -> Result<Vec<AccessEntry>, StoreError>;
    /// Up to `limit` entries with sequence numbers above `after_seq`, in sequence order (for
    /// verification of the chain).
    fn access_range(
        &mut self,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<AccessEntry>, StoreError>;
}
