//! The write-ahead log check that opening a file runs before SQLite reads the log
//! (`recovery-core/src/store/sqlite/wal.rs`), on a 4 MB log (1,000 frames of 4 KiB pages, the
//! size at which SQLite's automatic checkpoint empties the log), beside its baseline: reading
//! the same file into memory (the check reads it once, in pieces of 256 KiB).
//!
//! `cargo bench -p benches --bench wal_check`.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use recovery_core::store::SqliteStore;
use rusqlite::{Connection, params};

/// Writes a database whose log holds about 1,000 frames, and returns the path of a copy of the
/// database with that log beside it (as a crash would leave it).
fn database_with_full_log(dir: &Path) -> PathBuf {
    let live = dir.join("live.sqlite");
    let conn = Connection::open(&live).expect("opens");
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("WAL");
    conn.pragma_update(None, "wal_autocheckpoint", 0)
        .expect("no checkpoint");
    conn.execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY, body TEXT)")
        .expect("table");
    // Ten rows of 3.5 KB per transaction: about one page per row plus the tree's pages.
    for batch in 0..95 {
        let tx = conn.unchecked_transaction().expect("transaction");
        for n in 0..10 {
            tx.execute(
                "INSERT INTO t VALUES (?1, ?2)",
                params![batch * 10 + n, "x".repeat(3_500)],
            )
            .expect("insert");
        }
        tx.commit().expect("commit");
    }
    let copy = dir.join("copy.sqlite");
    std::fs::copy(&live, &copy).expect("copy");
    std::fs::copy(dir.join("live.sqlite-wal"), dir.join("copy.sqlite-wal")).expect("copy log");
    drop(conn);
    copy
}

fn wal_check(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = database_with_full_log(dir.path());
    let log = dir.path().join("copy.sqlite-wal");
    let size = std::fs::metadata(&log).expect("log").len();
    println!("log of {size} bytes");
    SqliteStore::check_write_ahead_log(&db).expect("an intact log passes");

    let mut group = c.benchmark_group("wal_check_4mb");
    group.bench_function("read_file", |b| {
        b.iter(|| black_box(std::fs::read(&log).expect("reads")))
    });
    group.bench_function("check_log", |b| {
        b.iter(|| SqliteStore::check_write_ahead_log(black_box(&db)).expect("passes"))
    });
    group.finish();
}

criterion_group!(benches, wal_check);
criterion_main!(benches);
