//! Conformance cases for [`UsageTx`](crate::store::UsageTx): the usage log and the aggregates
//! reports are built from.
//!
//! Periods include their start and exclude their end, to the microsecond; "before" excludes
//! the moment itself.

use super::{SECOND, at, begin, person, read, write};
use crate::model::ids::*;
use crate::model::people::{Person, Role};
use crate::model::team::Scope;
use crate::model::toolbox::DomainRef;
use crate::model::usage::{Module, Period, UsageAction, UsageEvent};
use crate::store::{InvolvementTally, MessageUsage, ModuleTally, Store, TxMode};

/// A service user, two providers and a researcher, written and committed.
struct Cast {
    anna: Person,
    nils: Person,
    dina: Person,
    rita: Person,
}

fn cast(store: &dyn Store) -> Cast {
    let cast = Cast {
        anna: person(Role::ServiceUser, "Anna"),
        nils: person(Role::Provider, "Nils"),
        dina: person(Role::Provider, "Dina"),
        rita: person(Role::Researcher, "Rita"),
    };
    write(store, |tx| {
        for p in [&cast.anna, &cast.nils, &cast.dina, &cast.rita] {
            tx.insert_person(p).expect("a new person is written");
        }
    });
    cast
}

fn event(who: &Person, micros: i64, module: Module, action: UsageAction) -> UsageEvent {
    UsageEvent::new(at(micros), who.id, who.role, module, action)
}

fn record(store: &dyn Store, events: &[UsageEvent]) {
    write(store, |tx| {
        for e in events {
            tx.record_usage(e).expect("a usage event is recorded");
        }
    });
}

fn period(from: i64, to: i64) -> Period {
    Period::new(at(from), at(to)).expect("a non-empty period")
}

fn tally(module: Module, role: Role, visits: u64, people: u64, postings: u64) -> ModuleTally {
    ModuleTally {
        module,
        role,
        visits,
        people,
        postings,
    }
}

/// Visits, people and postings add up per module and role, inside the period only, in module
/// then role order.
pub fn usage_tallies_count_visits_people_and_postings_per_module_and_role(store: &dyn Store) {
    let c = cast(store);
    let (visit, post) = (UsageAction::Visit, UsageAction::Post);
    record(
        store,
        &[
            event(&c.anna, 0, Module::Forum, visit),
            event(&c.anna, 1, Module::Forum, visit),
            event(&c.anna, 2, Module::Forum, post),
            event(&c.nils, 3, Module::Messages, UsageAction::Message),
            event(&c.dina, 4, Module::Messages, visit),
            event(&c.nils, 5, Module::Messages, visit),
            event(&c.anna, 6, Module::Goals, UsageAction::Goal),
            event(&c.anna, 7, Module::Home, visit),
            // Outside [0, 10 s): before, at the end, after.
            event(&c.anna, -1, Module::Forum, visit),
            event(&c.anna, 10 * SECOND, Module::Forum, visit),
            event(&c.rita, 11 * SECOND, Module::Home, visit),
        ],
    );
    let tallies =
        read(store, |tx| tx.module_tallies(&period(0, 10 * SECOND))).expect("tallies are read");
    assert_eq!(
        tallies,
        vec![
            tally(Module::Home, Role::ServiceUser, 1, 1, 0),
            tally(Module::Goals, Role::ServiceUser, 0, 1, 1),
            tally(Module::Messages, Role::Provider, 2, 2, 1),
            tally(Module::Forum, Role::ServiceUser, 2, 1, 1),
        ],
        "tallies are per module and role, inside the period, in Module::ALL then Role::ALL order"
    );
    let none = read(store, |tx| {
        tx.module_tallies(&period(20 * SECOND, 30 * SECOND))
    })
    .expect("tallies are read");
    assert!(none.is_empty(), "a period without events has no tallies");
}

