//! What `Portal::open` does with a file it cannot use: a read-only file or directory, a
//! missing directory, a directory where the file should be, and a file another process holds
//! locked past the busy timeout. Each is a typed error, and nothing at the path changes. (The
//! store-level cases, and foreign, damaged and newer files, are in
//! `recovery-core/src/store/sqlite/tests/opening.rs`.)
//!
//! Small and fixed-size: `cargo test -p recovery-tests --test opening`.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use recovery_core::store::{SqliteStore, StoreError};
use recovery_core::*;
use recovery_tests::durability::{config, housing};

/// Every file in `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

/// A closed portal file with one person in it.
fn database(path: &Path) -> Actor {
    let portal = Portal::open(path, config()).unwrap();
    Actor::new(portal.register(NewPerson::service_user("Anna")).unwrap().id)
}

fn child() -> Command {
    Command::new(env!("CARGO_BIN_EXE_durability-child"))
}

/// Opens a portal on `db` as a user without privileges, and returns what happened: in this
/// process when it has none, else in a child run as `nobody` (root writes to any file, so
/// permissions only bind others).
fn open_unprivileged(db: &Path) -> String {
    let privileged = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    if !privileged {
        return match Portal::open(db, config()) {
            Ok(_) => "opened".to_owned(),
            Err(e) => format!("refused {e:?}"),
        };
    }
    let output = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_durability-child"))
        .arg("open")
        .arg(db)
        .output()
        .expect("setpriv (util-linux) runs the child as nobody");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// A temporary directory that `nobody` may enter.
fn shared_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn a_read_only_file_is_a_typed_error_and_stays_untouched() {
    let dir = shared_tempdir();
    let path = dir.path().join("portal.sqlite");
    database(&path);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = snapshot(dir.path());
    let outcome = open_unprivileged(&path);
    assert_eq!(outcome, "refused Store(ReadOnly)");
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_read_only_directory_is_a_typed_error_and_stays_untouched() {
    let dir = shared_tempdir();
    let inner = dir.path().join("data");
    std::fs::create_dir(&inner).unwrap();
    let path = inner.join("portal.sqlite");
    database(&path);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
    std::fs::set_permissions(&inner, std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = snapshot(&inner);
    let outcome = open_unprivileged(&path);
    std::fs::set_permissions(&inner, std::fs::Permissions::from_mode(0o755)).unwrap();
    // The log cannot be made beside the file: SQLite says it cannot open it, or that it is
    // read-only.
    assert!(
        outcome.starts_with("refused Store(Io") || outcome.starts_with("refused Store(ReadOnly"),
        "{outcome}"
    );
    assert_eq!(snapshot(&inner), before);
}

#[test]
fn a_missing_directory_is_an_io_error_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("missing")
        .join("deeper")
        .join("portal.sqlite");
    let error = Portal::open(&path, config()).unwrap_err();
    assert!(
        matches!(error, Error::Store(StoreError::Io { .. })),
        "{error:?}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_directory_where_the_file_should_be_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    std::fs::create_dir(&path).unwrap();
    let error = Portal::open(&path, config()).unwrap_err();
    assert!(
        matches!(error, Error::Store(StoreError::Io { .. })),
        "{error:?}"
    );
    assert_eq!(std::fs::read_dir(&path).unwrap().count(), 0);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// Starts a child holding the write lock on `db` (`hold` or `hold-exclusive`), once it holds it.
fn locked_by_another_process(db: &Path, mode: &str) -> Child {
    let mut holder = child()
        .arg(mode)
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(holder.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "locked");
    holder
}

/// Lets the holder go: it rolls back and exits when its input closes.
fn release(mut holder: Child) {
    drop(holder.stdin.take());
    assert!(holder.wait().unwrap().success());
}

fn impatient() -> PortalConfig {
    let mut config = config();
    config.sqlite.busy_timeout_ms = 200;
    config
}

#[test]
fn a_write_waits_for_another_processs_lock_then_is_busy_and_succeeds_once_it_is_released() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let anna = database(&path);
    let holder = locked_by_another_process(&path, "hold");

    // Opening a current file takes no write lock; reading goes on beside the writer.
    let portal = Portal::open(&path, impatient()).unwrap();
    assert_eq!(portal.me(&anna).unwrap().display_name, "Anna");
    let started = std::time::Instant::now();
    let error = portal
        .add_goal(&anna, NewGoal::new(housing(), "Find a flat"))
        .unwrap_err();
    assert!(matches!(error, Error::Store(StoreError::Busy)), "{error:?}");
    // It waited for the lock (retrying) before giving up: a lower bound only.
    assert!(started.elapsed() >= std::time::Duration::from_millis(200));
    assert!(portal.goals(&anna, None).unwrap().is_empty());

    release(holder);
    portal
        .add_goal(&anna, NewGoal::new(housing(), "Find a flat"))
        .unwrap();
    assert_eq!(portal.goals(&anna, None).unwrap().len(), 1);
}

#[test]
fn a_file_due_for_migration_and_locked_by_another_process_is_busy_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    SqliteStore::create_at_version(&path, 1).unwrap();
    let holder = locked_by_another_process(&path, "hold");
    let before = std::fs::read(&path).unwrap();
    let error = Portal::open(&path, impatient()).unwrap_err();
    assert!(matches!(error, Error::Store(StoreError::Busy)), "{error:?}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    release(holder);
    // Once the other process is gone, the migration runs.
    let portal = Portal::open(&path, impatient()).unwrap();
    portal.register(NewPerson::service_user("Anna")).unwrap();
}

#[test]
fn a_file_held_exclusively_by_another_process_is_busy_even_to_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    database(&path);
    let holder = locked_by_another_process(&path, "hold-exclusive");
    let error = Portal::open(&path, impatient()).unwrap_err();
    assert!(matches!(error, Error::Store(StoreError::Busy)), "{error:?}");
    release(holder);
    Portal::open(&path, impatient()).unwrap();
}
