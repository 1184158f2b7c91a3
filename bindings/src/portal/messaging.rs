//! Secure messaging and the change feed.

use super::Portal;
use crate::convert::{self, Result};
use crate::model::messaging::*;

#[uniffi::export]
impl Portal {
    /// Starts a conversation between a service user and providers in their care team, with its
    /// first message. Anyone outside the team is refused (`NotInCareTeam`).
    pub fn start_conversation(&self, actor: String, new: NewConversation) -> Result<Started> {
        let actor = convert::actor(&actor)?;
        let new = new.into_core()?;
        Ok(self.inner.start_conversation(&actor, new)?.into())
    }

    /// Sends a message in a conversation the actor is in. Refused with `ConversationClosed`
    /// once no provider in it is still in the care team.
    pub fn send_message(
        &self,
        actor: String,
        conversation: String,
        message: NewMessage,
    ) -> Result<Message> {
        let actor = convert::actor(&actor)?;
        let conversation = convert::id("conversation", &conversation)?;
        let message = message.into_core()?;
        Ok(self
            .inner
            .send_message(&actor, conversation, message)?
            .into())
    }

    /// One page of a conversation, newest first: messages before number `before` (none: the
    /// newest), at most `limit` (0: the default of 50; at most 200). Does not mark them read.
    #[uniffi::method(default(before = None, limit = 0))]
    pub fn messages(
        &self,
        actor: String,
        conversation: String,
        before: Option<u64>,
        limit: u32,
    ) -> Result<MessagePage> {
        let actor = convert::actor(&actor)?;
        let conversation = convert::id("conversation", &conversation)?;
        Ok(self
            .inner
            .messages(&actor, conversation, before, convert::limit(limit))?
            .into())
    }

    /// A snapshot attached to a message, for anyone in its conversation.
    pub fn attachment(&self, actor: String, attachment: String) -> Result<Attachment> {
        let actor = convert::actor(&actor)?;
        let attachment = convert::id("attachment", &attachment)?;
        Ok(self.inner.attachment(&actor, attachment)?.into())
    }

    /// Marks a conversation read through message number `through`; returns how many of its
    /// messages are still unread.
    pub fn mark_read(&self, actor: String, conversation: String, through: u64) -> Result<u64> {
        let actor = convert::actor(&actor)?;
        let conversation = convert::id("conversation", &conversation)?;
        Ok(self.inner.mark_read(&actor, conversation, through)?)
    }

    /// The acting person's conversations, the most recently active first.
    pub fn inbox(&self, actor: String) -> Result<Inbox> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.inbox(&actor)?.into())
    }

    /// The acting person's unread messages per conversation.
    pub fn unread_counts(&self, actor: String) -> Result<UnreadCounts> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.unread_counts(&actor)?.into())
    }

    /// What is new for the acting person since `cursor` (none: from the beginning). Keep the
    /// returned cursor and pass it next time; a cursor of another person's is refused with
    /// `InvalidCursor`.
    #[uniffi::method(default(cursor = None))]
    pub fn changes_since(&self, actor: String, cursor: Option<String>) -> Result<Changes> {
        let actor = convert::actor(&actor)?;
        Ok(self.inner.changes_since(&actor, cursor.as_deref())?.into())
    }
}
