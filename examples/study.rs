//! The study: a cohort shaped like the original ReConnect evaluation (29 service users, 27
//! providers, 29 care teams, six months) generated from a seed in an SQLite file, and the
//! usage report a researcher reads from it, printed as tables.
//!
//! ```text
//! cargo run -p examples --example study                  # seed 2009, a temporary file
//! cargo run -p examples --example study -- 7 study.csv   # seed 7, and the CSV export
//! ```

use std::process::ExitCode;

use examples::cohort::{self, Cohort};
use recovery_core::{ExportKey, Module, Portal, Role, UsageFigures};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seed: u64 = match args.next() {
        Some(s) => s
            .parse()
            .map_err(|_| format!("the seed must be a number, not {s:?}"))?,
        None => 2009,
    };
    let csv_path = args.next();

    let dir = std::env::temp_dir().join(format!("recovery-study-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("study.sqlite");
    println!(
        "Generating the cohort from seed {seed} in {} ...",
        path.display()
    );
    let cohort = cohort::generate(|config| Portal::open(&path, config), seed)?;
    let Cohort {
        portal,
        researcher,
        period,
        ..
    } = &cohort;

    // A real study supplies its own secret key and keeps it apart from the exports.
    let key = ExportKey::new(format!("study key for seed {seed:016}").into_bytes())?;
    let report = portal.usage_report(researcher, *period, &key)?;
    println!(
        "\nUsage report, {} to {} (half-open), {} usage events in the log",
        period.start().date_naive(),
        period.end().date_naive(),
        cohort.truth.events.len()
    );

    print_modules(&report.total);
    print_teams(&report.total);
    let p = report.total.providers;
    println!(
        "\nProviders: {} registered, {} never interacted through the portal ({:.0} %)",
        p.providers,
        p.never_interacted,
        100.0 * p.never_interacted_share()
    );
    let i = report.total.involvement;
    println!(
        "Service users: {}; with a goal of their own {} ({:.0} %), with a scope shared {} \
         ({:.0} %), with a crisis plan {} ({:.0} %)",
        i.service_users,
        i.with_own_goal,
        100.0 * i.own_goal_share(),
        i.with_shared_scope,
        100.0 * i.shared_scope_share(),
        i.with_crisis_plan,
        100.0 * i.crisis_plan_share()
    );

    println!("\nBy month");
    println!(
        "{:<8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>8} {:>8}",
        "month", "visits", "forum", "posts", "messages", "never-int", "own goal", "shared"
    );
    for month in &report.months {
        let f = &month.figures;
        let visits: u64 = f.modules.iter().map(|t| t.visits).sum();
        let forum = f
            .module(Module::Forum, Role::ServiceUser)
            .map_or(0, |t| t.visits);
        let posts = f
            .module(Module::Forum, Role::ServiceUser)
            .map_or(0, |t| t.postings);
        let messages: u64 = f
            .modules
            .iter()
            .filter(|t| t.module == Module::Messages)
            .map(|t| t.postings)
            .sum();
        println!(
            "{:<8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>7.0}% {:>7.0}%",
            month.month,
            visits,
            forum,
            posts,
            messages,
            f.providers.never_interacted,
            100.0 * f.involvement.own_goal_share(),
            100.0 * f.involvement.shared_scope_share()
        );
    }

    if let Some(csv_path) = csv_path {
        std::fs::write(&csv_path, report.to_csv())?;
        println!("\nThe pseudonymised CSV is in {csv_path}");
    }
    drop(cohort);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn print_modules(figures: &UsageFigures) {
    println!(
        "\n{:<22} {:<13} {:>7} {:>7} {:>9}",
        "module", "role", "visits", "people", "postings"
    );
    for t in &figures.modules {
        println!(
            "{:<22} {:<13} {:>7} {:>7} {:>9}",
            t.module.as_str(),
            t.role.as_str(),
            t.visits,
            t.people,
            t.postings
        );
    }
}

fn print_teams(figures: &UsageFigures) {
    println!(
        "\n{:<24} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10} {:>7}",
        "care team", "providers", "user→team", "team→user", "responses", "median", "p90", "scopes"
    );
    let hours = |d: Option<std::time::Duration>| {
        d.map_or_else(
            || "-".to_owned(),
            |d| format!("{:.1} h", d.as_secs_f64() / 3600.0),
        )
    };
    for t in &figures.teams {
        println!(
            "{:<24} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10} {:>7}",
            t.team,
            t.providers,
            t.messages_from_service_user,
            t.messages_from_providers,
            t.responses,
            hours(t.response_median),
            hours(t.response_p90),
            t.scopes_shared
        );
    }
}
