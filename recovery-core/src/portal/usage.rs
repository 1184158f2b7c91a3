//! The usage log and the reports researchers read from it (DESIGN 5 "Usage log and reports").
//!
//! The host reports screen views with [`Portal::record_visit`]; commands record their own
//! events (postings, messages, goals, completions, shares, ...) in the same transaction as
//! their writes, so the log and the data never disagree. A researcher asks for a
//! [`UsageReport`] over a period: it names nobody (care teams appear under pseudonyms made
//! with a key the researcher supplies) and holds no free text.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::{Portal, acting};
use crate::error::{DenyReason, Error, Problem, Result};
use crate::model::ids::{ConversationId, UserId};
use crate::model::people::{Actor, Person, Role};
use crate::model::usage::{EmptyPeriod, Module, Period, UnknownModule, UsageAction, UsageEvent};
use crate::store::{MessageUsage, ModuleTally, Transaction};

impl From<UnknownModule> for Error {
    fn from(_: UnknownModule) -> Self {
        Error::invalid("module", Problem::Unknown)
    }
}

impl From<EmptyPeriod> for Error {
    fn from(_: EmptyPeriod) -> Self {
        Error::invalid(
            "period",
            Problem::Inconsistent("a period must end after it starts"),
        )
    }
}

/// The key that turns ids into a report's pseudonyms: the same key gives the same pseudonyms
/// (so exports can be joined), another key unrelated ones. The caller supplies it and keeps it
/// apart from the exports; the portal never stores it.
///
/// Holds the HMAC already keyed (and the domain prefix absorbed), so each pseudonym is one
/// clone and two blocks of hashing, with no fallible step.
#[derive(Clone)]
pub struct ExportKey(Hmac<Sha256>);

impl std::fmt::Debug for ExportKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExportKey(..)")
    }
}

impl ExportKey {
    /// The shortest key accepted: 16 bytes (128 bits).
    pub const MIN_LEN: usize = 16;

    /// A key of at least [`ExportKey::MIN_LEN`] bytes. An empty key is
    /// [`Problem::Empty`], a shorter one [`Problem::TooShort`], both on `export_key`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self> {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return Err(Error::invalid("export_key", Problem::Empty));
        }
        if bytes.len() < Self::MIN_LEN {
            return Err(Error::invalid(
                "export_key",
                Problem::TooShort {
                    min: Self::MIN_LEN,
                    actual: bytes.len(),
                },
            ));
        }
        // HMAC takes keys of any length; the check above is ours.
        let mut mac = Hmac::<Sha256>::new_from_slice(&bytes)
            .map_err(|_| Error::invalid("export_key", Problem::Unknown))?;
        mac.update(b"recovery-core/usage/v1/");
        Ok(Self(mac))
    }

    /// The pseudonym of a person under this key: `p-` and 20 hex digits of HMAC-SHA-256 of
    /// the id. Without the key it cannot be traced back to the id.
    pub fn pseudonym(&self, id: UserId) -> String {
        let mut mac = self.0.clone();
        mac.update(id.as_uuid().as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut out = String::with_capacity(22);
        out.push_str("p-");
        for byte in &digest[..10] {
            // Writing to a String cannot fail.
            let _ = write!(out, "{byte:02x}");
        }
        out
    }
}

/// A report over a period: the figures for the whole period, then for each calendar month
/// it touches.
#[derive(Clone, Debug, PartialEq)]
pub struct UsageReport {
    /// The period asked for.
    pub period: Period,
    /// The figures for the whole period.
    pub total: UsageFigures,
    /// The figures for each calendar month (UTC) of the period, cut to the period.
    pub months: Vec<MonthlyUsage>,
}

/// One month of a [`UsageReport`].
#[derive(Clone, Debug, PartialEq)]
pub struct MonthlyUsage {
    /// `2024-03`.
    pub month: String,
    /// The part of the month inside the report's period.
    pub period: Period,
    /// Its figures.
    pub figures: UsageFigures,
}

/// What the usage log says about one period.
#[derive(Clone, Debug, PartialEq)]
pub struct UsageFigures {
    /// Visits, people and postings per module and role (pairs with no events left out), in
    /// [`Module::ALL`] then [`Role::ALL`] order. `people` counts everyone with an event in the
    /// module: a visit or a posting.
    pub modules: Vec<ModuleTally>,
    /// Every care team a provider had joined by the period's end, in pseudonym order.
    pub teams: Vec<TeamUsage>,
    /// Providers who never interacted in the period.
    pub providers: ProviderInteraction,
    /// Service users' involvement by the period's end.
    pub involvement: Involvement,
}

