//! The other process of the durability tests (`durability-child`). The tests start it; nobody
//! else needs to.
//!
//! - `crash DB SEED ANNA NURSE MODERATOR BO`: runs random portal commands on DB for ever, and
//!   prints one line per command after the call has returned (so its transaction committed),
//!   naming what it made (toolbox items, grants, proposals, forum posts, messages). The parent
//!   kills it with SIGKILL at a random moment.
//! - `write DB ACTOR COUNT`: adds COUNT goals as ACTOR, printing `goal ID` after each.
//! - `hold DB`: takes SQLite's write lock on DB with a connection of its own, prints `locked`,
//!   and keeps it until its standard input closes. `hold-exclusive DB` does the same in
//!   SQLite's exclusive locking mode, which keeps readers out too.
//! - `open DB`: opens a portal on DB and prints `opened`, or `refused` and the error.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, Write};
use std::path::Path;

use recovery_core::model::team::{Level, Scope};
use recovery_core::*;
use recovery_tests::durability::{Cast, Seeded, all_threads, config, housing};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str);
    let outcome = match (mode, args.get(1)) {
        (Some("crash"), Some(db)) => crash(Path::new(db), &args[2..]),
        (Some("write"), Some(db)) => write(Path::new(db), &args[2..]),
        (Some("hold"), Some(db)) => hold(Path::new(db), false),
        (Some("hold-exclusive"), Some(db)) => hold(Path::new(db), true),
        (Some("open"), Some(db)) => {
            match Portal::open(db, config()) {
                Ok(_) => report(format_args!("opened")),
                Err(e) => report(format_args!("refused {e:?}")),
            }
            Ok(())
        }
        _ => Err("usage: durability-child crash|write|hold DB ...".to_owned()),
    };
    if let Err(e) = outcome {
        eprintln!("durability-child: {e}");
        std::process::exit(2);
    }
}

/// Prints a line and makes sure it has left the process before the next command starts.
fn report(line: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    out.write_fmt(line).unwrap();
    out.write_all(b"\n").unwrap();
    out.flush().unwrap();
}

/// Text long enough that a command's transaction spans several pages of the log.
fn long_text(rng: &mut Seeded, n: usize) -> String {
    let words = [
        "walked", "slept", "called", "my", "sister", "today", "the", "flat", "was", "quiet",
        "søvn", "tur", "kaffe", "🙂",
    ];
    let count = 50 + rng.below(n);
    (0..count)
        .map(|_| *rng.pick(&words))
        .collect::<Vec<_>>()
        .join(" ")
}

