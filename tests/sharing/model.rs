//! State-machine property test of care teams and sharing.
//!
//! Random sequences of invite / accept / decline / end / grant / revoke / expire (clock moves)
//! / read / propose / decide calls go through the public `Portal`, and a small reference model
//! says what each call should do. Every call must be allowed exactly when the model allows it,
//! with the same error kind and deny reason, and the access log must hold exactly the entries
//! the model expects, with its chain intact.
//!
//! It runs on the memory store and on the SQLite store. CI runs 1,000 cases each; the full run
//! of 10,000 cases each:
//!
//! ```text
//! PROPTEST_CASES=10000 cargo test --release -p recovery-tests --test sharing_model
//! ```

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use recovery_core::model::team::{Level, Membership, ProposalStatus, Scope, TeamStatus};
use recovery_core::*;

const USERS: usize = 2;
const PROVIDERS: usize = 2;
const SCOPES: usize = 4;

fn scope(i: usize) -> Scope {
    match i {
        0 => Scope::Domain(DomainRef::Catalogue("housing".into())),
        1 => Scope::Domain(DomainRef::Catalogue("finances".into())),
        2 => Scope::Diary,
        _ => Scope::Medications,
    }
}

/// One call. Indices pick among the fixture's service users, providers and scopes.
#[derive(Clone, Debug)]
enum Op {
    /// A service user invites a provider.
    Invite { user: usize, provider: usize },
    /// A provider invites someone (providers cannot).
    ProviderInvites { provider: usize, other: usize },
    /// `actor` answers the invitation from `user` to `provider`.
    Answer {
        actor: usize,
        user: usize,
        provider: usize,
        accept: bool,
    },
    /// The user (or the provider) ends their membership.
    End {
        user: usize,
        provider: usize,
        by_provider: bool,
    },
    /// The user shares a scope at a level, for a while or for good.
    Grant {
        user: usize,
        provider: usize,
        scope: usize,
        level: Level,
        hours: Option<u8>,
    },
    /// The user revokes a scope.
    Revoke {
        user: usize,
        provider: usize,
        scope: usize,
    },
    /// Time passes.
    Advance { hours: u8 },
    /// A provider reads a scope of a user's toolbox.
    Read {
        provider: usize,
        user: usize,
        scope: usize,
    },
    /// A moderator tries to read (never allowed).
    ModeratorReads { user: usize, scope: usize },
    /// A provider proposes a goal in a domain scope (0 or 1).
    Propose {
        provider: usize,
        user: usize,
        domain: usize,
    },
    /// The user decides their oldest proposal; `again` decides an already decided one.
    Decide {
        user: usize,
        accept: bool,
        again: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let u = 0..USERS;
    let p = 0..PROVIDERS;
    let s = 0..SCOPES;
    let level = prop_oneof![Just(Level::None), Just(Level::View), Just(Level::Suggest)];
    prop_oneof![
        3 => (u.clone(), p.clone()).prop_map(|(user, provider)| Op::Invite { user, provider }),
        1 => (p.clone(), 0..USERS + PROVIDERS).prop_map(|(provider, other)| Op::ProviderInvites { provider, other }),
        3 => (p.clone(), u.clone(), p.clone(), prop::bool::weighted(0.8))
            .prop_map(|(actor, user, provider, accept)| Op::Answer { actor, user, provider, accept }),
        1 => (u.clone(), p.clone(), any::<bool>()).prop_map(|(user, provider, by_provider)| Op::End { user, provider, by_provider }),
        4 => (u.clone(), p.clone(), s.clone(), level, prop::option::of(1u8..48))
            .prop_map(|(user, provider, scope, level, hours)| Op::Grant { user, provider, scope, level, hours }),
        1 => (u.clone(), p.clone(), s.clone()).prop_map(|(user, provider, scope)| Op::Revoke { user, provider, scope }),
        2 => (1u8..24).prop_map(|hours| Op::Advance { hours }),
        6 => (p.clone(), u.clone(), s.clone()).prop_map(|(provider, user, scope)| Op::Read { provider, user, scope }),
        1 => (u.clone(), s.clone()).prop_map(|(user, scope)| Op::ModeratorReads { user, scope }),
        3 => (p.clone(), u.clone(), 0..2usize).prop_map(|(provider, user, domain)| Op::Propose { provider, user, domain }),
        2 => (u.clone(), any::<bool>(), prop::bool::weighted(0.2)).prop_map(|(user, accept, again)| Op::Decide { user, accept, again }),
    ]
}

/// What a call came to, compared between portal and model.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Ok,
    Denied(DenyReason),
    NotInCareTeam,
    InvalidTransition,
    Invalid,
    NotFound,
}

