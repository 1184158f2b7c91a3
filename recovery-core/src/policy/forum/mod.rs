//! The forum's rules: who may join and moderate, pseudonyms, crisis terms, the flag threshold
//! and the moderators' state machine, the suspension ladder and rate limits.
//!
//! Everything here is a pure function of the facts the [`Portal`](crate::Portal) reads from the
//! store and its clock.

use chrono::{DateTime, Duration, Utc};

use crate::config::{ForumConfig, RateLimit};
use crate::error::DenyReason;
use crate::model::forum::Member;
use crate::model::people::{Person, Role};

pub mod crisis;
pub mod moderation;
pub mod pseudonym;
pub mod rate;

/// Whether a person may join the forum: service users and moderators always, providers when
/// the host allows it, researchers and admins never.
pub fn may_join(person: &Person, config: &ForumConfig) -> Result<(), DenyReason> {
    match person.role {
        Role::ServiceUser | Role::Moderator => Ok(()),
        Role::Provider if config.providers_may_join => Ok(()),
        Role::Provider | Role::Researcher | Role::Admin => Err(DenyReason::WrongRole),
    }
}

/// Whether a person may take moderator actions and see everything in the forum.
pub fn is_moderator(person: &Person) -> bool {
    person.role == Role::Moderator
}

/// Whether a member's new posts are held for review: until a moderator has approved
/// [`ForumConfig::held_posts`] of them.
pub fn posts_are_held(member: &Member, config: &ForumConfig) -> bool {
    member.approved_posts < config.held_posts
}

/// Whether a member is new at `now`: joined less than [`ForumConfig::new_member_days`] ago, or
/// still having their posts held.
pub fn is_new(member: &Member, config: &ForumConfig, now: DateTime<Utc>) -> bool {
    posts_are_held(member, config)
        || now < member.joined_at + Duration::days(i64::from(config.new_member_days))
}

/// The post limit that applies to a member at `now`.
pub fn post_limit(member: &Member, config: &ForumConfig, now: DateTime<Utc>) -> RateLimit {
    if is_new(member, config, now) {
        config.new_member_post_limit
    } else {
        config.post_limit
    }
}

/// The flag limit that applies to a member at `now`.
pub fn flag_limit(member: &Member, config: &ForumConfig, now: DateTime<Utc>) -> RateLimit {
    if is_new(member, config, now) {
        config.new_member_flag_limit
    } else {
        config.flag_limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ids::{MemberId, UserId};
    use chrono::TimeZone;

    fn member(joined_at: DateTime<Utc>, approved_posts: u32) -> Member {
        Member {
            id: MemberId::new(),
            user: UserId::new(),
            pseudonym: "Lark".into(),
            pseudonym_key: "lark".into(),
            pseudonym_shape: "lark".into(),
            joined_at,
            approved_posts,
            warnings: 0,
            suspensions: 0,
            suspension: None,
        }
    }

    #[test]
    fn a_member_is_new_for_a_week_and_while_posts_are_held() {
        let config = ForumConfig::default();
        let joined = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("time");
        let approved = member(joined, 1);
        assert!(is_new(&approved, &config, joined + Duration::days(6)));
        assert!(!is_new(&approved, &config, joined + Duration::days(7)));
        let held = member(joined, 0);
        assert!(is_new(&held, &config, joined + Duration::days(300)));
        assert_eq!(
            post_limit(&held, &config, joined + Duration::days(300)),
            config.new_member_post_limit
        );
        assert_eq!(
            flag_limit(&approved, &config, joined + Duration::days(8)),
            config.flag_limit
        );
    }

    #[test]
    fn providers_join_only_when_the_host_allows() {
        let mut config = ForumConfig::default();
        let mut person = Person {
            id: UserId::new(),
            role: Role::Provider,
            display_name: "Nils".into(),
            provider: None,
            registered_at: Utc::now(),
        };
        assert_eq!(may_join(&person, &config), Err(DenyReason::WrongRole));
        config.providers_may_join = true;
        assert_eq!(may_join(&person, &config), Ok(()));
        for role in [Role::Researcher, Role::Admin] {
            person.role = role;
            assert_eq!(may_join(&person, &config), Err(DenyReason::WrongRole));
        }
    }
}