fn crash(db: &Path, args: &[String]) -> Result<(), String> {
    let seed: u64 = args.first().and_then(|s| s.parse().ok()).ok_or("a seed")?;
    let cast = Cast::from_args(&args[1..]).ok_or("the cast's ids")?;
    let mut rng = Seeded::new(seed);
    let portal = Portal::open(db, config()).map_err(|e| e.to_string())?;
    let anna = &cast.anna;
    let mut goals: Vec<GoalId> = portal
        .goals(anna, None)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|g| g.id)
        .collect();
    let mut threads: Vec<ThreadId> = all_threads(&portal, &cast.moderator)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|t| t.id)
        .collect();
    let mut conversations: Vec<ConversationId> = portal
        .inbox(anna)
        .map_err(|e| e.to_string())?
        .conversations
        .into_iter()
        .map(|c| c.conversation.id)
        .collect();
    for n in 0u64.. {
        match rng.below(11) {
            0 => {
                let mut new = NewGoal::new(housing(), format!("Goal {seed}-{n}"));
                new.why = long_text(&mut rng, 2_000);
                let goal = portal.add_goal(anna, new).map_err(|e| e.to_string())?;
                report(format_args!("goal {}", goal.id));
                goals.push(goal.id);
            }
            1 if !goals.is_empty() => {
                let goal = *rng.pick(&goals);
                let activity = portal
                    .add_activity(
                        anna,
                        NewActivity {
                            goal,
                            title: format!("Step {seed}-{n}"),
                            due: None,
                        },
                    )
                    .map_err(|e| e.to_string())?;
                report(format_args!("activity {} {goal}", activity.id));
            }
            2 if !goals.is_empty() => {
                let id = *rng.pick(&goals);
                let current = portal
                    .goals(anna, None)
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .find(|g| g.id == id)
                    .ok_or("a known goal")?;
                let mut edit = GoalEdit::from(&current.content);
                edit.title = format!("Goal {seed}-{n}, edited");
                edit.why = long_text(&mut rng, 1_000);
                let goal = portal
                    .edit_goal(anna, id, edit)
                    .map_err(|e| e.to_string())?;
                report(format_args!("edit {} {}", goal.id, goal.version));
            }
            3 => {
                let domain = portal
                    .add_domain(anna, &format!("Domain {seed}-{n}"))
                    .map_err(|e| e.to_string())?;
                report(format_args!("domain {}", domain.id));
                portal
                    .share(
                        anna,
                        cast.nurse.id,
                        Scope::Domain(DomainRef::Own(domain.id)),
                        Sharing::level(Level::View),
                    )
                    .map_err(|e| e.to_string())?;
                report(format_args!("grant {}", domain.id));
            }
            4 => {
                let mut new = NewGoal::new(housing(), format!("Proposal {seed}-{n}"));
                new.why = long_text(&mut rng, 500);
                let proposal = portal
                    .propose_goal(&cast.nurse, anna.id, new)
                    .map_err(|e| e.to_string())?;
                report(format_args!("proposal {}", proposal.id));
                let decided = portal
                    .decide_proposal(anna, proposal.id, true)
                    .map_err(|e| e.to_string())?;
                let item = decided.accepted_as.ok_or("an accepted proposal's goal")?;
                report(format_args!("accepted {} {item}", proposal.id));
                goals.push(GoalId::from_uuid(item.as_uuid()));
            }
            5 => {
                let author = if rng.below(2) == 0 { anna } else { &cast.bo };
                let (thread, posted) = portal
                    .start_thread(
                        author,
                        NewThread {
                            category: "everyday-life".into(),
                            title: format!("Thread {seed}-{n}"),
                            body: long_text(&mut rng, 1_500),
                        },
                    )
                    .map_err(|e| e.to_string())?;
                report(format_args!("thread {} {}", thread.id, posted.post.id));
                threads.push(thread.id);
            }
            6 if !threads.is_empty() => {
                let thread = *rng.pick(&threads);
                let author = if rng.below(2) == 0 { anna } else { &cast.bo };
                let posted = portal
                    .reply(author, thread, &long_text(&mut rng, 800))
                    .map_err(|e| e.to_string())?;
                report(format_args!("post {thread} {}", posted.post.id));
            }
            7 => {
                let entry = portal
                    .add_diary_entry(
                        anna,
                        DiaryEntry {
                            day: chrono::Utc::now().date_naive(),
                            text: long_text(&mut rng, 3_000),
                        },
                    )
                    .map_err(|e| e.to_string())?;
                report(format_args!("diary {}", entry.id));
            }
            8 | 9 => {
                // A message from Anna (sometimes with a snapshot of a goal) or from her nurse,
                // in a new conversation or an earlier one.
                let by_anna = rng.below(2) == 0;
                let (author, other) = if by_anna {
                    (anna, &cast.nurse)
                } else {
                    (&cast.nurse, anna)
                };
                let mut message = NewMessage::text(long_text(&mut rng, 1_500));
                if by_anna && !goals.is_empty() && rng.below(2) == 0 {
                    message = message.attach(Attach::Goal(*rng.pick(&goals)));
                }
                if conversations.is_empty() || rng.below(4) == 0 {
                    let started = portal
                        .start_conversation(
                            author,
                            NewConversation {
                                with: vec![other.id],
                                subject: format!("About {seed}-{n}"),
                                message,
                            },
                        )
                        .map_err(|e| e.to_string())?;
                    let id = started.conversation.id;
                    report(format_args!(
                        "message {id} {} {}",
                        started.message.id,
                        started.message.attachments.len()
                    ));
                    conversations.push(id);
                } else {
                    let id = *rng.pick(&conversations);
                    let sent = portal
                        .send_message(author, id, message)
                        .map_err(|e| e.to_string())?;
                    report(format_args!(
                        "message {id} {} {}",
                        sent.id,
                        sent.attachments.len()
                    ));
                }
            }
            _ => {
                portal
                    .view(&cast.nurse, anna.id, &Scope::Domain(housing()))
                    .map_err(|e| e.to_string())?;
                report(format_args!("view"));
            }
        }
    }
    Ok(())
}

fn write(db: &Path, args: &[String]) -> Result<(), String> {
    let actor = Actor::new(
        args.first()
            .and_then(|s| s.parse().ok())
            .ok_or("an actor id")?,
    );
    let count: usize = args.get(1).and_then(|s| s.parse().ok()).ok_or("a count")?;
    let portal = Portal::open(db, config()).map_err(|e| e.to_string())?;
    for n in 0..count {
        let goal = portal
            .add_goal(&actor, NewGoal::new(housing(), format!("Goal {n}")))
            .map_err(|e| e.to_string())?;
        report(format_args!("goal {}", goal.id));
    }
    Ok(())
}

fn hold(db: &Path, exclusive: bool) -> Result<(), String> {
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    if exclusive {
        // The first write after this takes the lock for as long as the connection lives.
        conn.execute_batch("PRAGMA locking_mode = EXCLUSIVE")
            .map_err(|e| e.to_string())?;
    }
    // A write that changes nothing (the id it already has), rolled back at the end.
    conn.execute_batch(&format!(
        "BEGIN IMMEDIATE; PRAGMA application_id = {};",
        recovery_core::store::SqliteStore::APPLICATION_ID
    ))
    .map_err(|e| e.to_string())?;
    report(format_args!("locked"));
    // Hold the lock until the parent closes our standard input (or dies).
    for line in std::io::stdin().lock().lines() {
        if line.is_err() {
            break;
        }
    }
    conn.execute_batch("ROLLBACK").map_err(|e| e.to_string())?;
    Ok(())
}
