//! The log check on hand-built logs, and on logs SQLite wrote.

use super::*;

const PAGE: usize = 512;
const SALTS: [u8; 8] = [1, 2, 3, 4, 0xA1, 0xB2, 0xC3, 0xD4];

/// A frame to build: its page number, whether it commits, and the byte its page is filled with.
#[derive(Clone, Copy)]
struct Spec {
    page: u32,
    commits: bool,
    fill: u8,
}

fn frame(page: u32, fill: u8) -> Spec {
    Spec {
        page,
        commits: false,
        fill,
    }
}

fn commit(page: u32, fill: u8) -> Spec {
    Spec {
        page,
        commits: true,
        fill,
    }
}

fn header(big_endian: bool, salts: [u8; 8]) -> Vec<u8> {
    let magic = MAGIC | u32::from(big_endian);
    let mut out = Vec::new();
    for word in [magic, VERSION, PAGE as u32, 7] {
        out.extend_from_slice(&word.to_be_bytes());
    }
    out.extend_from_slice(&salts);
    let (a, b) = checksum(&out, (0, 0), big_endian);
    out.extend_from_slice(&a.to_be_bytes());
    out.extend_from_slice(&b.to_be_bytes());
    out
}

/// Appends frames to `log`, chained from `seed`, with `salts`; returns the last checksum.
fn append(
    log: &mut Vec<u8>,
    specs: &[Spec],
    seed: (u32, u32),
    salts: [u8; 8],
    big_endian: bool,
) -> (u32, u32) {
    let mut seed = seed;
    for spec in specs {
        let mut head = Vec::new();
        head.extend_from_slice(&spec.page.to_be_bytes());
        head.extend_from_slice(&u32::from(spec.commits).wrapping_mul(9).to_be_bytes());
        let page: Vec<u8> = (0..PAGE).map(|i| spec.fill.wrapping_add(i as u8)).collect();
        let sum = checksum(&page, checksum(&head, seed, big_endian), big_endian);
        head.extend_from_slice(&salts);
        head.extend_from_slice(&sum.0.to_be_bytes());
        head.extend_from_slice(&sum.1.to_be_bytes());
        log.extend_from_slice(&head);
        log.extend_from_slice(&page);
        seed = sum;
    }
    seed
}

/// A log of `specs` with the standard salts.
fn log(specs: &[Spec], big_endian: bool) -> Vec<u8> {
    let mut out = header(big_endian, SALTS);
    let seed = (be32(&out, 24), be32(&out, 28));
    append(&mut out, specs, seed, SALTS, big_endian);
    out
}

/// Where frame `n` starts.
fn at(n: usize) -> usize {
    HEADER_LEN + n * (FRAME_HEADER_LEN + PAGE)
}

/// Three transactions: frames 0-1, 2-4, 5-6.
fn three_transactions() -> Vec<Spec> {
    vec![
        frame(2, 10),
        commit(1, 11),
        frame(3, 20),
        frame(4, 21),
        commit(1, 22),
        frame(5, 30),
        commit(1, 31),
    ]
}

fn flipped(mut bytes: Vec<u8>, offset: usize) -> Vec<u8> {
    bytes[offset] ^= 0x10;
    bytes
}

#[test]
fn intact_logs_pass_in_both_byte_orders() {
    for big_endian in [false, true] {
        assert_eq!(check(&log(&three_transactions(), big_endian)), Ok(()));
    }
}

#[test]
fn empty_and_header_only_logs_pass() {
    assert_eq!(check(&[]), Ok(()));
    assert_eq!(check(&header(false, SALTS)), Ok(()));
    // SQLite ignores a log no longer than its header, whatever it holds.
    assert_eq!(check(&[0xFF; HEADER_LEN]), Ok(()));
}

#[test]
fn a_flip_in_any_frame_before_the_last_transaction_is_damage() {
    for big_endian in [false, true] {
        let intact = log(&three_transactions(), big_endian);
        for n in 0..5 {
            // In the page, in the frame's page number and in its commit field.
            for offset in [at(n) + FRAME_HEADER_LEN + 100, at(n) + 3, at(n) + 7] {
                assert_eq!(
                    check(&flipped(intact.clone(), offset)),
                    Err(Damage::Frame(n)),
                    "frame {n}, byte {offset}, big-endian {big_endian}"
                );
            }
        }
    }
}

#[test]
fn a_flip_in_the_last_transaction_is_a_torn_tail() {
    let intact = log(&three_transactions(), false);
    for n in 5..7 {
        for offset in [at(n) + FRAME_HEADER_LEN + 100, at(n) + 3, at(n) + 18] {
            assert_eq!(check(&flipped(intact.clone(), offset)), Ok(()), "frame {n}");
        }
    }
}

#[test]
fn a_flipped_salt_is_found_by_the_frames_after_it() {
    let intact = log(&three_transactions(), false);
    for n in 0..5 {
        assert_eq!(
            check(&flipped(intact.clone(), at(n) + 9)),
            Err(Damage::Frame(n)),
            "frame {n}"
        );
    }
}

#[test]
fn a_flipped_stored_checksum_is_found_though_the_next_frame_is_seeded_from_it() {
    let intact = log(&three_transactions(), true);
    // Frame 4 commits the second transaction; frame 5 is seeded from its stored checksum.
    for offset in [at(4) + 16, at(4) + 23, at(3) + 20] {
        assert!(
            check(&flipped(intact.clone(), offset)).is_err(),
            "byte {offset}"
        );
    }
    // The first transaction's commit frame, just before a one-frame transaction.
    let short = log(&[commit(1, 1), commit(1, 2), commit(1, 3)], false);
    assert_eq!(check(&flipped(short, at(1) + 17)), Err(Damage::Frame(1)));
}

