//! The tour's care-team, messaging and forum scenes: sharing one domain with a provider, the
//! denied read of another, a revocation and the access log as the service user reads it; the
//! medication list sent to the nurse in a message; a forum post that three members flag,
//! which is hidden until a moderator reviews it; and what a researcher's usage report says of
//! it all.

use recovery_core::model::audit::{AccessAction, AccessEntry, Outcome};
use recovery_core::model::forum::ForumReason;
use recovery_core::model::team::{Level, Scope};
use recovery_core::{
    AccessLogFilter, Actor, Attach, Change, DomainRef, Error, ExportKey, Module, NewConversation,
    NewFlag, NewMessage, NewPerson, NewThread, Period, Person, Portal, Profession, Role, ScopeView,
    Sharing, Snapshot,
};

use super::{Context, Failure};

/// Anna invites a nurse, shares her housing domain, and reads who looked at what. Returns the
/// nurse, who stays in her team.
pub(super) fn care_team_scene(
    portal: &Portal,
    anna: &Person,
    out: &mut String,
) -> Result<Person, Failure> {
    let me = Actor::new(anna.id);
    say!(out, "Care team");
    let nurse = portal
        .register(NewPerson::provider(
            "Nils Berg",
            Profession::MentalHealthNurse,
            "Community mental health team",
        ))
        .context("registering a provider")?;
    let nils = Actor::new(nurse.id);
    let invitation = portal.invite(&me, nurse.id).context("inviting the nurse")?;
    portal
        .accept_invitation(&nils, invitation.id)
        .context("accepting the invitation")?;
    say!(
        out,
        "  Anna invited {} (mental health nurse), who accepted.",
        nurse.display_name
    );

    let housing = Scope::Domain(DomainRef::Catalogue("housing".into()));
    let finances = Scope::Domain(DomainRef::Catalogue("finances".into()));
    portal
        .share(&me, nurse.id, housing.clone(), Sharing::level(Level::View))
        .context("sharing the housing domain")?;
    say!(
        out,
        "  Anna shares her Housing domain with {} (view). Nothing else is shared.",
        nurse.display_name
    );

    match portal
        .view(&nils, anna.id, &housing)
        .context("the nurse reading Housing")?
    {
        ScopeView::Domain { goals, status, .. } => say!(
            out,
            "  {} reads Housing: {} goal(s), {} status entr{}.",
            nurse.display_name,
            goals.len(),
            status.len(),
            if status.len() == 1 { "y" } else { "ies" }
        ),
        _ => return Err(Failure::new("the housing view is not a domain view")),
    }
    match portal.view(&nils, anna.id, &finances) {
        Err(Error::PermissionDenied(reason)) => {
            say!(
                out,
                "  {} tries Finances: denied ({reason}).",
                nurse.display_name
            );
        }
        other => {
            return Err(Failure::new(format!(
                "reading Finances should be denied, got {other:?}"
            )));
        }
    }
    portal
        .revoke(&me, nurse.id, housing.clone())
        .context("revoking Housing")?;
    match portal.view(&nils, anna.id, &housing) {
        Err(Error::PermissionDenied(reason)) => say!(
            out,
            "  Anna revokes Housing; {}'s very next read is denied ({reason}).",
            nurse.display_name
        ),
        other => {
            return Err(Failure::new(format!(
                "a revoked read should be denied, got {other:?}"
            )));
        }
    }

    let log = portal
        .access_log(
            &me,
            AccessLogFilter {
                party: Some(nurse.id),
                ..AccessLogFilter::default()
            },
        )
        .context("reading the access log")?;
    say!(
        out,
        "  Anna reads her access log for {} (newest first):",
        nurse.display_name
    );
    for entry in &log.entries {
        say!(out, "    {}", log_line(entry, anna, &nurse));
    }
    let report = portal
        .verify_access_log()
        .context("verifying the access log")?;
    say!(
        out,
        "  The access log's hash chain holds {} entries and is {}.",
        report.entries,
        if report.is_intact() {
            "intact"
        } else {
            "BROKEN"
        }
    );
    Ok(nurse)
}

