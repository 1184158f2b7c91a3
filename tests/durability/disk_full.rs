//! Disk full: the store's size limit (`SqliteOptions::max_page_count`, changed while the portal
//! runs with `SqliteStore::set_max_page_count`) stands in for a full disk. A command that meets
//! it fails with `StoreError::Full` and leaves everything exactly as it was; once space is
//! freed (the limit raised), the same command succeeds on the same handle.
//!
//! Each case sets the limit a few pages above the file's size and runs commands of every kind
//! until one meets it, so that the limit falls inside different statements of different
//! commands. CI runs 40 cases; the full run 400:
//!
//! ```text
//! RECOVERY_DURABILITY_FULL=1 cargo test --release -p recovery-tests --test disk_full
//! ```

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use recovery_core::model::team::{Level, Scope};
use recovery_core::store::{SqliteStore, StoreError};
use recovery_core::*;
use recovery_tests::durability::{Cast, Seeded, config, housing, integrity, picture, seed, size};

/// One portal command, filled with text from the generator. A command that needs something
/// made first (a domain to share, a proposal to accept) makes it with a call of its own, then
/// calls `mark` just before the command under test, so that the state to compare with is
/// taken after the preparation.
type Command = fn(&Portal, &Cast, &mut Seeded, usize, &mut dyn FnMut()) -> Result<()>;

fn text(rng: &mut Seeded, max: usize) -> String {
    let len = 1 + rng.below(max);
    "Sov dårlig i natt, gikk en tur. "
        .chars()
        .cycle()
        .take(len)
        .collect()
}

const COMMANDS: &[(&str, Command)] = &[
    ("add_goal", |p, c, rng, n, _| {
        let mut goal = NewGoal::new(housing(), format!("Goal {n}"));
        goal.why = text(rng, 8_000);
        p.add_goal(&c.anna, goal).map(drop)
    }),
    ("add_diary_entry", |p, c, rng, _, _| {
        let entry = DiaryEntry {
            day: chrono::Utc::now().date_naive(),
            text: text(rng, 20_000),
        };
        p.add_diary_entry(&c.anna, entry).map(drop)
    }),
    ("set_crisis_plan", |p, c, rng, _, _| {
        let plan = CrisisPlan {
            warning_signs: text(rng, 5_000),
            what_helps: text(rng, 5_000),
            ..CrisisPlan::default()
        };
        p.set_crisis_plan(&c.anna, plan).map(drop)
    }),
    ("add_domain", |p, c, _, n, _| {
        p.add_domain(&c.anna, &format!("Domain {n}")).map(drop)
    }),
    ("share", |p, c, _, n, mark| {
        let domain = p.add_domain(&c.anna, &format!("Domain {n}"))?;
        mark();
        let scope = Scope::Domain(DomainRef::Own(domain.id));
        p.share(&c.anna, c.nurse.id, scope, Sharing::level(Level::View))
            .map(drop)
    }),
    ("propose_goal", |p, c, rng, n, _| {
        let mut goal = NewGoal::new(housing(), format!("Proposal {n}"));
        goal.why = text(rng, 6_000);
        p.propose_goal(&c.nurse, c.anna.id, goal).map(drop)
    }),
    ("decide_proposal", |p, c, rng, n, mark| {
        let mut goal = NewGoal::new(housing(), format!("Proposal {n}"));
        goal.why = text(rng, 6_000);
        let proposal = p.propose_goal(&c.nurse, c.anna.id, goal)?;
        mark();
        p.decide_proposal(&c.anna, proposal.id, true).map(drop)
    }),
    ("start_thread", |p, c, rng, n, _| {
        let thread = NewThread {
            category: "everyday-life".into(),
            title: format!("Thread {n}"),
            body: text(rng, 12_000),
        };
        p.start_thread(&c.bo, thread).map(drop)
    }),
    ("reply", |p, c, rng, n, mark| {
        let thread = NewThread {
            category: "everyday-life".into(),
            title: format!("Thread {n}"),
            body: "Sleep".into(),
        };
        let (thread, _) = p.start_thread(&c.bo, thread)?;
        mark();
        p.reply(&c.anna, thread.id, &text(rng, 12_000)).map(drop)
    }),
    ("a provider's logged read", |p, c, _, _, _| {
        p.view(&c.nurse, c.anna.id, &Scope::Domain(housing()))
            .map(drop)
    }),
];

