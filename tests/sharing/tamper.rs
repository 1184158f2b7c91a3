//! Tampering with the access log's raw SQLite rows: `verify_access_log` must name the first
//! entry that was edited, deleted, inserted or moved, as someone with the file (and the
//! knowledge to drop the append-only triggers) would do it.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use recovery_core::model::audit::{AccessAction, BreakKind, ChainBreak};
use recovery_core::model::team::{Level, Scope};
use recovery_core::policy::audit::chain_hash;
use recovery_core::store::StoreError;
use recovery_core::*;
use rusqlite::{Connection, params};

/// A database with a few dozen access-log entries, and its path.
fn logged_database(dir: &Path) -> PathBuf {
    let path = dir.join("original.sqlite");
    let portal = Portal::open(&path, PortalConfig::default()).unwrap();
    let anna = Actor::new(portal.register(NewPerson::service_user("Anna")).unwrap().id);
    let nurse = Actor::new(
        portal
            .register(NewPerson::provider(
                "Nils",
                Profession::MentalHealthNurse,
                "DPS",
            ))
            .unwrap()
            .id,
    );
    let invitation = portal.invite(&anna, nurse.id).unwrap();
    portal.accept_invitation(&nurse, invitation.id).unwrap();
    let housing = Scope::Domain(DomainRef::Catalogue("housing".into()));
    portal
        .share(
            &anna,
            nurse.id,
            housing.clone(),
            Sharing::level(Level::View),
        )
        .unwrap();
    for _ in 0..12 {
        portal.view(&nurse, anna.id, &housing).unwrap();
        assert!(portal.view(&nurse, anna.id, &Scope::Diary).is_err());
    }
    let report = portal.verify_access_log().unwrap();
    assert_eq!(report.entries, 27);
    assert!(report.is_intact());
    path
}

/// Copies the database, tampers with the copy through raw SQL, and verifies it through the
/// portal.
fn tamper(original: &Path, name: &str, sql: impl FnOnce(&Connection)) -> Option<ChainBreak> {
    let copy = original.with_file_name(format!("{name}.sqlite"));
    std::fs::copy(original, &copy).unwrap();
    {
        let conn = Connection::open(&copy).unwrap();
        conn.execute_batch("DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete;")
            .unwrap();
        sql(&conn);
    }
    let portal = Portal::open(&copy, PortalConfig::default()).unwrap();
    portal.verify_access_log().unwrap().first_break
}

fn found(seq: u64, kind: BreakKind) -> Option<ChainBreak> {
    Some(ChainBreak { seq, kind })
}

#[test]
fn the_untouched_log_verifies_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let original = logged_database(dir.path());
    let portal = Portal::open(&original, PortalConfig::default()).unwrap();
    assert!(portal.verify_access_log().unwrap().is_intact());
}

#[test]
fn the_log_refuses_updates_and_deletes_through_sql() {
    let dir = tempfile::tempdir().unwrap();
    let original = logged_database(dir.path());
    let conn = Connection::open(&original).unwrap();
    assert!(
        conn.execute("UPDATE access_log SET action = 'grant' WHERE seq = 5", [])
            .is_err()
    );
    assert!(
        conn.execute("DELETE FROM access_log WHERE seq = 5", [])
            .is_err()
    );
}

#[test]
fn an_edited_entry_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let original = logged_database(dir.path());
    let edit_action = tamper(&original, "action", |c| {
        c.execute("UPDATE access_log SET action = 'grant' WHERE seq = 10", [])
            .unwrap();
    });
    assert_eq!(edit_action, found(10, BreakKind::Edited));
    let denied_made_allowed = tamper(&original, "outcome", |c| {
        c.execute(
            "UPDATE access_log SET outcome = 'allowed', reason = NULL WHERE seq = (SELECT min(seq) FROM access_log WHERE outcome = 'denied')",
            [],
        )
        .unwrap();
    });
    assert_eq!(denied_made_allowed.map(|b| b.kind), Some(BreakKind::Edited));
    let edit_time = tamper(&original, "time", |c| {
        c.execute("UPDATE access_log SET at = at + 1 WHERE seq = 3", [])
            .unwrap();
    });
    assert_eq!(edit_time, found(3, BreakKind::Edited));
    let edit_hash = tamper(&original, "hash", |c| {
        c.execute(
            "UPDATE access_log SET hash = zeroblob(32) WHERE seq = 27",
            [],
        )
        .unwrap();
    });
    assert_eq!(edit_hash, found(27, BreakKind::Edited));
}