impl UsageFigures {
    /// The tally of one module for one role, if it had any events.
    pub fn module(&self, module: Module, role: Role) -> Option<&ModuleTally> {
        self.modules
            .iter()
            .find(|t| t.module == module && t.role == role)
    }
}

/// One service user's care team in a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamUsage {
    /// The service user's pseudonym under the report's [`ExportKey`].
    pub team: String,
    /// Providers who had joined the team by the period's end.
    pub providers: u64,
    /// Messages the service user sent in the period.
    pub messages_from_service_user: u64,
    /// Messages the team's providers sent in the period.
    pub messages_from_providers: u64,
    /// Provider replies to a service user's message within the period: each counts from the
    /// service user's first message since the last provider message of the conversation.
    pub responses: u64,
    /// The median response time (nearest rank), if there was a response.
    pub response_median: Option<Duration>,
    /// The 90th percentile response time (nearest rank), if there was a response.
    pub response_p90: Option<Duration>,
    /// Distinct scopes the service user had shared with the team by the period's end.
    pub scopes_shared: u64,
}

/// Providers who interacted through the portal, and those who never did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProviderInteraction {
    /// Providers registered by the period's end.
    pub providers: u64,
    /// Of them, those with no posting in the period (no message, proposal, comment or joined
    /// team: only visits, or nothing).
    pub never_interacted: u64,
}

impl ProviderInteraction {
    /// `never_interacted` as a share of `providers` (0 when there are none).
    pub fn never_interacted_share(&self) -> f64 {
        share(self.never_interacted, self.providers)
    }
}

/// Service users who took part in their own care plan, by the period's end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Involvement {
    /// Service users registered by the period's end.
    pub service_users: u64,
    /// Of them, those who had written at least one goal themselves (a provider's proposal
    /// they accepted is not their own).
    pub with_own_goal: u64,
    /// Those who had shared at least one scope with a care-team member.
    pub with_shared_scope: u64,
    /// Those who had written a crisis plan.
    pub with_crisis_plan: u64,
}

impl Involvement {
    /// `with_own_goal` as a share of `service_users`.
    pub fn own_goal_share(&self) -> f64 {
        share(self.with_own_goal, self.service_users)
    }

    /// `with_shared_scope` as a share of `service_users`.
    pub fn shared_scope_share(&self) -> f64 {
        share(self.with_shared_scope, self.service_users)
    }

