//! The write-ahead log, checked before SQLite reads it.
//!
//! When SQLite opens a file whose `-wal` was not cleanly closed, it replays the log's frames up
//! to the first one whose salts or cumulative checksum do not match, and silently ignores every
//! frame after it: exactly right after a crash that cut the log short, silently wrong after a
//! flipped bit in the middle of the log, which drops every later committed transaction. So the
//! log is read here first (see <https://www.sqlite.org/fileformat2.html#walformat>), and each
//! frame is also checked *locally*, seeded with the previous frame's stored checksum instead of
//! the running one: a frame that fails followed by a transaction that committed intact can only
//! be damage, and the store refuses with [`StoreError::Corrupt`] before SQLite reads (and
//! truncates its view of) the log. Nothing is written.
//!
//! What is allowed is what a crash leaves: a log that ends in a torn transaction, that is, one
//! where no intact commit frame of a *later* transaction follows the first failing frame. Frames
//! left over from a rolled-back or crashed transaction, or from an earlier generation of the
//! log (other salts), are ignored as SQLite ignores them.

use std::fs::File;
use std::io::{BufReader, ErrorKind, Read};
use std::path::Path;

use crate::store::StoreError;

/// The size of the log's header.
const HEADER_LEN: usize = 32;
/// The size of a frame's header (the page follows it).
const FRAME_HEADER_LEN: usize = 24;
/// The log's magic number; its low bit says in which byte order checksums read words.
const MAGIC: u32 = 0x377f_0682;
/// The only log format version there is.
const VERSION: u32 = 3_007_000;
/// How much of the log is read at a time.
const READ_BUFFER: usize = 256 * 1024;
/// How often a damaged-looking log is read again, in case another process was writing it.
const READS: usize = 3;

/// Where a log is damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Damage {
    /// The header is not a valid log header, and frames follow it.
    Header,
    /// This frame (counted from 0) fails its checksum or carries wrong salts, and a later
    /// transaction committed intact.
    Frame(usize),
}

impl Damage {
    fn into_error(self) -> StoreError {
        let detail = match self {
            Damage::Header => "the write-ahead log's header is damaged and frames follow it".into(),
            Damage::Frame(n) => {
                format!("the write-ahead log is damaged at frame {n}, before committed frames")
            }
        };
        StoreError::Corrupt { detail }
    }
}

/// Checks the `-wal` file beside `db` (if there is one) without writing anything.
/// [`StoreError::Corrupt`] if it is damaged anywhere but in a torn last transaction.
///
/// The log is read one frame at a time: a log can be as large as the largest transaction
/// (a rekey rewrites every page), and SQLite does not shrink the file after a checkpoint.
pub(super) fn check_log_of(db: &Path) -> Result<(), StoreError> {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    let path = Path::new(&name);
    let mut previous = None;
    for _ in 0..READS {
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_error(&e)),
        };
        let length = file.metadata().map_err(|e| io_error(&e))?.len();
        let Err(damage) =
            check_reader(BufReader::with_capacity(READ_BUFFER, file)).map_err(|e| io_error(&e))?
        else {
            return Ok(());
        };
        // Another process appending or restarting the log while it was read can make a torn
        // view of it; damage is what two reads in a row agree on.
        if previous == Some((damage, length)) {
            return Err(damage.into_error());
        }
        previous = Some((damage, length));
    }
    // The log kept changing: a live connection is writing it, and SQLite will read the log
    // through that connection's index rather than recover it.
    Ok(())
}

fn io_error(error: &std::io::Error) -> StoreError {
    StoreError::Io {
        detail: error.to_string(),
    }
}

/// Checks a log's bytes: `Ok` if SQLite's recovery of it keeps every committed transaction
/// except, possibly, a torn last one.
#[cfg(test)]
pub(super) fn check(bytes: &[u8]) -> Result<(), Damage> {
    check_reader(bytes).unwrap_or(Ok(()))
}

