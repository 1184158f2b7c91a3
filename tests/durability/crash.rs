//! Crash: a child process runs portal commands on an SQLite file and reports each one after
//! it returns; the test kills it with SIGKILL at a random moment, reopens the file, and checks
//! that every reported command is there, whole, and that the file and the access log are
//! sound. Then it starts the next child on the same file.
//!
//! CI runs 50 kills on one file. The full run, 1,000 kills on 20 files of 50 kills each:
//!
//! ```text
//! RECOVERY_DURABILITY_FULL=1 cargo test --release -p recovery-tests --test crash
//! ```
//!
//! `RECOVERY_DURABILITY_SEED=N` replays a run.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use recovery_core::model::audit::AccessAction;
use recovery_core::model::team::{ProposalStatus, Scope};
use recovery_core::*;
use recovery_tests::durability::{
    Cast, Seeded, all_posts, all_threads, config, integrity, seed, size,
};

/// Kills per file: each file's checks read all of it, so files are kept to this many runs.
const KILLS_PER_FILE: usize = 50;

/// What the children reported, across every run on one file.
#[derive(Default)]
struct Reported {
    goals: BTreeSet<String>,
    /// Goal id to the highest version an edit reported.
    edits: BTreeMap<String, u32>,
    /// Activity id to its goal.
    activities: BTreeMap<String, String>,
    domains: BTreeSet<String>,
    grants: BTreeSet<String>,
    proposals: BTreeSet<String>,
    /// Proposal id to the goal it became.
    accepted: BTreeMap<String, String>,
    /// Post id to its thread.
    posts: BTreeMap<String, String>,
    diary: BTreeSet<String>,
    /// Message id to its conversation and how many snapshots it carries.
    messages: BTreeMap<String, (String, usize)>,
    commands: usize,
}

impl Reported {
    fn take(&mut self, line: &str) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let own = |i: usize| words[i].to_owned();
        match words.as_slice() {
            ["goal", ..] => drop(self.goals.insert(own(1))),
            ["edit", goal, version] => {
                let v = version.parse().unwrap();
                let e = self.edits.entry((*goal).to_owned()).or_default();
                *e = (*e).max(v);
            }
            ["activity", ..] => drop(self.activities.insert(own(1), own(2))),
            ["domain", ..] => drop(self.domains.insert(own(1))),
            ["grant", ..] => drop(self.grants.insert(own(1))),
            ["proposal", ..] => drop(self.proposals.insert(own(1))),
            ["accepted", ..] => drop(self.accepted.insert(own(1), own(2))),
            ["thread", thread, post] | ["post", thread, post] => {
                drop(self.posts.insert((*post).to_owned(), (*thread).to_owned()))
            }
            ["diary", ..] => drop(self.diary.insert(own(1))),
            ["message", conversation, message, attachments] => drop(self.messages.insert(
                (*message).to_owned(),
                ((*conversation).to_owned(), attachments.parse().unwrap()),
            )),
            ["view"] => {}
            _ => panic!("the child printed an unknown line: {line:?}"),
        }
        self.commands += 1;
    }
}

/// Runs one child on `db` and kills it after `delay`; returns the lines it printed.
fn run_and_kill(db: &Path, cast: &Cast, seed: u64, delay: Duration) -> Vec<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_durability-child"))
        .arg("crash")
        .arg(db)
        .arg(seed.to_string())
        .args(cast.to_args())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
    });
    std::thread::sleep(delay);
    // `kill` sends SIGKILL: no destructor, no rollback, no checkpoint runs in the child.
    let killed = child.kill();
    let status = child.wait().unwrap();
    let lines = reader.join().unwrap();
    if killed.is_err() || status.success() {
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        panic!("the child ended by itself before the kill ({status}): {err}");
    }
    lines
}

