//! Storage of the usage log, and the aggregates its reports are built from.
//!
//! The aggregates are part of the trait so that a store can compute them where the events
//! are (SQLite's `GROUP BY`) instead of handing millions of events to the portal.

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::model::ids::{ConversationId, UserId};
use crate::model::people::Role;
use crate::model::usage::{Module, Period, UsageEvent};

/// What the events of one module and role add up to in a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleTally {
    /// The module.
    pub module: Module,
    /// The actors' role.
    pub role: Role,
    /// Visits ([`UsageAction::Visit`](crate::model::usage::UsageAction::Visit) events).
    pub visits: u64,
    /// Distinct people with any event (a visit or a posting).
    pub people: u64,
    /// Events other than visits.
    pub postings: u64,
}

/// A message as the usage log saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageUsage {
    /// When it was sent.
    pub at: DateTime<Utc>,
    /// The service user whose conversation (and care team) it belongs to.
    pub service_user: UserId,
    /// The conversation.
    pub conversation: ConversationId,
    /// Whether a provider sent it (otherwise the service user did).
    pub from_provider: bool,
}

/// How many service users took part in their own care, by some moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InvolvementTally {
    /// Service users who had written at least one goal themselves.
    pub with_own_goal: u64,
    /// Service users who had shared at least one scope with a care-team member.
    pub with_shared_scope: u64,
    /// Service users who had written a crisis plan.
    pub with_crisis_plan: u64,
}

/// One service user's care team as the usage log saw it by some moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamTally {
    /// The service user.
    pub service_user: UserId,
    /// Distinct providers who had joined the team.
    pub providers: u64,
    /// Distinct scopes the service user had shared with the team.
    pub scopes_shared: u64,
}

/// The usage log: append-only events and their aggregates.
pub trait UsageTx {
    /// Appends an event.
    fn record_usage(&mut self, event: &UsageEvent) -> Result<(), StoreError>;

    /// Visits, distinct people and postings per module and role in `period`, ordered by
    /// module (in [`Module::ALL`] order) then role (in [`Role::ALL`] order); only pairs with
    /// at least one event.
    fn module_tallies(&mut self, period: &Period) -> Result<Vec<ModuleTally>, StoreError>;

    /// The messages sent in `period`, ordered by conversation, then time.
    fn message_usage(&mut self, period: &Period) -> Result<Vec<MessageUsage>, StoreError>;

    /// People of `role` registered before `before`.
    fn registered(&mut self, role: Role, before: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Distinct people of `role` with at least one posting in `period`.
    fn posting_people(&mut self, role: Role, period: &Period) -> Result<u64, StoreError>;

    /// Service users' involvement from the events before `before`: a goal is the service
    /// user's own when they are both its actor and its subject.
    fn involvement(&mut self, before: DateTime<Utc>) -> Result<InvolvementTally, StoreError>;

    /// Every service user whose care team a provider had joined before `before`, ordered by
    /// the service user's id.
    fn team_tallies(&mut self, before: DateTime<Utc>) -> Result<Vec<TeamTally>, StoreError>;
}
