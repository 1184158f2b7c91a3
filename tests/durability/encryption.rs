//! Encryption at rest (feature `sqlcipher`): what a stolen phone or a copied file reveals.
//!
//! Runs only with the feature: `cargo test -p recovery-tests --features sqlcipher --test
//! encryption`. CI size: 1,000 canaries and 64 one-byte tampers; the full size tampers with
//! 1,024 bytes:
//!
//! ```text
//! RECOVERY_DURABILITY_FULL=1 cargo test --release -p recovery-tests --features sqlcipher --test encryption
//! ```

#![allow(clippy::unwrap_used)]

use std::path::Path;

use recovery_core::store::StoreError;
use recovery_core::store::sqlite::DatabaseKey;
use recovery_core::*;
use recovery_tests::durability::{
    Cast, Seeded, config, file_bytes, housing, integrity, picture, seed, side_file, size,
};

const KEY: [u8; 32] = [0x5A; 32];
const NEW_KEY: [u8; 32] = [0xC3; 32];

fn key() -> DatabaseKey {
    DatabaseKey::from_bytes(KEY)
}

/// The i-th canary: text no database holds by chance.
fn canary(i: usize) -> String {
    format!("CANARY-{i:04}-Hjelp-meg-å-sove")
}

/// Writes 1,000 canaries through the portal, ten at a time, into every kind of place text
/// goes: names, goals, why they matter, activities, the diary, medications, the crisis plan,
/// forum threads and posts.
fn write_canaries(portal: &Portal) -> Cast {
    let cast = Cast::register(portal).unwrap();
    let anna = &cast.anna;
    let mut i = 0;
    let mut next = || {
        i += 1;
        canary(i - 1)
    };
    for _ in 0..100 {
        portal.register(NewPerson::service_user(next())).unwrap();
        let mut goal = NewGoal::new(housing(), next());
        goal.why = next();
        let goal = portal.add_goal(anna, goal).unwrap();
        portal
            .add_activity(
                anna,
                NewActivity {
                    goal: goal.id,
                    title: next(),
                    due: None,
                },
            )
            .unwrap();
        portal
            .add_diary_entry(
                anna,
                DiaryEntry {
                    day: chrono::Utc::now().date_naive(),
                    text: next(),
                },
            )
            .unwrap();
        portal
            .add_medication(
                anna,
                Medication {
                    name: next(),
                    dose: String::new(),
                    purpose: String::new(),
                    prescribed: true,
                    status: MedicationStatus::Active,
                    experiences: String::new(),
                    questions: String::new(),
                },
            )
            .unwrap();
        portal
            .set_crisis_plan(
                anna,
                CrisisPlan {
                    warning_signs: next(),
                    ..CrisisPlan::default()
                },
            )
            .unwrap();
        let (thread, _) = portal
            .start_thread(
                anna,
                NewThread {
                    category: "everyday-life".into(),
                    title: next(),
                    body: next(),
                },
            )
            .unwrap();
        portal.reply(&cast.bo, thread.id, &next()).unwrap();
    }
    assert_eq!(i, 1_000);
    cast
}

/// The canaries found in `bytes`.
fn found_in(bytes: &[u8]) -> Vec<usize> {
    // Every canary starts with the same prefix: find it, then read the number after it.
    let prefix = b"CANARY-";
    bytes
        .windows(prefix.len() + 4)
        .filter(|w| w.starts_with(prefix))
        .filter_map(|w| std::str::from_utf8(&w[prefix.len()..]).ok()?.parse().ok())
        .collect()
}

