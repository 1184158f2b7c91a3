//! The access log through the facade: appending, the owner's reading of it, and verification.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Portal, acting};
use crate::error::{DenyReason, Error, Problem, Result};
use crate::model::audit::{AccessEntry, AccessEvent, ChainReport};
use crate::model::ids::UserId;
use crate::model::people::{Actor, Role};
use crate::model::team::Scope;
use crate::policy::audit::{ChainWalk, GENESIS, chain_hash};
use crate::store::{AccessQuery, Transaction};

/// The most entries one page of the access log holds.
pub const ACCESS_PAGE_MAX: usize = 500;
/// How many entries verification reads per store call.
const VERIFY_CHUNK: usize = 10_000;

/// What a service user asks of their access log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLogFilter {
    /// Only entries where this person (e.g. a provider) acted or was named.
    pub party: Option<UserId>,
    /// Only entries about this scope.
    pub scope: Option<Scope>,
    /// Only entries at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only entries before this time.
    pub until: Option<DateTime<Utc>>,
    /// The cursor from the previous page's [`AccessLogPage::next`].
    pub before: Option<u64>,
    /// Entries per page: 1 to 500 (0 means 50).
    pub limit: usize,
}

/// One page of the access log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLogPage {
    /// The entries.
    pub entries: Vec<AccessEntry>,
    /// Pass as [`AccessLogFilter::before`] for the next page; `None` on the last page.
    pub next: Option<u64>,
}

impl Portal {
    /// Appends an event to the access log, chained to the entry before it.
    pub(super) fn log(&self, tx: &mut dyn Transaction, event: AccessEvent) -> Result<()> {
        let (seq, prev_hash) = tx.last_access()?.map_or((1, GENESIS), |(s, h)| (s + 1, h));
        let hash = chain_hash(&prev_hash, &event);
        tx.append_access(&AccessEntry {
            seq,
            event,
            prev_hash,
            hash,
        })?;
        Ok(())
    }

    /// Every access-log entry about the acting service user ("who looked at my plan"), newest
    /// first, filtered and paged. Only the person the entries are about may read them.
    pub fn access_log(&self, actor: &Actor, filter: AccessLogFilter) -> Result<AccessLogPage> {
        let limit = match filter.limit {
            0 => 50,
            n if n <= ACCESS_PAGE_MAX => n,
            _ => {
                return Err(Error::invalid(
                    "access_log.limit",
                    Problem::OutOfRange {
                        min: 1,
                        max: ACCESS_PAGE_MAX as i64,
                    },
                ));
            }
        };
        self.read(|tx| {
            let me = acting(tx, actor)?;
            if me.role != Role::ServiceUser {
                return Err(Error::PermissionDenied(DenyReason::WrongRole));
            }
            let query = AccessQuery {
                subject: me.id,
                party: filter.party,
                scope: filter.scope,
                from: filter.from,
                until: filter.until,
                before_seq: filter.before,
                limit: limit + 1,
            };
            let mut entries = tx.access_entries(&query)?;
            let next = if entries.len() > limit {
                entries.truncate(limit);
                entries.last().map(|e| e.seq)
            } else {
                None
            };
            Ok(AccessLogPage { entries, next })
        })
    }

    /// Walks the whole access log and reports the first entry that was edited, deleted,
    /// inserted or moved. Reports ids and positions only, so any host process may run it.
    ///
    /// A break is damage found, as a [`StoreError::Corrupt`](crate::store::StoreError) is: the
    /// store is told ([`Store::damage_found`](crate::store::Store::damage_found)), and the
    /// SQLite store then commits no more changes and leaves its files as they are, so that the
    /// evidence is kept for whoever inspects it.
    pub fn verify_access_log(&self) -> Result<ChainReport> {
        let report = self.walk_access_log()?;
        if !report.is_intact() {
            self.store.damage_found();
        }
        Ok(report)
    }

    fn walk_access_log(&self) -> Result<ChainReport> {
        self.read(|tx| {
            let mut walk = ChainWalk::new();
            let mut after = 0;
            loop {
                let chunk = tx.access_range(after, VERIFY_CHUNK)?;
                let Some(last) = chunk.last() else { break };
                after = last.seq;
                let full = chunk.len() == VERIFY_CHUNK;
                for entry in chunk {
                    walk.push(entry);
                }
                if walk.is_broken() || !full {
                    break;
                }
            }
            let (entries, first_break) = walk.finish();
            Ok(ChainReport {
                entries,
                first_break,
            })
        })
    }
}
