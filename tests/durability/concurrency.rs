//! Two `Portal` handles on one file, writing at once: in two threads of one process, and in two
//! processes. No write is lost; a writer that finds the file locked retries for the configured
//! busy timeout, and only then fails with `StoreError::Busy`.
//!
//! CI writes 200 goals per writer; the full run 2,000:
//!
//! ```text
//! RECOVERY_DURABILITY_FULL=1 cargo test --release -p recovery-tests --test concurrency
//! ```

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use recovery_core::store::StoreError;
use recovery_core::*;
use recovery_tests::durability::{Cast, config, housing, integrity, size};

/// The ids of the goals an actor has.
fn goal_ids(portal: &Portal, actor: &Actor) -> BTreeSet<String> {
    portal
        .goals(actor, None)
        .unwrap()
        .into_iter()
        .map(|g| g.id.to_string())
        .collect()
}

#[test]
fn two_handles_in_two_threads_lose_no_write() {
    let per_writer = size(200, 2_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let cast = Cast::register(&Portal::open(&path, config()).unwrap()).unwrap();
    let start = Arc::new(Barrier::new(2));
    let writers: Vec<_> = [cast.anna, cast.bo]
        .into_iter()
        .map(|actor| {
            let (path, start) = (path.clone(), Arc::clone(&start));
            std::thread::spawn(move || {
                // Each thread its own handle, as two parts of an app might have.
                let portal = Portal::open(&path, config()).unwrap();
                start.wait();
                (0..per_writer)
                    .map(|n| {
                        let goal = NewGoal::new(housing(), format!("Goal {n}"));
                        portal.add_goal(&actor, goal).unwrap().id.to_string()
                    })
                    .collect::<BTreeSet<_>>()
            })
        })
        .collect();
    let written: Vec<BTreeSet<String>> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    let portal = Portal::open(&path, config()).unwrap();
    assert_eq!(goal_ids(&portal, &cast.anna), written[0]);
    assert_eq!(goal_ids(&portal, &cast.bo), written[1]);
    assert_eq!(written[0].len() + written[1].len(), 2 * per_writer);
    assert!(portal.verify_access_log().unwrap().is_intact());
    drop(portal);
    assert_eq!(integrity(&path, None), "ok");
}

#[test]
fn two_processes_writing_at_once_lose_no_write() {
    let per_writer = size(200, 2_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let cast = Cast::register(&Portal::open(&path, config()).unwrap()).unwrap();
    let mut children: Vec<_> = [cast.anna, cast.bo]
        .iter()
        .map(|actor| {
            Command::new(env!("CARGO_BIN_EXE_durability-child"))
                .arg("write")
                .arg(&path)
                .arg(actor.id.to_string())
                .arg(per_writer.to_string())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Their reports are read as they come, so that no child waits on a full pipe.
    let reports: Vec<_> = children
        .iter_mut()
        .map(|child| {
            let out = child.stdout.take().unwrap();
            std::thread::spawn(move || {
                BufReader::new(out)
                    .lines()
                    .map(|l| l.unwrap().strip_prefix("goal ").unwrap().to_owned())
                    .collect::<BTreeSet<String>>()
            })
        })
        .collect();
    // While they write, this process reads: every read sees a consistent file.
    let portal = Portal::open(&path, config()).unwrap();
    let mut seen = 0;
    loop {
        let done = children.iter_mut().all(|c| c.try_wait().unwrap().is_some());
        let now = goal_ids(&portal, &cast.anna).len() + goal_ids(&portal, &cast.bo).len();
        assert!(now >= seen, "a committed goal vanished");
        seen = now;
        if done {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let written: Vec<BTreeSet<String>> = reports.into_iter().map(|r| r.join().unwrap()).collect();
    assert_eq!(goal_ids(&portal, &cast.anna), written[0]);
    assert_eq!(goal_ids(&portal, &cast.bo), written[1]);
    assert_eq!(written[0].len(), per_writer);
    assert_eq!(written[1].len(), per_writer);
    assert!(portal.verify_access_log().unwrap().is_intact());
    drop(portal);
    assert_eq!(integrity(&path, None), "ok");
}

#[test]
fn a_writer_retries_while_the_other_holds_the_lock_and_succeeds_when_it_is_let_go() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let anna = Actor::new(
        Portal::open(&path, config())
            .unwrap()
            .register(NewPerson::service_user("Anna"))
            .unwrap()
            .id,
    );
    // Another connection takes the write lock and lets it go after a while, well inside the
    // portal's timeout: the portal's write waits and then succeeds.
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder
        .execute_batch(&format!(
            "BEGIN IMMEDIATE; PRAGMA application_id = {};",
            recovery_core::store::SqliteStore::APPLICATION_ID
        ))
        .unwrap();
    let mut patient = config();
    patient.sqlite.busy_timeout_ms = 10_000;
    let portal = Portal::open(&path, patient).unwrap();
    let writer = std::thread::spawn(move || {
        portal
            .add_goal(&anna, NewGoal::new(housing(), "Find a flat"))
            .map(|_| portal)
    });
    std::thread::sleep(Duration::from_millis(300));
    assert!(!writer.is_finished(), "the write waits for the lock");
    holder.execute_batch("ROLLBACK").unwrap();
    let portal = writer.join().unwrap().unwrap();
    assert_eq!(portal.goals(&anna, None).unwrap().len(), 1);

    // Held past the timeout, it is Busy, and nothing was written.
    holder
        .execute_batch(&format!(
            "BEGIN IMMEDIATE; PRAGMA application_id = {};",
            recovery_core::store::SqliteStore::APPLICATION_ID
        ))
        .unwrap();
    let mut impatient = config();
    impatient.sqlite.busy_timeout_ms = 100;
    let portal = Portal::open(&path, impatient).unwrap();
    let error = portal
        .add_goal(&anna, NewGoal::new(housing(), "Keep the flat"))
        .unwrap_err();
    assert!(matches!(error, Error::Store(StoreError::Busy)), "{error:?}");
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(portal.goals(&anna, None).unwrap().len(), 1);
}