fn outcome<T>(result: &Result<T, Error>) -> Outcome {
    match result {
        Ok(_) => Outcome::Ok,
        Err(Error::PermissionDenied(reason)) => Outcome::Denied(*reason),
        Err(Error::NotInCareTeam { .. }) => Outcome::NotInCareTeam,
        Err(Error::InvalidTransition { .. }) => Outcome::InvalidTransition,
        Err(Error::Invalid { .. }) => Outcome::Invalid,
        Err(Error::NotFound { .. }) => Outcome::NotFound,
        Err(other) => panic!("unexpected error {other}"),
    }
}

/// The reference model: memberships and grants as plain maps, hours as plain numbers.
#[derive(Default)]
struct Model {
    now_hours: i64,
    /// (user, provider) -> the newest membership's status and the portal's id for it.
    teams: BTreeMap<(usize, usize), (TeamStatus, MembershipId)>,
    /// (user, provider, scope) -> level and expiry hour.
    grants: BTreeMap<(usize, usize, usize), (Level, Option<i64>)>,
    /// Pending and decided proposals per user, oldest first: (id, decided).
    proposals: BTreeMap<usize, Vec<(ProposalId, bool)>>,
    /// How many access-log entries the portal should have written.
    logged: u64,
}

impl Model {
    fn active(&self, user: usize, provider: usize) -> bool {
        matches!(
            self.teams.get(&(user, provider)),
            Some((TeamStatus::Active, _))
        )
    }

    fn live(&self, user: usize, provider: usize) -> Option<(TeamStatus, MembershipId)> {
        self.teams
            .get(&(user, provider))
            .copied()
            .filter(|(s, _)| *s != TeamStatus::Inactive)
    }

    /// The access decision for a provider, as the issue states it.
    fn decide(&self, user: usize, provider: usize, scope: usize, needed: Level) -> Outcome {
        if !self.active(user, provider) {
            return Outcome::Denied(DenyReason::NoCareTeam);
        }
        match self.grants.get(&(user, provider, scope)) {
            Some((level, expiry)) if *level >= needed => {
                if expiry.is_some_and(|e| self.now_hours >= e) {
                    Outcome::Denied(DenyReason::GrantExpired)
                } else {
                    Outcome::Ok
                }
            }
            _ => Outcome::Denied(DenyReason::NotShared),
        }
    }

    fn end(&mut self, user: usize, provider: usize) {
        if let Some(team) = self.teams.get_mut(&(user, provider)) {
            team.0 = TeamStatus::Inactive;
        }
        self.grants
            .retain(|(u, p, _), _| !(*u == user && *p == provider));
    }
}

struct Fixture {
    portal: Portal,
    clock: Arc<ManualClock>,
    users: Vec<UserId>,
    providers: Vec<UserId>,
    moderator: UserId,
}

/// The stores the model runs against.
#[derive(Clone, Copy, Debug)]
enum Backend {
    Memory,
    Sqlite,
}

