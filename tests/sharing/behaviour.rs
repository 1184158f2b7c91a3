//! Care teams, sharing, proposals, comments and the access log through the public API.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use recovery_core::model::audit::{AccessAction, Outcome};
use recovery_core::model::team::{Level, ProposalStatus, Scope, TeamStatus};
use recovery_core::*;

struct World {
    portal: Portal,
    clock: Arc<ManualClock>,
    anna: Actor,
    nurse: Actor,
    doctor: Actor,
    housing: DomainRef,
    finances: DomainRef,
}

fn world() -> World {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).single().unwrap(),
    ));
    let portal = Portal::open_in_memory().with_clock(clock.clone());
    let anna = Actor::new(portal.register(NewPerson::service_user("Anna")).unwrap().id);
    let nurse = Actor::new(
        portal
            .register(NewPerson::provider(
                "Nils",
                Profession::MentalHealthNurse,
                "Community mental health team",
            ))
            .unwrap()
            .id,
    );
    let doctor = Actor::new(
        portal
            .register(NewPerson::provider("Dina", Profession::Psychiatrist, "DPS"))
            .unwrap()
            .id,
    );
    let housing = DomainRef::Catalogue("housing".into());
    let finances = DomainRef::Catalogue("finances".into());
    portal
        .add_goal(&anna, NewGoal::new(housing.clone(), "Find a flat"))
        .unwrap();
    portal
        .add_goal(&anna, NewGoal::new(finances.clone(), "Pay off debt"))
        .unwrap();
    World {
        portal,
        clock,
        anna,
        nurse,
        doctor,
        housing,
        finances,
    }
}

impl World {
    /// Anna invites the nurse, who accepts.
    fn team_with_nurse(&self) -> MembershipId {
        let invitation = self.portal.invite(&self.anna, self.nurse.id).unwrap();
        self.portal
            .accept_invitation(&self.nurse, invitation.id)
            .unwrap();
        invitation.id
    }

    fn share(&self, scope: Scope, level: Level) {
        self.portal
            .share(&self.anna, self.nurse.id, scope, Sharing::level(level))
            .unwrap();
    }

    fn log_len(&self) -> u64 {
        self.portal.verify_access_log().unwrap().entries
    }
}

fn goal_titles(view: &ScopeView) -> Vec<String> {
    match view {
        ScopeView::Domain { goals, .. } => {
            goals.iter().map(|g| g.goal.content.title.clone()).collect()
        }
        other => panic!("not a domain view: {other:?}"),
    }
}

#[test]
fn provider_sees_one_shared_domain_and_is_denied_another() {
    let w = world();
    w.team_with_nurse();
    w.share(Scope::Domain(w.housing.clone()), Level::View);

    let housing = w
        .portal
        .view(&w.nurse, w.anna.id, &Scope::Domain(w.housing.clone()))
        .unwrap();
    assert_eq!(goal_titles(&housing), ["Find a flat"]);
    let finances = w
        .portal
        .view(&w.nurse, w.anna.id, &Scope::Domain(w.finances.clone()));
    assert!(matches!(
        finances,
        Err(Error::PermissionDenied(DenyReason::NotShared))
    ));
}

#[test]
fn nothing_is_shared_by_default_even_in_an_active_team() {
    let w = world();
    w.team_with_nurse();
    for scope in [
        Scope::WhatMatters,
        Scope::Domain(w.housing.clone()),
        Scope::Medications,
        Scope::Diary,
        Scope::CrisisPlan,
    ] {
        assert!(matches!(
            w.portal.view(&w.nurse, w.anna.id, &scope),
            Err(Error::PermissionDenied(DenyReason::NotShared))
        ));
    }
}

#[test]
fn revoked_grant_denies_the_very_next_read() {
    let w = world();
    w.team_with_nurse();
    let scope = Scope::Domain(w.housing.clone());
    w.share(scope.clone(), Level::View);
    assert!(w.portal.view(&w.nurse, w.anna.id, &scope).is_ok());
    w.portal.revoke(&w.anna, w.nurse.id, scope.clone()).unwrap();
    assert!(matches!(
        w.portal.view(&w.nurse, w.anna.id, &scope),
        Err(Error::PermissionDenied(DenyReason::NotShared))
    ));
}

