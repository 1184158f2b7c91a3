//! The facade: [`Portal`], the one place that combines rules, storage and the clock.
//!
//! Every method takes the acting person first, checks what they may do inside the library, and
//! runs as one transaction: its writes commit together or not at all.

use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::config::PortalConfig;
use crate::error::{Error, Result};
use crate::model::people::{Actor, Person};
use crate::policy::forum::crisis::CrisisMatcher;
use crate::store::{MemoryStore, Store, StoreError, Transaction, TxMode};

mod audit;
mod feed;
mod forum;
mod home;
mod messaging;
mod people;
mod team;
mod toolbox;
mod usage;

pub use audit::{ACCESS_PAGE_MAX, AccessLogFilter, AccessLogPage};
pub use feed::{CHANGES_PAGE_MAX, Change, Changes};
pub use forum::{
    FORUM_PAGE_DEFAULT, FORUM_PAGE_MAX, FlagView, ForumStanding, HiddenNotice, MemberRecord,
    ModerationNotice, ModeratorEdit, ModeratorNote, NewFlag, NewThread, PostCursor, PostStatus,
    PostView, Posted, ReviewItem, ReviewPage, ThreadCursor, ThreadList, ThreadListQuery,
    ThreadPage, ThreadSummary,
};
pub use home::{
    DomainOverview, GoalOverview, HOME_RECENT, HOME_REGISTRATIONS, Home, MeasureOverview,
};
pub use messaging::{
    Attach, ConversationOverview, Inbox, MESSAGE_ATTACHMENTS_MAX, MESSAGE_PAGE_DEFAULT,
    MESSAGE_PAGE_MAX, MessagePage, NewConversation, NewMessage, Participant, Started, UnreadCount,
    UnreadCounts,
};
pub use team::{CaseloadEntry, ScopeView, Sharing, TeamMember};
pub use toolbox::{ActivityEdit, GoalEdit, NewActivity, NewGoal, NewStatus};
pub use usage::{
    ExportKey, Involvement, MonthlyUsage, ProviderInteraction, TeamUsage, UsageFigures, UsageReport,
};

/// The e-recovery portal: a service user's toolbox and everything around it.
///
/// `Portal` is `Send + Sync`; share it between threads behind an `Arc`.
///
/// ```
/// use recovery_core::{Actor, NewGoal, NewPerson, Portal, DomainRef};
///
/// let portal = Portal::open_in_memory();
/// let anna = portal.register(NewPerson::service_user("Anna"))?;
/// let me = Actor::new(anna.id);
/// let goal = portal.add_goal(&me, NewGoal::new(DomainRef::Catalogue("housing".into()), "Find a flat"))?;
/// assert_eq!(portal.home(&me)?.domains.iter().map(|d| d.goals.len()).sum::<usize>(), 1);
/// # let _ = goal;
/// # Ok::<(), recovery_core::Error>(())
/// ```
pub struct Portal {
    store: Box<dyn Store>,
    clock: Arc<dyn Clock>,
    config: PortalConfig,
    /// The configured crisis terms, compiled once.
    crisis: CrisisMatcher,
    /// The encrypted SQLite store, when the portal was opened with a key: for
    /// [`Portal::rekey`].
    #[cfg(feature = "sqlcipher")]
    encrypted: Option<Arc<crate::store::SqliteStore>>,
}

impl std::fmt::Debug for Portal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Portal").finish_non_exhaustive()
    }
}

impl Portal {
    /// Opens (or creates) a portal in an SQLite file: the default store.
    ///
    /// Refuses a file written by a newer version of the library, a file that is not a
    /// recovery-core database, and a corrupt file, each with a typed [`StoreError`] and without
    /// touching the file.
    ///
    /// [`StoreError`]: crate::store::StoreError
    #[cfg(feature = "sqlite")]
    pub fn open(path: impl AsRef<std::path::Path>, config: PortalConfig) -> Result<Self> {
        let store = crate::store::SqliteStore::open(path, &config.sqlite)?;
        Ok(Self::with_store(store, config))
    }