/// Anna sends her medication list to the nurse; the nurse reads it (nothing of the medication
/// list is shared with him) and replies; both see their unread counts and the nurse's feed.
pub(super) fn messaging_scene(
    portal: &Portal,
    anna: &Person,
    nurse: &Person,
    out: &mut String,
) -> Result<(), Failure> {
    say!(out, "Messages");
    let me = Actor::new(anna.id);
    let nils = Actor::new(nurse.id);
    let started = portal
        .start_conversation(
            &me,
            NewConversation {
                with: vec![nurse.id],
                subject: "Before Thursday".into(),
                message: NewMessage::text("This is what I take now. Can we talk about the dose?")
                    .attach(Attach::Medications),
            },
        )
        .context("starting a conversation")?;
    say!(
        out,
        "  Anna wrote to {} (\"{}\") and attached her medication list.",
        nurse.display_name,
        started.conversation.subject
    );
    let counts = portal
        .unread_counts(&nils)
        .context("the nurse's unread counts")?;
    say!(
        out,
        "  {} has {} unread message(s).",
        nurse.display_name,
        counts.total
    );
    let page = portal
        .messages(&nils, started.conversation.id, None, 50)
        .context("the nurse reading the conversation")?;
    for message in &page.messages {
        for info in &message.attachments {
            let attachment = portal
                .attachment(&nils, info.id)
                .context("the nurse reading the attachment")?;
            if let Snapshot::Medications { medications } = &attachment.snapshot {
                let names: Vec<&str> = medications
                    .iter()
                    .map(|m| m.content.name.as_str())
                    .collect();
                say!(
                    out,
                    "  {} opens the snapshot (frozen when sent, readable though nothing is shared): {}.",
                    nurse.display_name,
                    names.join(", ")
                );
            }
        }
    }
    portal
        .send_message(
            &nils,
            started.conversation.id,
            NewMessage::text("Thank you. Let us go through it on Thursday."),
        )
        .context("the nurse replying")?;
    let counts = portal.unread_counts(&me).context("Anna's unread counts")?;
    say!(
        out,
        "  {} replied; Anna has {} unread message(s).",
        nurse.display_name,
        counts.total
    );
    let feed = portal
        .changes_since(&nils, None)
        .context("the nurse's change feed")?;
    let messages = feed
        .changes
        .iter()
        .filter(|c| matches!(c, Change::Message { .. }))
        .count();
    say!(
        out,
        "  The nurse's app syncs with changes_since: {} change(s), {} of them messages; it keeps the cursor for next time.",
        feed.changes.len(),
        messages
    );
    Ok(())
}

fn log_line(entry: &AccessEntry, anna: &Person, nurse: &Person) -> String {
    let e = &entry.event;
    let who = if e.actor == anna.id {
        anna.display_name.as_str()
    } else {
        nurse.display_name.as_str()
    };
    let scope = e
        .scope
        .as_ref()
        .map(|s| format!(" {s}"))
        .unwrap_or_default();
    let what = match e.action {
        AccessAction::View => format!("viewed{scope}"),
        AccessAction::Invite => format!("invited {}", nurse.display_name),
        AccessAction::Accept => "accepted the invitation".to_owned(),
        AccessAction::Grant => {
            let level = e.level.map_or("", |l| l.as_str());
            format!("shared{scope} ({level}) with {}", nurse.display_name)
        }
        AccessAction::Revoke => format!("revoked{scope} from {}", nurse.display_name),
        other => format!("{}{scope}", other.as_str()),
    };
    let outcome = match e.outcome {
        Outcome::Allowed => String::new(),
        Outcome::Denied(reason) => format!(" -> DENIED ({reason})"),
    };
    format!(
        "#{:<3} {} {who} {what}{outcome}",
        entry.seq,
        e.at.format("%H:%M:%S")
    )
}

