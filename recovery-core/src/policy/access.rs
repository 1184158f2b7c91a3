//! Who may read or change a person's toolbox.
//!
//! One decision function, [`decide`], called by the portal before every read or write of a
//! toolbox. Today only the owner may; care teams and sharing extend the facts it is given.

use crate::error::DenyReason;
use crate::model::ids::UserId;
use crate::model::people::{Person, Role};

/// What the actor wants to do with the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read it.
    View,
    /// Change it.
    Change,
}

/// The outcome of an access decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// Refuse, for this reason.
    Deny(DenyReason),
}

/// Whether `actor` may take `action` on the toolbox of `owner`.
///
/// The owner must be a service user: only service users have toolboxes. A service user may do
/// anything with their own toolbox; nobody else may do anything with it.
pub fn decide(actor: &Person, owner: UserId, _action: Action) -> Decision {
    if actor.role != Role::ServiceUser {
        return Decision::Deny(DenyReason::WrongRole);
    }
    if actor.id != owner {
        return Decision::Deny(DenyReason::NotShared);
    }
    Decision::Allow
}
