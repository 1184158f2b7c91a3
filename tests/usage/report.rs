//! The usage log and the researcher's report through the public API: what commands record,
//! who may ask, the refusals, the months, response times and the pseudonymised CSV. Every test
//! runs on the memory store and on an SQLite file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
use recovery_core::model::team::{Level, Scope};
use recovery_core::store::MemoryStore;
use recovery_core::{
    Actor, CrisisPlan, DenyReason, DomainRef, Error, ExportKey, ManualClock, Module,
    NewConversation, NewGoal, NewMessage, NewPerson, NewThread, Period, Portal, PortalConfig,
    Problem, Profession, Role, Sharing, UsageReport, UserId,
};

fn at(month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, month, day, hour, 0, 0).unwrap()
}

fn key() -> ExportKey {
    ExportKey::new(*b"sixteen byte key").unwrap()
}

/// A portal on each store, with a manual clock at 1 January 2024 09:00.
fn portals() -> Vec<(&'static str, Portal, Arc<ManualClock>, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let mut config = PortalConfig::default();
    config.forum.held_posts = 0;
    let memory_clock = Arc::new(ManualClock::new(at(1, 1, 9)));
    let sqlite_clock = Arc::new(ManualClock::new(at(1, 1, 9)));
    let memory =
        Portal::with_store(MemoryStore::new(), config.clone()).with_clock(memory_clock.clone());
    let sqlite = Portal::open(dir.path().join("usage.sqlite"), config)
        .unwrap()
        .with_clock(sqlite_clock.clone());
    let other = tempfile::tempdir().unwrap();
    vec![
        ("memory", memory, memory_clock, other),
        ("sqlite", sqlite, sqlite_clock, dir),
    ]
}

struct People {
    anna: Actor,
    nils: Actor,
    dina: Actor,
    rita: Actor,
}

fn people(portal: &Portal) -> People {
    let reg = |p: NewPerson| Actor::new(portal.register(p).unwrap().id);
    People {
        anna: reg(NewPerson::service_user("Anna")),
        nils: reg(NewPerson::provider(
            "Nils",
            Profession::MentalHealthNurse,
            "DPS",
        )),
        dina: reg(NewPerson::provider("Dina", Profession::Psychologist, "DPS")),
        rita: reg(NewPerson::with_role(Role::Researcher, "Rita")),
    }
}

fn whole_year() -> Period {
    Period::new(
        at(1, 1, 0),
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
    )
    .unwrap()
}

fn report(portal: &Portal, researcher: &Actor, period: Period) -> UsageReport {
    portal.usage_report(researcher, period, &key()).unwrap()
}

#[test]
fn only_a_researcher_may_ask_for_a_report() {
    for (store, portal, _, _dir) in portals() {
        let p = people(&portal);
        let moderator = Actor::new(
            portal
                .register(NewPerson::with_role(Role::Moderator, "Mona"))
                .unwrap()
                .id,
        );
        let admin = Actor::new(
            portal
                .register(NewPerson::with_role(Role::Admin, "Ada"))
                .unwrap()
                .id,
        );
        for actor in [&p.anna, &p.nils, &moderator, &admin] {
            let refused = portal.usage_report(actor, whole_year(), &key());
            assert!(
                matches!(refused, Err(Error::PermissionDenied(DenyReason::WrongRole))),
                "{store}: {refused:?}"
            );
        }
        let stranger = Actor::new(UserId::new());
        assert!(matches!(
            portal.usage_report(&stranger, whole_year(), &key()),
            Err(Error::UnknownActor(_))
        ));
        assert!(portal.usage_report(&p.rita, whole_year(), &key()).is_ok());
    }
}

#[test]
fn bad_periods_module_names_and_keys_are_typed_errors() {
    let start = at(3, 1, 0);
    let period: Result<Period, Error> = Period::new(start, start).map_err(Error::from);
    assert!(matches!(
        period,
        Err(Error::Invalid {
            field: "period",
            problem: Problem::Inconsistent(_)
        })
    ));
    assert!(
        Period::new(start, start - Duration::days(1)).is_err(),
        "inverted"
    );

    let module: Result<Module, Error> = "toolbox.secrets".parse::<Module>().map_err(Error::from);
    assert!(matches!(
        module,
        Err(Error::Invalid {
            field: "module",
            problem: Problem::Unknown
        })
    ));
    assert_eq!("toolbox.goals".parse::<Module>(), Ok(Module::Goals));

    assert!(matches!(
        ExportKey::new(Vec::new()),
        Err(Error::Invalid {
            field: "export_key",
            problem: Problem::Empty
        })
    ));
    assert!(matches!(
        ExportKey::new(vec![1; 8]),
        Err(Error::Invalid {
            field: "export_key",
            problem: Problem::TooShort { min: 16, actual: 8 }
        })
    ));
}