fn fixture(backend: Backend) -> Fixture {
    let start = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).single().unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let portal = match backend {
        Backend::Memory => Portal::open_in_memory(),
        Backend::Sqlite => Portal::with_store(
            recovery_core::store::SqliteStore::open_in_memory().unwrap(),
            PortalConfig::default(),
        ),
    }
    .with_clock(clock.clone());
    let users = (0..USERS)
        .map(|i| {
            portal
                .register(NewPerson::service_user(format!("user {i}")))
                .unwrap()
                .id
        })
        .collect();
    let providers = (0..PROVIDERS)
        .map(|i| {
            portal
                .register(NewPerson::provider(
                    format!("provider {i}"),
                    Profession::MentalHealthNurse,
                    "DPS",
                ))
                .unwrap()
                .id
        })
        .collect();
    let moderator = portal
        .register(NewPerson::with_role(Role::Moderator, "mod"))
        .unwrap()
        .id;
    Fixture {
        portal,
        clock,
        users,
        providers,
        moderator,
    }
}

fn run(backend: Backend, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let f = fixture(backend);
    let mut m = Model::default();
    for (step, op) in ops.into_iter().enumerate() {
        let (actual, expected) = apply(&f, &mut m, &op);
        prop_assert_eq!(&actual, &expected, "step {} {:?}", step, op);
    }
    let report = f.portal.verify_access_log().unwrap();
    prop_assert!(report.is_intact(), "chain broken: {:?}", report);
    prop_assert_eq!(report.entries, m.logged, "access-log entries");
    Ok(())
}