#[test]
fn a_thousand_canaries_appear_nowhere_in_the_encrypted_file_or_its_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let portal = Portal::open_encrypted(&path, &key(), config()).unwrap();
    write_canaries(&portal);
    // While the portal is open, recent pages are in the write-ahead log.
    let (db, wal) = file_bytes(&path);
    let shm = std::fs::read(side_file(&path, "-shm")).unwrap_or_default();
    assert!(!wal.is_empty(), "the log holds the latest writes");
    assert_eq!(found_in(&db), Vec::<usize>::new(), "in the database file");
    assert_eq!(found_in(&wal), Vec::<usize>::new(), "in the log");
    assert_eq!(
        found_in(&shm),
        Vec::<usize>::new(),
        "in the shared-memory index"
    );
    // Not even the schema shows.
    for plain in [&b"CREATE TABLE"[..], b"SQLite format 3", b"access_log"] {
        assert!(!db.windows(plain.len()).any(|w| w == plain));
        assert!(!wal.windows(plain.len()).any(|w| w == plain));
    }
    drop(portal);
    let (db, wal) = file_bytes(&path);
    assert_eq!(found_in(&db), Vec::<usize>::new(), "after closing");
    assert_eq!(found_in(&wal), Vec::<usize>::new(), "after closing");
    assert_eq!(integrity(&path, Some(&KEY)), "ok");
}

#[test]
fn the_same_canaries_are_plain_to_see_in_an_unencrypted_file() {
    // The control: the search above finds canaries when they are there.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let portal = Portal::open(&path, config()).unwrap();
    write_canaries(&portal);
    drop(portal);
    let (db, _) = file_bytes(&path);
    let mut found = found_in(&db);
    found.sort_unstable();
    found.dedup();
    assert_eq!(found, (0..1_000).collect::<Vec<_>>());
}

/// A small encrypted database with the cast and a little of everything, closed.
fn encrypted_database(path: &Path) -> (Cast, serde_json::Value) {
    let portal = Portal::open_encrypted(path, &key(), config()).unwrap();
    let cast = Cast::register(&portal).unwrap();
    let goal = portal
        .add_goal(&cast.anna, NewGoal::new(housing(), "Find a flat"))
        .unwrap();
    portal
        .add_activity(
            &cast.anna,
            NewActivity {
                goal: goal.id,
                title: "Call the housing office".into(),
                due: None,
            },
        )
        .unwrap();
    portal
        .start_thread(
            &cast.anna,
            NewThread {
                category: "everyday-life".into(),
                title: "Sleep".into(),
                body: "What helps you sleep?".into(),
            },
        )
        .unwrap();
    let picture = picture(&portal, &cast).unwrap();
    (cast, picture)
}

/// Opens `path` expecting a refusal, and checks that the file and its log kept their bytes.
fn refused(path: &Path, open: impl FnOnce() -> Result<Portal>) -> Error {
    let before = file_bytes(path);
    let error = open().expect_err("the open must be refused");
    assert!(file_bytes(path) == before, "the refused file changed");
    assert!(!side_file(path, "-journal").exists());
    error
}

#[test]
fn a_wrong_key_or_no_key_is_a_typed_error_and_the_file_stays_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let (cast, expected) = encrypted_database(&path);

    let wrong = DatabaseKey::from_bytes(NEW_KEY);
    let error = refused(&path, || Portal::open_encrypted(&path, &wrong, config()));
    assert!(
        matches!(error, Error::Store(StoreError::WrongKey)),
        "{error:?}"
    );
    let error = refused(&path, || Portal::open(&path, config()));
    assert!(
        matches!(error, Error::Store(StoreError::NotADatabase)),
        "{error:?}"
    );

    // The right key still opens it, with everything in place.
    let portal = Portal::open_encrypted(&path, &key(), config()).unwrap();
    assert_eq!(picture(&portal, &cast).unwrap(), expected);
}

#[test]
fn an_unencrypted_database_is_not_opened_with_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    drop(Portal::open(&path, config()).unwrap());
    let error = refused(&path, || Portal::open_encrypted(&path, &key(), config()));
    assert!(
        matches!(error, Error::Store(StoreError::NotEncrypted)),
        "{error:?}"
    );
    let plain = Portal::open(&path, config()).unwrap();
    let error = plain.rekey(&key()).unwrap_err();
    assert!(
        matches!(error, Error::Store(StoreError::NotEncrypted)),
        "{error:?}"
    );
}