/// Reads `n` bytes into `buffer`; `false` at the end of the log (a partial last piece is
/// ignored, as SQLite ignores it).
fn fill(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<bool> {
    match reader.read_exact(buffer) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

/// [`check`] over a reader, in one pass.
fn check_reader(mut reader: impl Read) -> std::io::Result<Result<(), Damage>> {
    let mut head = [0u8; HEADER_LEN];
    if !fill(&mut reader, &mut head)? {
        // SQLite treats a log no longer than its header as empty.
        return Ok(Ok(()));
    }
    let mut frame = Vec::new();
    let Some(header) = Header::read(&head) else {
        // A damaged header is harmless only if nothing follows it.
        let mut one = [0u8; 1];
        return Ok(if fill(&mut reader, &mut one)? {
            Err(Damage::Header)
        } else {
            Ok(())
        });
    };
    frame.resize(FRAME_HEADER_LEN + header.page_size, 0);

    // SQLite's own reading: the running checksum, up to the first frame that does not match.
    let mut seed = header.checksum;
    let mut n = 0;
    let end = loop {
        if !fill(&mut reader, &mut frame)? {
            return Ok(Ok(()));
        }
        let current = Frame::new(&frame, &header);
        if !current.valid_after(seed) {
            break n;
        }
        seed = current.stored;
        n += 1;
    };

    // The rest, each frame checked on its own: a transaction after the failing frame's own
    // that committed intact means the log was damaged, not cut short. The frame before may be
    // damaged in its stored checksum only, so each frame is also tried with the checksum its
    // predecessor should have stored.
    let failing = Frame::new(&frame, &header);
    let mut later_transaction = failing.commits();
    // What the frame before stored, and what it should have stored.
    let mut before = (failing.stored, failing.checksum(seed));
    while fill(&mut reader, &mut frame)? {
        let current = Frame::new(&frame, &header);
        if later_transaction
            && current.commits()
            && (current.valid_after(before.0) || current.valid_after(before.1))
        {
            return Ok(Err(Damage::Frame(end)));
        }
        later_transaction |= current.commits();
        before = (current.stored, current.checksum(before.0));
    }
    Ok(Ok(()))
}

/// The checksum pair SQLite computes over `data` (a multiple of 8 bytes), continuing from
/// `seed`; words are read big-endian if `big_endian`, else little-endian.
fn checksum(data: &[u8], seed: (u32, u32), big_endian: bool) -> (u32, u32) {
    let (mut s0, mut s1) = seed;
    let word = |b: &[u8]| {
        let b = [b[0], b[1], b[2], b[3]];
        if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    };
    for pair in data.chunks_exact(8) {
        s0 = s0.wrapping_add(word(&pair[..4])).wrapping_add(s1);
        s1 = s1.wrapping_add(word(&pair[4..])).wrapping_add(s0);
    }
    (s0, s1)
}

fn be32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// A valid log header.
struct Header {
    big_endian: bool,
    page_size: usize,
    salts: [u8; 8],
    checksum: (u32, u32),
}

impl Header {
    /// The header, if it is one SQLite accepts.
    fn read(bytes: &[u8]) -> Option<Self> {
        let magic = be32(bytes, 0);
        if magic & !1 != MAGIC || be32(bytes, 4) != VERSION {
            return None;
        }
        let page_size = be32(bytes, 8);
        if !page_size.is_power_of_two() || !(512..=65_536).contains(&page_size) {
            return None;
        }
        let big_endian = magic & 1 == 1;
        let checksum = (be32(bytes, 24), be32(bytes, 28));
        if self::checksum(&bytes[..24], (0, 0), big_endian) != checksum {
            return None;
        }
        let mut salts = [0; 8];
        salts.copy_from_slice(&bytes[16..24]);
        Some(Self {
            big_endian,
            page_size: usize::try_from(page_size).ok()?,
            salts,
            checksum,
        })
    }
}

/// One frame of a log: its header and its page.
struct Frame<'a> {
    bytes: &'a [u8],
    big_endian: bool,
    /// Whether its salts are the header's (otherwise it is from an earlier log, or damaged).
    current: bool,
    /// The checksum it stores.
    stored: (u32, u32),
}

impl<'a> Frame<'a> {
    fn new(bytes: &'a [u8], header: &Header) -> Self {
        Self {
            bytes,
            big_endian: header.big_endian,
            current: bytes[8..16] == header.salts,
            stored: (be32(bytes, 16), be32(bytes, 20)),
        }
    }

    /// The checksum this frame should store, given the one before it.
    fn checksum(&self, seed: (u32, u32)) -> (u32, u32) {
        let head = checksum(&self.bytes[..8], seed, self.big_endian);
        checksum(&self.bytes[FRAME_HEADER_LEN..], head, self.big_endian)
    }

    /// Whether SQLite would read this frame after one that stored `seed`.
    fn valid_after(&self, seed: (u32, u32)) -> bool {
        self.current && be32(self.bytes, 0) != 0 && self.checksum(seed) == self.stored
    }

    /// Whether the frame says it ends a transaction (its "database size after commit").
    fn commits(&self) -> bool {
        be32(self.bytes, 4) != 0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