    /// `with_crisis_plan` as a share of `service_users`.
    pub fn crisis_plan_share(&self) -> f64 {
        share(self.with_crisis_plan, self.service_users)
    }
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl UsageReport {
    /// The report as CSV in long form, one figure a row, ready for R or pandas:
    /// `period,section,module,role,team,measure,value`. `period` is `start/end` (RFC 3339) for
    /// the whole period and `2024-03` for a month; `section` is `module`, `team`, `providers`
    /// or `involvement`; shares have four decimals and response times are whole seconds
    /// (rows left out when there was no response). Nothing in it is free text, and teams
    /// appear only under their pseudonyms.
    pub fn to_csv(&self) -> String {
        let mut csv = String::from("period,section,module,role,team,measure,value\n");
        let total = format!(
            "{}/{}",
            self.period
                .start()
                .to_rfc3339_opts(SecondsFormat::AutoSi, true),
            self.period
                .end()
                .to_rfc3339_opts(SecondsFormat::AutoSi, true)
        );
        write_figures(&mut csv, &total, &self.total);
        for month in &self.months {
            write_figures(&mut csv, &month.month, &month.figures);
        }
        csv
    }
}

fn write_figures(csv: &mut String, period: &str, figures: &UsageFigures) {
    let mut row =
        |section: &str, module: &str, role: &str, team: &str, measure: &str, value: &str| {
            // Every field is a fixed name, a pseudonym or a number: none needs quoting.
            let _ = writeln!(
                csv,
                "{period},{section},{module},{role},{team},{measure},{value}"
            );
        };
    for t in &figures.modules {
        let (module, role) = (t.module.as_str(), t.role.as_str());
        row("module", module, role, "", "visits", &t.visits.to_string());
        row("module", module, role, "", "people", &t.people.to_string());
        row(
            "module",
            module,
            role,
            "",
            "postings",
            &t.postings.to_string(),
        );
    }
    for t in &figures.teams {
        let team = t.team.as_str();
        row("team", "", "", team, "providers", &t.providers.to_string());
        let from_user = t.messages_from_service_user.to_string();
        row(
            "team",
            "",
            "",
            team,
            "messages_from_service_user",
            &from_user,
        );
        let from_providers = t.messages_from_providers.to_string();
        row(
            "team",
            "",
            "",
            team,
            "messages_from_providers",
            &from_providers,
        );
        row("team", "", "", team, "responses", &t.responses.to_string());
        if let Some(median) = t.response_median {
            row(
                "team",
                "",
                "",
                team,
                "response_median_s",
                &median.as_secs().to_string(),
            );
        }
        if let Some(p90) = t.response_p90 {
            row(
                "team",
                "",
                "",
                team,
                "response_p90_s",
                &p90.as_secs().to_string(),
            );
        }
        row(
            "team",
            "",
            "",
            team,
            "scopes_shared",
            &t.scopes_shared.to_string(),
        );
    }
    let p = &figures.providers;
    row(
        "providers",
        "",
        "provider",
        "",
        "providers",
        &p.providers.to_string(),
    );
    row(
        "providers",
        "",
        "provider",
        "",
        "never_interacted",
        &p.never_interacted.to_string(),
    );
    let never_share = format!("{:.4}", p.never_interacted_share());
    row(
        "providers",
        "",
        "provider",
        "",
        "never_interacted_share",
        &never_share,
    );
    let i = &figures.involvement;
    let users = "service-user";
    row(
        "involvement",
        "",
        users,
        "",
        "service_users",
        &i.service_users.to_string(),
    );
    for (measure, n, s) in [
        ("with_own_goal", i.with_own_goal, i.own_goal_share()),
        (
            "with_shared_scope",
            i.with_shared_scope,
            i.shared_scope_share(),
        ),
        (
            "with_crisis_plan",
            i.with_crisis_plan,
            i.crisis_plan_share(),
        ),
    ] {
        row("involvement", "", users, "", measure, &n.to_string());
        row(
            "involvement",
            "",
            users,
            "",
            &format!("{measure}_share"),
            &format!("{s:.4}"),
        );
    }
}

impl Portal {
    /// Records that the host showed `module` to the actor. Every registered person may be
    /// recorded; hosts with module names as text parse them first (`"forum".parse()?`, an
    /// unknown name is [`Error::Invalid`] on `module`).
    pub fn record_visit(&self, actor: &Actor, module: Module) -> Result<()> {
        self.write(|tx| {
            let me = acting(tx, actor)?;
            self.note(tx, &me, module, UsageAction::Visit, None)
        })
    }