#[test]
fn visits_are_recorded_for_registered_people_only() {
    for (store, portal, clock, _dir) in portals() {
        let p = people(&portal);
        portal.record_visit(&p.anna, Module::Forum).unwrap();
        portal.record_visit(&p.anna, Module::Forum).unwrap();
        clock.advance(Duration::hours(1));
        portal.record_visit(&p.nils, Module::Messages).unwrap();
        assert!(matches!(
            portal.record_visit(&Actor::new(UserId::new()), Module::Home),
            Err(Error::UnknownActor(_))
        ));
        let r = report(&portal, &p.rita, whole_year());
        let forum = r.total.module(Module::Forum, Role::ServiceUser).unwrap();
        assert_eq!(
            (forum.visits, forum.people, forum.postings),
            (2, 1, 0),
            "{store}"
        );
        let messages = r.total.module(Module::Messages, Role::Provider).unwrap();
        assert_eq!((messages.visits, messages.people), (1, 1), "{store}");
        assert_eq!(
            r.total.modules.len(),
            2,
            "{store}: the unknown actor left nothing"
        );
    }
}

#[test]
fn commands_record_their_postings_and_failed_commands_record_nothing() {
    for (store, portal, clock, _dir) in portals() {
        let p = people(&portal);
        let housing = DomainRef::Catalogue("housing".into());
        portal
            .add_goal(&p.anna, NewGoal::new(housing.clone(), "Find a flat"))
            .unwrap();
        // Refused: an empty title, and a provider, who has no toolbox.
        assert!(
            portal
                .add_goal(&p.anna, NewGoal::new(housing.clone(), ""))
                .is_err()
        );
        assert!(
            portal
                .add_goal(&p.nils, NewGoal::new(housing.clone(), "x"))
                .is_err()
        );
        portal
            .set_crisis_plan(
                &p.anna,
                CrisisPlan {
                    warning_signs: "x".into(),
                    ..CrisisPlan::default()
                },
            )
            .unwrap();
        portal
            .set_crisis_plan(
                &p.anna,
                CrisisPlan {
                    warning_signs: "y".into(),
                    ..CrisisPlan::default()
                },
            )
            .unwrap();
        let invitation = portal.invite(&p.anna, p.nils.id).unwrap();
        // Sharing before the provider accepted is refused and records nothing.
        assert!(
            portal
                .share(
                    &p.anna,
                    p.nils.id,
                    Scope::Diary,
                    Sharing::level(Level::View)
                )
                .is_err()
        );
        clock.advance(Duration::minutes(5));
        portal.accept_invitation(&p.nils, invitation.id).unwrap();
        portal
            .share(
                &p.anna,
                p.nils.id,
                Scope::Diary,
                Sharing::level(Level::View),
            )
            .unwrap();
        // Revoking is not sharing.
        portal.revoke(&p.anna, p.nils.id, Scope::Diary).unwrap();
        portal.join_forum(&p.anna, "quietfox").unwrap();
        portal
            .start_thread(
                &p.anna,
                NewThread {
                    category: "everyday-life".into(),
                    title: "Routines".into(),
                    body: "Mornings are hard.".into(),
                },
            )
            .unwrap();

        let r = report(&portal, &p.rita, whole_year());
        let postings = |module, role| r.total.module(module, role).map_or(0, |t| t.postings);
        let anna = Role::ServiceUser;
        assert_eq!(
            postings(Module::Goals, anna),
            1,
            "{store}: one goal; the refused one left nothing"
        );
        assert_eq!(
            postings(Module::Goals, Role::Provider),
            0,
            "{store}: refused"
        );
        assert_eq!(
            postings(Module::CrisisPlan, anna),
            1,
            "{store}: the second version is an edit"
        );
        assert_eq!(postings(Module::CareTeam, anna), 1, "{store}: one share");
        assert_eq!(
            postings(Module::CareTeam, Role::Provider),
            1,
            "{store}: Nils joined"
        );
        assert_eq!(postings(Module::Forum, anna), 1, "{store}");
        let involvement = r.total.involvement;
        assert_eq!(
            involvement.service_users, 1,
            "{store}: providers are not service users"
        );
        assert_eq!(
            (
                involvement.with_own_goal,
                involvement.with_shared_scope,
                involvement.with_crisis_plan
            ),
            (1, 1, 1),
            "{store}"
        );
        assert_eq!(r.total.providers.providers, 2, "{store}");
        assert_eq!(
            r.total.providers.never_interacted, 1,
            "{store}: Dina did nothing"
        );
        assert_eq!(r.total.teams.len(), 1, "{store}");
        assert_eq!(r.total.teams[0].team, key().pseudonym(p.anna.id));
        assert_eq!(r.total.teams[0].scopes_shared, 1, "{store}");
    }
}

