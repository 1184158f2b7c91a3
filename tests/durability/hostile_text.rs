//! Hostile text: NUL, control characters, bidirectional overrides, zero-width characters,
//! combining marks, noncharacters, private use, SQL and JSON metacharacters, megabyte strings
//! and proptest's arbitrary strings, into every text field of every capability, through
//! `Portal` on an SQLite file. Each call either fails with `Error::Invalid` naming that field
//! and the same problem the text rules (`policy::text::clean`) find, or succeeds, and the
//! stored text reads back exactly as the rules normalise it (NFC). Never a panic; afterwards
//! the file passes `integrity_check` and the access log verifies.
//!
//! Rust strings cannot hold unpaired surrogates: those can only reach the library through the
//! bindings (Kotlin's and Swift's strings can hold them), and are tested there.
//!
//! CI runs 12 generated strings per field; the full run 256:
//!
//! ```text
//! RECOVERY_DURABILITY_FULL=1 cargo test --release -p recovery-tests --test hostile_text
//! ```

#![allow(clippy::unwrap_used)]

use chrono::Utc;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use recovery_core::model::forum::ForumReason;
use recovery_core::policy::text::{TextKind, clean};
use recovery_core::*;
use recovery_tests::durability::{Cast, all_posts, config, housing, integrity, size};

/// The people and things the calls act on.
struct Stage {
    portal: Portal,
    cast: Cast,
    /// A member the moderator suspends and lifts, again and again.
    carl: MemberId,
    goal: GoalId,
    activity: ActivityId,
    /// The first exercise's key.
    exercise: String,
    /// A conversation between Anna and her nurse.
    conversation: ConversationId,
}

/// Runs one call with the hostile text in one field, and reads the stored text back.
type Sink = fn(&Stage, &str) -> Result<String>;

fn today() -> chrono::NaiveDate {
    Utc::now().date_naive()
}

fn medication(name: &str, dose: &str, purpose: &str, exp: &str, q: &str) -> Medication {
    Medication {
        name: name.into(),
        dose: dose.into(),
        purpose: purpose.into(),
        prescribed: true,
        status: MedicationStatus::Active,
        experiences: exp.into(),
        questions: q.into(),
    }
}

fn with_medication(s: &Stage, m: Medication, read: fn(&Medication) -> &String) -> Result<String> {
    let id = s.portal.add_medication(&s.cast.anna, m)?.id;
    let found = s.portal.medications(&s.cast.anna)?;
    Ok(read(&found.into_iter().find(|x| x.id == id).unwrap().content).clone())
}

fn with_plan(s: &Stage, plan: CrisisPlan, read: fn(&CrisisPlan) -> &String) -> Result<String> {
    s.portal.set_crisis_plan(&s.cast.anna, plan)?;
    let plan = s.portal.crisis_plan(&s.cast.anna)?.unwrap();
    Ok(read(&plan.content).clone())
}

fn with_status(s: &Stage, now: &str, helps: &str, hinders: &str) -> Result<StatusEntry> {
    let id = s
        .portal
        .add_status(
            &s.cast.anna,
            NewStatus {
                domain: housing(),
                now: now.into(),
                helps: helps.into(),
                hinders: hinders.into(),
                rating: None,
            },
        )?
        .id;
    let history = s.portal.status_history(&s.cast.anna, &housing())?;
    Ok(history.into_iter().find(|x| x.id == id).unwrap().content)
}

fn with_goal(s: &Stage, title: &str, why: &str) -> Result<Goal> {
    let mut new = NewGoal::new(housing(), title);
    new.why = why.into();
    let id = s.portal.add_goal(&s.cast.anna, new)?.id;
    let goals = s.portal.goals(&s.cast.anna, None)?;
    Ok(goals.into_iter().find(|g| g.id == id).unwrap().content)
}

