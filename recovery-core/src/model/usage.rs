//! The usage log: which modules people visit and what they do there, kept for reports to
//! researchers and organisations (the system log of the original ReConnect study).
//!
//! Events carry ids, roles, module and action names only, never what anyone wrote.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{ConversationId, UserId};
use super::people::Role;
use super::team::Scope;
use super::toolbox::ItemKind;

/// A part of the portal a person can visit: a module, or a sub-module of the toolbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Module {
    /// The dashboard.
    Home,
    /// The toolbox's own overview.
    Toolbox,
    /// "What is important in my life".
    WhatMatters,
    /// Life domains and their status.
    Domains,
    /// Goals.
    Goals,
    /// Activities and their completions.
    Activities,
    /// The medication list.
    Medications,
    /// The network map.
    Network,
    /// The crisis plan.
    CrisisPlan,
    /// Exercises.
    Exercises,
    /// The diary.
    Diary,
    /// Measures and daily registrations.
    Measures,
    /// The care team and what is shared with it.
    CareTeam,
    /// Secure messages.
    Messages,
    /// The peer-support forum.
    Forum,
    /// The access log the user reads.
    AccessLog,
}

impl Module {
    /// Every module, parents before their parts, in a stable order.
    pub const ALL: [Module; 16] = [
        Module::Home,
        Module::Toolbox,
        Module::WhatMatters,
        Module::Domains,
        Module::Goals,
        Module::Activities,
        Module::Medications,
        Module::Network,
        Module::CrisisPlan,
        Module::Exercises,
        Module::Diary,
        Module::Measures,
        Module::CareTeam,
        Module::Messages,
        Module::Forum,
        Module::AccessLog,
    ];

    /// The stable name hosts pass to [`Portal::record_visit`](crate::Portal::record_visit):
    /// `home`, `toolbox`, `toolbox.goals`, `messages`, `forum`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            Module::Home => "home",
            Module::Toolbox => "toolbox",
            Module::WhatMatters => "toolbox.what-matters",
            Module::Domains => "toolbox.domains",
            Module::Goals => "toolbox.goals",
            Module::Activities => "toolbox.activities",
            Module::Medications => "toolbox.medications",
            Module::Network => "toolbox.network",
            Module::CrisisPlan => "toolbox.crisis-plan",
            Module::Exercises => "toolbox.exercises",
            Module::Diary => "toolbox.diary",
            Module::Measures => "toolbox.measures",
            Module::CareTeam => "care-team",
            Module::Messages => "messages",
            Module::Forum => "forum",
            Module::AccessLog => "access-log",
        }
    }

    /// The module this one is a part of: [`Module::Toolbox`] for the toolbox's parts.
    pub const fn parent(self) -> Option<Module> {
        match self {
            Module::WhatMatters
            | Module::Domains
            | Module::Goals
            | Module::Activities
            | Module::Medications
            | Module::Network
            | Module::CrisisPlan
            | Module::Exercises
            | Module::Diary
            | Module::Measures => Some(Module::Toolbox),
            Module::Home
            | Module::Toolbox
            | Module::CareTeam
            | Module::Messages
            | Module::Forum
            | Module::AccessLog => None,
        }
    }

    /// The toolbox part where items of a kind are written.
    pub const fn of_item(kind: ItemKind) -> Module {
        match kind {
            ItemKind::Domain | ItemKind::Status => Module::Domains,
            ItemKind::WhatMatters => Module::WhatMatters,
            ItemKind::Goal => Module::Goals,
            ItemKind::Activity | ItemKind::ActivityCompletion => Module::Activities,
            ItemKind::Medication => Module::Medications,
            ItemKind::NetworkPerson => Module::Network,
            ItemKind::CrisisPlan => Module::CrisisPlan,
            ItemKind::ExerciseCompletion => Module::Exercises,
            ItemKind::Diary => Module::Diary,
            ItemKind::Measure | ItemKind::Registration => Module::Measures,
        }
    }
}

impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of [`Module::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a portal module")]
pub struct UnknownModule;

impl FromStr for Module {
    type Err = UnknownModule;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Module::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or(UnknownModule)
    }
}

impl From<Module> for String {
    fn from(module: Module) -> Self {
        module.as_str().to_owned()
    }
}

impl TryFrom<String> for Module {
    type Error = UnknownModule;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// What happened in a module. Every action but [`UsageAction::Visit`] is a *posting*: a
/// contribution the portal recorded in the same transaction as the write itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UsageAction {
    /// The host showed the module's screen.
    Visit,
    /// A forum thread or reply.
    Post,
    /// A secure message (including a conversation's first).
    Message,
    /// A goal written into a toolbox. The owner's own when the actor is the subject.
    Goal,
    /// An activity or exercise marked done.
    Completion,
    /// A crisis plan written for the first time.
    CrisisPlan,
    /// Any other new toolbox entry (status, activity, medication, diary, ...), including a
    /// provider's proposal taken into the toolbox.
    Entry,
    /// A scope shared with a care-team member (to view or suggest).
    Share,
    /// A provider joined a service user's care team (accepted the invitation).
    Join,
    /// A provider's proposal of a goal or activity.
    Proposal,
    /// A provider's comment on a toolbox item.
    Comment,
}

impl UsageAction {
    /// Every action, in a stable order.
    pub const ALL: [UsageAction; 11] = [
        UsageAction::Visit,
        UsageAction::Post,
        UsageAction::Message,
        UsageAction::Goal,
        UsageAction::Completion,
        UsageAction::CrisisPlan,
        UsageAction::Entry,
        UsageAction::Share,
        UsageAction::Join,
        UsageAction::Proposal,
        UsageAction::Comment,
    ];

    /// A stable machine name (`visit`, `post`, ...), used in storage.
    pub const fn as_str(self) -> &'static str {
        match self {
            UsageAction::Visit => "visit",
            UsageAction::Post => "post",
            UsageAction::Message => "message",
            UsageAction::Goal => "goal",
            UsageAction::Completion => "completion",
            UsageAction::CrisisPlan => "crisis-plan",
            UsageAction::Entry => "entry",
            UsageAction::Share => "share",
            UsageAction::Join => "join",
            UsageAction::Proposal => "proposal",
            UsageAction::Comment => "comment",
        }
    }

    /// Parses [`UsageAction::as_str`] back.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Whether this is a posting (anything but a visit).
    pub const fn is_posting(self) -> bool {
        !matches!(self, UsageAction::Visit)
    }
}

/// One entry of the usage log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageEvent {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: UserId,
    /// The actor's role at the time.
    pub role: Role,
    /// Where.
    pub module: Module,
    /// What.
    pub action: UsageAction,
    /// The service user whose toolbox or care team the event concerns: the owner of a new
    /// entry, the service user of a conversation or team. `None` for visits and forum posts.
    pub subject: Option<UserId>,
    /// The conversation of a [`UsageAction::Message`].
    pub conversation: Option<ConversationId>,
    /// The scope of a [`UsageAction::Share`].
    pub scope: Option<Scope>,
}

impl UsageEvent {
    /// An event with no subject, conversation or scope.
    pub fn new(
        at: DateTime<Utc>,
        actor: UserId,
        role: Role,
        module: Module,
        action: UsageAction,
    ) -> Self {
        Self {
            at,
            actor,
            role,
            module,
            action,
            subject: None,
            conversation: None,
            scope: None,
        }
    }

    /// The same event about a service user.
    pub fn about(mut self, subject: UserId) -> Self {
        self.subject = Some(subject);
        self
    }
}

/// A span of time, from `start` (included) to `end` (excluded). Never empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

/// A [`Period`] that would be empty or run backwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a period must end after it starts")]
pub struct EmptyPeriod;

impl Period {
    /// The period from `start` up to (not including) `end`; [`EmptyPeriod`] unless
    /// `start < end`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, EmptyPeriod> {
        if start < end {
            Ok(Self { start, end })
        } else {
            Err(EmptyPeriod)
        }
    }

    /// Its first instant.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The first instant after it.
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    /// Whether `at` falls inside it.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }

    /// The calendar months (UTC) it touches, each cut to the period, in order, with their
    /// labels (`2024-03`).
    pub fn months(&self) -> Vec<(String, Period)> {
        let mut months = Vec::new();
        let mut from = self.start;
        while from < self.end {
            let (year, month) = (from.year(), from.month());
            let next = if month == 12 {
                Utc.with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0)
            } else {
                Utc.with_ymd_and_hms(year, month + 1, 1, 0, 0, 0)
            }
            .single()
            // Past chrono's last year: the month runs to the period's end.
            .map_or(self.end, |next| next.min(self.end));
            months.push((
                format!("{year:04}-{month:02}"),
                Period {
                    start: from,
                    end: next,
                },
            ));
            from = next;
        }
        months
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
    }

    #[test]
    fn every_module_name_parses_back() {
        for module in Module::ALL {
            assert_eq!(module.as_str().parse::<Module>(), Ok(module));
        }
        assert_eq!("toolbox.unknown".parse::<Module>(), Err(UnknownModule));
        assert_eq!("Forum".parse::<Module>(), Err(UnknownModule));
    }

    #[test]
    fn toolbox_parts_have_the_toolbox_as_parent() {
        assert_eq!(Module::Goals.parent(), Some(Module::Toolbox));
        assert_eq!(Module::Forum.parent(), None);
        for kind in ItemKind::ALL {
            assert_eq!(Module::of_item(kind).parent(), Some(Module::Toolbox));
        }
    }

    #[test]
    fn every_action_name_parses_back_and_only_visits_are_not_postings() {
        for action in UsageAction::ALL {
            assert_eq!(UsageAction::parse(action.as_str()), Some(action));
            assert_eq!(action.is_posting(), action != UsageAction::Visit);
        }
    }

    #[test]
    fn an_empty_or_inverted_period_is_refused() {
        assert_eq!(
            Period::new(at(2024, 1, 1), at(2024, 1, 1)),
            Err(EmptyPeriod)
        );
        assert_eq!(
            Period::new(at(2024, 2, 1), at(2024, 1, 1)),
            Err(EmptyPeriod)
        );
        let p = Period::new(at(2024, 1, 1), at(2024, 2, 1)).unwrap();
        assert!(p.contains(at(2024, 1, 1)) && !p.contains(at(2024, 2, 1)));
    }

    #[test]
    fn months_cut_the_period_at_calendar_months() {
        let p = Period::new(at(2023, 11, 15), at(2024, 2, 10)).unwrap();
        let months = p.months();
        let labels: Vec<_> = months.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["2023-11", "2023-12", "2024-01", "2024-02"]);
        assert_eq!(months[0].1.start(), at(2023, 11, 15));
        assert_eq!(months[0].1.end(), at(2023, 12, 1));
        assert_eq!(months[1].1.end(), at(2024, 1, 1));
        assert_eq!(months[3].1.end(), at(2024, 2, 10));
    }
}