#[test]
fn a_goal_taken_from_a_proposal_is_not_the_service_users_own() {
    for (store, portal, _, _dir) in portals() {
        let p = people(&portal);
        let housing = DomainRef::Catalogue("housing".into());
        let invitation = portal.invite(&p.anna, p.nils.id).unwrap();
        portal.accept_invitation(&p.nils, invitation.id).unwrap();
        portal
            .share(
                &p.anna,
                p.nils.id,
                Scope::Domain(housing.clone()),
                Sharing::level(Level::Suggest),
            )
            .unwrap();
        let proposal = portal
            .propose_goal(
                &p.nils,
                p.anna.id,
                NewGoal::new(housing, "Visit the housing office"),
            )
            .unwrap();
        portal.decide_proposal(&p.anna, proposal.id, true).unwrap();
        let r = report(&portal, &p.rita, whole_year());
        assert_eq!(r.total.involvement.with_own_goal, 0, "{store}");
        assert_eq!(
            r.total
                .module(Module::Goals, Role::Provider)
                .map(|t| t.postings),
            Some(1),
            "{store}: the proposal"
        );
        assert_eq!(
            r.total
                .module(Module::Goals, Role::ServiceUser)
                .map(|t| t.postings),
            Some(1),
            "{store}: taking it into the toolbox"
        );
        assert_eq!(r.total.providers.never_interacted, 1, "{store}: Dina");
    }
}

#[test]
fn response_times_count_from_the_first_waiting_message_per_team() {
    for (store, portal, clock, _dir) in portals() {
        let p = people(&portal);
        for provider in [&p.nils, &p.dina] {
            let invitation = portal.invite(&p.anna, provider.id).unwrap();
            portal.accept_invitation(provider, invitation.id).unwrap();
        }
        let started = portal
            .start_conversation(
                &p.anna,
                NewConversation {
                    with: vec![p.nils.id, p.dina.id],
                    subject: String::new(),
                    message: NewMessage::text("one"),
                },
            )
            .unwrap();
        let c = started.conversation.id;
        let send = |who: &Actor, after: Duration| {
            clock.advance(after);
            portal
                .send_message(who, c, NewMessage::text("text"))
                .unwrap();
        };
        send(&p.anna, Duration::hours(1)); // still waiting since "one"
        send(&p.nils, Duration::hours(2)); // replies 3 h after "one"
        send(&p.dina, Duration::hours(1)); // a follow-up, not a response
        send(&p.anna, Duration::hours(5));
        send(&p.dina, Duration::hours(10)); // 10 h
        send(&p.anna, Duration::hours(1));
        send(&p.nils, Duration::hours(20)); // 20 h
        send(&p.anna, Duration::hours(1)); // never answered
        let r = report(&portal, &p.rita, whole_year());
        let team = &r.total.teams[0];
        assert_eq!(team.providers, 2, "{store}");
        assert_eq!(team.messages_from_service_user, 5, "{store}");
        assert_eq!(team.messages_from_providers, 4, "{store}");
        assert_eq!(team.responses, 3, "{store}");
        let hours = |h: u64| Some(StdDuration::from_secs(h * 3600));
        assert_eq!(team.response_median, hours(10), "{store}");
        assert_eq!(team.response_p90, hours(20), "{store}");
    }
}