#[test]
fn grant_expires_by_itself() {
    let w = world();
    w.team_with_nurse();
    let expires_at = w.clock.now() + Duration::days(7);
    w.portal
        .share(
            &w.anna,
            w.nurse.id,
            Scope::Diary,
            Sharing {
                level: Level::View,
                expires_at: Some(expires_at),
            },
        )
        .unwrap();
    assert!(w.portal.view(&w.nurse, w.anna.id, &Scope::Diary).is_ok());
    w.clock.advance(Duration::days(7));
    assert!(matches!(
        w.portal.view(&w.nurse, w.anna.id, &Scope::Diary),
        Err(Error::PermissionDenied(DenyReason::GrantExpired))
    ));
    assert!(w.portal.care_team(&w.anna).unwrap()[0].grants.is_empty());
}

#[test]
fn ending_the_team_revokes_everything_and_reinviting_starts_from_nothing() {
    let w = world();
    let membership = w.team_with_nurse();
    let scope = Scope::Domain(w.housing.clone());
    w.share(scope.clone(), Level::Suggest);
    let ended = w.portal.end_membership(&w.nurse, membership).unwrap();
    assert_eq!(ended.status, TeamStatus::Inactive);
    assert!(matches!(
        w.portal.view(&w.nurse, w.anna.id, &scope),
        Err(Error::PermissionDenied(DenyReason::NoCareTeam))
    ));

    w.team_with_nurse();
    assert!(matches!(
        w.portal.view(&w.nurse, w.anna.id, &scope),
        Err(Error::PermissionDenied(DenyReason::NotShared))
    ));
    let team = w.portal.care_team(&w.anna).unwrap();
    assert_eq!(team.len(), 1);
    assert!(team[0].grants.is_empty());
}

#[test]
fn suggest_lets_a_provider_propose_and_the_user_decides_once() {
    let w = world();
    w.team_with_nurse();
    let scope = Scope::Domain(w.housing.clone());
    w.share(scope.clone(), Level::View);
    let proposal = NewGoal::new(w.housing.clone(), "Visit the housing office");
    assert!(matches!(
        w.portal.propose_goal(&w.nurse, w.anna.id, proposal.clone()),
        Err(Error::PermissionDenied(DenyReason::NotShared))
    ));
    w.share(scope.clone(), Level::Suggest);
    let proposed = w
        .portal
        .propose_goal(&w.nurse, w.anna.id, proposal)
        .unwrap();
    assert_eq!(
        w.portal
            .proposals(&w.anna, Some(ProposalStatus::Pending))
            .unwrap(),
        vec![proposed.clone()]
    );

    let caseload = w.portal.caseload(&w.nurse).unwrap();
    assert_eq!(caseload.len(), 1);
    assert_eq!(caseload[0].service_user.id, w.anna.id);
    assert_eq!(caseload[0].pending_proposals, vec![proposed.clone()]);
    assert_eq!(caseload[0].grants.len(), 1);

    let accepted = w
        .portal
        .decide_proposal(&w.anna, proposed.id, true)
        .unwrap();
    assert_eq!(accepted.status, ProposalStatus::Accepted);
    let goals = w.portal.goals(&w.anna, Some(&w.housing)).unwrap();
    let new_goal = goals
        .iter()
        .find(|g| Some(g.id.item()) == accepted.accepted_as)
        .unwrap();
    assert_eq!(new_goal.content.authored_by, w.nurse.id);
    assert_eq!(new_goal.owner, w.anna.id);
    assert_eq!(new_goal.content.lifecycle, GoalLifecycle::Accepted);

    let again = w.portal.decide_proposal(&w.anna, proposed.id, false);
    assert!(matches!(
        again,
        Err(Error::InvalidTransition {
            kind: "proposal",
            ..
        })
    ));
    assert_eq!(w.portal.goals(&w.anna, Some(&w.housing)).unwrap().len(), 2);
}

#[test]
fn proposed_activity_lands_under_the_goal_authored_by_the_provider() {
    let w = world();
    w.team_with_nurse();
    w.share(Scope::Domain(w.housing.clone()), Level::Suggest);
    let goal = w.portal.goals(&w.anna, Some(&w.housing)).unwrap()[0].id;
    let proposal = w
        .portal
        .propose_activity(
            &w.nurse,
            w.anna.id,
            NewActivity {
                goal,
                title: "Call the landlord".into(),
                due: None,
            },
        )
        .unwrap();
    let rejected = w
        .portal
        .decide_proposal(&w.anna, proposal.id, false)
        .unwrap();
    assert_eq!(rejected.accepted_as, None);
    assert!(w.portal.activities(&w.anna, goal).unwrap().is_empty());

    let proposal = w
        .portal
        .propose_activity(
            &w.nurse,
            w.anna.id,
            NewActivity {
                goal,
                title: "Call the landlord".into(),
                due: None,
            },
        )
        .unwrap();
    w.portal
        .decide_proposal(&w.anna, proposal.id, true)
        .unwrap();
    let activities = w.portal.activities(&w.anna, goal).unwrap();
    assert_eq!(activities.len(), 1);
    assert_eq!(activities[0].content.authored_by, w.nurse.id);
}