fn apply(f: &Fixture, m: &mut Model, op: &Op) -> (Outcome, Outcome) {
    let p = &f.portal;
    match *op {
        Op::Invite { user, provider } => {
            let result = p.invite(&Actor::new(f.users[user]), f.providers[provider]);
            let expected = if m.live(user, provider).is_some() {
                Outcome::InvalidTransition
            } else {
                Outcome::Ok
            };
            if let Ok(membership) = &result {
                m.teams
                    .insert((user, provider), (TeamStatus::Proposed, membership.id));
                m.logged += 1;
            }
            (outcome(&result), expected)
        }
        Op::ProviderInvites { provider, other } => {
            let target = if other < USERS {
                f.users[other]
            } else {
                f.providers[other - USERS]
            };
            let result = p.invite(&Actor::new(f.providers[provider]), target);
            (outcome(&result), Outcome::Denied(DenyReason::WrongRole))
        }
        Op::Answer {
            actor,
            user,
            provider,
            accept,
        } => {
            let Some((status, id)) = m.teams.get(&(user, provider)).copied() else {
                let result =
                    p.accept_invitation(&Actor::new(f.providers[actor]), MembershipId::new());
                return (outcome(&result), Outcome::NotFound);
            };
            let who = Actor::new(f.providers[actor]);
            let result: Result<Membership, Error> = if accept {
                p.accept_invitation(&who, id)
            } else {
                p.decline_invitation(&who, id)
            };
            let expected = if actor != provider {
                Outcome::Denied(DenyReason::NotAParty)
            } else if status != TeamStatus::Proposed {
                Outcome::InvalidTransition
            } else {
                Outcome::Ok
            };
            if expected == Outcome::Ok {
                m.teams.insert(
                    (user, provider),
                    (
                        if accept {
                            TeamStatus::Active
                        } else {
                            TeamStatus::Inactive
                        },
                        id,
                    ),
                );
                m.logged += 1;
            }
            (outcome(&result), expected)
        }
        Op::End {
            user,
            provider,
            by_provider,
        } => {
            let Some((status, id)) = m.teams.get(&(user, provider)).copied() else {
                return (Outcome::NotFound, Outcome::NotFound);
            };
            let who = if by_provider {
                f.providers[provider]
            } else {
                f.users[user]
            };
            let result = p.end_membership(&Actor::new(who), id);
            let expected = if status == TeamStatus::Inactive {
                Outcome::InvalidTransition
            } else {
                Outcome::Ok
            };
            if expected == Outcome::Ok {
                m.end(user, provider);
                m.logged += 1;
            }
            (outcome(&result), expected)
        }
        Op::Grant {
            user,
            provider,
            scope: s,
            level,
            hours,
        } => {
            let expires_at = hours.map(|h| f.clock.now() + Duration::hours(i64::from(h)));
            let result = p.share(
                &Actor::new(f.users[user]),
                f.providers[provider],
                scope(s),
                Sharing { level, expires_at },
            );
            let expected = if m.active(user, provider) {
                Outcome::Ok
            } else {
                Outcome::NotInCareTeam
            };
            if expected == Outcome::Ok {
                if level == Level::None {
                    m.grants.remove(&(user, provider, s));
                } else {
                    m.grants.insert(
                        (user, provider, s),
                        (level, hours.map(|h| m.now_hours + i64::from(h))),
                    );
                }
                m.logged += 1;
            }
            (outcome(&result), expected)
        }
        Op::Revoke {
            user,
            provider,
            scope: s,
        } => {
            let result = p.revoke(&Actor::new(f.users[user]), f.providers[provider], scope(s));
            let expected = if m.active(user, provider) {
                Outcome::Ok
            } else {
                Outcome::NotInCareTeam
            };
            if expected == Outcome::Ok {
                m.grants.remove(&(user, provider, s));
                m.logged += 1;
            }
            (outcome(&result), expected)
        }
        Op::Advance { hours } => {
            f.clock.advance(Duration::hours(i64::from(hours)));
            m.now_hours += i64::from(hours);
            (Outcome::Ok, Outcome::Ok)
        }
        Op::Read {
            provider,
            user,
            scope: s,
        } => {
            let result = p.view(&Actor::new(f.providers[provider]), f.users[user], &scope(s));
            m.logged += 1;
            (outcome(&result), m.decide(user, provider, s, Level::View))
        }
        Op::ModeratorReads { user, scope: s } => {
            let result = p.view(&Actor::new(f.moderator), f.users[user], &scope(s));
            m.logged += 1;
            (outcome(&result), Outcome::Denied(DenyReason::WrongRole))
        }
        Op::Propose {
            provider,
            user,
            domain,
        } => {
            let title = format!("proposed by {provider}");
            let goal = NewGoal::new(
                match scope(domain) {
                    Scope::Domain(d) => d,
                    _ => unreachable!("domains are scopes 0 and 1"),
                },
                title,
            );
            let result = p.propose_goal(&Actor::new(f.providers[provider]), f.users[user], goal);
            let expected = m.decide(user, provider, domain, Level::Suggest);
            m.logged += 1;
            if let Ok(proposal) = &result {
                m.proposals
                    .entry(user)
                    .or_default()
                    .push((proposal.id, false));
            }
            (outcome(&result), expected)
        }
        Op::Decide {
            user,
            accept,
            again,
        } => {
            let list = m.proposals.entry(user).or_default();
            let pick = if again {
                list.iter_mut().find(|(_, decided)| *decided)
            } else {
                list.iter_mut().find(|(_, decided)| !*decided)
            };
            let Some((id, decided)) = pick else {
                return (Outcome::Ok, Outcome::Ok);
            };
            let expected = if *decided {
                Outcome::InvalidTransition
            } else {
                Outcome::Ok
            };
            let result = p.decide_proposal(&Actor::new(f.users[user]), *id, accept);
            if expected == Outcome::Ok {
                *decided = true;
                m.logged += 1;
                let status = result.as_ref().map(|p| p.status).ok();
                let wanted = if accept {
                    ProposalStatus::Accepted
                } else {
                    ProposalStatus::Rejected
                };
                if status != Some(wanted) {
                    return (Outcome::Invalid, Outcome::Ok);
                }
            }
            (outcome(&result), expected)
        }
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(1000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn every_call_is_allowed_exactly_when_the_model_allows_it(ops in prop::collection::vec(op(), 1..60)) {
        run(Backend::Memory, ops)?;
    }

    #[test]
    fn the_sqlite_store_agrees_with_the_model_too(ops in prop::collection::vec(op(), 1..60)) {
        run(Backend::Sqlite, ops)?;
    }
}
