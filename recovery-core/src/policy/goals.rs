//! Which goal lifecycle changes a service user may make.
//!
//! After FHIR Goal. `proposed` belongs to a provider's proposal and is left only through the
//! user's decision (accept or reject), never by editing. `entered-in-error` and `rejected` are
//! final. Every other state may move to any other non-proposal state, since people's plans do
//! go back and forth (a completed goal taken up again is `active`).

use crate::error::{Error, Result};
use crate::model::toolbox::GoalLifecycle;

/// Whether an owner's edit may move a goal from `from` to `to`.
pub fn may_edit_lifecycle(from: GoalLifecycle, to: GoalLifecycle) -> bool {
    use GoalLifecycle::*;
    if from == to {
        return true;
    }
    !matches!(from, Proposed | EnteredInError | Rejected) && !matches!(to, Proposed | Rejected)
}

/// [`may_edit_lifecycle`] as a typed error.
pub fn check_lifecycle_edit(from: GoalLifecycle, to: GoalLifecycle) -> Result<()> {
    if may_edit_lifecycle(from, to) {
        Ok(())
    } else {
        Err(Error::InvalidTransition {
            kind: "goal",
            from: from.code(),
            to: to.code(),
        })
    }
}

/// The states a goal the service user writes themselves may start in.
pub fn may_start_in(state: GoalLifecycle) -> bool {
    use GoalLifecycle::*;
    matches!(state, Planned | Accepted | Active | OnHold)
}

#[cfg(test)]
mod tests {
    use super::*;
    use GoalLifecycle::*;

    #[test]
    fn final_states_stay_final() {
        for to in GoalLifecycle::ALL {
            if to != EnteredInError {
                assert!(!may_edit_lifecycle(EnteredInError, to), "{to:?}");
            }
            if to != Rejected {
                assert!(!may_edit_lifecycle(Rejected, to), "{to:?}");
            }
        }
    }

    #[test]
    fn proposals_are_decided_not_edited() {
        for other in GoalLifecycle::ALL {
            if other != Proposed {
                assert!(!may_edit_lifecycle(Proposed, other));
                assert!(!may_edit_lifecycle(other, Proposed));
            }
        }
    }

    #[test]
    fn open_goals_move_freely_among_working_states() {
        assert!(may_edit_lifecycle(Active, Completed));
        assert!(may_edit_lifecycle(Completed, Active));
        assert!(may_edit_lifecycle(OnHold, Cancelled));
        assert!(may_edit_lifecycle(Active, EnteredInError));
        assert!(!may_edit_lifecycle(Active, Rejected));
    }
}