/// Messages in the period come by conversation, then time, with who sent them.
pub fn usage_messages_come_by_conversation_then_time(store: &dyn Store) {
    let c = cast(store);
    let (mut first, mut second) = (ConversationId::new(), ConversationId::new());
    if second < first {
        std::mem::swap(&mut first, &mut second);
    }
    let message = |who: &Person, micros: i64, conversation: ConversationId| {
        let mut e = event(who, micros, Module::Messages, UsageAction::Message).about(c.anna.id);
        e.conversation = Some(conversation);
        e
    };
    record(
        store,
        &[
            message(&c.anna, 5, second),
            message(&c.anna, 3, first),
            message(&c.nils, 9, first),
            message(&c.dina, 7, second),
            message(&c.nils, 100 * SECOND, first),
            event(&c.anna, 4, Module::Messages, UsageAction::Visit),
        ],
    );
    let got = read(store, |tx| tx.message_usage(&period(0, SECOND))).expect("messages are read");
    let expect = |micros: i64, conversation: ConversationId, from_provider: bool| MessageUsage {
        at: at(micros),
        service_user: c.anna.id,
        conversation,
        from_provider,
    };
    assert_eq!(
        got,
        vec![
            expect(3, first, false),
            expect(9, first, true),
            expect(5, second, false),
            expect(7, second, true),
        ],
        "messages in the period only, by conversation (as UUID bytes), then time"
    );
}

/// People registered before a moment count by role; posting people count only postings
/// inside the period.
pub fn usage_counts_registered_and_posting_people_by_role(store: &dyn Store) {
    let c = cast(store);
    let registered = |role: Role, micros: i64| {
        read(store, |tx| tx.registered(role, at(micros))).expect("registered people are counted")
    };
    // Every cast member was registered at 123,456 µs.
    assert_eq!(registered(Role::Provider, 123_457), 2);
    assert_eq!(
        registered(Role::Provider, 123_456),
        0,
        "`before` excludes the moment"
    );
    assert_eq!(registered(Role::ServiceUser, 200_000), 1);
    assert_eq!(registered(Role::Moderator, 200_000), 0);
    record(
        store,
        &[
            event(&c.nils, 10, Module::Messages, UsageAction::Message),
            event(&c.nils, 11, Module::Goals, UsageAction::Proposal),
            event(&c.dina, 12, Module::Messages, UsageAction::Visit),
            event(&c.dina, 2 * SECOND, Module::Goals, UsageAction::Comment),
            event(&c.anna, 13, Module::Goals, UsageAction::Goal),
        ],
    );
    let posting = |role: Role, p: Period| {
        read(store, |tx| tx.posting_people(role, &p)).expect("posting people are counted")
    };
    assert_eq!(
        posting(Role::Provider, period(0, SECOND)),
        1,
        "visits are not postings"
    );
    assert_eq!(posting(Role::Provider, period(0, 3 * SECOND)), 2);
    assert_eq!(posting(Role::ServiceUser, period(0, SECOND)), 1);
    assert_eq!(
        posting(Role::Provider, period(11, 12)),
        1,
        "one posting in [11, 12)"
    );
    assert_eq!(posting(Role::Provider, period(12, SECOND)), 0);
}

/// Involvement counts service users with an own goal (actor is the subject), a share or a
/// crisis plan, from events before the moment; each service user once.
pub fn usage_involvement_counts_own_goals_shares_and_crisis_plans(store: &dyn Store) {
    let c = cast(store);
    let ola = person(Role::ServiceUser, "Ola");
    write(store, |tx| {
        tx.insert_person(&ola).expect("a new person is written")
    });
    let mut shared = event(&c.anna, 30, Module::CareTeam, UsageAction::Share).about(c.anna.id);
    shared.scope = Some(Scope::Diary);
    record(
        store,
        &[
            // Anna writes two goals of her own; Ola only accepts a proposal (an entry) and
            // Nils's goal for Ola is not Ola's own.
            event(&c.anna, 10, Module::Goals, UsageAction::Goal).about(c.anna.id),
            event(&c.anna, 11, Module::Goals, UsageAction::Goal).about(c.anna.id),
            event(&ola, 12, Module::Goals, UsageAction::Entry).about(ola.id),
            event(&c.nils, 13, Module::Goals, UsageAction::Goal).about(ola.id),
            event(&ola, 20, Module::CrisisPlan, UsageAction::CrisisPlan).about(ola.id),
            shared,
        ],
    );
    let involvement =
        |micros: i64| read(store, |tx| tx.involvement(at(micros))).expect("involvement is counted");
    let tally = |with_own_goal, with_shared_scope, with_crisis_plan| InvolvementTally {
        with_own_goal,
        with_shared_scope,
        with_crisis_plan,
    };
    assert_eq!(
        involvement(10),
        tally(0, 0, 0),
        "`before` excludes the moment"
    );
    assert_eq!(involvement(20), tally(1, 0, 0));
    assert_eq!(involvement(21), tally(1, 0, 1));
    assert_eq!(involvement(SECOND), tally(1, 1, 1));
}