    /// Opens (or creates) a portal in an SQLite file encrypted with `key` (feature
    /// `sqlcipher`). The host keeps the key in the platform's keystore (Android Keystore, iOS
    /// Keychain); the portal never writes or logs it.
    ///
    /// Everything the portal writes, in the file and in its write-ahead log, is encrypted and
    /// authenticated (SQLCipher 4: AES-256, HMAC-SHA512 per page). Besides the refusals of
    /// [`Portal::open`], each of these leaves the file untouched:
    /// [`StoreError::WrongKey`] when the key does not open the file, and
    /// [`StoreError::NotEncrypted`] for an unencrypted database.
    ///
    /// ```
    /// use recovery_core::store::sqlite::DatabaseKey;
    /// use recovery_core::{NewPerson, Portal, PortalConfig};
    ///
    /// # let dir = std::env::temp_dir().join(format!("recovery-key-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).ok();
    /// # let path = dir.join("portal.sqlite");
    /// let key = DatabaseKey::from_bytes([42; 32]); // from the keystore, in a real app
    /// let portal = Portal::open_encrypted(&path, &key, PortalConfig::default())?;
    /// portal.register(NewPerson::service_user("Anna"))?;
    /// # drop(portal);
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), recovery_core::Error>(())
    /// ```
    ///
    /// [`StoreError::WrongKey`]: crate::store::StoreError::WrongKey
    /// [`StoreError::NotEncrypted`]: crate::store::StoreError::NotEncrypted
    #[cfg(feature = "sqlcipher")]
    pub fn open_encrypted(
        path: impl AsRef<std::path::Path>,
        key: &crate::store::sqlite::DatabaseKey,
        config: PortalConfig,
    ) -> Result<Self> {
        let store = Arc::new(crate::store::SqliteStore::open_encrypted(
            path,
            key,
            &config.sqlite,
        )?);
        let mut portal = Self::with_store(Arc::clone(&store), config);
        portal.encrypted = Some(store);
        Ok(portal)
    }

    /// Re-encrypts the portal's file under a new key (feature `sqlcipher`): every row is kept,
    /// and from now on only `key` opens it. See
    /// [`SqliteStore::rekey`](crate::store::SqliteStore::rekey) for what the host must keep
    /// meanwhile. [`StoreError::NotEncrypted`](crate::store::StoreError::NotEncrypted) unless
    /// the portal was opened with [`Portal::open_encrypted`].
    #[cfg(feature = "sqlcipher")]
    pub fn rekey(&self, key: &crate::store::sqlite::DatabaseKey) -> Result<()> {
        let store = self
            .encrypted
            .as_ref()
            .ok_or(crate::store::StoreError::NotEncrypted)?;
        Ok(store.rekey(key)?)
    }

    /// A portal that keeps everything in memory, with the default configuration.
    pub fn open_in_memory() -> Self {
        Self::with_store(MemoryStore::new(), PortalConfig::default())
    }

    /// A portal on any store: the host's own, or one of the crate's.
    pub fn with_store(store: impl Store + 'static, config: PortalConfig) -> Self {
        Self {
            store: Box::new(store),
            clock: Arc::new(SystemClock),
            crisis: CrisisMatcher::new(&config.forum.crisis_terms),
            config,
            #[cfg(feature = "sqlcipher")]
            encrypted: None,
        }
    }

    /// Replaces the clock (tests and simulations use [`ManualClock`](crate::ManualClock)).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The configuration the portal runs with.
    pub fn config(&self) -> &PortalConfig {
        &self.config
    }

    /// Runs `f` in a transaction that only reads. Calls that may read another person's data
    /// log the access, so they run as [`Portal::write`] (in SQLite a read transaction that
    /// starts writing fails at once with `Busy` when another connection wrote in between,
    /// where a write transaction waits its turn).
    fn read<T>(&self, f: impl FnOnce(&mut dyn Transaction) -> Result<T>) -> Result<T> {
        self.run(TxMode::Read, f)
    }

    /// Runs `f` in a write transaction.
    fn write<T>(&self, f: impl FnOnce(&mut dyn Transaction) -> Result<T>) -> Result<T> {
        self.run(TxMode::Write, f)
    }

    /// Commits when `f` succeeds, rolls back when it fails, with one exception: a
    /// [`Error::PermissionDenied`] commits, because the access check runs before any write and
    /// has logged the denial, which must be kept.
    fn run<T>(&self, mode: TxMode, f: impl FnOnce(&mut dyn Transaction) -> Result<T>) -> Result<T> {
        let outcome = self.run_once(mode, f);
        if let Err(Error::Store(StoreError::Corrupt { .. })) = &outcome {
            // Keep the damage as it was found: the store stops writing to its files.
            self.store.damage_found();
        }
        outcome
    }

    fn run_once<T>(
        &self,
        mode: TxMode,
        f: impl FnOnce(&mut dyn Transaction) -> Result<T>,
    ) -> Result<T> {
        let mut tx = self.store.transaction(mode)?;
        match f(tx.as_mut()) {
            Ok(out) => {
                tx.commit()?;
                Ok(out)
            }
            Err(denied @ Error::PermissionDenied(_)) => {
                tx.commit()?;
                Err(denied)
            }
            Err(other) => Err(other),
        }
    }
}

/// The acting person's account, or [`Error::UnknownActor`].
fn acting(tx: &mut dyn Transaction, actor: &Actor) -> Result<Person> {
    tx.person(actor.id)?
        .ok_or_else(|| Error::UnknownActor(actor.id.to_string()))
}
