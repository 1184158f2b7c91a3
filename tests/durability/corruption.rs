//! Corruption: one flipped bit in a copy of a database, or of a database and its write-ahead
//! log, at a seeded random place. Opening and reading everything must give a typed error or
//! data that was once committed, never a panic; and once the portal has reported damage it
//! writes nothing more, so the damaged file and its log keep their bytes.
//!
//! What plain SQLite can promise is narrower than what the encrypted store can: SQLite keeps
//! no checksum of its pages, so a bit flipped inside a stored value reads back as a different
//! value, without an error. Those cases are counted and printed, not failed (ADR 0009 weighs
//! page checksums for the plain store). An encrypted file's pages each carry an HMAC:
//! `encryption.rs` demands a typed error for every flipped bit of a closed encrypted file.
//! A bit flipped in the log would make SQLite stop reading the log at that frame, as after a
//! crash that cut the log short there, and silently drop every later transaction. The store
//! checks the log's frames before SQLite reads it and refuses damage anywhere but in the last
//! transaction (which a crash can tear): every case in the log must be a typed error or show
//! every committed transaction, but the last one when the flip is in its frames.
//!
//! CI runs 240 cases; the full run 2,400:
//!
//! ```text
//! RECOVERY_DURABILITY_FULL=1 cargo test --release -p recovery-tests --test corruption
//! ```

#![allow(clippy::unwrap_used)]

use std::panic::AssertUnwindSafe;
use std::path::Path;

use recovery_core::store::StoreError;
use recovery_core::*;
use recovery_tests::durability::{
    Cast, Seeded, config, file_bytes, housing, picture, seed, side_file, size,
};
use serde_json::Value;

/// A database with a little of everything, closed, and what it shows.
fn closed_database(path: &Path) -> (Cast, Value) {
    let portal = Portal::open(path, config()).unwrap();
    let cast = Cast::register(&portal).unwrap();
    for n in 0..6 {
        let mut goal = NewGoal::new(housing(), format!("Goal {n}"));
        goal.why = "Because it matters to me. ".repeat(40);
        let goal = portal.add_goal(&cast.anna, goal).unwrap();
        portal
            .add_activity(
                &cast.anna,
                NewActivity {
                    goal: goal.id,
                    title: format!("Step {n}"),
                    due: None,
                },
            )
            .unwrap();
        portal
            .start_thread(
                &cast.bo,
                NewThread {
                    category: "everyday-life".into(),
                    title: format!("Thread {n}"),
                    body: "Sleep and walks. ".repeat(30),
                },
            )
            .unwrap();
    }
    let shown = picture(&portal, &cast).unwrap();
    (cast, shown)
}

/// A copy of the closed database with more commands in its log, as a copy taken while the
/// portal is open leaves it; what it showed after each of those commands; and where in the log
/// the last command's frames start.
fn database_with_log(closed: &Path, copy: &Path, cast: &Cast) -> (Vec<Value>, usize) {
    let live = closed.with_file_name("live.sqlite");
    std::fs::copy(closed, &live).unwrap();
    let portal = Portal::open(&live, config()).unwrap();
    let mut states = vec![picture(&portal, cast).unwrap()];
    let mut last_start = 0;
    for n in 0..5 {
        last_start = std::fs::metadata(side_file(&live, "-wal")).map_or(0, |m| m.len() as usize);
        portal
            .add_diary_entry(
                &cast.anna,
                DiaryEntry {
                    day: chrono::Utc::now().date_naive(),
                    text: format!("Day {n}. {}", "Slept badly, walked far. ".repeat(60)),
                },
            )
            .unwrap();
        states.push(picture(&portal, cast).unwrap());
    }
    std::fs::copy(&live, copy).unwrap();
    std::fs::copy(side_file(&live, "-wal"), side_file(copy, "-wal")).unwrap();
    drop(portal);
    (states, last_start)
}

/// What opening and reading a damaged copy gave.
enum Outcome {
    /// A typed error.
    Refused(Error),
    /// Everything read; this is what it showed.
    Read(Value),
}