#[test]
fn a_key_must_be_32_bytes() {
    for len in [0, 16, 31, 33, 64] {
        let error = DatabaseKey::from_slice(&vec![1; len]).unwrap_err();
        assert!(
            matches!(error, Error::Invalid { field: "key", .. }),
            "{error:?}"
        );
    }
    assert!(DatabaseKey::from_slice(&KEY).is_ok());
    assert_eq!(format!("{:?}", key()), "DatabaseKey(..)");
}

#[test]
fn changing_the_key_keeps_every_row_and_retires_the_old_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let (cast, expected) = encrypted_database(&path);
    let new_key = DatabaseKey::from_bytes(NEW_KEY);
    {
        let portal = Portal::open_encrypted(&path, &key(), config()).unwrap();
        portal.rekey(&new_key).unwrap();
        assert_eq!(
            picture(&portal, &cast).unwrap(),
            expected,
            "in the same session"
        );
        // The portal goes on working under the new key.
        portal
            .add_goal(&cast.anna, NewGoal::new(housing(), "Keep the flat"))
            .unwrap();
    }
    let error = refused(&path, || Portal::open_encrypted(&path, &key(), config()));
    assert!(
        matches!(error, Error::Store(StoreError::WrongKey)),
        "{error:?}"
    );
    let portal = Portal::open_encrypted(&path, &new_key, config()).unwrap();
    let after = picture(&portal, &cast).unwrap();
    assert_eq!(after["log"], expected["log"]);
    assert_eq!(after["threads"], expected["threads"]);
    assert_eq!(portal.goals(&cast.anna, None).unwrap().len(), 2);
    assert!(portal.verify_access_log().unwrap().is_intact());
    drop(portal);
    assert_eq!(integrity(&path, Some(&NEW_KEY)), "ok");
}

#[test]
fn a_one_byte_tamper_anywhere_in_the_file_is_detected() {
    let cases = size(64, 1_024);
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("original.sqlite");
    let (cast, expected) = encrypted_database(&original);
    let bytes = std::fs::read(&original).unwrap();
    assert!(
        !side_file(&original, "-wal").exists(),
        "closed, so every page is in the file"
    );
    {
        let conn = rusqlite::Connection::open(&original).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA cipher_log_level = NONE; PRAGMA key = \"x'{}'\";",
            "5a".repeat(32)
        ))
        .unwrap();
        let free: i64 = conn
            .query_row("PRAGMA freelist_count", [], |r| r.get(0))
            .unwrap();
        assert_eq!(free, 0, "every page holds data, so every byte matters");
    }
    let mut rng = Seeded::new(seed(0x7A3B));
    let copy = dir.path().join("tampered.sqlite");
    for case in 0..cases {
        let offset = rng.below(bytes.len());
        let mut tampered = bytes.clone();
        tampered[offset] ^= 1 << rng.below(8);
        std::fs::write(&copy, &tampered).unwrap();
        let outcome = Portal::open_encrypted(&copy, &key(), config())
            .and_then(|portal| picture(&portal, &cast));
        let sound = integrity(&copy, Some(&KEY)) == "ok";
        match outcome {
            Err(Error::Store(StoreError::WrongKey | StoreError::Corrupt { .. })) => {}
            Ok(seen) => {
                // Only a page the portal's reads never touch may go unnoticed by them; the
                // full check reads every page.
                assert!(
                    !sound,
                    "case {case}: a flipped bit at byte {offset} went unnoticed"
                );
                assert_eq!(
                    seen, expected,
                    "case {case}: byte {offset} changed what is read"
                );
            }
            Err(other) => panic!("case {case}: byte {offset} gave {other:?}"),
        }
        let (db, _) = file_bytes(&copy);
        assert!(db == tampered, "case {case}: the tampered file was written");
        std::fs::remove_file(&copy).unwrap();
        let _ = std::fs::remove_file(side_file(&copy, "-wal"));
        let _ = std::fs::remove_file(side_file(&copy, "-shm"));
    }
}