/// Teams are the service users a provider joined, with their distinct providers and scopes.
pub fn usage_team_tallies_count_joined_providers_and_shared_scopes(store: &dyn Store) {
    let c = cast(store);
    let ola = person(Role::ServiceUser, "Ola");
    write(store, |tx| {
        tx.insert_person(&ola).expect("a new person is written")
    });
    let join = |who: &Person, micros: i64, team: &Person| {
        event(who, micros, Module::CareTeam, UsageAction::Join).about(team.id)
    };
    let share = |micros: i64, scope: Scope| {
        let mut e = event(&c.anna, micros, Module::CareTeam, UsageAction::Share).about(c.anna.id);
        e.scope = Some(scope);
        e
    };
    let housing = Scope::Domain(DomainRef::Catalogue("housing".to_owned()));
    record(
        store,
        &[
            join(&c.nils, 1, &c.anna),
            join(&c.dina, 2, &c.anna),
            // Nils joins again after leaving: still one provider.
            join(&c.nils, 3, &c.anna),
            join(&c.nils, 4, &ola),
            share(5, Scope::Diary),
            share(6, housing.clone()),
            share(7, Scope::Diary),
            share(SECOND, Scope::Medications),
        ],
    );
    let teams = |micros: i64| read(store, |tx| tx.team_tallies(at(micros))).expect("teams");
    let mut ids = [c.anna.id, ola.id];
    ids.sort();
    let got = teams(SECOND);
    assert_eq!(
        got.iter().map(|t| t.service_user).collect::<Vec<_>>(),
        ids,
        "one team per joined service user, by id"
    );
    let anna = got
        .iter()
        .find(|t| t.service_user == c.anna.id)
        .expect("Anna's team");
    assert_eq!((anna.providers, anna.scopes_shared), (2, 2));
    let ola_team = got
        .iter()
        .find(|t| t.service_user == ola.id)
        .expect("Ola's team");
    assert_eq!((ola_team.providers, ola_team.scopes_shared), (1, 0));
    let early = teams(3);
    assert_eq!(early.len(), 1, "Ola's team was joined at 4 µs");
    assert_eq!(early[0].providers, 2);
    assert_eq!(
        teams(SECOND + 1)
            .iter()
            .map(|t| t.scopes_shared)
            .sum::<u64>(),
        3
    );
}

/// A dropped transaction takes back its usage events.
pub fn dropped_transaction_rolls_back_usage_events(store: &dyn Store) {
    let c = cast(store);
    record(
        store,
        &[event(&c.anna, 0, Module::Home, UsageAction::Visit)],
    );
    {
        let mut tx = begin(store, TxMode::Write);
        tx.record_usage(&event(&c.anna, 1, Module::Home, UsageAction::Visit))
            .expect("a usage event is recorded");
        tx.record_usage(&event(&c.anna, 2, Module::Forum, UsageAction::Post))
            .expect("a usage event is recorded");
    }
    let tallies = read(store, |tx| tx.module_tallies(&period(0, SECOND))).expect("tallies");
    assert_eq!(
        tallies,
        vec![tally(Module::Home, Role::ServiceUser, 1, 1, 0)],
        "only the committed visit is left"
    );
}