fn open_and_read(path: &Path, cast: &Cast) -> Outcome {
    let run = || -> Result<Value> {
        let portal = Portal::open(path, config())?;
        let shown = picture(&portal, cast)?;
        let chain = portal.verify_access_log()?;
        if !chain.is_intact() {
            // The chain found the change: as good as a typed error.
            return Err(Error::Store(StoreError::Corrupt {
                detail: format!("{chain:?}"),
            }));
        }
        Ok(shown)
    };
    match std::panic::catch_unwind(AssertUnwindSafe(run)) {
        Ok(Ok(shown)) => Outcome::Read(shown),
        Ok(Err(e)) => Outcome::Refused(e),
        Err(_) => panic!("opening or reading a damaged file panicked"),
    }
}

/// Whether an error is one a changed stored value may cause: an id that names nothing, a
/// role that may not do this.
fn typed(error: &Error) -> bool {
    matches!(
        error,
        Error::NotFound { .. }
            | Error::UnknownActor(_)
            | Error::PermissionDenied(_)
            | Error::Invalid { .. }
    )
}

#[test]
fn a_flipped_bit_gives_a_typed_error_or_committed_data_and_a_reported_damage_is_never_written() {
    let cases = size(240, 2_400);
    let dir = tempfile::tempdir().unwrap();
    let closed = dir.path().join("closed.sqlite");
    let (cast, committed) = closed_database(&closed);
    let paired = dir.path().join("paired.sqlite");
    let (states, last_start) = database_with_log(&closed, &paired, &cast);
    let closed_bytes = std::fs::read(&closed).unwrap();
    let (paired_db, paired_wal) = file_bytes(&paired);
    assert!(!paired_wal.is_empty(), "the copy has a log");

    let mut rng = Seeded::new(seed(0xC0AA_0B7E));
    let (mut refused, mut read, mut silent, mut torn) = (0, 0, 0, 0);
    // Log cases that lost a committed transaction or read a changed value: none may.
    let mut log_losses = Vec::new();
    for case in 0..cases {
        let place = dir.path().join(format!("case-{case}"));
        std::fs::create_dir(&place).unwrap();
        let path = place.join("portal.sqlite");
        // A third each: the closed file, the file beside its log, the log.
        let part = case % 3;
        let (mut db, mut wal) = match part {
            0 => (closed_bytes.clone(), Vec::new()),
            _ => (paired_db.clone(), paired_wal.clone()),
        };
        let target = if part == 2 { &mut wal } else { &mut db };
        let offset = rng.below(target.len());
        target[offset] ^= 1 << rng.below(8);
        std::fs::write(&path, &db).unwrap();
        if !wal.is_empty() {
            std::fs::write(side_file(&path, "-wal"), &wal).unwrap();
        }
        let what = ["closed file", "file beside its log", "log"][part];

        let outcome = open_and_read(&path, &cast);
        let (db_after, wal_after) = file_bytes(&path);
        let untouched = db_after == db && wal_after == wal;
        match outcome {
            Outcome::Refused(Error::Store(error)) => {
                assert!(
                    matches!(
                        error,
                        StoreError::Corrupt { .. }
                            | StoreError::NotADatabase
                            | StoreError::TooNew { .. }
                            | StoreError::Io { .. }
                    ),
                    "case {case} ({what}, byte {offset}): {error:?}"
                );
                refused += 1;
                // Refused or reported: the damaged file and its log are as they were.
                assert!(
                    untouched,
                    "case {case} ({what}, byte {offset}): written after {error:?}"
                );
            }
            Outcome::Read(shown) if part == 0 && shown == committed => {
                // Nothing damaged was read; a closed file is not written by reading it.
                read += 1;
                assert!(untouched, "case {case} ({what}, byte {offset}): written");
            }
            Outcome::Read(shown) if part != 0 && &shown == states.last().unwrap() => {
                // Nothing damaged was read, or only what the log supersedes.
                read += 1;
            }
            Outcome::Read(shown)
                if part == 2 && offset >= last_start && shown == states[states.len() - 2] =>
            {
                // The flip is in the last transaction's frames, which is what a crash while
                // writing them leaves: SQLite reads the data as before that transaction.
                read += 1;
                torn += 1;
            }
            Outcome::Read(_) if part == 2 => {
                read += 1;
                log_losses.push(format!("case {case} (byte {offset}): a transaction lost"));
            }
            other => {
                // A flip inside a stored value (a text, an id, a role) reads back as another
                // value: a different answer or a different error, with nothing to tell.
                if let Outcome::Refused(e) = &other {
                    assert!(typed(e), "case {case} ({what}, byte {offset}): {e:?}");
                }
                if part == 2 {
                    log_losses.push(format!("case {case} (byte {offset}): a value changed"));
                }
                silent += 1;
            }
        }
    }
    eprintln!(
        "{cases} cases: {refused} typed errors, {read} read through ({torn} with the log's torn \
         last transaction dropped), {silent} with a value changed unnoticed, {} in the log \
         with a committed transaction lost or a value changed",
        log_losses.len()
    );
    assert!(
        log_losses.is_empty(),
        "damage in the log went unnoticed: {log_losses:#?}"
    );
    assert!(refused > 0 && read > 0, "both outcomes occur");
}

