//! The cast of the messaging tests, on either store.
//!
//! Anna is a service user with a toolbox (a goal with two activities, two medications, a crisis
//! plan, a status entry) and two providers in her care team, Nils and Dina. Olav is a provider
//! outside it; Bo another service user; Mona a moderator.

#![allow(dead_code)]

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use recovery_core::store::SqliteStore;
use recovery_core::*;

/// Which store the portal runs on.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Memory,
    Sqlite,
}

pub struct World {
    pub portal: Portal,
    pub clock: Arc<ManualClock>,
    pub anna: Actor,
    pub nils: Actor,
    pub dina: Actor,
    pub olav: Actor,
    pub bo: Actor,
    pub mona: Actor,
    pub nils_seat: MembershipId,
    pub dina_seat: MembershipId,
    pub goal: GoalId,
    pub status: StatusId,
    pub bo_goal: GoalId,
    pub housing: DomainRef,
    /// Keeps the SQLite file's directory alive.
    pub dir: Option<tempfile::TempDir>,
}

/// Opens a portal on `backend` (a fresh file for SQLite) with the world's clock.
pub fn open(backend: Backend, clock: Arc<ManualClock>) -> (Portal, Option<tempfile::TempDir>) {
    match backend {
        Backend::Memory => (Portal::open_in_memory().with_clock(clock), None),
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let portal = Portal::open(dir.path().join("portal.sqlite"), PortalConfig::default())
                .unwrap()
                .with_clock(clock);
            (portal, Some(dir))
        }
    }
}

/// A portal on an SQLite store in memory: for property tests, which open many.
pub fn sqlite_in_memory(clock: Arc<ManualClock>) -> Portal {
    Portal::with_store(
        SqliteStore::open_in_memory().unwrap(),
        PortalConfig::default(),
    )
    .with_clock(clock)
}

pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().unwrap(),
    ))
}

pub fn provider(portal: &Portal, name: &str, profession: Profession) -> Actor {
    Actor::new(
        portal
            .register(NewPerson::provider(name, profession, "DPS Nord"))
            .unwrap()
            .id,
    )
}

/// Invites a provider into a service user's team and has them accept.
pub fn join(portal: &Portal, user: &Actor, provider: &Actor) -> MembershipId {
    let invitation = portal.invite(user, provider.id).unwrap();
    portal.accept_invitation(provider, invitation.id).unwrap();
    invitation.id
}

pub fn medication(name: &str, dose: &str) -> Medication {
    Medication {
        name: name.into(),
        dose: dose.into(),
        purpose: "Sleep".into(),
        prescribed: true,
        status: MedicationStatus::Active,
        experiences: "Groggy in the morning".into(),
        questions: "Can I take it later in the evening?".into(),
    }
}

pub fn world(backend: Backend) -> World {
    let clock = clock();
    let (portal, dir) = open(backend, clock.clone());
    let anna = Actor::new(portal.register(NewPerson::service_user("Anna")).unwrap().id);
    let bo = Actor::new(portal.register(NewPerson::service_user("Bo")).unwrap().id);
    let mona = Actor::new(
        portal
            .register(NewPerson::with_role(Role::Moderator, "Mona"))
            .unwrap()
            .id,
    );
    let nils = provider(&portal, "Nils", Profession::MentalHealthNurse);
    let dina = provider(&portal, "Dina", Profession::Psychiatrist);
    let olav = provider(&portal, "Olav", Profession::SocialWorker);
    let nils_seat = join(&portal, &anna, &nils);
    let dina_seat = join(&portal, &anna, &dina);

    let housing = DomainRef::Catalogue("housing".into());
    let goal = portal
        .add_goal(
            &anna,
            NewGoal::new(housing.clone(), "Find a flat of my own"),
        )
        .unwrap()
        .id;
    for title in ["Call the housing office", "Visit two flats"] {
        portal
            .add_activity(
                &anna,
                NewActivity {
                    goal,
                    title: title.into(),
                    due: None,
                },
            )
            .unwrap();
    }
    portal
        .add_medication(&anna, medication("Melatonin", "3 mg"))
        .unwrap();
    portal
        .add_medication(&anna, medication("Sertraline", "50 mg"))
        .unwrap();
    portal
        .set_crisis_plan(
            &anna,
            CrisisPlan {
                warning_signs: "Not sleeping for days".into(),
                contacts: "My sister".into(),
                ..CrisisPlan::default()
            },
        )
        .unwrap();
    let status = portal
        .add_status(
            &anna,
            NewStatus {
                domain: housing.clone(),
                now: "Still living with my parents".into(),
                helps: "My sister".into(),
                hinders: "Waiting lists".into(),
                rating: Some(4),
            },
        )
        .unwrap()
        .id;
    let bo_goal = portal
        .add_goal(&bo, NewGoal::new(housing.clone(), "Bo's goal"))
        .unwrap()
        .id;
    clock.advance(Duration::minutes(1));
    World {
        portal,
        clock,
        anna,
        nils,
        dina,
        olav,
        bo,
        mona,
        nils_seat,
        dina_seat,
        goal,
        status,
        bo_goal,
        housing,
        dir,
    }
}

impl World {
    /// Starts a conversation and moves the clock on a second.
    pub fn start(&self, by: &Actor, with: &[&Actor], body: &str) -> Started {
        let started = self
            .portal
            .start_conversation(
                by,
                NewConversation {
                    with: with.iter().map(|a| a.id).collect(),
                    subject: "Sleep".into(),
                    message: NewMessage::text(body),
                },
            )
            .unwrap();
        self.clock.advance(Duration::seconds(1));
        started
    }

    /// Sends a text message and moves the clock on a second.
    pub fn send(&self, by: &Actor, conversation: ConversationId, body: &str) -> Message {
        let message = self
            .portal
            .send_message(by, conversation, NewMessage::text(body))
            .unwrap();
        self.clock.advance(Duration::seconds(1));
        message
    }

    /// How many entries the access log holds.
    pub fn log_len(&self) -> u64 {
        self.portal.verify_access_log().unwrap().entries
    }

    /// Every entry of the access log about Anna, newest first.
    pub fn annas_log(&self) -> Vec<recovery_core::model::audit::AccessEntry> {
        let mut entries = Vec::new();
        let mut before = None;
        loop {
            let page = self
                .portal
                .access_log(
                    &self.anna,
                    AccessLogFilter {
                        before,
                        limit: ACCESS_PAGE_MAX,
                        ..AccessLogFilter::default()
                    },
                )
                .unwrap();
            entries.extend(page.entries);
            match page.next {
                Some(next) => before = Some(next),
                None => return entries,
            }
        }
    }

    /// The bodies of a page's messages, in the order given.
    pub fn bodies(page: &MessagePage) -> Vec<&str> {
        page.messages.iter().map(|m| m.body.as_str()).collect()
    }
}

/// Generates each listed test on the memory store and on an SQLite file.
#[allow(unused_macros)]
macro_rules! on_both_stores {
    ($($case:ident),* $(,)?) => {
        mod memory {
            $(
                #[test]
                fn $case() {
                    super::$case(crate::world::Backend::Memory);
                }
            )*
        }
        mod sqlite {
            $(
                #[test]
                fn $case() {
                    super::$case(crate::world::Backend::Sqlite);
                }
            )*
        }
    };
}
