//! The study cohort's usage report equals, figure for figure, what the cohort did: module
//! tallies for the whole period and every month, each care team's messages, response times and
//! scopes, providers who never interacted, and involvement. On both stores, for several seeds.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use examples::cohort::{self, Cohort, PASSIVE_PROVIDERS, PROVIDERS, SERVICE_USERS};
use recovery_core::store::MemoryStore;
use recovery_core::{ExportKey, Module, Portal, Role, UsageFigures, UsageReport};

fn key() -> ExportKey {
    ExportKey::new(*b"a study key of 32 bytes, exactly").unwrap()
}

fn report(cohort: &Cohort) -> UsageReport {
    cohort
        .portal
        .usage_report(&cohort.researcher, cohort.period, &key())
        .unwrap()
}

/// The module tallies of a period against the cohort's own count.
fn check_modules(cohort: &Cohort, figures: &UsageFigures, period: &recovery_core::Period) {
    let mut expected = Vec::new();
    for module in Module::ALL {
        for role in Role::ALL {
            let (visits, people, postings) = cohort.truth.module(period, module, role);
            if visits + postings > 0 {
                expected.push((module, role, visits, people, postings));
            }
        }
    }
    let got: Vec<_> = figures
        .modules
        .iter()
        .map(|t| (t.module, t.role, t.visits, t.people, t.postings))
        .collect();
    assert_eq!(got, expected);
}

fn check(cohort: &Cohort) {
    let report = report(cohort);
    let total = &report.total;
    check_modules(cohort, total, &cohort.period);
    assert_eq!(report.months.len(), 6, "January to June");
    for month in &report.months {
        check_modules(cohort, &month.figures, &month.period);
    }
    let visits = |f: &UsageFigures| f.modules.iter().map(|t| t.visits).sum::<u64>();
    assert_eq!(
        report
            .months
            .iter()
            .map(|m| visits(&m.figures))
            .sum::<u64>(),
        visits(total),
        "the months add up to the whole period"
    );

    // Providers and involvement.
    assert_eq!(total.providers.providers, PROVIDERS as u64);
    assert_eq!(total.providers.never_interacted, PASSIVE_PROVIDERS as u64);
    assert_eq!(
        PROVIDERS - cohort.truth.interacting_providers.len(),
        PASSIVE_PROVIDERS
    );
    let involvement = total.involvement;
    assert_eq!(involvement.service_users, SERVICE_USERS as u64);
    assert_eq!(
        involvement.with_own_goal,
        cohort.truth.with_own_goal.len() as u64
    );
    assert_eq!(
        involvement.with_shared_scope,
        cohort.truth.with_shared_scope.len() as u64
    );
    assert_eq!(
        involvement.with_crisis_plan,
        cohort.truth.with_crisis_plan.len() as u64
    );

    // Care teams, under the key's pseudonyms.
    assert_eq!(total.teams.len(), SERVICE_USERS, "29 teams");
    let by_pseudonym: BTreeMap<String, _> =
        total.teams.iter().map(|t| (t.team.clone(), t)).collect();
    for (user, truth) in &cohort.truth.teams {
        let team = by_pseudonym[&key().pseudonym(*user)];
        assert_eq!(team.providers, truth.providers.len() as u64);
        assert_eq!(team.scopes_shared, truth.scopes.len() as u64);
        assert_eq!(team.messages_from_service_user, truth.from_service_user);
        assert_eq!(team.messages_from_providers, truth.from_providers);
        let mut responses = truth.responses.clone();
        responses.sort();
        assert_eq!(team.responses, responses.len() as u64);
        let rank = |p: usize| responses[(responses.len() * p).div_ceil(100).max(1) - 1];
        assert_eq!(team.response_median, Some(rank(50)));
        assert_eq!(team.response_p90, Some(rank(90)));
    }
}

#[test]
fn the_report_equals_the_generated_cohort_in_memory() {
    for seed in [1, 2009, 424_242] {
        let cohort = cohort::generate(
            |config| Ok(Portal::with_store(MemoryStore::new(), config)),
            seed,
        )
        .unwrap();
        check(&cohort);
    }
}

#[test]
fn the_report_equals_the_generated_cohort_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("study.sqlite");
    let cohort = cohort::generate(|config| Portal::open(&path, config), 2009).unwrap();
    check(&cohort);
}

#[test]
fn both_stores_give_the_same_report_for_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("study.sqlite");
    let on_file = cohort::generate(|config| Portal::open(&path, config), 77).unwrap();
    let in_memory = cohort::generate(
        |config| Ok(Portal::with_store(MemoryStore::new(), config)),
        77,
    )
    .unwrap();
    // Ids differ between runs, so teams are compared without their pseudonyms.
    let strip = |r: UsageReport| {
        let mut teams: Vec<_> = r
            .total
            .teams
            .iter()
            .map(|t| {
                (
                    t.providers,
                    t.messages_from_service_user,
                    t.responses,
                    t.scopes_shared,
                )
            })
            .collect();
        teams.sort();
        (
            r.total.modules,
            r.total.providers,
            r.total.involvement,
            teams,
        )
    };
    assert_eq!(strip(report(&on_file)), strip(report(&in_memory)));
}