/// A fresh visible post by Bo, and its thread.
fn bos_post(s: &Stage) -> (ThreadId, PostId) {
    let (thread, posted) = s
        .portal
        .start_thread(
            &s.cast.bo,
            NewThread {
                category: "everyday-life".into(),
                title: "Sleep".into(),
                body: "What helps you sleep?".into(),
            },
        )
        .unwrap();
    (thread.id, posted.post.id)
}

/// A post as the moderator sees it.
fn post(s: &Stage, thread: ThreadId, id: PostId) -> PostView {
    all_posts(&s.portal, &s.cast.moderator, thread)
        .unwrap()
        .into_iter()
        .find(|p| p.id == id)
        .unwrap()
}

/// The note of the latest moderator action about a member.
fn last_note(s: &Stage, member: MemberId) -> String {
    let record = s.portal.member_record(&s.cast.moderator, member).unwrap();
    record.actions.last().unwrap().note.clone()
}

fn note(text: &str) -> ModeratorNote {
    ModeratorNote::new(ForumReason::Other, text)
}

/// A message's body as the nurse reads it.
fn message_body(s: &Stage, conversation: ConversationId, id: MessageId) -> String {
    let page = s
        .portal
        .messages(&s.cast.nurse, conversation, None, 0)
        .unwrap();
    page.messages.into_iter().find(|m| m.id == id).unwrap().body
}

