//! What the durability tests share: a small cast of people on one portal, a picture of
//! everything they can see (to compare before and after a failure), the file checks, a seeded
//! generator, and the test sizes.

use std::path::Path;

use recovery_core::model::team::{Level, Scope};
use recovery_core::*;
use serde_json::{Value, json};

/// The environment variable that selects the full size of the durability tests.
pub const FULL: &str = "RECOVERY_DURABILITY_FULL";

/// `ci` normally, `full` when [`FULL`] is set to anything but `0` or empty.
pub fn size(ci: usize, full: usize) -> usize {
    match std::env::var(FULL) {
        Ok(v) if !v.is_empty() && v != "0" => full,
        _ => ci,
    }
}

/// A seed: `RECOVERY_DURABILITY_SEED` if set (to replay a failure), else `default`.
pub fn seed(default: u64) -> u64 {
    std::env::var("RECOVERY_DURABILITY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The seeded generator shared with the study cohort and the usage bench.
pub use examples::cohort::Seeded;

/// The portal configuration the durability tests run with: no forum rate limits and no held
/// posts, so that a long run of commands is never refused for pace.
pub fn config() -> PortalConfig {
    let mut config = PortalConfig::default();
    // A window of no length counts no earlier post or flag.
    let unlimited = RateLimit {
        count: 1,
        window_minutes: 0,
    };
    config.forum.post_limit = unlimited;
    config.forum.new_member_post_limit = unlimited;
    config.forum.flag_limit = unlimited;
    config.forum.new_member_flag_limit = unlimited;
    config.forum.held_posts = 0;
    config
}

/// The people of a durability test: a service user, her nurse (in her care team, with
/// `Suggest` on housing), a moderator, and a second forum member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cast {
    /// The service user.
    pub anna: Actor,
    /// Her nurse.
    pub nurse: Actor,
    /// The forum's moderator.
    pub moderator: Actor,
    /// Another service user, in the forum.
    pub bo: Actor,
}

impl Cast {
    /// Registers the cast on `portal`: team, sharing and forum memberships.
    pub fn register(portal: &Portal) -> Result<Self> {
        let anna = Actor::new(portal.register(NewPerson::service_user("Anna"))?.id);
        let bo = Actor::new(portal.register(NewPerson::service_user("Bo"))?.id);
        let nurse = Actor::new(
            portal
                .register(NewPerson::provider(
                    "Nils",
                    Profession::MentalHealthNurse,
                    "DPS",
                ))?
                .id,
        );
        let moderator = Actor::new(
            portal
                .register(NewPerson::with_role(Role::Moderator, "Mona"))?
                .id,
        );
        let membership = portal.invite(&anna, nurse.id)?;
        portal.accept_invitation(&nurse, membership.id)?;
        portal.share(
            &anna,
            nurse.id,
            Scope::Domain(housing()),
            Sharing::level(Level::Suggest),
        )?;
        portal.join_forum(&anna, "Morning walker")?;
        portal.join_forum(&bo, "Quiet harbour")?;
        Ok(Self {
            anna,
            nurse,
            moderator,
            bo,
        })
    }

    /// The cast as command-line arguments for the child process.
    pub fn to_args(self) -> Vec<String> {
        [self.anna, self.nurse, self.moderator, self.bo]
            .iter()
            .map(|a| a.id.to_string())
            .collect()
    }

    /// The cast from [`Cast::to_args`].
    pub fn from_args(args: &[String]) -> Option<Self> {
        let actor = |i: usize| -> Option<Actor> { Some(Actor::new(args.get(i)?.parse().ok()?)) };
        Some(Self {
            anna: actor(0)?,
            nurse: actor(1)?,
            moderator: actor(2)?,
            bo: actor(3)?,
        })
    }
}

/// The catalogue's housing domain.
pub fn housing() -> DomainRef {
    DomainRef::Catalogue("housing".into())
}

/// Everything the cast can see, as one value: Anna's dashboard, the history of every item on
/// it, her care team and proposals, her whole access log, the forum's threads and every post
/// as the moderator sees them. Reading it writes nothing (every read is the owner's own or a
/// moderator's), so it can be taken of a file that must not change.
pub fn picture(portal: &Portal, cast: &Cast) -> Result<Value> {
    let home = portal.home(&cast.anna)?;
    let mut histories = Vec::new();
    for goal in home.goals() {
        histories.push(json!(portal.history(&cast.anna, goal.goal.id)?));
        for activity in &goal.activities {
            histories.push(json!(portal.history(&cast.anna, activity.id)?));
        }
    }
    for entry in portal.diary(&cast.anna)? {
        histories.push(json!(portal.history(&cast.anna, entry.id)?));
    }
    let mut log = Vec::new();
    let mut filter = AccessLogFilter {
        limit: ACCESS_PAGE_MAX,
        ..AccessLogFilter::default()
    };
    loop {
        let page = portal.access_log(&cast.anna, filter.clone())?;
        log.extend(page.entries);
        match page.next {
            Some(next) => filter.before = Some(next),
            None => break,
        }
    }
    let mut threads = Vec::new();
    for thread in all_threads(portal, &cast.moderator)? {
        threads.push(json!({
            "thread": thread,
            "posts": all_posts(portal, &cast.moderator, thread.id)?,
        }));
    }
    Ok(json!({
        "home": home,
        "histories": histories,
        "team": portal.care_team(&cast.anna)?,
        "proposals": portal.proposals(&cast.anna, None)?,
        "log": log,
        "chain": portal.verify_access_log()?.entries,
        "threads": threads,
        "standing": portal.forum_standing(&cast.anna)?,
    }))
}

/// Every thread the actor may see, newest activity first.
pub fn all_threads(portal: &Portal, actor: &Actor) -> Result<Vec<ThreadSummary>> {
    let mut query = ThreadListQuery {
        limit: FORUM_PAGE_MAX,
        ..ThreadListQuery::default()
    };
    let mut threads = Vec::new();
    loop {
        let page = portal.threads(actor, query.clone())?;
        threads.extend(page.threads);
        match page.next {
            Some(next) => query.before = Some(next),
            None => return Ok(threads),
        }
    }
}

/// Every post of a thread the actor may see, oldest first.
pub fn all_posts(portal: &Portal, actor: &Actor, thread: ThreadId) -> Result<Vec<PostView>> {
    let mut posts = Vec::new();
    let mut after = None;
    loop {
        let page = portal.thread_page(actor, thread, after, FORUM_PAGE_MAX)?;
        posts.extend(page.posts);
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(posts),
        }
    }
}

/// Runs SQLite's full `integrity_check` on the file through a connection of its own (with
/// the key, for an encrypted file), and returns its findings ("ok" when sound).
pub fn integrity(path: &Path, key: Option<&[u8; 32]>) -> String {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("a read-only connection");
    if let Some(key) = key {
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        conn.execute_batch(&format!(
            "PRAGMA cipher_log_level = NONE; PRAGMA key = \"x'{hex}'\";"
        ))
        .expect("the key pragma");
    }
    let findings: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| {
            s.query_map([], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .unwrap_or_else(|e| vec![format!("integrity_check failed: {e}")]);
    findings.join("\n")
}

/// The bytes of a database file and of its `-wal` beside it (empty when there is none).
pub fn file_bytes(path: &Path) -> (Vec<u8>, Vec<u8>) {
    let db = std::fs::read(path).unwrap_or_default();
    let wal = std::fs::read(side_file(path, "-wal")).unwrap_or_default();
    (db, wal)
}

/// A file beside the database: `-wal`, `-shm`, `-journal`.
pub fn side_file(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}
