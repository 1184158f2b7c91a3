//! The tour as a newcomer runs it: a built program on a real file. Bad input ends it with one
//! `error:` line and a non-zero exit, leaving the file alone; a second run on the same file
//! finds the same service user and shows the history grown.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// Builds the tour once for all tests here and returns the path of its executable.
fn tour_executable() -> &'static Path {
    static EXECUTABLE: OnceLock<PathBuf> = OnceLock::new();
    EXECUTABLE.get_or_init(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
        let output = Command::new(env!("CARGO"))
            .args([
                "build",
                "--quiet",
                "--message-format=json",
                "-p",
                "examples",
                "--example",
                "tour",
            ])
            .arg("--manifest-path")
            .arg(&manifest)
            .output()
            .expect("cargo can be started");
        assert!(
            output.status.success(),
            "building the tour failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .find(|message| {
                message["target"]["name"] == "tour" && message["executable"].is_string()
            })
            .and_then(|message| message["executable"].as_str().map(PathBuf::from))
            .expect("cargo reports the tour's executable")
    })
}

fn run_tour(args: &[&Path]) -> Output {
    Command::new(tour_executable())
        .args(args)
        .output()
        .expect("the tour can be started")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("the tour prints UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("the tour prints UTF-8")
}

/// Asserts a clean failure: a non-zero exit (not a panic's 101) and one `error:` line.
fn assert_fails_cleanly(output: &Output) {
    let err = stderr(output);
    assert!(
        !output.status.success(),
        "the tour succeeded:\n{}",
        stdout(output)
    );
    assert_ne!(output.status.code(), Some(101), "the tour panicked:\n{err}");
    assert_eq!(err.lines().count(), 1, "stderr is not one line:\n{err}");
    assert!(
        err.starts_with("error: "),
        "stderr does not start with `error: `:\n{err}"
    );
}

#[test]
fn text_file_as_database_fails_cleanly_and_stays_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    let text = "Things I want to remember.\nCall the housing office on Monday.\n".repeat(200);
    std::fs::write(&notes, &text).unwrap();

    let output = run_tour(&[&notes]);

    assert_fails_cleanly(&output);
    assert_eq!(
        std::fs::read(&notes).unwrap(),
        text.as_bytes(),
        "the text file changed"
    );
    assert!(
        !dir.path().join("notes.txt.tour-user").exists(),
        "the tour wrote its id file beside a file it could not open"
    );
}

#[test]
fn two_arguments_are_a_usage_error_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tour.sqlite");

    let output = run_tour(&[&db, Path::new("extra")]);

    assert_fails_cleanly(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("usage: tour"),
        "{}",
        stderr(&output)
    );
    assert!(!db.exists(), "a usage error created the database");
}

#[test]
fn directory_as_database_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();

    let output = run_tour(&[dir.path()]);

    assert_fails_cleanly(&output);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "the tour wrote into the directory"
    );
}

#[test]
fn later_runs_find_the_same_user_and_show_the_history_grown() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tour.sqlite");

    let first = run_tour(&[&db]);
    assert!(
        first.status.success(),
        "first run failed: {}",
        stderr(&first)
    );
    let first = stdout(&first);
    assert!(first.contains("(first run)"), "{first}");
    assert!(first.contains("Dashboard for Anna"), "{first}");
    assert!(first.contains("Goal: Find a flat of my own"), "{first}");
    assert!(
        first.contains("status history for Housing: 2 entries before, 2 after"),
        "{first}"
    );

    let second = run_tour(&[&db]);
    assert!(
        second.status.success(),
        "second run failed: {}",
        stderr(&second)
    );
    assert!(
        second.stderr.is_empty(),
        "second run wrote to stderr: {}",
        stderr(&second)
    );
    let second = stdout(&second);
    assert!(second.contains("run 2: welcome back, Anna"), "{second}");
    assert!(
        second.contains("status history for Housing: 3 entries"),
        "{second}"
    );
    assert!(
        second.contains("versions of the goal \"Find a flat of my own\": 2"),
        "{second}"
    );
    assert!(
        second.contains("completions of \"Call the housing office\": 1"),
        "{second}"
    );
    assert!(
        second.contains("completions of \"Call the housing office\": 1 before, 1 after"),
        "{second}"
    );

    let third = stdout(&run_tour(&[&db]));
    assert!(
        third.contains("status history for Housing: 4 entries"),
        "{third}"
    );
    assert!(
        third.contains("versions of the goal \"Find a flat of my own\": 3"),
        "{third}"
    );
}

#[test]
fn first_run_shows_sharing_the_access_log_messages_forum_moderation_and_usage() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("tour.sqlite");
    let output = run_tour(&[&db]);
    assert!(output.status.success(), "stderr: {}", stderr(&output));
    let out = stdout(&output);
    for expected in [
        "reads Housing: 1 goal(s)",
        "tries Finances: denied (not shared with the actor)",
        "very next read is denied",
        "Anna revoked domain/catalogue:housing from Nils Berg",
        "The access log's hash chain holds 7 entries and is intact.",
        "Nils Berg has 1 unread message(s).",
        "readable though nothing is shared): Sertraline, Melatonin.",
        "Anna has 1 unread message(s).",
        "held for review",
        "the post is now Hidden",
        "\"Mornings are the hardest\" by \"Lark\", 3 flagger(s)",
        "approved it: Visible again",
        "forum                service users: 2 visit(s), 1 posting(s), 1 person(s)",
        "Involvement: 1 of 4 service users wrote a goal of their own, 1 shared a scope, 1 made a crisis plan.",
        "message(s) from the service user, 1 from providers.",
        "and no names, ids or text anyone wrote.",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}