    /// The usage report over `period`, for a researcher: [`Error::PermissionDenied`] with
    /// [`DenyReason::WrongRole`] for everyone else. Care teams appear under pseudonyms made
    /// with `key`.
    ///
    /// Every figure comes from the usage log, read in one transaction: the log and the data
    /// were written together, so the report agrees with the data as of one moment.
    pub fn usage_report(
        &self,
        actor: &Actor,
        period: Period,
        key: &ExportKey,
    ) -> Result<UsageReport> {
        self.read(|tx| {
            let me = acting(tx, actor)?;
            if me.role != Role::Researcher {
                return Err(Error::PermissionDenied(DenyReason::WrongRole));
            }
            let total = figures(tx, &period, key)?;
            let months = period
                .months()
                .into_iter()
                .map(|(month, period)| {
                    Ok(MonthlyUsage {
                        month,
                        figures: figures(tx, &period, key)?,
                        period,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(UsageReport {
                period,
                total,
                months,
            })
        })
    }

    /// Appends a usage event of the acting person, now.
    pub(super) fn note(
        &self,
        tx: &mut dyn Transaction,
        actor: &Person,
        module: Module,
        action: UsageAction,
        subject: Option<UserId>,
    ) -> Result<()> {
        let mut event = UsageEvent::new(self.clock.now(), actor.id, actor.role, module, action);
        event.subject = subject;
        self.note_event(tx, event)
    }

    /// Appends a usage event as given.
    pub(super) fn note_event(&self, tx: &mut dyn Transaction, event: UsageEvent) -> Result<()> {
        Ok(tx.record_usage(&event)?)
    }
}

/// The figures of one period.
fn figures(tx: &mut dyn Transaction, period: &Period, key: &ExportKey) -> Result<UsageFigures> {
    let modules = tx.module_tallies(period)?;
    let messages = tx.message_usage(period)?;
    let providers = tx.registered(Role::Provider, period.end())?;
    let posting = tx.posting_people(Role::Provider, period)?;
    let service_users = tx.registered(Role::ServiceUser, period.end())?;
    let involvement = tx.involvement(period.end())?;
    let mut exchanges = Exchange::per_team(&messages);
    let mut teams: Vec<TeamUsage> = tx
        .team_tallies(period.end())?
        .into_iter()
        .map(|t| {
            let exchange = exchanges.remove(&t.service_user).unwrap_or_default();
            TeamUsage {
                team: key.pseudonym(t.service_user),
                providers: t.providers,
                messages_from_service_user: exchange.from_service_user,
                messages_from_providers: exchange.from_providers,
                responses: exchange.responses.len() as u64,
                response_median: nearest_rank(&exchange.responses, 50),
                response_p90: nearest_rank(&exchange.responses, 90),
                scopes_shared: t.scopes_shared,
            }
        })
        .collect();
    teams.sort_by(|a, b| a.team.cmp(&b.team));
    Ok(UsageFigures {
        modules,
        teams,
        providers: ProviderInteraction {
            providers,
            never_interacted: providers.saturating_sub(posting),
        },
        involvement: Involvement {
            service_users,
            with_own_goal: involvement.with_own_goal,
            with_shared_scope: involvement.with_shared_scope,
            with_crisis_plan: involvement.with_crisis_plan,
        },
    })
}

/// One team's messages in a period.
#[derive(Default)]
struct Exchange {
    from_service_user: u64,
    from_providers: u64,
    /// Response times, sorted.
    responses: Vec<Duration>,
}

impl Exchange {
    /// Each team's exchange, from messages ordered by conversation, then time: one pass.
    fn per_team(messages: &[MessageUsage]) -> HashMap<UserId, Exchange> {
        let mut teams: HashMap<UserId, Exchange> = HashMap::new();
        // The service user's first unanswered message in the current conversation.
        let mut waiting: Option<(ConversationId, DateTime<Utc>)> = None;
        for m in messages {
            if waiting.is_some_and(|(c, _)| c != m.conversation) {
                waiting = None;
            }
            let exchange = teams.entry(m.service_user).or_default();
            if m.from_provider {
                exchange.from_providers += 1;
                if let Some((_, since)) = waiting.take() {
                    let response = (m.at - since).to_std().unwrap_or_default();
                    exchange.responses.push(response);
                }
            } else {
                exchange.from_service_user += 1;
                waiting.get_or_insert((m.conversation, m.at));
            }
        }
        for exchange in teams.values_mut() {
            exchange.responses.sort_unstable();
        }
        teams
    }
}

/// The nearest-rank percentile of sorted values: the smallest value with at least `p`% of the
/// values at or below it.
fn nearest_rank(sorted: &[Duration], p: usize) -> Option<Duration> {
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn nearest_rank_follows_its_definition() {
        let secs = |v: &[u64]| {
            v.iter()
                .map(|s| Duration::from_secs(*s))
                .collect::<Vec<_>>()
        };
        assert_eq!(nearest_rank(&[], 50), None);
        let one = secs(&[7]);
        assert_eq!(nearest_rank(&one, 50), Some(Duration::from_secs(7)));
        assert_eq!(nearest_rank(&one, 90), Some(Duration::from_secs(7)));
        let ten = secs(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(nearest_rank(&ten, 50), Some(Duration::from_secs(5)));
        assert_eq!(nearest_rank(&ten, 90), Some(Duration::from_secs(9)));
        let four = secs(&[1, 2, 3, 4]);
        assert_eq!(nearest_rank(&four, 50), Some(Duration::from_secs(2)));
        assert_eq!(nearest_rank(&four, 90), Some(Duration::from_secs(4)));
    }

    #[test]
    fn pseudonyms_are_stable_per_key_and_differ_between_keys() {
        let a = ExportKey::new([1u8; 16]).unwrap();
        let b = ExportKey::new([2u8; 16]).unwrap();
        let id = UserId::new();
        assert_eq!(a.pseudonym(id), a.pseudonym(id));
        assert_ne!(a.pseudonym(id), b.pseudonym(id));
        assert_ne!(a.pseudonym(id), a.pseudonym(UserId::new()));
        assert_eq!(a.pseudonym(id).len(), 22);
        assert!(!a.pseudonym(id).contains(&id.to_string()));
    }
}
