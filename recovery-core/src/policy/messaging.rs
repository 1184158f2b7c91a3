//! Who may read and write a conversation, and who a new conversation may be with.
//!
//! The portal calls these with facts fresh from the store (the conversation and the current
//! state of its providers' memberships), so an ended membership takes effect on the very next
//! call. The rules:
//!
//! 1. A conversation has exactly one service user and one or more providers, each an active
//!    member of that service user's care team when it starts. Either side may start one.
//! 2. The service user always keeps their conversations: they may read them for ever, and
//!    write in them while at least one of the providers is still an active member.
//! 3. A provider reads and writes a conversation only while the membership that let them in is
//!    active. Ending it (by either side) takes the conversation from them at once.
//! 4. Nobody else reads or writes it.
//!
//! Snapshots attached to a message are part of the conversation: whoever may read it may read
//! them, whatever the sharing grants say.

use crate::error::{DenyReason, Error, Problem, Result};
use crate::model::ids::UserId;
use crate::model::messaging::Conversation;
use crate::model::people::{Person, Role};
use crate::model::team::{Membership, TeamStatus};

/// What the actor wants to do with a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConversationAction {
    /// Read its messages and attachments, or mark them read.
    Read,
    /// Send a message in it.
    Post,
}

/// The outcome of a decision on a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead.
    Allow,
    /// Refused, for this reason (logged when the actor is not the service user).
    Deny(DenyReason),
    /// The service user may read but not write: none of the providers is still in the team.
    Closed,
}

/// Whether a membership is the active one between a conversation's service user and a provider.
fn active_for(m: &Membership, conversation: &Conversation, provider: UserId) -> bool {
    m.status == TeamStatus::Active
        && m.service_user == conversation.service_user
        && m.provider == provider
}

/// Whether the provider's seat in the conversation still stands: the membership that let them
/// in is active. `memberships` holds the current state of the conversation's providers'
/// memberships; a missing one counts as ended.
pub fn seat_active(
    conversation: &Conversation,
    provider: UserId,
    memberships: &[Membership],
) -> bool {
    conversation.provider(provider).is_some_and(|seat| {
        memberships
            .iter()
            .any(|m| m.id == seat.membership && active_for(m, conversation, provider))
    })
}

/// Whether `actor` may take `action` on `conversation`, given the current state of the
/// memberships of its providers (any order; others are ignored).
pub fn decide(
    conversation: &Conversation,
    actor: &Person,
    memberships: &[Membership],
    action: ConversationAction,
) -> Verdict {
    if actor.id == conversation.service_user {
        if actor.role != Role::ServiceUser {
            return Verdict::Deny(DenyReason::WrongRole);
        }
        return match action {
            ConversationAction::Read => Verdict::Allow,
            ConversationAction::Post => {
                let open = conversation
                    .providers
                    .iter()
                    .any(|p| seat_active(conversation, p.provider, memberships));
                if open {
                    Verdict::Allow
                } else {
                    Verdict::Closed
                }
            }
        };
    }
    if conversation.provider(actor.id).is_none() {
        return Verdict::Deny(DenyReason::NotAParty);
    }
    if actor.role != Role::Provider {
        return Verdict::Deny(DenyReason::WrongRole);
    }
    if seat_active(conversation, actor.id, memberships) {
        Verdict::Allow
    } else {
        Verdict::Deny(DenyReason::NoCareTeam)
    }
}