/// Every text field of every capability: its name in errors, its kind, and the call.
const SINKS: &[(&str, TextKind, Sink)] = &[
    ("person.display_name", TextKind::Title, |s, t| {
        let id = s.portal.register(NewPerson::service_user(t))?.id;
        Ok(s.portal.me(&Actor::new(id))?.display_name)
    }),
    ("person.provider.organisation", TextKind::Title, |s, t| {
        let new = NewPerson::provider("Nils", Profession::Psychologist, t);
        let id = s.portal.register(new)?.id;
        Ok(s.portal.me(&Actor::new(id))?.provider.unwrap().organisation)
    }),
    ("domain.label", TextKind::Title, |s, t| {
        let id = s.portal.add_domain(&s.cast.anna, t)?.id;
        let domains = s.portal.domains(&s.cast.anna)?;
        let d = domains.into_iter().find(|d| d.domain == DomainRef::Own(id));
        Ok(d.unwrap().label.en)
    }),
    ("domain.label", TextKind::Title, |s, t| {
        let id = s.portal.add_domain(&s.cast.anna, "Music")?.id;
        s.portal.rename_domain(&s.cast.anna, id, t)?;
        let domains = s.portal.domains(&s.cast.anna)?;
        let d = domains.into_iter().find(|d| d.domain == DomainRef::Own(id));
        Ok(d.unwrap().label.en)
    }),
    ("what_matters.text", TextKind::Body, |s, t| {
        s.portal.set_what_matters(&s.cast.anna, t)?;
        Ok(s.portal.what_matters(&s.cast.anna)?.unwrap().content.text)
    }),
    ("status.now", TextKind::Body, |s, t| {
        Ok(with_status(s, t, "", "")?.now)
    }),
    ("status.helps", TextKind::OptionalBody, |s, t| {
        Ok(with_status(s, "Fine", t, "")?.helps)
    }),
    ("status.hinders", TextKind::OptionalBody, |s, t| {
        Ok(with_status(s, "Fine", "", t)?.hinders)
    }),
    ("goal.title", TextKind::Title, |s, t| {
        Ok(with_goal(s, t, "")?.title)
    }),
    ("goal.why", TextKind::OptionalBody, |s, t| {
        Ok(with_goal(s, "Find a flat", t)?.why)
    }),
    ("goal.title", TextKind::Title, |s, t| {
        let goal = s.portal.goals(&s.cast.anna, None)?;
        let goal = goal.into_iter().find(|g| g.id == s.goal).unwrap();
        let mut edit = GoalEdit::from(&goal.content);
        edit.title = t.into();
        s.portal.edit_goal(&s.cast.anna, s.goal, edit)?;
        let goal = s.portal.goals(&s.cast.anna, None)?;
        Ok(goal
            .into_iter()
            .find(|g| g.id == s.goal)
            .unwrap()
            .content
            .title)
    }),
    ("activity.title", TextKind::Title, |s, t| {
        let new = NewActivity {
            goal: s.goal,
            title: t.into(),
            due: None,
        };
        let id = s.portal.add_activity(&s.cast.anna, new)?.id;
        let all = s.portal.activities(&s.cast.anna, s.goal)?;
        Ok(all.into_iter().find(|a| a.id == id).unwrap().content.title)
    }),
    ("activity.title", TextKind::Title, |s, t| {
        let edit = ActivityEdit {
            title: t.into(),
            due: None,
            state: ActivityState::Planned,
        };
        s.portal.edit_activity(&s.cast.anna, s.activity, edit)?;
        let all = s.portal.activities(&s.cast.anna, s.goal)?;
        Ok(all
            .into_iter()
            .find(|a| a.id == s.activity)
            .unwrap()
            .content
            .title)
    }),
    ("completion.note", TextKind::OptionalBody, |s, t| {
        let id = s
            .portal
            .complete_activity(&s.cast.anna, s.activity, today(), t)?
            .id;
        let all = s.portal.completions(&s.cast.anna, s.activity)?;
        Ok(all.into_iter().find(|c| c.id == id).unwrap().content.note)
    }),
    ("medication.name", TextKind::Title, |s, t| {
        with_medication(s, medication(t, "", "", "", ""), |m| &m.name)
    }),
    ("medication.dose", TextKind::OptionalTitle, |s, t| {
        with_medication(s, medication("Sertraline", t, "", "", ""), |m| &m.dose)
    }),
    ("medication.purpose", TextKind::OptionalBody, |s, t| {
        with_medication(s, medication("Sertraline", "", t, "", ""), |m| &m.purpose)
    }),
    ("medication.experiences", TextKind::OptionalBody, |s, t| {
        with_medication(s, medication("Sertraline", "", "", t, ""), |m| {
            &m.experiences
        })
    }),
    ("medication.questions", TextKind::OptionalBody, |s, t| {
        with_medication(s, medication("Sertraline", "", "", "", t), |m| &m.questions)
    }),
    ("network_person.label", TextKind::Title, |s, t| {
        let person = NetworkPerson {
            label: t.into(),
            relation: Relation::Friend,
            closeness: 1,
            support: vec![SupportKind::Emotional],
            provider: None,
        };
        let id = s.portal.add_network_person(&s.cast.anna, person)?.id;
        let all = s.portal.network(&s.cast.anna)?;
        Ok(all.into_iter().find(|p| p.id == id).unwrap().content.label)
    }),
    (
        "crisis_plan.warning_signs",
        TextKind::OptionalBody,
        |s, t| {
            let plan = CrisisPlan {
                warning_signs: t.into(),
                ..CrisisPlan::default()
            };
            with_plan(s, plan, |p| &p.warning_signs)
        },
    ),
    ("crisis_plan.what_helps", TextKind::OptionalBody, |s, t| {
        let plan = CrisisPlan {
            what_helps: t.into(),
            ..CrisisPlan::default()
        };
        with_plan(s, plan, |p| &p.what_helps)
    }),
    (
        "crisis_plan.what_does_not_help",
        TextKind::OptionalBody,
        |s, t| {
            let plan = CrisisPlan {
                what_does_not_help: t.into(),
                ..CrisisPlan::default()
            };
            with_plan(s, plan, |p| &p.what_does_not_help)
        },
    ),
    ("crisis_plan.contacts", TextKind::OptionalBody, |s, t| {
        let plan = CrisisPlan {
            contacts: t.into(),
            ..CrisisPlan::default()
        };
        with_plan(s, plan, |p| &p.contacts)
    }),
    (
        "crisis_plan.do_not_involve",
        TextKind::OptionalBody,
        |s, t| {
            let plan = CrisisPlan {
                do_not_involve: t.into(),
                ..CrisisPlan::default()
            };
            with_plan(s, plan, |p| &p.do_not_involve)
        },
    ),
    (
        "crisis_plan.treatment_preferences",
        TextKind::OptionalBody,
        |s, t| {
            let plan = CrisisPlan {
                treatment_preferences: t.into(),
                ..CrisisPlan::default()
            };
            with_plan(s, plan, |p| &p.treatment_preferences)
        },
    ),
    (
        "exercise_completion.note",
        TextKind::OptionalBody,
        |s, t| {
            let id = s
                .portal
                .complete_exercise(&s.cast.anna, &s.exercise, today(), t)?
                .id;
            let all = s.portal.exercise_completions(&s.cast.anna)?;
            Ok(all.into_iter().find(|c| c.id == id).unwrap().content.note)
        },
    ),
    ("diary.text", TextKind::Body, |s, t| {
        let entry = DiaryEntry {
            day: today(),
            text: t.into(),
        };
        let id = s.portal.add_diary_entry(&s.cast.anna, entry)?.id;
        let all = s.portal.diary(&s.cast.anna)?;
        Ok(all.into_iter().find(|d| d.id == id).unwrap().content.text)
    }),
    ("measure.name", TextKind::Title, |s, t| {
        let measure = Measure {
            name: t.into(),
            kind: MeasureKind::Scale,
        };
        let id = s.portal.add_measure(&s.cast.anna, measure)?.id;
        let all = s.portal.measures(&s.cast.anna)?;
        Ok(all.into_iter().find(|m| m.id == id).unwrap().content.name)
    }),
    ("measure.unit", TextKind::OptionalTitle, |s, t| {
        let measure = Measure {
            name: "Sleep".into(),
            kind: MeasureKind::Number { unit: t.into() },
        };
        let id = s.portal.add_measure(&s.cast.anna, measure)?.id;
        let all = s.portal.measures(&s.cast.anna)?;
        match all.into_iter().find(|m| m.id == id).unwrap().content.kind {
            MeasureKind::Number { unit } => Ok(unit),
            other => panic!("{other:?}"),
        }
    }),
    ("goal.title", TextKind::Title, |s, t| {
        let id = s
            .portal
            .propose_goal(&s.cast.nurse, s.cast.anna.id, NewGoal::new(housing(), t))?
            .id;
        let all = s.portal.proposals(&s.cast.anna, None)?;
        match all.into_iter().find(|p| p.id == id).unwrap().content {
            recovery_core::model::team::ProposalContent::Goal { title, .. } => Ok(title),
            other => panic!("{other:?}"),
        }
    }),
    ("comment.text", TextKind::Body, |s, t| {
        let id = s.portal.comment(&s.cast.nurse, s.goal, t)?.id;
        let all = s.portal.comments(&s.cast.anna, s.goal)?;
        Ok(all.into_iter().find(|c| c.id == id).unwrap().text)
    }),
    ("thread.title", TextKind::Title, |s, t| {
        let new = NewThread {
            category: "everyday-life".into(),
            title: t.into(),
            body: "Hello".into(),
        };
        let (thread, _) = s.portal.start_thread(&s.cast.anna, new)?;
        let page = s
            .portal
            .thread_page(&s.cast.moderator, thread.id, None, 1)?;
        Ok(page.thread.title)
    }),
    ("thread.body", TextKind::Body, |s, t| {
        let new = NewThread {
            category: "everyday-life".into(),
            title: "Hello".into(),
            body: t.into(),
        };
        let (thread, posted) = s.portal.start_thread(&s.cast.anna, new)?;
        Ok(post(s, thread.id, posted.post.id).body.unwrap())
    }),
    ("post.body", TextKind::Body, |s, t| {
        let (thread, _) = bos_post(s);
        let posted = s.portal.reply(&s.cast.anna, thread, t)?;
        Ok(post(s, thread, posted.post.id).body.unwrap())
    }),
    ("post.body", TextKind::Body, |s, t| {
        let (thread, _) = bos_post(s);
        let posted = s.portal.reply(&s.cast.anna, thread, "First")?;
        s.portal.edit_post(&s.cast.anna, posted.post.id, t)?;
        Ok(post(s, thread, posted.post.id).body.unwrap())
    }),
    ("flag.note", TextKind::OptionalTitle, |s, t| {
        let (_, id) = bos_post(s);
        let flag = NewFlag {
            reason: ForumReason::Spam,
            note: t.into(),
        };
        s.portal.flag_post(&s.cast.anna, id, flag)?;
        let mut after = None;
        loop {
            let page = s
                .portal
                .review_queue(&s.cast.moderator, after.as_deref(), 100)?;
            if let Some(item) = page.items.iter().find(|i| i.post.id == id) {
                return Ok(item.flags[0].note.clone());
            }
            after = Some(page.next.expect("the flagged post is in the queue"));
        }
    }),
    ("hide.note", TextKind::OptionalBody, |s, t| {
        let (thread, id) = bos_post(s);
        s.portal.hide_post(&s.cast.moderator, id, note(t))?;
        Ok(post(s, thread, id).hidden.unwrap().note)
    }),
    ("edit.body", TextKind::Body, |s, t| {
        let (thread, id) = bos_post(s);
        let edit = ModeratorEdit {
            body: t.into(),
            title: None,
            note: note("Edited"),
        };
        s.portal.moderate_post(&s.cast.moderator, id, edit)?;
        Ok(post(s, thread, id).body.unwrap())
    }),
    ("edit.title", TextKind::Title, |s, t| {
        let (thread, id) = bos_post(s);
        let edit = ModeratorEdit {
            body: "Edited".into(),
            title: Some(t.into()),
            note: note("Edited"),
        };
        s.portal.moderate_post(&s.cast.moderator, id, edit)?;
        let page = s.portal.thread_page(&s.cast.moderator, thread, None, 1)?;
        Ok(page.thread.title)
    }),
    ("edit.note", TextKind::OptionalBody, |s, t| {
        let (thread, id) = bos_post(s);
        let edit = ModeratorEdit {
            body: "Edited".into(),
            title: None,
            note: note(t),
        };
        s.portal.moderate_post(&s.cast.moderator, id, edit)?;
        Ok(post(s, thread, id).moderator_edit.unwrap().note)
    }),
    ("lock.note", TextKind::OptionalBody, |s, t| {
        let (thread, _) = bos_post(s);
        s.portal.lock_thread(&s.cast.moderator, thread, note(t))?;
        let bo = s.portal.forum_standing(&s.cast.bo)?.member;
        Ok(last_note(s, bo))
    }),
    ("warning.note", TextKind::OptionalBody, |s, t| {
        s.portal.warn_member(&s.cast.moderator, s.carl, note(t))?;
        Ok(last_note(s, s.carl))
    }),
    ("suspension.note", TextKind::OptionalBody, |s, t| {
        s.portal
            .suspend_member(&s.cast.moderator, s.carl, note(t))?;
        let stored = last_note(s, s.carl);
        s.portal
            .lift_suspension(&s.cast.moderator, s.carl, "")
            .unwrap();
        Ok(stored)
    }),
    ("lift.note", TextKind::OptionalBody, |s, t| {
        s.portal
            .suspend_member(&s.cast.moderator, s.carl, note("Cooling off"))
            .unwrap();
        let outcome = s.portal.lift_suspension(&s.cast.moderator, s.carl, t);
        if outcome.is_err() {
            s.portal
                .lift_suspension(&s.cast.moderator, s.carl, "")
                .unwrap();
        }
        outcome?;
        Ok(last_note(s, s.carl))
    }),
    ("conversation.subject", TextKind::OptionalTitle, |s, t| {
        let new = NewConversation {
            with: vec![s.cast.nurse.id],
            subject: t.into(),
            message: NewMessage::text("Hello"),
        };
        let id = s
            .portal
            .start_conversation(&s.cast.anna, new)?
            .conversation
            .id;
        let inbox = s.portal.inbox(&s.cast.nurse)?;
        let mut all = inbox.conversations.into_iter();
        Ok(all
            .find(|c| c.conversation.id == id)
            .unwrap()
            .conversation
            .subject)
    }),
    ("message.body", TextKind::Body, |s, t| {
        let new = NewConversation {
            with: vec![s.cast.nurse.id],
            subject: "Before Thursday".into(),
            message: NewMessage::text(t),
        };
        let started = s.portal.start_conversation(&s.cast.anna, new)?;
        Ok(message_body(s, started.conversation.id, started.message.id))
    }),
    ("message.body", TextKind::Body, |s, t| {
        let sent = s
            .portal
            .send_message(&s.cast.anna, s.conversation, NewMessage::text(t))?;
        Ok(message_body(s, s.conversation, sent.id))
    }),
    ("message.body", TextKind::Body, |s, t| {
        let sent = s
            .portal
            .send_message(&s.cast.nurse, s.conversation, NewMessage::text(t))?;
        Ok(message_body(s, s.conversation, sent.id))
    }),
    // A snapshot keeps the goal's text as it was: the title reads back from the attachment.
    ("goal.title", TextKind::Title, |s, t| {
        let id = s
            .portal
            .add_goal(&s.cast.anna, NewGoal::new(housing(), t))?
            .id;
        let message = NewMessage::text("My goal").attach(Attach::Goal(id));
        let sent = s
            .portal
            .send_message(&s.cast.anna, s.conversation, message)?;
        let attachment = s.portal.attachment(&s.cast.nurse, sent.attachments[0].id)?;
        match attachment.snapshot {
            Snapshot::Goal { goal, .. } => Ok(goal.content.title),
            other => panic!("a goal's snapshot is {:?}", other.kind()),
        }
    }),
];