#[test]
fn a_damaged_header_with_frames_is_damage_and_without_frames_is_not() {
    let intact = log(&three_transactions(), false);
    for offset in [0, 3, 5, 10, 13, 17, 22, 25, 31] {
        assert_eq!(
            check(&flipped(intact.clone(), offset)),
            Err(Damage::Header),
            "byte {offset}"
        );
        assert_eq!(
            check(&flipped(intact[..HEADER_LEN].to_vec(), offset)),
            Ok(())
        );
    }
}

#[test]
fn frames_of_an_earlier_log_after_the_current_ones_are_ignored() {
    // The log was restarted: new salts, two new frames over the first of the old ones.
    let old_salts = [9, 9, 9, 9, 8, 8, 8, 8];
    let mut out = header(false, SALTS);
    let seed = (be32(&out, 24), be32(&out, 28));
    append(&mut out, &[frame(2, 1), commit(1, 2)], seed, SALTS, false);
    append(
        &mut out,
        &[frame(3, 3), commit(1, 4), frame(6, 5), commit(1, 6)],
        (5, 5),
        old_salts,
        false,
    );
    assert_eq!(check(&out), Ok(()));
}

#[test]
fn frames_left_by_a_rolled_back_transaction_are_ignored() {
    // A transaction spilt frames 2-5 and rolled back; the next one overwrote frames 2-3. The
    // leftovers carry the current salts but chain from the spilt frames.
    let mut out = header(false, SALTS);
    let seed = (be32(&out, 24), be32(&out, 28));
    let seed = append(&mut out, &[frame(2, 1), commit(1, 2)], seed, SALTS, false);
    let mut spilt = out.clone();
    append(
        &mut spilt,
        &[frame(3, 40), frame(4, 41), frame(5, 42), frame(6, 43)],
        seed,
        SALTS,
        false,
    );
    append(&mut out, &[frame(3, 7), commit(1, 8)], seed, SALTS, false);
    out.extend_from_slice(&spilt[out.len()..]);
    assert_eq!(out.len(), at(6));
    assert_eq!(check(&out), Ok(()));
}

#[test]
fn a_partial_last_frame_is_ignored() {
    let mut out = log(&three_transactions(), false);
    let extra = log(&[commit(1, 99)], false);
    out.extend_from_slice(&extra[HEADER_LEN..HEADER_LEN + 100]);
    assert_eq!(check(&out), Ok(()));
}

/// A log SQLite wrote: a database with a table, five committed transactions in its log, copied
/// while its connection is open. Returns the log and where each transaction's frames start.
fn sqlite_log(dir: &Path) -> (Vec<u8>, Vec<usize>) {
    let path = dir.join("log.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    conn.execute_batch("CREATE TABLE t (n INTEGER, body TEXT)")
        .unwrap();
    let wal = dir.join("log.sqlite-wal");
    let mut starts = Vec::new();
    for n in 0..5 {
        starts.push(std::fs::metadata(&wal).unwrap().len() as usize);
        conn.execute(
            "INSERT INTO t VALUES (?1, ?2)",
            rusqlite::params![n, "word ".repeat(1_500)],
        )
        .unwrap();
    }
    let bytes = std::fs::read(&wal).unwrap();
    drop(conn);
    (bytes, starts)
}

#[test]
fn logs_sqlite_writes_pass_and_any_flip_before_their_last_transaction_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, starts) = sqlite_log(dir.path());
    assert_eq!(check(&bytes), Ok(()));
    let last = starts[4];
    let frame_len = FRAME_HEADER_LEN + be32(&bytes, 8) as usize;
    // One flip in every frame of the first four transactions (in its page), one in each
    // frame's header fields that are checksummed, and none found in the last transaction.
    let mut offset = starts[0].max(HEADER_LEN);
    while offset < last {
        for within in [1, 6, 9, 21, FRAME_HEADER_LEN + 3, frame_len - 1] {
            assert!(
                check(&flipped(bytes.clone(), offset + within)).is_err(),
                "byte {}",
                offset + within
            );
        }
        offset += frame_len;
    }
    while offset < bytes.len() {
        assert_eq!(
            check(&flipped(bytes.clone(), offset + FRAME_HEADER_LEN + 3)),
            Ok(())
        );
        offset += frame_len;
    }
}

#[test]
fn opening_refuses_a_log_damaged_before_committed_transactions_and_leaves_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, starts) = sqlite_log(dir.path());
    let db = dir.path().join("copy.sqlite");
    std::fs::copy(dir.path().join("log.sqlite"), &db).unwrap();
    // The closed database above checkpointed its log: give the copy the open one's log, with
    // a bit flipped in the second transaction.
    let damaged = flipped(bytes, starts[1] + FRAME_HEADER_LEN + 40);
    std::fs::write(dir.path().join("copy.sqlite-wal"), &damaged).unwrap();
    let before = std::fs::read(&db).unwrap();
    let error = crate::store::SqliteStore::open(&db, &crate::SqliteOptions::default()).unwrap_err();
    assert!(
        matches!(error, StoreError::Corrupt { ref detail } if detail.contains("write-ahead log")),
        "{error:?}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(
        std::fs::read(dir.path().join("copy.sqlite-wal")).unwrap(),
        damaged
    );
    assert!(!dir.path().join("copy.sqlite-shm").exists());
}
