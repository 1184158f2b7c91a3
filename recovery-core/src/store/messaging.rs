//! Storage of conversations, messages, their attachments and read state.

use super::StoreError;
use crate::model::ids::{AttachmentId, ConversationId, MessageId, UserId};
use crate::model::messaging::{Attachment, Conversation, Message, Participation};

/// One page of a conversation's messages, newest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageQuery {
    /// The conversation.
    pub conversation: ConversationId,
    /// Only messages with a `seq` below this (the keyset cursor of the next page).
    pub before_seq: Option<u64>,
    /// At most this many messages.
    pub limit: usize,
}

impl MessageQuery {
    /// Whether a message matches (ordering and limit aside); used by the memory store and by
    /// tests.
    pub fn matches(&self, message: &Message) -> bool {
        message.conversation == self.conversation
            && self.before_seq.is_none_or(|before| message.seq < before)
    }
}

/// Conversations and the messages in them. Messages and attachments are never changed once
/// written.
pub trait MessagingTx {
    /// Adds a conversation with its participants, each with nothing read.
    /// [`StoreError::Conflict`] if the id exists, if `last_seq` is not 0, or if a person is
    /// named twice.
    fn insert_conversation(&mut self, conversation: &Conversation) -> Result<(), StoreError>;
    /// A conversation by id, with its `last_seq` and `last_message_at` as of now.
    fn conversation(&mut self, id: ConversationId) -> Result<Option<Conversation>, StoreError>;

    /// Adds a message and its attachments, and makes it the conversation's last message.
    /// [`StoreError::Conflict`] unless the conversation exists, `message.seq` is one more than
    /// its `last_seq`, the author takes part in it, the message and attachment ids are new, and
    /// `attachments` are exactly the ones `message.attachments` lists (same ids, kinds and
    /// sources, in order) with this message and conversation.
    fn insert_message(
        &mut self,
        message: &Message,
        attachments: &[Attachment],
    ) -> Result<(), StoreError>;
    /// A message by id.
    fn message(&mut self, id: MessageId) -> Result<Option<Message>, StoreError>;
    /// A page of a conversation's messages, newest (highest `seq`) first.
    fn messages(&mut self, query: &MessageQuery) -> Result<Vec<Message>, StoreError>;
    /// An attachment by id.
    fn attachment(&mut self, id: AttachmentId) -> Result<Option<Attachment>, StoreError>;

    /// The `seq` of the last message a participant has read (0: none); `None` if the person
    /// does not take part in the conversation.
    fn read_seq(
        &mut self,
        conversation: ConversationId,
        person: UserId,
    ) -> Result<Option<u64>, StoreError>;
    /// Sets how far a participant has read. [`StoreError::Conflict`] if the person does not
    /// take part in the conversation or `read_seq` is beyond its last message. The store does
    /// not keep the mark from moving back; the portal does.
    fn set_read_seq(
        &mut self,
        conversation: ConversationId,
        person: UserId,
        read_seq: u64,
    ) -> Result<(), StoreError>;
    /// Every conversation a person takes part in, with their read state, ordered by
    /// conversation id.
    fn participations(&mut self, person: UserId) -> Result<Vec<Participation>, StoreError>;
}
