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

/// Like [`put_str`] for a value's `Display` form, without allocating it first.
fn put_display(buf: &mut Vec<u8>, value: &impl std::fmt::Display) {
    use std::io::Write as _;
    let at = buf.len();
    buf.extend_from_slice(&[0; 4]);
    // Writing into a Vec cannot fail.
    let _ = write!(buf, "{value}");
    let len = (buf.len() - at - 4) as u32;
    buf[at..at + 4].copy_from_slice(&len.to_be_bytes());
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
            put_display(buf, scope);
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
    // Appended only when present, so entries without a reason (every entry written before
    // the forum existed) keep the hash they were written with. The fields before it are all
    // self-delimiting, so the encoding stays unambiguous.
    if let Some(reason) = event.moderation_reason {
        buf.push(1);
        put_str(buf, reason.as_str());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::audit::{AccessAction, BreakKind};
    use crate::model::ids::UserId;
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    fn chain(n: usize) -> Vec<AccessEntry> {
        let actor = UserId::new();
        let subject = UserId::new();
        let mut prev = GENESIS;
        (0..n)
            .map(|i| {
                let event = AccessEvent {
                    at: Utc
                        .timestamp_opt(1_700_000_000 + i as i64, 0)
                        .single()
                        .expect("time"),
                    actor,
                    subject,
                    action: AccessAction::View,
                    scope: None,
                    counterpart: None,
                    target: None,
                    level: None,
                    outcome: Outcome::Allowed,
                    moderation_reason: None,
                };
                let hash = chain_hash(&prev, &event);
                let entry = AccessEntry {
                    seq: i as u64 + 1,
                    event,
                    prev_hash: prev,
                    hash,
                };
                prev = hash;
                entry
            })
            .collect()
    }

    fn verify(entries: Vec<AccessEntry>) -> Option<ChainBreak> {
        let mut walk = ChainWalk::new();
        for e in entries {
            walk.push(e);
        }
        walk.finish().1
    }

    /// Renumbers entries 1..=n, as a careful forger would after moving rows.
    fn renumber(mut entries: Vec<AccessEntry>) -> Vec<AccessEntry> {
        for (i, e) in entries.iter_mut().enumerate() {
            e.seq = i as u64 + 1;
        }
        entries
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(chain(50)), None);
        assert_eq!(verify(Vec::new()), None);
    }

    proptest! {
        #[test]
        fn an_edit_is_found_where_it_was_made(n in 1usize..40, at in 0usize..40) {
            let at = at % n;
            let mut entries = chain(n);
            entries[at].event.action = AccessAction::Grant;
            prop_assert_eq!(verify(entries), Some(ChainBreak { seq: at as u64 + 1, kind: BreakKind::Edited }));
        }

        #[test]
        fn a_deletion_is_found_where_the_gap_is(n in 2usize..40, at in 0usize..39, renumbered: bool) {
            let at = at % (n - 1); // not the last entry: truncation at the end is undetectable
            let mut entries = chain(n);
            entries.remove(at);
            if renumbered {
                entries = renumber(entries);
            }
            prop_assert_eq!(verify(entries), Some(ChainBreak { seq: at as u64 + if renumbered { 1 } else { 2 }, kind: BreakKind::Deleted }));
        }

        #[test]
        fn an_insertion_is_found_at_the_forged_entry(n in 1usize..40, at in 0usize..40, links_well: bool) {
            let at = at % n; // before entry `at`, never after the last
            let mut entries = chain(n);
            let prev = if at == 0 { GENESIS } else { entries[at - 1].hash };
            let mut forged = entries[at].clone();
            forged.event.action = AccessAction::Revoke;
            forged.prev_hash = if links_well { prev } else { [7; 32] };
            forged.hash = chain_hash(&forged.prev_hash, &forged.event);
            entries.insert(at, forged);
            prop_assert_eq!(verify(renumber(entries)), Some(ChainBreak { seq: at as u64 + 1, kind: BreakKind::Inserted }));
        }

        #[test]
        fn a_move_is_found_where_order_breaks(n in 2usize..40, at in 0usize..39) {
            let at = at % (n - 1);
            let mut entries = chain(n);
            entries.swap(at, at + 1);
            prop_assert_eq!(verify(renumber(entries)), Some(ChainBreak { seq: at as u64 + 1, kind: BreakKind::Reordered }));
        }
    }
}
