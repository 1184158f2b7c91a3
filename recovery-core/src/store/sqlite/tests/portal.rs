//! The portal on an SQLite file, through its public API: everything a session wrote is there
//! after the file is closed and opened again, and the access log's chain still verifies.

use crate::model::audit::{AccessAction, Outcome};
use crate::model::team::{Level, Scope};
use crate::{
    AccessLogFilter, Actor, DenyReason, DomainRef, Error, NewGoal, NewPerson, Portal, PortalConfig,
    Profession, Sharing,
};

#[test]
fn a_care_team_session_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let housing = DomainRef::Catalogue("housing".to_owned());
    let (anna, nurse, goal) = {
        let portal = Portal::open(&path, PortalConfig::default()).unwrap();
        let anna = Actor::new(portal.register(NewPerson::service_user("Anna")).unwrap().id);
        let nurse = Actor::new(
            portal
                .register(NewPerson::provider(
                    "Nils",
                    Profession::MentalHealthNurse,
                    "DPS",
                ))
                .unwrap()
                .id,
        );
        let goal = portal
            .add_goal(&anna, NewGoal::new(housing.clone(), "Find a flat"))
            .unwrap();
        let membership = portal.invite(&anna, nurse.id).unwrap();
        portal.accept_invitation(&nurse, membership.id).unwrap();
        portal
            .share(
                &anna,
                nurse.id,
                Scope::Domain(housing.clone()),
                Sharing::level(Level::View),
            )
            .unwrap();
        portal
            .view(&nurse, anna.id, &Scope::Domain(housing.clone()))
            .unwrap();
        let denied = portal.view(&nurse, anna.id, &Scope::Diary).unwrap_err();
        assert!(
            matches!(denied, Error::PermissionDenied(DenyReason::NotShared)),
            "{denied:?}"
        );
        (anna, nurse, goal)
    };

    let portal = Portal::open(&path, PortalConfig::default()).unwrap();
    assert_eq!(portal.goals(&anna, None).unwrap(), vec![goal]);
    let team = portal.care_team(&anna).unwrap();
    assert_eq!(team.len(), 1);
    assert_eq!(team[0].provider.id, nurse.id);
    assert_eq!(team[0].grants.len(), 1);

    let log = portal
        .access_log(&anna, AccessLogFilter::default())
        .unwrap();
    let reads: Vec<_> = log
        .entries
        .iter()
        .filter(|e| e.event.action == AccessAction::View && e.event.actor == nurse.id)
        .map(|e| e.event.outcome)
        .collect();
    assert_eq!(
        reads,
        vec![Outcome::Denied(DenyReason::NotShared), Outcome::Allowed]
    );
    let report = portal.verify_access_log().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert!(report.entries >= 5, "{report:?}");
}