#[test]
fn a_deleted_entry_is_named_with_or_without_renumbering() {
    let dir = tempfile::tempdir().unwrap();
    let original = logged_database(dir.path());
    let gap = tamper(&original, "gap", |c| {
        c.execute("DELETE FROM access_log WHERE seq = 10", [])
            .unwrap();
    });
    assert_eq!(gap, found(11, BreakKind::Deleted));
    let renumbered = tamper(&original, "renumbered", |c| {
        c.execute("DELETE FROM access_log WHERE seq = 10", [])
            .unwrap();
        c.execute("UPDATE access_log SET seq = seq - 1 WHERE seq > 10", [])
            .unwrap();
    });
    assert_eq!(renumbered, found(10, BreakKind::Deleted));
    let first = tamper(&original, "first", |c| {
        c.execute("DELETE FROM access_log WHERE seq = 1", [])
            .unwrap();
        c.execute("UPDATE access_log SET seq = seq - 1", [])
            .unwrap();
    });
    assert_eq!(first, found(1, BreakKind::Deleted));
}

#[test]
fn an_inserted_entry_is_named_even_with_a_valid_hash() {
    let dir = tempfile::tempdir().unwrap();
    let original = logged_database(dir.path());
    let inserted = tamper(&original, "inserted", |c| {
        // A forged "the user revoked" entry between 9 and 10, correctly hashed onto 9.
        let copy: (i64, Vec<u8>, Vec<u8>, Vec<u8>) = c
            .query_row(
                "SELECT at, actor, subject, hash FROM access_log WHERE seq = 9",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        let prev: [u8; 32] = copy.3.as_slice().try_into().unwrap();
        let event = recovery_core::model::audit::AccessEvent {
            at: chrono::DateTime::from_timestamp_nanos(copy.0),
            actor: UserId::from_uuid(uuid_from(&copy.1)),
            subject: UserId::from_uuid(uuid_from(&copy.2)),
            action: AccessAction::Revoke,
            scope: None,
            counterpart: None,
            target: None,
            level: None,
            outcome: recovery_core::model::audit::Outcome::Allowed,
            moderation_reason: None,
        };
        let hash = chain_hash(&prev, &event);
        c.execute("UPDATE access_log SET seq = seq + 1000 WHERE seq >= 10", [])
            .unwrap();
        c.execute(
            "UPDATE access_log SET seq = seq - 999 WHERE seq >= 1000",
            [],
        )
        .unwrap();
        c.execute(
            "INSERT INTO access_log (seq, at, actor, subject, action, outcome, prev_hash, hash)
             VALUES (10, ?1, ?2, ?3, 'revoke', 'allowed', ?4, ?5)",
            params![copy.0, copy.1, copy.2, prev.to_vec(), hash.to_vec()],
        )
        .unwrap();
    });
    assert_eq!(inserted, found(10, BreakKind::Inserted));
}

#[test]
fn reordered_entries_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let original = logged_database(dir.path());
    let swapped = tamper(&original, "swapped", |c| {
        c.execute_batch(
            "UPDATE access_log SET seq = 1000 WHERE seq = 12;
             UPDATE access_log SET seq = 12 WHERE seq = 13;
             UPDATE access_log SET seq = 13 WHERE seq = 1000;",
        )
        .unwrap();
    });
    assert_eq!(swapped, found(12, BreakKind::Reordered));
}

fn uuid_from(bytes: &[u8]) -> uuid::Uuid {
    uuid::Uuid::from_slice(bytes).unwrap()
}

#[test]
fn a_broken_chain_freezes_the_file_as_found() {
    let dir = tempfile::tempdir().unwrap();
    let original = logged_database(dir.path());
    let copy = original.with_file_name("frozen.sqlite");
    std::fs::copy(&original, &copy).unwrap();
    {
        let conn = Connection::open(&copy).unwrap();
        conn.execute_batch("DROP TRIGGER access_log_no_update;")
            .unwrap();
        conn.execute("UPDATE access_log SET action = 'grant' WHERE seq = 10", [])
            .unwrap();
    }
    let before = std::fs::read(&copy).unwrap();
    let portal = Portal::open(&copy, PortalConfig::default()).unwrap();
    assert_eq!(
        portal.verify_access_log().unwrap().first_break,
        found(10, BreakKind::Edited)
    );
    // Reads go on; nothing more is committed, and closing copies nothing into the file.
    assert!(!portal.verify_access_log().unwrap().is_intact());
    let refused = portal
        .register(NewPerson::service_user("Carl"))
        .unwrap_err();
    assert!(
        matches!(refused, Error::Store(StoreError::Corrupt { .. })),
        "{refused:?}"
    );
    drop(portal);
    assert!(
        std::fs::read(&copy).unwrap() == before,
        "the file was written"
    );
}