#[test]
fn a_full_disk_fails_the_command_whole_and_the_next_one_succeeds_once_space_is_freed() {
    let cases = size(40, 400);
    let mut rng = Seeded::new(seed(0xD15C));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let store = Arc::new(SqliteStore::open(&path, &config().sqlite).unwrap());
    let portal = Portal::with_store(Arc::clone(&store), config());
    let cast = Cast::register(&portal).unwrap();
    let mut n = 0;
    let mut met_by = std::collections::BTreeMap::<&str, usize>::new();
    for case in 0..cases {
        // A limit below the file's size holds it at its size: that tells the size.
        let pages = store.set_max_page_count(Some(1)).unwrap();
        let limit = pages + 1 + rng.below(12) as u32;
        assert_eq!(store.set_max_page_count(Some(limit)).unwrap(), limit);
        let (name, command, mut replay, before) = loop {
            let (name, command) = *rng.pick(COMMANDS);
            n += 1;
            let mut before = picture(&portal, &cast).unwrap();
            let replay = rng.clone();
            let outcome = command(&portal, &cast, &mut rng, n, &mut || {
                before = picture(&portal, &cast).unwrap();
            });
            match outcome {
                Ok(()) => continue,
                Err(Error::Store(StoreError::Full)) => {
                    let after = picture(&portal, &cast).unwrap();
                    assert!(
                        after == before,
                        "case {case}: {name} failed with Full but changed what is stored"
                    );
                    break (name, command, replay, before);
                }
                Err(other) => panic!("case {case}: {name} failed with {other:?}"),
            }
        };
        *met_by.entry(name).or_default() += 1;
        // Space is freed: the same command now succeeds on the same handle.
        store.set_max_page_count(None).unwrap();
        command(&portal, &cast, &mut replay, n, &mut || {})
            .unwrap_or_else(|e| panic!("case {case}: {name} after freeing space: {e:?}"));
        assert!(
            picture(&portal, &cast).unwrap() != before,
            "case {case}: {name} succeeded but nothing changed"
        );
    }
    assert!(portal.verify_access_log().unwrap().is_intact());
    drop(portal);
    assert_eq!(integrity(&path, None), "ok");
    // The limit fell inside several kinds of command, not just one.
    assert!(met_by.len() >= 4.min(cases), "{met_by:?}");
    eprintln!("{cases} cases; the limit was met by {met_by:?}");
}

#[test]
fn a_size_limit_from_the_options_holds_from_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    drop(Portal::open(&path, config()).unwrap());
    let pages = std::fs::metadata(&path).unwrap().len() / 4_096;
    let mut limited = config();
    limited.sqlite.max_page_count = Some(u32::try_from(pages).unwrap() + 2);
    let portal = Portal::open(&path, limited.clone()).unwrap();
    let anna = Actor::new(portal.register(NewPerson::service_user("Anna")).unwrap().id);
    let outcome = (0..100)
        .map(|i| {
            portal.add_diary_entry(
                &anna,
                DiaryEntry {
                    day: chrono::Utc::now().date_naive(),
                    text: format!("{i} {}", "x".repeat(10_000)),
                },
            )
        })
        .find_map(Result::err);
    assert!(
        matches!(outcome, Some(Error::Store(StoreError::Full))),
        "{outcome:?}"
    );
    let kept = portal.diary(&anna).unwrap().len();
    drop(portal);
    // The limit is the option's, not the file's: without it, the file grows again.
    let portal = Portal::open(&path, config()).unwrap();
    assert_eq!(portal.diary(&anna).unwrap().len(), kept);
    portal
        .add_diary_entry(
            &anna,
            DiaryEntry {
                day: chrono::Utc::now().date_naive(),
                text: "x".repeat(10_000),
            },
        )
        .unwrap();
    drop(portal);
    assert_eq!(integrity(&path, None), "ok");
}
