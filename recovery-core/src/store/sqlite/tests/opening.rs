//! What opening does with what it finds at the path. Whatever it refuses, it leaves exactly as it
//! was: the file's bytes, and no new files beside it (no `-wal`, `-shm` or journal).

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::Connection;

use super::*;
use crate::config::SqliteOptions;
use crate::store::ItemQuery;

/// Every file in `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = if e.path().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

/// Asserts that a directory holds the same files with the same bytes as before.
fn assert_unchanged(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
    what: &str,
) {
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(after),
        names(before),
        "{what}: files appeared or vanished"
    );
    for (name, bytes) in before {
        let now = &after[name];
        let first_difference = bytes.iter().zip(now.iter()).position(|(a, b)| a != b);
        assert!(
            bytes == now,
            "{what}: {name} changed ({} bytes before, {} after, first difference at {first_difference:?})",
            bytes.len(),
            now.len()
        );
    }
}

/// Opens `path` expecting a refusal, and checks that nothing in its directory changed.
fn refused(path: &Path) -> StoreError {
    let dir = path.parent().unwrap();
    let before = snapshot(dir);
    let error =
        SqliteStore::open(path, &SqliteOptions::default()).expect_err("the open must be refused");
    assert_unchanged(&before, &snapshot(dir), &format!("refused with {error:?}"));
    error
}

/// A recovery-core database with one person and one item, closed (so fully checkpointed).
fn our_database(path: &Path) -> (Person, ItemRecord) {
    let anna = service_user("Anna");
    let entry = record(
        &anna,
        at(1, 0),
        ItemBody::Diary(DiaryEntry {
            day: date(1),
            text: "today".to_owned(),
        }),
    );
    let store = SqliteStore::open(path, &SqliteOptions::default()).unwrap();
    write(&store, |tx| {
        tx.insert_person(&anna)?;
        tx.insert_item(&entry)
    });
    (anna, entry)
}

/// Bytes no SQLite file starts with, from a fixed generator.
fn noise(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        })
        .collect()
}

/// Overwrites `len` bytes at `offset` with noise.
fn damage(path: &Path, offset: usize, len: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[offset..offset + len].copy_from_slice(&noise(len));
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_missing_file_is_created_and_reopened_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let (anna, entry) = our_database(&path);
    assert!(path.is_file());
    let store = SqliteStore::open(&path, &SqliteOptions::default()).unwrap();
    assert_eq!(read(&store, |tx| tx.person(anna.id)), Some(anna.clone()));
    assert_eq!(
        read(&store, |tx| tx.items(&ItemQuery::owner(anna.id))),
        vec![entry]
    );
}

#[test]
fn an_empty_file_becomes_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    std::fs::write(&path, b"").unwrap();
    let store = SqliteStore::open(&path, &SqliteOptions::default()).unwrap();
    write(&store, |tx| tx.insert_person(&service_user("Anna")));
    assert!(std::fs::metadata(&path).unwrap().len() > 0);
}

#[test]
fn an_empty_sqlite_database_is_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "page_size", 8192).unwrap();
        conn.execute_batch("VACUUM").unwrap();
    }
    assert!(std::fs::metadata(&path).unwrap().len() > 0);
    let store = SqliteStore::open(&path, &SqliteOptions::default()).unwrap();
    write(&store, |tx| tx.insert_person(&service_user("Anna")));
}

#[test]
fn random_bytes_are_not_a_database_and_stay_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    std::fs::write(&path, noise(64 * 1024)).unwrap();
    assert!(matches!(refused(&path), StoreError::NotADatabase));
}

#[test]
fn a_text_file_is_not_a_database_and_stays_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "Shopping: milk, bread.\nCall the GP on Monday.\n").unwrap();
    assert!(matches!(refused(&path), StoreError::NotADatabase));
}

#[test]
fn a_file_shorter_than_a_header_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    std::fs::write(&path, b"SQLite format 3\0 and then it stops").unwrap();
    assert!(matches!(refused(&path), StoreError::NotADatabase));
}

#[test]
fn a_valid_magic_over_garbage_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend(noise(8192));
    std::fs::write(&path, bytes).unwrap();
    let error = refused(&path);
    assert!(
        matches!(error, StoreError::NotADatabase | StoreError::Corrupt { .. }),
        "{error:?}"
    );
}

#[test]
fn another_applications_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    for journal in ["DELETE", "WAL"] {
        let path = dir.path().join(format!("their-{journal}.sqlite"));
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "journal_mode", journal).unwrap();
            conn.execute_batch("CREATE TABLE photos (id INTEGER PRIMARY KEY, taken TEXT); INSERT INTO photos (taken) VALUES ('2024')")
                .unwrap();
        }
        assert!(
            matches!(refused(&path), StoreError::NotADatabase),
            "{journal}"
        );
    }
}

#[test]
fn an_empty_database_with_another_application_id_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("theirs.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "application_id", 0x4D50_3343)
            .unwrap();
    }
    assert!(matches!(refused(&path), StoreError::NotADatabase));
}