#[test]
fn providers_never_change_the_toolbox_directly() {
    let w = world();
    w.team_with_nurse();
    w.share(Scope::Domain(w.housing.clone()), Level::Suggest);
    let goal = w.portal.goals(&w.anna, Some(&w.housing)).unwrap()[0].clone();
    let before = w.portal.home(&w.anna).unwrap();
    let edit = w
        .portal
        .edit_goal(&w.nurse, goal.id, GoalEdit::from(&goal.content));
    assert!(matches!(
        edit,
        Err(Error::PermissionDenied(DenyReason::OwnerOnly))
    ));
    assert!(matches!(
        w.portal.remove_item(&w.nurse, goal.id),
        Err(Error::PermissionDenied(DenyReason::OwnerOnly))
    ));
    assert_eq!(w.portal.home(&w.anna).unwrap(), before);
}

#[test]
fn comments_need_suggest_and_are_read_by_owner_and_viewers() {
    let w = world();
    w.team_with_nurse();
    let scope = Scope::Domain(w.housing.clone());
    w.share(scope.clone(), Level::View);
    let goal = w.portal.goals(&w.anna, Some(&w.housing)).unwrap()[0].id;
    assert!(matches!(
        w.portal.comment(&w.nurse, goal, "Good goal"),
        Err(Error::PermissionDenied(DenyReason::NotShared))
    ));
    w.share(scope, Level::Suggest);
    let comment = w.portal.comment(&w.nurse, goal, "Good goal").unwrap();
    assert_eq!(
        w.portal.comments(&w.anna, goal).unwrap(),
        vec![comment.clone()]
    );
    assert_eq!(w.portal.comments(&w.nurse, goal).unwrap(), vec![comment]);
    assert!(matches!(
        w.portal.comments(&w.doctor, goal),
        Err(Error::PermissionDenied(DenyReason::NoCareTeam))
    ));
}

#[test]
fn a_denied_call_writes_its_log_entry_and_nothing_else() {
    let w = world();
    w.team_with_nurse();
    let before_home = w.portal.home(&w.anna).unwrap();
    let before_log = w.log_len();
    let denied = w.portal.propose_goal(
        &w.nurse,
        w.anna.id,
        NewGoal::new(w.housing.clone(), "Move out"),
    );
    assert!(matches!(denied, Err(Error::PermissionDenied(_))));
    assert_eq!(w.log_len(), before_log + 1);
    assert_eq!(w.portal.home(&w.anna).unwrap(), before_home);
    assert!(w.portal.proposals(&w.anna, None).unwrap().is_empty());
    let page = w
        .portal
        .access_log(&w.anna, AccessLogFilter::default())
        .unwrap();
    let newest = &page.entries[0].event;
    assert_eq!(newest.action, AccessAction::Propose);
    assert_eq!(newest.outcome, Outcome::Denied(DenyReason::NotShared));
    assert_eq!(newest.actor, w.nurse.id);
}

#[test]
fn the_user_reads_who_looked_at_what_filtered_and_paged() {
    let w = world();
    w.team_with_nurse();
    let invitation = w.portal.invite(&w.anna, w.doctor.id).unwrap();
    w.portal
        .accept_invitation(&w.doctor, invitation.id)
        .unwrap();
    let housing = Scope::Domain(w.housing.clone());
    w.share(housing.clone(), Level::View);
    w.clock.advance(Duration::seconds(1));
    let start = w.clock.now();
    for _ in 0..5 {
        w.clock.advance(Duration::minutes(1));
        w.portal.view(&w.nurse, w.anna.id, &housing).unwrap();
        let _ = w.portal.view(&w.doctor, w.anna.id, &Scope::Diary);
    }

    let nurse_reads = AccessLogFilter {
        party: Some(w.nurse.id),
        scope: Some(housing.clone()),
        from: Some(start),
        ..Default::default()
    };
    let page = w.portal.access_log(&w.anna, nurse_reads.clone()).unwrap();
    assert_eq!(page.entries.len(), 5);
    assert!(
        page.entries
            .iter()
            .all(|e| e.event.actor == w.nurse.id && e.event.action == AccessAction::View)
    );
    assert!(
        page.entries.windows(2).all(|p| p[0].seq > p[1].seq),
        "newest first"
    );

    let doctor = AccessLogFilter {
        party: Some(w.doctor.id),
        limit: 2,
        ..Default::default()
    };
    let first = w.portal.access_log(&w.anna, doctor.clone()).unwrap();
    assert_eq!(first.entries.len(), 2);
    let second = w
        .portal
        .access_log(
            &w.anna,
            AccessLogFilter {
                before: first.next,
                ..doctor.clone()
            },
        )
        .unwrap();
    assert!(second.entries[0].seq < first.entries[1].seq);
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = w
            .portal
            .access_log(
                &w.anna,
                AccessLogFilter {
                    before: cursor,
                    ..doctor.clone()
                },
            )
            .unwrap();
        all.extend(page.entries);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    // Five denied diary reads, plus the invitation and the acceptance.
    assert_eq!(
        all.iter()
            .filter(|e| matches!(e.event.outcome, Outcome::Denied(DenyReason::NotShared)))
            .count(),
        5
    );
    assert_eq!(all.len(), 7);

    let period = AccessLogFilter {
        from: Some(start + Duration::minutes(2)),
        until: Some(start + Duration::minutes(4)),
        ..Default::default()
    };
    assert_eq!(
        w.portal.access_log(&w.anna, period).unwrap().entries.len(),
        4
    );

    assert!(matches!(
        w.portal.access_log(&w.nurse, AccessLogFilter::default()),
        Err(Error::PermissionDenied(DenyReason::WrongRole))
    ));
    assert!(w.portal.verify_access_log().unwrap().is_intact());
}