#[test]
fn months_split_the_period_and_involvement_grows_to_each_months_end() {
    for (store, portal, clock, _dir) in portals() {
        let p = people(&portal);
        clock.set(at(1, 15, 9));
        portal.record_visit(&p.anna, Module::Home).unwrap();
        clock.set(at(2, 10, 9));
        portal.record_visit(&p.anna, Module::Home).unwrap();
        portal
            .add_goal(
                &p.anna,
                NewGoal::new(DomainRef::Catalogue("housing".into()), "Flat"),
            )
            .unwrap();
        clock.set(at(3, 31, 23));
        portal.record_visit(&p.anna, Module::Home).unwrap();
        portal.record_visit(&p.nils, Module::Home).unwrap();
        let period = Period::new(at(1, 20, 0), at(3, 31, 12)).unwrap();
        let r = report(&portal, &p.rita, period);
        let months: Vec<&str> = r.months.iter().map(|m| m.month.as_str()).collect();
        assert_eq!(months, ["2024-01", "2024-02", "2024-03"], "{store}");
        assert_eq!(
            r.months[0].period.start(),
            at(1, 20, 0),
            "{store}: cut to the period"
        );
        assert_eq!(
            r.months[2].period.end(),
            at(3, 31, 12),
            "{store}: cut to the period"
        );
        let home = |f: &recovery_core::UsageFigures| {
            f.module(Module::Home, Role::ServiceUser)
                .map_or(0, |t| t.visits)
        };
        assert_eq!(
            home(&r.total),
            1,
            "{store}: 15 January and 31 March 23:00 are outside"
        );
        assert_eq!(
            r.months
                .iter()
                .map(|m| home(&m.figures))
                .collect::<Vec<_>>(),
            [0, 1, 0],
            "{store}"
        );
        let own = |i: usize| r.months[i].figures.involvement.with_own_goal;
        assert_eq!(
            (own(0), own(1), own(2)),
            (0, 1, 1),
            "{store}: by each month's end"
        );
    }
}

#[test]
fn the_csv_names_nobody_and_holds_no_free_text() {
    for (store, portal, _, _dir) in portals() {
        let p = people(&portal);
        let secret = "Secret title about my neighbour";
        portal
            .add_goal(
                &p.anna,
                NewGoal::new(DomainRef::Catalogue("housing".into()), secret),
            )
            .unwrap();
        let invitation = portal.invite(&p.anna, p.nils.id).unwrap();
        portal.accept_invitation(&p.nils, invitation.id).unwrap();
        portal
            .start_conversation(
                &p.anna,
                NewConversation {
                    with: vec![p.nils.id],
                    subject: "Private subject".into(),
                    message: NewMessage::text("Private message text"),
                },
            )
            .unwrap();
        let csv = report(&portal, &p.rita, whole_year()).to_csv();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("period,section,module,role,team,measure,value")
        );
        for line in lines {
            assert_eq!(line.split(',').count(), 7, "{store}: {line}");
        }
        for leak in [secret, "Private", "Anna", "Nils", "Rita"] {
            assert!(!csv.contains(leak), "{store}: {leak} in the CSV");
        }
        for id in [p.anna.id, p.nils.id, p.rita.id] {
            assert!(!csv.contains(&id.to_string()), "{store}: an id in the CSV");
            assert!(!csv.contains(&id.as_uuid().simple().to_string()), "{store}");
        }
        let pseudonym = key().pseudonym(p.anna.id);
        assert!(
            csv.contains(&format!(",team,,,{pseudonym},messages_from_service_user,1")),
            "{store}: {csv}"
        );
        assert!(csv.contains("2024-01-01T00:00:00Z/2025-01-01T00:00:00Z,module,toolbox.goals,service-user,,postings,1"));
        assert!(csv.contains("2024-01,involvement,,service-user,,with_own_goal_share,1.0000"));
        let other = ExportKey::new(*b"another key, 16b").unwrap();
        let again = portal
            .usage_report(&p.rita, whole_year(), &other)
            .unwrap()
            .to_csv();
        assert!(
            !again.contains(&pseudonym),
            "{store}: another key, other pseudonyms"
        );
    }
}