/// Strings chosen to break something.
fn hostile() -> Vec<String> {
    let mut texts: Vec<String> = [
        "",
        " ",
        "\u{3000}",
        "\0",
        "a\0b",
        "\u{202E}gnp.exe",
        "left \u{2066}isolate\u{2069} right",
        "zero\u{200B}width\u{200C}non\u{200D}joiner\u{2060}\u{FEFF}",
        "e\u{301}\u{301}\u{301}",
        "\u{301}starts with a mark",
        "\u{1F469}\u{200D}\u{1F4BB}\u{1F3F3}\u{FE0F}\u{200D}\u{1F308}",
        "مرحبا שלום नमस्ते",
        "\u{FFFF}\u{FFFE}\u{10FFFF}\u{E000}\u{F8FF}",
        "\u{FDD0}noncharacter",
        "line\nbreak",
        "tab\there",
        "windows\r\nline",
        "\u{2028}line\u{2029}paragraph",
        "\u{0085}next line",
        "\u{1B}[31mred\u{1B}[0m",
        "\u{7F}delete",
        "'); DROP TABLE items; --",
        "\"}]},{\"kind\":\"goal\\",
        "%s%n%x{}{0}",
        "Ǆ ﬁ Å Å Ω Ω",
        "\u{1E9B}\u{323}",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    texts.push("a".repeat(200));
    texts.push("a".repeat(201));
    texts.push("e\u{301}".repeat(200));
    texts.push("é".repeat(20_000));
    texts.push("ø".repeat(20_001));
    texts.push(format!("{}\0", "x".repeat(70_000)));
    // Megabyte texts: `megabyte_texts_are_stored_whole_where_the_limits_allow_them`.
    texts
}

fn stage(portal: Portal) -> Stage {
    let cast = Cast::register(&portal).unwrap();
    let carl = Actor::new(portal.register(NewPerson::service_user("Carl")).unwrap().id);
    let carl = portal.join_forum(&carl, "Night owl").unwrap().member;
    let goal = portal
        .add_goal(&cast.anna, NewGoal::new(housing(), "Find a flat"))
        .unwrap()
        .id;
    let activity = portal
        .add_activity(
            &cast.anna,
            NewActivity {
                goal,
                title: "Call the office".into(),
                due: None,
            },
        )
        .unwrap()
        .id;
    let exercise = portal.exercises()[0].key.clone();
    let conversation = portal
        .start_conversation(
            &cast.anna,
            NewConversation {
                with: vec![cast.nurse.id],
                subject: "Everyday".into(),
                message: NewMessage::text("Hi"),
            },
        )
        .unwrap()
        .conversation
        .id;
    Stage {
        portal,
        cast,
        carl,
        goal,
        activity,
        exercise,
        conversation,
    }
}

/// Sends `text` into one field and checks the outcome against the text rules.
fn check(stage: &Stage, (field, kind, sink): &(&'static str, TextKind, Sink), text: &str) {
    let limits = &stage.portal.config().limits;
    let expected = clean(field, text, *kind, limits);
    let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sink(stage, text)))
        .unwrap_or_else(|_| panic!("{field}: a call panicked on {:?}", preview(text)));
    match (expected, got) {
        (Ok(normal), Ok(stored)) => assert!(
            stored == normal,
            "{field}: stored {:?} for {:?}",
            preview(&stored),
            preview(text)
        ),
        (
            Err(Error::Invalid { problem: want, .. }),
            Err(Error::Invalid {
                field: named,
                problem,
            }),
        ) => {
            assert_eq!(named, *field, "for {:?}", preview(text));
            assert_eq!(problem, want, "{field}: for {:?}", preview(text));
        }
        (want, got) => panic!(
            "{field}: for {:?} the rules say {:?}, the portal {:?}",
            preview(text),
            want.map(|s| preview(&s)),
            got.map(|s| preview(&s))
        ),
    }
}