#[test]
fn bad_team_and_sharing_input_gets_typed_errors_and_changes_nothing() {
    let w = world();
    let moderator = Actor::new(
        w.portal
            .register(NewPerson::with_role(Role::Moderator, "Mo"))
            .unwrap()
            .id,
    );
    let bob = Actor::new(
        w.portal
            .register(NewPerson::service_user("Bob"))
            .unwrap()
            .id,
    );
    let log = w.log_len();

    assert!(matches!(
        w.portal.invite(&w.anna, moderator.id),
        Err(Error::Invalid {
            field: "invitation.provider",
            ..
        })
    ));
    assert!(matches!(
        w.portal.invite(&w.anna, bob.id),
        Err(Error::Invalid {
            field: "invitation.provider",
            ..
        })
    ));
    assert!(matches!(
        w.portal.invite(&w.anna, UserId::new()),
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        w.portal.share(
            &w.anna,
            w.nurse.id,
            Scope::Diary,
            Sharing::level(Level::View)
        ),
        Err(Error::NotInCareTeam { .. })
    ));
    assert!(matches!(
        w.portal.share(
            &w.anna,
            w.anna.id,
            Scope::Diary,
            Sharing::level(Level::View)
        ),
        Err(Error::Invalid {
            field: "grant.provider",
            ..
        })
    ));
    assert_eq!(w.log_len(), log);

    let invitation = w.portal.invite(&w.anna, w.nurse.id).unwrap();
    assert!(matches!(
        w.portal.invite(&w.anna, w.nurse.id),
        Err(Error::InvalidTransition { .. })
    ));
    assert!(matches!(
        w.portal.accept_invitation(&w.doctor, invitation.id),
        Err(Error::PermissionDenied(DenyReason::NotAParty))
    ));
    assert!(matches!(
        w.portal.share(
            &w.anna,
            w.nurse.id,
            Scope::Diary,
            Sharing::level(Level::View)
        ),
        Err(Error::NotInCareTeam { .. })
    ));
    w.portal.accept_invitation(&w.nurse, invitation.id).unwrap();
    assert!(matches!(
        w.portal.accept_invitation(&w.nurse, invitation.id),
        Err(Error::InvalidTransition { .. })
    ));

    let unknown_domain = Scope::Domain(DomainRef::Own(DomainId::new()));
    assert!(matches!(
        w.portal.share(
            &w.anna,
            w.nurse.id,
            unknown_domain,
            Sharing::level(Level::View)
        ),
        Err(Error::NotFound { kind: "domain", .. })
    ));
    assert!("domain/catalogue:no such".parse::<Scope>().is_err());
    let past = Sharing {
        level: Level::View,
        expires_at: Some(w.clock.now() - Duration::hours(1)),
    };
    assert!(matches!(
        w.portal.share(&w.anna, w.nurse.id, Scope::Diary, past),
        Err(Error::Invalid {
            field: "grant.expires_at",
            ..
        })
    ));
    assert!(matches!(
        w.portal.decide_proposal(&w.anna, ProposalId::new(), true),
        Err(Error::NotFound { .. })
    ));
    assert!(w.portal.care_team(&w.anna).unwrap()[0].grants.is_empty());
    assert!(w.portal.verify_access_log().unwrap().is_intact());
}
