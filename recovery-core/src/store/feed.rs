//! Storage of the change feed.

use super::StoreError;
use crate::model::feed::{ChangeRecord, NewChange};
use crate::model::ids::UserId;

/// The change feed: every change once, with the people whose feeds it goes into.
///
/// Sequence numbers run from 1 without gaps in the order changes commit: a reader that has
/// seen every change up to `n` must never later find a committed change below `n`. Stores whose
/// transactions commit one at a time (both of the crate's) get this by numbering on append; a
/// store with concurrent writers must serialise appends to the feed.
pub trait FeedTx {
    /// Appends a change for its recipients and returns its sequence number: one more than the
    /// last change's (1 for the first). [`StoreError::Conflict`] if a recipient is named twice.
    fn append_change(&mut self, change: &NewChange) -> Result<u64, StoreError>;
    /// The sequence number of the last change (0 when there is none).
    fn last_change(&mut self) -> Result<u64, StoreError>;
    /// Up to `limit` changes for `recipient` with sequence numbers above `after`, in sequence
    /// order.
    fn changes_for(
        &mut self,
        recipient: UserId,
        after: u64,
        limit: usize,
    ) -> Result<Vec<ChangeRecord>, StoreError>;
}