/// A short, printable picture of a text.
fn preview(text: &str) -> String {
    let head: String = text.chars().take(40).collect();
    format!("{head:?} ({} chars)", text.chars().count())
}

fn sound_afterwards(stage: Stage, path: &std::path::Path) {
    assert!(stage.portal.verify_access_log().unwrap().is_intact());
    drop(stage);
    assert_eq!(integrity(path, None), "ok");
}

#[test]
fn hostile_strings_in_every_field_are_refused_by_name_or_stored_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let stage = stage(Portal::open(&path, config()).unwrap());
    for text in hostile() {
        for sink in SINKS {
            check(&stage, sink, &text);
        }
    }
    sound_afterwards(stage, &path);
}

#[test]
fn megabyte_texts_are_stored_whole_where_the_limits_allow_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let mut roomy = config();
    roomy.limits = TextLimits {
        title: 2_000_000,
        body: 2_000_000,
    };
    let stage = stage(Portal::open(&path, roomy).unwrap());
    let megabyte = "Søvn 💤 e\u{301} ".repeat(80_000);
    assert!(megabyte.len() > 1_000_000);
    for sink in SINKS {
        check(&stage, sink, &megabyte);
    }
    sound_afterwards(stage, &path);
}

#[test]
fn generated_strings_in_every_field_are_refused_by_name_or_stored_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let stage = stage(Portal::open(&path, config()).unwrap());
    let mut runner = TestRunner::new(Config {
        cases: size(12, 256) as u32,
        failure_persistence: None,
        ..Config::default()
    });
    // Any Unicode scalar values, and strings dense in the characters the rules care about.
    let strings = prop_oneof![
        any::<String>(),
        "[\\x00-\\x20\u{200B}-\u{200F}\u{202A}-\u{202E}\u{2066}-\u{2069}a-zé\u{301}]{0,40}",
        "\\PC{190,210}",
    ];
    runner
        .run(&strings, |text| {
            for sink in SINKS {
                check(&stage, sink, &text);
            }
            Ok(())
        })
        .unwrap();
    sound_afterwards(stage, &path);
}