#[test]
fn once_damage_is_reported_the_portal_commits_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let closed = dir.path().join("closed.sqlite");
    let (cast, _) = closed_database(&closed);
    let path = dir.path().join("paired.sqlite");
    let _ = database_with_log(&closed, &path, &cast);
    // Damage the first page of the forum posts' tree in the file (the log holds no newer copy).
    let (page_size, root) = {
        let conn = rusqlite::Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        let size: i64 = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        let root: i64 = conn
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'forum_posts'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (size as usize, root as usize)
    };
    let mut db = std::fs::read(&path).unwrap();
    for byte in &mut db[(root - 1) * page_size..(root - 1) * page_size + 16] {
        *byte ^= 0xA5;
    }
    std::fs::write(&path, &db).unwrap();
    let (db, wal) = file_bytes(&path);

    let portal = Portal::open(&path, config()).unwrap();
    let error = portal
        .threads(&cast.moderator, ThreadListQuery::default())
        .and_then(|list| {
            recovery_tests::durability::all_posts(&portal, &cast.moderator, list.threads[0].id)
        })
        .unwrap_err();
    assert!(
        matches!(error, Error::Store(StoreError::Corrupt { .. })),
        "{error:?}"
    );
    // Reads of what is undamaged go on; writes are refused.
    assert_eq!(portal.home(&cast.anna).unwrap().goals().count(), 6);
    let error = portal
        .register(NewPerson::service_user("Carl"))
        .unwrap_err();
    assert!(
        matches!(error, Error::Store(StoreError::Corrupt { .. })),
        "{error:?}"
    );
    drop(portal);
    let (db_after, wal_after) = file_bytes(&path);
    assert!(db_after == db, "the damaged file was written");
    assert!(wal_after == wal, "the log was checkpointed or removed");
}

#[test]
fn a_schema_only_a_writer_cannot_parse_is_refused_and_the_log_is_not_copied_into_the_file() {
    // A CHECK constraint naming a column that is not there: a read-only connection reads such
    // a schema, a read-write one refuses it, so it is found only once the store has opened the
    // file for writing, and closing that connection must not copy the log into the file.
    let dir = tempfile::tempdir().unwrap();
    let closed = dir.path().join("closed.sqlite");
    let (cast, _) = closed_database(&closed);
    let path = dir.path().join("paired.sqlite");
    let _ = database_with_log(&closed, &path, &cast);
    let mut db = std::fs::read(&path).unwrap();
    let pattern = b"(conversation IS NULL";
    let at = db
        .windows(pattern.len())
        .position(|w| w == pattern)
        .expect("the feed's CHECK constraint is in the file");
    // "conversation" becomes "conversathon".
    db[at + 10] ^= 1;
    std::fs::write(&path, &db).unwrap();
    let (db, wal) = file_bytes(&path);
    assert!(!wal.is_empty());

    let error = Portal::open(&path, config()).unwrap_err();
    assert!(
        matches!(error, Error::Store(StoreError::Corrupt { ref detail }) if detail.contains("conversathon")),
        "{error:?}"
    );
    let (db_after, wal_after) = file_bytes(&path);
    assert!(db_after == db, "the damaged file was written");
    assert!(wal_after == wal, "the log was checkpointed or removed");
}
