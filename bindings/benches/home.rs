//! The dashboard call `home` in Rust, on the data shape the Kotlin and Python benchmarks use
//! (`bindings/bench.sh` runs all three and reports the ratios): 7 life domains (the six of the
//! catalogue and one of the user's own), 20 goals spread over them, 5 activities per goal.
//!
//! Two Rust figures: the core call alone, and the exported method (the core call plus the
//! conversion into the FFI records, without crossing any language boundary).

#![allow(clippy::unwrap_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use recovery_ffi::{NewActivity, NewGoal, NewPerson, Portal, PortalConfig, Role};

/// Builds the benchmark's toolbox and returns the owner's id.
fn shape(portal: &Portal) -> String {
    let anna = portal
        .register(NewPerson {
            role: Role::ServiceUser,
            display_name: "Anna".into(),
            provider: None,
        })
        .unwrap()
        .id;
    portal.add_domain(anna.clone(), "Garden".into()).unwrap();
    let domains: Vec<String> = portal
        .domains(anna.clone())
        .unwrap()
        .into_iter()
        .map(|d| d.domain)
        .collect();
    assert_eq!(domains.len(), 7);
    for g in 0..20 {
        let goal = portal
            .add_goal(
                anna.clone(),
                NewGoal {
                    domain: domains[g % domains.len()].clone(),
                    title: format!("Goal {g}"),
                    why: String::new(),
                    target_date: None,
                    lifecycle: None,
                },
            )
            .unwrap();
        for a in 0..5 {
            portal
                .add_activity(
                    anna.clone(),
                    NewActivity {
                        goal: goal.id.clone(),
                        title: format!("Activity {a}"),
                        due: None,
                    },
                )
                .unwrap();
        }
    }
    anna
}

fn home(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.sqlite");
    let portal =
        Portal::open(path.to_string_lossy().into_owned(), PortalConfig::default()).unwrap();
    let anna = shape(&portal);
    let actor = recovery_core::Actor::new(anna.parse().unwrap());
    assert_eq!(
        portal
            .home(anna.clone())
            .unwrap()
            .domains
            .iter()
            .map(|d| d.goals.len())
            .sum::<usize>(),
        20
    );

    let mut group = c.benchmark_group("home");
    group.bench_function("rust_core", |b| {
        b.iter(|| portal.core().home(&actor).unwrap())
    });
    group.bench_function("rust_ffi_records", |b| {
        b.iter(|| portal.home(anna.clone()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, home);
criterion_main!(benches);