/// Checks everything the children reported, and that nothing is half there.
fn check(db: &Path, cast: &Cast, reported: &Reported, kill: usize) {
    let portal = Portal::open(db, config())
        .unwrap_or_else(|e| panic!("kill {kill}: the file does not reopen: {e:?}"));
    assert_eq!(integrity(db, None), "ok", "kill {kill}: integrity_check");
    let chain = portal.verify_access_log().unwrap();
    assert!(chain.is_intact(), "kill {kill}: access log {chain:?}");
    let anna = &cast.anna;

    // Goals and activities: every reported one, each with all its versions.
    let goals: BTreeMap<String, Item<GoalId, Goal>> = portal
        .goals(anna, None)
        .unwrap()
        .into_iter()
        .map(|g| (g.id.to_string(), g))
        .collect();
    for id in &reported.goals {
        assert!(
            goals.contains_key(id),
            "kill {kill}: reported goal {id} lost"
        );
    }
    for (id, version) in &reported.edits {
        assert!(
            goals[id].version >= *version,
            "kill {kill}: reported edit of goal {id} lost"
        );
    }
    for goal in goals.values() {
        let history = portal.history(anna, goal.id).unwrap();
        assert_eq!(
            history.len(),
            goal.version as usize,
            "kill {kill}: goal {} has a version without its history, or the reverse",
            goal.id
        );
        assert_eq!(history.last().unwrap().version, goal.version);
    }
    let mut activities = BTreeSet::new();
    for goal in goals.values() {
        for activity in portal.activities(anna, goal.id).unwrap() {
            assert_eq!(activity.content.goal, goal.id);
            activities.insert(activity.id.to_string());
        }
    }
    for id in reported.activities.keys() {
        assert!(
            activities.contains(id),
            "kill {kill}: reported activity {id} lost"
        );
    }

    // Own domains and their grants: each grant with its log entry, and no entry without its
    // grant.
    let domains: BTreeSet<String> = portal
        .domains(anna)
        .unwrap()
        .into_iter()
        .filter_map(|d| match d.domain {
            DomainRef::Own(id) => Some(id.to_string()),
            DomainRef::Catalogue(_) => None,
        })
        .collect();
    for id in &reported.domains {
        assert!(
            domains.contains(id),
            "kill {kill}: reported domain {id} lost"
        );
    }
    let team = portal.care_team(anna).unwrap();
    let granted: BTreeSet<String> = team[0]
        .grants
        .iter()
        .filter_map(|g| match &g.scope {
            Scope::Domain(DomainRef::Own(id)) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let log = recovery_tests_log(&portal, anna);
    let logged_grants: BTreeSet<String> = log
        .iter()
        .filter(|e| e.event.action == AccessAction::Grant)
        .filter_map(|e| match &e.event.scope {
            Some(Scope::Domain(DomainRef::Own(id))) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        granted, logged_grants,
        "kill {kill}: grants and their log entries differ"
    );
    for id in &reported.grants {
        assert!(
            granted.contains(id),
            "kill {kill}: reported grant {id} lost"
        );
    }

    // Proposals: each accepted one with its goal and its log entry, no goal or entry without.
    let proposals = portal.proposals(anna, None).unwrap();
    let accept_entries: BTreeSet<String> = log
        .iter()
        .filter(|e| e.event.action == AccessAction::AcceptProposal)
        .filter_map(|e| e.event.target.map(|t| t.to_string()))
        .collect();
    let propose_entries: BTreeSet<String> = log
        .iter()
        .filter(|e| e.event.action == AccessAction::Propose)
        .filter_map(|e| e.event.target.map(|t| t.to_string()))
        .collect();
    let mut from_proposals = BTreeSet::new();
    for p in &proposals {
        let id = p.id.to_string();
        assert!(
            propose_entries.contains(&id),
            "kill {kill}: proposal {id} without its log entry"
        );
        match p.status {
            ProposalStatus::Accepted => {
                let item = p.accepted_as.unwrap().to_string();
                assert!(
                    goals.contains_key(&item),
                    "kill {kill}: accepted proposal {id} without its goal"
                );
                assert!(
                    accept_entries.contains(&id),
                    "kill {kill}: accepted proposal {id} without its log entry"
                );
                from_proposals.insert(item);
            }
            _ => assert!(
                !accept_entries.contains(&id),
                "kill {kill}: an acceptance logged for undecided proposal {id}"
            ),
        }
    }
    assert_eq!(propose_entries.len(), proposals.len());
    let nurse_goals: BTreeSet<String> = goals
        .values()
        .filter(|g| g.content.authored_by == cast.nurse.id)
        .map(|g| g.id.to_string())
        .collect();
    assert_eq!(
        nurse_goals, from_proposals,
        "kill {kill}: a provider's goal without its accepted proposal"
    );
    let known: BTreeSet<String> = proposals.iter().map(|p| p.id.to_string()).collect();
    for id in &reported.proposals {
        assert!(
            known.contains(id),
            "kill {kill}: reported proposal {id} lost"
        );
    }
    for (proposal, item) in &reported.accepted {
        let p = proposals
            .iter()
            .find(|p| &p.id.to_string() == proposal)
            .unwrap();
        assert_eq!(p.status, ProposalStatus::Accepted, "kill {kill}");
        assert_eq!(&p.accepted_as.unwrap().to_string(), item, "kill {kill}");
    }

    // The forum: every reported post, and each thread's counters match its posts.
    let mut posts = BTreeMap::new();
    for thread in all_threads(&portal, &cast.moderator).unwrap() {
        let in_thread = all_posts(&portal, &cast.moderator, thread.id).unwrap();
        assert_eq!(
            thread.posts as usize,
            in_thread.len(),
            "kill {kill}: thread {} counts {} posts and holds {}",
            thread.id,
            thread.posts,
            in_thread.len()
        );
        assert_eq!(
            Some(thread.last_post_at),
            in_thread.iter().map(|p| p.created_at).max(),
            "kill {kill}: thread {} has a stale last-post time",
            thread.id
        );
        for post in in_thread {
            posts.insert(post.id.to_string(), thread.id.to_string());
        }
    }
    for (post, thread) in &reported.posts {
        assert_eq!(
            posts.get(post),
            Some(thread),
            "kill {kill}: reported post {post} lost"
        );
    }

    // Messages: every reported one with its snapshots; in each conversation the messages
    // numbered 1 to its last number with no gap, its last-message time the newest one's; each
    // message and snapshot with its access-log entry, and no entry without them.
    let mut messages = BTreeMap::new();
    let mut attachments = BTreeSet::new();
    for overview in portal.inbox(anna).unwrap().conversations {
        let conversation = overview.conversation;
        let all = all_messages(&portal, anna, conversation.id);
        let numbers: Vec<u64> = all.iter().map(|m| m.seq).collect();
        assert_eq!(
            numbers,
            (1..=conversation.last_seq).collect::<Vec<_>>(),
            "kill {kill}: conversation {} has messages {numbers:?}",
            conversation.id
        );
        assert_eq!(
            Some(conversation.last_message_at),
            all.iter().map(|m| m.sent_at).max(),
            "kill {kill}: conversation {} has a stale last-message time",
            conversation.id
        );
        for message in all {
            for attachment in &message.attachments {
                let snapshot = portal.attachment(anna, attachment.id).unwrap();
                assert_eq!(snapshot.message, message.id, "kill {kill}");
                attachments.insert(attachment.id.to_string());
            }
            messages.insert(
                message.id.to_string(),
                (conversation.id.to_string(), message.attachments.len()),
            );
        }
    }
    for (id, sent) in &reported.messages {
        assert_eq!(
            messages.get(id),
            Some(sent),
            "kill {kill}: reported message {id} lost or changed"
        );
    }
    let targets = |action: AccessAction| -> BTreeSet<String> {
        log.iter()
            .filter(|e| e.event.action == action)
            .filter_map(|e| e.event.target.map(|t| t.to_string()))
            .collect()
    };
    assert_eq!(
        targets(AccessAction::SendMessage),
        messages.keys().cloned().collect::<BTreeSet<_>>(),
        "kill {kill}: messages and their log entries differ"
    );
    assert_eq!(
        targets(AccessAction::Attach),
        attachments,
        "kill {kill}: snapshots and their log entries differ"
    );

    // The diary.
    let diary: BTreeSet<String> = portal
        .diary(anna)
        .unwrap()
        .into_iter()
        .map(|e| e.id.to_string())
        .collect();
    for id in &reported.diary {
        assert!(
            diary.contains(id),
            "kill {kill}: reported diary entry {id} lost"
        );
    }
}

/// Every message of a conversation, as Anna reads them, oldest first.
fn all_messages(portal: &Portal, anna: &Actor, conversation: ConversationId) -> Vec<Message> {
    let mut messages = Vec::new();
    let mut before = None;
    loop {
        let page = portal
            .messages(anna, conversation, before, MESSAGE_PAGE_MAX)
            .unwrap();
        messages.extend(page.messages);
        match page.next {
            Some(next) => before = Some(next),
            None => break,
        }
    }
    messages.reverse();
    messages
}

/// Anna's whole access log, oldest first.
fn recovery_tests_log(
    portal: &Portal,
    anna: &Actor,
) -> Vec<recovery_core::model::audit::AccessEntry> {
    let mut filter = AccessLogFilter {
        limit: ACCESS_PAGE_MAX,
        ..AccessLogFilter::default()
    };
    let mut entries = Vec::new();
    loop {
        let page = portal.access_log(anna, filter.clone()).unwrap();
        entries.extend(page.entries);
        match page.next {
            Some(next) => filter.before = Some(next),
            None => break,
        }
    }
    entries.reverse();
    entries
}

#[test]
fn every_command_reported_before_a_kill_is_whole_after_reopening() {
    let kills = size(50, 1_000);
    let base = seed(0x5EED_C4A5);
    let mut rng = Seeded::new(base);
    let dir = tempfile::tempdir().unwrap();
    let (mut total_commands, mut total_messages) = (0, 0);
    for file in 0..kills.div_ceil(KILLS_PER_FILE) {
        let db = dir.path().join(format!("crash-{file}.sqlite"));
        let cast = {
            let portal = Portal::open(&db, config()).unwrap();
            Cast::register(&portal).unwrap()
        };
        let mut reported = Reported::default();
        let runs = KILLS_PER_FILE.min(kills - file * KILLS_PER_FILE);
        for run in 0..runs {
            let kill = file * KILLS_PER_FILE + run;
            // From just after the start (inside opening and recovery) to well into the run.
            let delay = Duration::from_millis(2 + rng.below(120) as u64);
            for line in run_and_kill(&db, &cast, rng.next_u64(), delay) {
                reported.take(&line);
            }
            check(&db, &cast, &reported, kill);
        }
        assert!(
            reported.commands > 0,
            "file {file}: no child got as far as one command before its kill"
        );
        total_commands += reported.commands;
        total_messages += reported.messages.len();
    }
    eprintln!(
        "{kills} kills; {total_commands} commands reported and found whole, \
         {total_messages} of them messages"
    );
    assert!(total_messages > 0, "no child got as far as a message");
}
