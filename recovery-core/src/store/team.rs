//! Storage of care teams, grants, proposals and comments.

use super::StoreError;
use crate::model::ids::{ItemId, MembershipId, ProposalId, UserId};
use crate::model::team::{Comment, Grant, Membership, Proposal, ProposalStatus, Scope};

/// Which memberships to list. Results are ordered by `invited_at`, then id (oldest first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MembershipQuery {
    /// Only this service user's team.
    pub service_user: Option<UserId>,
    /// Only this provider's memberships.
    pub provider: Option<UserId>,
}

/// Which proposals to list. Results are ordered by `proposed_at`, then id (oldest first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProposalQuery {
    /// Only proposals for this service user.
    pub owner: Option<UserId>,
    /// Only proposals by this provider.
    pub provider: Option<UserId>,
    /// Only proposals in this state.
    pub status: Option<ProposalStatus>,
}

impl MembershipQuery {
    /// Whether a membership matches (used by the memory store and by tests).
    pub fn matches(&self, m: &Membership) -> bool {
        self.service_user.is_none_or(|u| m.service_user == u)
            && self.provider.is_none_or(|p| m.provider == p)
    }
}

impl ProposalQuery {
    /// Whether a proposal matches (used by the memory store and by tests).
    pub fn matches(&self, p: &Proposal) -> bool {
        self.owner.is_none_or(|o| p.owner == o)
            && self.provider.is_none_or(|v| p.provider == v)
            && self.status.is_none_or(|s| p.status == s)
    }
}

/// Care teams and what is shared in them.
pub trait TeamTx {
    /// Adds a membership. [`StoreError::Conflict`] if the id exists.
    fn insert_membership(&mut self, membership: &Membership) -> Result<(), StoreError>;
    /// Replaces a membership's state. [`StoreError::Conflict`] if it does not exist or its
    /// service user or provider would change.
    fn update_membership(&mut self, membership: &Membership) -> Result<(), StoreError>;
    /// A membership by id.
    fn membership(&mut self, id: MembershipId) -> Result<Option<Membership>, StoreError>;
    /// The memberships that match, oldest first.
    fn memberships(&mut self, query: &MembershipQuery) -> Result<Vec<Membership>, StoreError>;

    /// Sets the grant for `(grant.membership, grant.scope)`, replacing any earlier one.
    /// [`StoreError::Conflict`] if the membership does not exist.
    fn put_grant(&mut self, grant: &Grant) -> Result<(), StoreError>;
    /// Removes the grant for a scope; returns whether there was one.
    fn delete_grant(&mut self, membership: MembershipId, scope: &Scope)
    -> Result<bool, StoreError>;
    /// Removes every grant of a membership; returns how many there were.
    fn delete_grants(&mut self, membership: MembershipId) -> Result<usize, StoreError>;
    /// A membership's grants, ordered by scope (its string form).
    fn grants(&mut self, membership: MembershipId) -> Result<Vec<Grant>, StoreError>;

    /// Adds a proposal. [`StoreError::Conflict`] if the id exists.
    fn insert_proposal(&mut self, proposal: &Proposal) -> Result<(), StoreError>;
    /// Replaces a proposal's state. [`StoreError::Conflict`] if it does not exist or its owner,
    /// provider or content would change.
    fn update_proposal(&mut self, proposal: &Proposal) -> Result<(), StoreError>;
    /// A proposal by id.
    fn proposal(&mut self, id: ProposalId) -> Result<Option<Proposal>, StoreError>;
    /// The proposals that match, oldest first.
    fn proposals(&mut self, query: &ProposalQuery) -> Result<Vec<Proposal>, StoreError>;

    /// Adds a comment. [`StoreError::Conflict`] if the id exists.
    fn insert_comment(&mut self, comment: &Comment) -> Result<(), StoreError>;
    /// The comments on an item, oldest first (by `written_at`, then id).
    fn comments(&mut self, item: ItemId) -> Result<Vec<Comment>, StoreError>;
}
