//! Care teams, sharing, proposals and comments.

use super::Portal;
use crate::convert::{self, Result, all};
use crate::model::team::*;
use crate::model::toolbox::{NewActivity, NewGoal};

#[uniffi::export]
impl Portal {
    /// Invites a provider into the acting service user's care team.
    pub fn invite(&self, actor: String, provider: String) -> Result<Membership> {
        let actor = convert::actor(&actor)?;
        let provider = convert::id("provider", &provider)?;
        Ok(self.inner.invite(&actor, provider)?.into())
    }

    /// The invited provider accepts.
    pub fn accept_invitation(&self, actor: String, membership: String) -> Result<Membership> {
        let actor = convert::actor(&actor)?;
        let membership = convert::id("membership", &membership)?;
        Ok(self.inner.accept_invitation(&actor, membership)?.into())
    }

    /// The invited provider declines.
    pub fn decline_invitation(&self, actor: String, membership: String) -> Result<Membership> {
        let actor = convert::actor(&actor)?;
        let membership = convert::id("membership", &membership)?;
        Ok(self.inner.decline_invitation(&actor, membership)?.into())
    }

    /// Either side ends a membership; every grant in it ends at once.
    pub fn end_membership(&self, actor: String, membership: String) -> Result<Membership> {
        let actor = convert::actor(&actor)?;
        let membership = convert::id("membership", &membership)?;
        Ok(self.inner.end_membership(&actor, membership)?.into())
    }

    /// The acting service user's care team, with what is shared with each provider.
    pub fn care_team(&self, actor: String) -> Result<Vec<TeamMember>> {
        let actor = convert::actor(&actor)?;
        Ok(all(self.inner.care_team(&actor)?))
    }

    /// The acting provider's service users, with what each shares and the pending proposals.
    pub fn caseload(&self, actor: String) -> Result<Vec<CaseloadEntry>> {
        let actor = convert::actor(&actor)?;
        Ok(all(self.inner.caseload(&actor)?))
    }

    /// Shares a scope of the acting service user's toolbox with a provider in their team, at a
    /// level and optionally until a time; level `None` revokes. Returns the grant in force.
    pub fn share(
        &self,
        actor: String,
        provider: String,
        scope: Scope,
        sharing: Sharing,
    ) -> Result<Option<Grant>> {
        let actor = convert::actor(&actor)?;
        let provider = convert::id("provider", &provider)?;
        let scope = scope.into_core()?;
        let sharing = sharing.into_core()?;
        Ok(self
            .inner
            .share(&actor, provider, scope, sharing)?
            .map(Into::into))
    }

    /// Stops sharing a scope with a provider.
    pub fn revoke(&self, actor: String, provider: String, scope: Scope) -> Result<()> {
        let actor = convert::actor(&actor)?;
        let provider = convert::id("provider", &provider)?;
        let scope = scope.into_core()?;
        Ok(self.inner.revoke(&actor, provider, scope)?)
    }

    /// What one scope of a service user's toolbox holds, if the actor may see it. Every access
    /// to another person's toolbox is written to their access log, allowed or denied.
    pub fn view(&self, actor: String, owner: String, scope: Scope) -> Result<ScopeView> {
        let actor = convert::actor(&actor)?;
        let owner = convert::id("owner", &owner)?;
        let scope = scope.into_core()?;
        Ok(self.inner.view(&actor, owner, &scope)?.into())
    }

    /// A provider proposes a goal for a service user, who accepts or rejects it.
    pub fn propose_goal(&self, actor: String, owner: String, goal: NewGoal) -> Result<Proposal> {
        let actor = convert::actor(&actor)?;
        let owner = convert::id("owner", &owner)?;
        Ok(self
            .inner
            .propose_goal(&actor, owner, goal.into_core()?)?
            .into())
    }

    /// A provider proposes an activity under one of a service user's goals.
    pub fn propose_activity(
        &self,
        actor: String,
        owner: String,
        activity: NewActivity,
    ) -> Result<Proposal> {
        let actor = convert::actor(&actor)?;
        let owner = convert::id("owner", &owner)?;
        Ok(self
            .inner
            .propose_activity(&actor, owner, activity.into_core()?)?
            .into())
    }

    /// Proposals for the acting service user, or made by the acting provider, optionally only
    /// those in one state.
    #[uniffi::method(default(status = None))]
    pub fn proposals(
        &self,
        actor: String,
        status: Option<ProposalStatus>,
    ) -> Result<Vec<Proposal>> {
        let actor = convert::actor(&actor)?;
        Ok(all(self.inner.proposals(&actor, status.map(Into::into))?))
    }

    /// The service user accepts (the goal or activity becomes theirs) or rejects a proposal.
    pub fn decide_proposal(
        &self,
        actor: String,
        proposal: String,
        accept: bool,
    ) -> Result<Proposal> {
        let actor = convert::actor(&actor)?;
        let proposal = convert::id("proposal", &proposal)?;
        Ok(self.inner.decide_proposal(&actor, proposal, accept)?.into())
    }

    /// A provider with `Suggest` on the item's scope comments on one of the user's items.
    pub fn comment(&self, actor: String, item: String, text: String) -> Result<Comment> {
        let actor = convert::actor(&actor)?;
        let item = convert::id::<recovery_core::ItemId>("item", &item)?;
        Ok(self.inner.comment(&actor, item, &text)?.into())
    }

    /// The comments on an item, oldest first.
    pub fn comments(&self, actor: String, item: String) -> Result<Vec<Comment>> {
        let actor = convert::actor(&actor)?;
        let item = convert::id::<recovery_core::ItemId>("item", &item)?;
        Ok(all(self.inner.comments(&actor, item)?))
    }
}
