//! The access log's hash chain: the canonical encoding of an entry and the verification walk.
//!
//! `hash = SHA-256(prev_hash || encode(event))`. The sequence number is not hashed: order is
//! carried by the links, so a renumbered but otherwise intact chain still verifies, and any
//! deletion, insertion, edit or move breaks a link or a hash.

use sha2::{Digest, Sha256};

use crate::model::audit::{AccessEntry, AccessEvent, BreakKind, ChainBreak, Outcome};

/// The hash of an empty chain's "previous entry".
pub const GENESIS: [u8; 32] = [0; 32];

fn put_str(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(&(s.len() as u32).to_be_bytes());
    buf.extend_from_slice(s.as_bytes());
}

fn put_opt_uuid(buf: &mut Vec<u8>, id: Option<uuid::Uuid>) {
    match id {
        Some(id) => {
            buf.push(1);
            buf.extend_from_slice(id.as_bytes());
        }
        None => buf.push(0),
    }
}

/// The canonical bytes of an event: fixed order, length-prefixed strings, presence bytes.
pub fn encode(event: &AccessEvent, buf: &mut Vec<u8>) {
    buf.extend_from_slice(&event.at.timestamp().to_be_bytes());
    buf.extend_from_slice(&event.at.timestamp_subsec_nanos().to_be_bytes());
    buf.extend_from_slice(event.actor.as_uuid().as_bytes());
    buf.extend_from_slice(event.subject.as_uuid().as_bytes());
    put_str(buf, event.action.as_str());
    match &event.scope {
        Some(scope) => {
            buf.push(1);
            put_str(buf, &scope.to_string());
        }
        None => buf.push(0),
    }
    put_opt_uuid(buf, event.counterpart.map(|c| c.as_uuid()));
    put_opt_uuid(buf, event.target);
    put_str(buf, event.level.map_or("", |l| l.as_str()));
    match event.outcome {
        Outcome::Allowed => put_str(buf, "allowed"),
        Outcome::Denied(reason) => put_str(buf, reason.as_str()),
    }
}

/// The hash of an event chained after `prev_hash`.
pub fn chain_hash(prev_hash: &[u8; 32], event: &AccessEvent) -> [u8; 32] {
    let mut buf = Vec::with_capacity(160);
    buf.extend_from_slice(prev_hash);
    encode(event, &mut buf);
    Sha256::digest(&buf).into()
}

/// Walks entries in sequence order and finds the first break. Feed it every entry, in order,
/// through [`ChainWalk::push`]; it needs one entry of look-ahead to tell a move from a deletion.
#[derive(Debug)]
pub struct ChainWalk {
    expected_seq: u64,
    head: [u8; 32],
    pending: Option<AccessEntry>,
    entries: u64,
    first_break: Option<ChainBreak>,
    buf: Vec<u8>,
}

impl Default for ChainWalk {
    fn default() -> Self {
        Self::new()
    }
}

impl ChainWalk {
    /// A walk from the start of the log.
    pub fn new() -> Self {
        Self {
            expected_seq: 1,
            head: GENESIS,
            pending: None,
            entries: 0,
            first_break: None,
            buf: Vec::with_capacity(160),
        }
    }

    /// Whether a break has been found (the rest of the log need not be read).
    pub fn is_broken(&self) -> bool {
        self.first_break.is_some()
    }

    /// The next entry in sequence order.
    pub fn push(&mut self, entry: AccessEntry) {
        self.entries += 1;
        if self.first_break.is_some() {
            return;
        }
        if let Some(previous) = self.pending.take() {
            self.check(previous, Some(&entry));
        }
        self.pending = Some(entry);
    }

    /// The report, once every entry has been pushed.
    pub fn finish(mut self) -> (u64, Option<ChainBreak>) {
        if let Some(last) = self.pending.take() {
            if self.first_break.is_none() {
                self.check(last, None);
            }
        }
        (self.entries, self.first_break)
    }

    fn check(&mut self, entry: AccessEntry, next: Option<&AccessEntry>) {
        let seq = entry.seq;
        let found = |kind| Some(ChainBreak { seq, kind });
        if seq > self.expected_seq {
            self.first_break = found(BreakKind::Deleted);
            return;
        }
        if seq < self.expected_seq {
            self.first_break = found(BreakKind::Inserted);
            return;
        }
        self.buf.clear();
        self.buf.extend_from_slice(&entry.prev_hash);
        encode(&entry.event, &mut self.buf);
        let recomputed: [u8; 32] = Sha256::digest(&self.buf).into();
        if recomputed != entry.hash {
            self.first_break = found(BreakKind::Edited);
            return;
        }
        // The next entry links to our predecessor, not to us: we were put in between.
        let next_skips_us = next.is_some_and(|n| n.prev_hash == self.head);
        if entry.prev_hash == self.head {
            if next_skips_us {
                self.first_break = found(BreakKind::Inserted);
                return;
            }
            self.head = entry.hash;
            self.expected_seq += 1;
            return;
        }
        let kind = if next.is_some_and(|n| n.hash == entry.prev_hash) {
            BreakKind::Reordered
        } else if next_skips_us {
            BreakKind::Inserted
        } else {
            BreakKind::Deleted
        };
        self.first_break = found(kind);
    }
}