/// The service user of a new conversation started by `starter` with `others`: exactly one
/// person among them all is a service user and everyone else is a provider, each named once.
/// Care-team membership is checked by the caller, which has the store.
pub fn service_user_of(starter: &Person, others: &[Person]) -> Result<UserId> {
    const FIELD: &str = "conversation.with";
    if others.is_empty() {
        return Err(Error::invalid(FIELD, Problem::Empty));
    }
    if !matches!(starter.role, Role::ServiceUser | Role::Provider) {
        return Err(Error::PermissionDenied(DenyReason::WrongRole));
    }
    let mut seen = vec![starter.id];
    for other in others {
        if seen.contains(&other.id) {
            return Err(Error::invalid(
                FIELD,
                if other.id == starter.id {
                    Problem::Inconsistent("the one who starts a conversation is in it already")
                } else {
                    Problem::Duplicate
                },
            ));
        }
        seen.push(other.id);
    }
    let mut service_users = std::iter::once(starter)
        .chain(others)
        .filter(|p| p.role == Role::ServiceUser);
    let service_user = match (service_users.next(), service_users.next()) {
        (Some(one), None) => one.id,
        (None, _) => {
            return Err(Error::invalid(
                FIELD,
                Problem::WrongRole {
                    expected: "service-user",
                },
            ));
        }
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                FIELD,
                Problem::Inconsistent("a conversation has exactly one service user"),
            ));
        }
    };
    if others
        .iter()
        .any(|p| !matches!(p.role, Role::ServiceUser | Role::Provider))
    {
        return Err(Error::invalid(
            FIELD,
            Problem::WrongRole {
                expected: "provider",
            },
        ));
    }
    Ok(service_user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ids::{ConversationId, MembershipId};
    use crate::model::messaging::ConversationProvider;
    use chrono::{TimeZone, Utc};

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
            invited_at: Utc.timestamp_opt(0, 0).single().expect("epoch"),
            accepted_at: None,
            ended: None,
        }
    }

    fn conversation(user: &Person, seats: &[(&Person, &Membership)]) -> Conversation {
        let at = Utc.timestamp_opt(0, 0).single().expect("epoch");
        Conversation {
            id: ConversationId::new(),
            service_user: user.id,
            providers: seats
                .iter()
                .map(|(p, m)| ConversationProvider {
                    provider: p.id,
                    membership: m.id,
                })
                .collect(),
            subject: String::new(),
            started_by: user.id,
            started_at: at,
            last_seq: 0,
            last_message_at: at,
        }
    }

    #[test]
    fn an_ended_membership_closes_the_conversation_to_the_provider_only() {
        let user = person(Role::ServiceUser);
        let nurse = person(Role::Provider);
        let mut m = membership(&user, &nurse, TeamStatus::Active);
        let c = conversation(&user, &[(&nurse, &m)]);
        for action in [ConversationAction::Read, ConversationAction::Post] {
            assert_eq!(decide(&c, &nurse, &[m.clone()], action), Verdict::Allow);
            assert_eq!(decide(&c, &user, &[m.clone()], action), Verdict::Allow);
        }
        m.status = TeamStatus::Inactive;
        for action in [ConversationAction::Read, ConversationAction::Post] {
            assert_eq!(
                decide(&c, &nurse, &[m.clone()], action),
                Verdict::Deny(DenyReason::NoCareTeam)
            );
        }
        assert_eq!(
            decide(&c, &user, &[m.clone()], ConversationAction::Read),
            Verdict::Allow
        );
        assert_eq!(
            decide(&c, &user, &[m], ConversationAction::Post),
            Verdict::Closed
        );
    }

    #[test]
    fn a_new_membership_does_not_reopen_an_old_seat() {
        let user = person(Role::ServiceUser);
        let nurse = person(Role::Provider);
        let old = membership(&user, &nurse, TeamStatus::Inactive);
        let c = conversation(&user, &[(&nurse, &old)]);
        let new = membership(&user, &nurse, TeamStatus::Active);
        assert_eq!(
            decide(&c, &nurse, &[old, new], ConversationAction::Read),
            Verdict::Deny(DenyReason::NoCareTeam)
        );
    }

    #[test]
    fn the_user_may_post_while_any_provider_remains() {
        let user = person(Role::ServiceUser);
        let nurse = person(Role::Provider);
        let doctor = person(Role::Provider);
        let ended = membership(&user, &nurse, TeamStatus::Inactive);
        let active = membership(&user, &doctor, TeamStatus::Active);
        let c = conversation(&user, &[(&nurse, &ended), (&doctor, &active)]);
        assert_eq!(
            decide(&c, &user, &[ended, active], ConversationAction::Post),
            Verdict::Allow
        );
    }

    #[test]
    fn outsiders_are_not_a_party_whatever_their_role() {
        let user = person(Role::ServiceUser);
        let nurse = person(Role::Provider);
        let m = membership(&user, &nurse, TeamStatus::Active);
        let c = conversation(&user, &[(&nurse, &m)]);
        for role in Role::ALL {
            let outsider = person(role);
            assert_eq!(
                decide(
                    &c,
                    &outsider,
                    std::slice::from_ref(&m),
                    ConversationAction::Read
                ),
                Verdict::Deny(DenyReason::NotAParty)
            );
        }
    }

    #[test]
    fn a_membership_of_another_pair_does_not_count() {
        let user = person(Role::ServiceUser);
        let nurse = person(Role::Provider);
        let m = membership(&user, &nurse, TeamStatus::Active);
        let c = conversation(&user, &[(&nurse, &m)]);
        // The same id, but (as a store would never return) for another service user.
        let other = Membership {
            service_user: UserId::new(),
            ..m
        };
        assert_eq!(
            decide(&c, &nurse, &[other], ConversationAction::Read),
            Verdict::Deny(DenyReason::NoCareTeam)
        );
    }

    #[test]
    fn a_conversation_has_exactly_one_service_user() {
        let user = person(Role::ServiceUser);
        let other_user = person(Role::ServiceUser);
        let nurse = person(Role::Provider);
        let doctor = person(Role::Provider);
        let moderator = person(Role::Moderator);
        assert_eq!(
            service_user_of(&user, &[nurse.clone(), doctor.clone()]).ok(),
            Some(user.id)
        );
        assert_eq!(
            service_user_of(&nurse, &[doctor.clone(), user.clone()]).ok(),
            Some(user.id)
        );
        let problem = |r: Result<UserId>| match r {
            Err(Error::Invalid { problem, .. }) => Some(problem),
            _ => None,
        };
        assert_eq!(problem(service_user_of(&user, &[])), Some(Problem::Empty));
        assert!(matches!(
            problem(service_user_of(&user, &[other_user])),
            Some(Problem::Inconsistent(_))
        ));
        assert!(matches!(
            problem(service_user_of(&nurse, std::slice::from_ref(&doctor))),
            Some(Problem::WrongRole { .. })
        ));
        assert!(matches!(
            problem(service_user_of(&user, std::slice::from_ref(&moderator))),
            Some(Problem::WrongRole { .. })
        ));
        assert_eq!(
            problem(service_user_of(&user, &[nurse.clone(), nurse.clone()])),
            Some(Problem::Duplicate)
        );
        assert!(matches!(
            problem(service_user_of(&user, std::slice::from_ref(&user))),
            Some(Problem::Inconsistent(_))
        ));
        assert!(matches!(
            service_user_of(&moderator, &[user]),
            Err(Error::PermissionDenied(DenyReason::WrongRole))
        ));
    }
}