#[test]
fn a_database_from_a_newer_library_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    our_database(&path);
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SqliteStore::SCHEMA_VERSION + 1)
            .unwrap();
    }
    match refused(&path) {
        StoreError::TooNew { found, supported } => {
            assert_eq!(found, SqliteStore::SCHEMA_VERSION + 1);
            assert_eq!(supported, SqliteStore::SCHEMA_VERSION);
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
}

#[test]
fn a_damaged_schema_page_is_corrupt_and_stays_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    our_database(&path);
    // Page 1 holds the schema's b-tree just after the 100-byte file header.
    damage(&path, 100, 200);
    let error = refused(&path);
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
}

/// The page size of a closed database and the root page of one of its tables.
fn root_page(path: &Path, table: &str) -> (usize, usize) {
    let conn = Connection::open(path).unwrap();
    let page_size: i64 = conn
        .pragma_query_value(None, "page_size", |r| r.get(0))
        .unwrap();
    let root: i64 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
            [table],
            |r| r.get(0),
        )
        .unwrap();
    (page_size as usize, root as usize)
}

#[test]
fn a_damaged_data_page_is_reported_by_the_reads_that_meet_it_and_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let (anna, entry) = our_database(&path);
    let (page_size, root) = root_page(&path, "items");
    damage(&path, (root - 1) * page_size, 64);
    let before = snapshot(dir.path());

    let store = SqliteStore::open(&path, &SqliteOptions::default()).unwrap();
    let mut tx = store.transaction(TxMode::Read).unwrap();
    assert_eq!(
        tx.person(anna.id).unwrap(),
        Some(anna.clone()),
        "undamaged pages still read"
    );
    assert!(matches!(tx.item(entry.id), Err(StoreError::Corrupt { .. })));
    assert!(matches!(
        tx.items(&ItemQuery::owner(anna.id)),
        Err(StoreError::Corrupt { .. })
    ));
    drop(tx);
    assert!(matches!(
        store.check_integrity(),
        Err(StoreError::Corrupt { .. })
    ));
    drop(store);

    assert_unchanged(&before, &snapshot(dir.path()), "reading a damaged file");
}

#[test]
fn a_damaged_file_due_for_migration_is_refused_before_anything_is_written() {
    // A file of ours at version 0 (as if written before migration 1 existed) with a damaged
    // table: the migration would write to it, so the whole file is checked first.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "application_id", SqliteStore::APPLICATION_ID)
            .unwrap();
        conn.execute_batch(
            "CREATE TABLE early (id INTEGER PRIMARY KEY, note TEXT);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
             INSERT INTO early (note) SELECT printf('%0200d', i) FROM n;",
        )
        .unwrap();
    }
    let (page_size, root) = root_page(&path, "early");
    damage(&path, (root - 1) * page_size, 64);
    let error = refused(&path);
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
}

#[test]
fn a_directory_at_the_path_is_an_io_error_and_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    std::fs::create_dir(&path).unwrap();
    assert!(matches!(refused(&path), StoreError::Io { .. }));
    assert_eq!(std::fs::read_dir(&path).unwrap().count(), 0);
}

#[test]
fn a_path_through_a_file_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, b"plain").unwrap();
    let error =
        SqliteStore::open(file.join("portal.sqlite"), &SqliteOptions::default()).unwrap_err();
    assert!(matches!(error, StoreError::Io { .. }), "{error:?}");
    assert_eq!(std::fs::read(&file).unwrap(), b"plain");
}

#[test]
fn a_missing_directory_is_an_io_error_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("portal.sqlite");
    let before = snapshot(dir.path());
    let error = SqliteStore::open(&path, &SqliteOptions::default()).unwrap_err();
    assert!(matches!(error, StoreError::Io { .. }), "{error:?}");
    assert_unchanged(&before, &snapshot(dir.path()), "a missing directory");
}

#[test]
fn refusals_name_no_path_and_no_content() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("diary-of-anna.txt");
    std::fs::write(&path, "I stopped taking my pills").unwrap();
    let error = refused(&path);
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains("anna") && !shown.contains("pills"),
        "{shown}"
    );
}

#[test]
fn a_name_with_uri_characters_is_checked_and_reopened() {
    // The file is checked through a `file:` URI; `?`, `#`, `%` and spaces must stay in the name.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("my portal?mode=memory#1%20.sqlite");
    let (anna, _) = our_database(&path);
    let store = SqliteStore::open(&path, &SqliteOptions::default()).unwrap();
    assert_eq!(read(&store, |tx| tx.person(anna.id)), Some(anna.clone()));
    drop(store);
    // A path starting with `//` names the same file, not a host.
    let doubled = std::path::PathBuf::from(format!("/{}", path.display()));
    let store = SqliteStore::open(&doubled, &SqliteOptions::default()).unwrap();
    assert_eq!(read(&store, |tx| tx.person(anna.id)), Some(anna));
    drop(store);
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SqliteStore::SCHEMA_VERSION + 1)
            .unwrap();
    }
    assert!(matches!(refused(&path), StoreError::TooNew { .. }));
}