/// Anna posts in the forum; three members flag the post, it is hidden, a moderator reviews it.
pub(super) fn forum_scene(portal: &Portal, anna: &Person, out: &mut String) -> Result<(), Failure> {
    say!(out, "Peer-support forum");
    let me = Actor::new(anna.id);
    let moderator = portal
        .register(NewPerson::with_role(
            Role::Moderator,
            "Mona (peer consultant)",
        ))
        .context("registering a moderator")?;
    let mona = Actor::new(moderator.id);
    portal
        .join_forum(&me, "Lark")
        .context("joining the forum")?;
    let (thread, posted) = portal
        .start_thread(
            &me,
            NewThread {
                category: "everyday-life".into(),
                title: "Mornings are the hardest".into(),
                body: "Does anyone have a routine that helps them get going in the morning?".into(),
            },
        )
        .context("starting a thread")?;
    say!(
        out,
        "  Anna joined as \"Lark\" and started \"{}\"; as a new member's first post it is {}.",
        thread.title,
        if posted.held {
            "held for review"
        } else {
            "visible"
        }
    );
    if posted.held {
        portal
            .approve_post(&mona, posted.post.id)
            .context("approving the held post")?;
        say!(
            out,
            "  {} approved it: now everyone can read it.",
            moderator.display_name
        );
    }

    for (name, pseudonym) in [("Ola", "Heron"), ("Kari", "Birch"), ("Per", "Otter")] {
        let member = portal
            .register(NewPerson::service_user(name))
            .context("registering a member")?;
        let actor = Actor::new(member.id);
        portal
            .join_forum(&actor, pseudonym)
            .context("joining the forum")?;
        portal
            .flag_post(
                &actor,
                posted.post.id,
                NewFlag {
                    reason: ForumReason::OffTopic,
                    note: String::new(),
                },
            )
            .context("flagging the post")?;
        say!(out, "  \"{pseudonym}\" flagged the post (off-topic).");
    }
    let page = portal
        .thread_page(&me, thread.id, None, 50)
        .context("reading the thread")?;
    let status = page
        .posts
        .first()
        .map(|p| p.status)
        .ok_or_else(|| Failure::new("the thread has no posts"))?;
    say!(
        out,
        "  Three distinct flaggers reached the threshold: the post is now {status:?}."
    );

    let queue = portal
        .review_queue(&mona, None, 10)
        .context("reading the review queue")?;
    for item in &queue.items {
        say!(
            out,
            "  Review queue: \"{}\" by \"{}\", {} flagger(s){}.",
            item.thread_title,
            item.post.pseudonym,
            item.flaggers,
            if item.crisis { ", crisis" } else { "" }
        );
    }
    let approved = portal
        .approve_post(&mona, posted.post.id)
        .context("approving the flagged post")?;
    say!(
        out,
        "  {} reviewed it and approved it: {:?} again, and those flags cannot hide it again.",
        moderator.display_name,
        approved.status
    );
    Ok(())
}

/// The app reports the screens Anna opened; a researcher reads the usage report of the day, in
/// which Anna's care team appears under a pseudonym.
pub(super) fn usage_scene(portal: &Portal, anna: &Person, out: &mut String) -> Result<(), Failure> {
    say!(out, "Usage report");
    let me = Actor::new(anna.id);
    for module in [
        Module::Home,
        Module::Goals,
        Module::Messages,
        Module::Forum,
        Module::Forum,
    ] {
        portal
            .record_visit(&me, module)
            .context("recording a visit")?;
    }
    let researcher = portal
        .register(NewPerson::with_role(Role::Researcher, "Rita (researcher)"))
        .context("registering a researcher")?;
    let now = chrono::Utc::now();
    let period = Period::new(
        now - chrono::Duration::days(1),
        now + chrono::Duration::days(1),
    )
    .map_err(Error::from)
    .context("choosing the period")?;
    // A real study keeps its own secret key apart from the exports.
    let key = ExportKey::new(*b"the tour's key, not a real one!!").context("making a key")?;
    let report = portal
        .usage_report(&Actor::new(researcher.id), period, &key)
        .context("reading the usage report")?;
    for t in report
        .total
        .modules
        .iter()
        .filter(|t| t.role == Role::ServiceUser)
    {
        say!(
            out,
            "  {:<20} service users: {} visit(s), {} posting(s), {} person(s)",
            t.module.as_str(),
            t.visits,
            t.postings,
            t.people
        );
    }
    let i = report.total.involvement;
    say!(
        out,
        "  Involvement: {} of {} service users wrote a goal of their own, {} shared a scope, {} made a crisis plan.",
        i.with_own_goal,
        i.service_users,
        i.with_shared_scope,
        i.with_crisis_plan
    );
    let p = report.total.providers;
    say!(
        out,
        "  Providers: {} of {} never interacted through the portal.",
        p.never_interacted,
        p.providers
    );
    for team in &report.total.teams {
        say!(
            out,
            "  Care team {}: {} message(s) from the service user, {} from providers.",
            team.team,
            team.messages_from_service_user,
            team.messages_from_providers
        );
    }
    say!(
        out,
        "  The CSV export has {} rows, and no names, ids or text anyone wrote.",
        report.to_csv().lines().count() - 1
    );
    Ok(())
}
