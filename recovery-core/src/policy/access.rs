//! Who may read or change a person's toolbox: one pure decision, [`decide`].
//!
//! The portal calls it before every read or write of a toolbox, with the facts fresh from the
//! store (the membership between actor and owner and its grants) and the time from its clock.
//! Nothing is cached, so a revocation or an end of the team takes effect on the very next call.
//!
//! The rules, in order:
//! 1. A service user may do anything with their own toolbox. Nobody else has a toolbox.
//! 2. Only providers may see another person's toolbox, and only as members of that person's
//!    care team in the `active` state.
//! 3. Nobody but the owner changes a toolbox: providers propose and the owner decides.
//! 4. A provider sees a scope with a grant of at least `View` that has not expired, and may
//!    comment on it and propose in it with `Suggest`.

use chrono::{DateTime, Utc};

use crate::error::DenyReason;
use crate::model::ids::UserId;
use crate::model::people::{Person, Role};
use crate::model::team::{Grant, Level, Membership, Scope, TeamStatus};

/// What the actor wants to do with the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read it.
    View,
    /// Comment on it, or propose a goal or activity in it.
    Suggest,
    /// Change it directly.
    Change,
}

impl Action {
    /// The level a grant must have for this action.
    pub const fn needs(self) -> Option<Level> {
        match self {
            Action::View => Some(Level::View),
            Action::Suggest => Some(Level::Suggest),
            Action::Change => None,
        }
    }
}

/// The outcome of an access decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// Refuse, for this reason.
    Deny(DenyReason),
}

impl Decision {
    /// Whether the decision allows.
    pub const fn is_allowed(self) -> bool {
        matches!(self, Decision::Allow)
    }
}

/// Whether `actor` may take `action` on `scope` of the toolbox of `owner`.
///
/// `team` is the membership between the actor (as provider) and the owner, if any, and `grants`
/// that membership's grants; both are ignored for the owner.
pub fn decide(
    actor: &Person,
    owner: UserId,
    scope: &Scope,
    action: Action,
    team: Option<&Membership>,
    grants: &[Grant],
    now: DateTime<Utc>,
) -> Decision {
    if actor.id == owner {
        return if actor.role == Role::ServiceUser {
            Decision::Allow
        } else {
            Decision::Deny(DenyReason::WrongRole)
        };
    }
    if actor.role != Role::Provider {
        return Decision::Deny(DenyReason::WrongRole);
    }
    let Some(team) = team.filter(|t| {
        t.provider == actor.id && t.service_user == owner && t.status == TeamStatus::Active
    }) else {
        return Decision::Deny(DenyReason::NoCareTeam);
    };
    let Some(needed) = action.needs() else {
        return Decision::Deny(DenyReason::OwnerOnly);
    };
    let grant = grants
        .iter()
        .find(|g| g.membership == team.id && &g.scope == scope);
    match grant {
        Some(g) if g.level_at(now) >= needed => Decision::Allow,
        Some(g) if g.level >= needed => Decision::Deny(DenyReason::GrantExpired),
        _ => Decision::Deny(DenyReason::NotShared),
    }
}

/// The decision for a call on the actor's own toolbox (no team, no grants involved).
pub fn decide_own(actor: &Person) -> Decision {
    if actor.role == Role::ServiceUser {
        Decision::Allow
    } else {
        Decision::Deny(DenyReason::WrongRole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ids::MembershipId;
    use crate::model::people::Person;
    use chrono::{Duration, TimeZone};

    fn person(role: Role) -> Person {
        Person {
            id: UserId::new(),
            role,
            display_name: "x".into(),
            provider: None,
            registered_at: Utc.timestamp_opt(0, 0).single().expect("epoch"),
        }
    }

    fn membership(user: &Person, provider: &Person, status: TeamStatus) -> Membership {
        Membership {
            id: MembershipId::new(),
            service_user: user.id,
            provider: provider.id,
            status,
            invited_at: Utc::now(),
            accepted_at: None,
            ended: None,
        }
    }

    fn grant(
        team: &Membership,
        scope: Scope,
        level: Level,
        expires_at: Option<DateTime<Utc>>,
    ) -> Grant {
        Grant {
            membership: team.id,
            scope,
            level,
            expires_at,
            granted_at: Utc::now(),
        }
    }

    #[test]
    fn owner_may_do_anything_and_nobody_else_changes() {
        let user = person(Role::ServiceUser);
        let provider = person(Role::Provider);
        let team = membership(&user, &provider, TeamStatus::Active);
        let grants = [grant(&team, Scope::Diary, Level::Suggest, None)];
        let now = Utc::now();
        for action in [Action::View, Action::Suggest, Action::Change] {
            assert_eq!(
                decide(&user, user.id, &Scope::Diary, action, None, &[], now),
                Decision::Allow
            );
        }
        assert_eq!(
            decide(
                &provider,
                user.id,
                &Scope::Diary,
                Action::Change,
                Some(&team),
                &grants,
                now
            ),
            Decision::Deny(DenyReason::OwnerOnly)
        );
    }

    #[test]
    fn expired_grant_is_denied_with_its_reason() {
        let user = person(Role::ServiceUser);
        let provider = person(Role::Provider);
        let team = membership(&user, &provider, TeamStatus::Active);
        let now = Utc::now();
        let grants = [grant(&team, Scope::Diary, Level::View, Some(now))];
        assert_eq!(
            decide(
                &provider,
                user.id,
                &Scope::Diary,
                Action::View,
                Some(&team),
                &grants,
                now
            ),
            Decision::Deny(DenyReason::GrantExpired)
        );
        assert_eq!(
            decide(
                &provider,
                user.id,
                &Scope::Diary,
                Action::View,
                Some(&team),
                &grants,
                now - Duration::seconds(1)
            ),
            Decision::Allow
        );
    }

    #[test]
    fn pending_or_ended_team_sees_nothing() {
        let user = person(Role::ServiceUser);
        let provider = person(Role::Provider);
        for status in [TeamStatus::Proposed, TeamStatus::Inactive] {
            let team = membership(&user, &provider, status);
            let grants = [grant(&team, Scope::Diary, Level::Suggest, None)];
            assert_eq!(
                decide(
                    &provider,
                    user.id,
                    &Scope::Diary,
                    Action::View,
                    Some(&team),
                    &grants,
                    Utc::now()
                ),
                Decision::Deny(DenyReason::NoCareTeam)
            );
        }
    }

    #[test]
    fn other_roles_never_see_a_toolbox() {
        let user = person(Role::ServiceUser);
        for role in [
            Role::ServiceUser,
            Role::Moderator,
            Role::Researcher,
            Role::Admin,
        ] {
            let other = person(role);
            assert_eq!(
                decide(
                    &other,
                    user.id,
                    &Scope::WhatMatters,
                    Action::View,
                    None,
                    &[],
                    Utc::now()
                ),
                Decision::Deny(DenyReason::WrongRole)
            );
        }
    }
}
