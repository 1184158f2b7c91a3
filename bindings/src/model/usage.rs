//! The usage report a researcher reads, mirroring `recovery_core`'s report types. Modules cross
//! by their stable names (`forum`, `toolbox.goals`, ...), moments as timestamps and response
//! times as whole seconds.

use std::time::SystemTime;

use super::people::Role;
use crate::convert::{all, timestamp};

/// A usage report over a period: the whole period, then each calendar month (UTC) it touches.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct UsageReport {
    /// The period's first moment.
    pub start: SystemTime,
    /// The first moment after the period.
    pub end: SystemTime,
    /// The figures for the whole period.
    pub total: UsageFigures,
    /// The figures for each month, cut to the period.
    pub months: Vec<MonthlyUsage>,
    /// The report as pseudonymised CSV, one figure a row
    /// (`period,section,module,role,team,measure,value`).
    pub csv: String,
}

/// One month of a report.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct MonthlyUsage {
    /// `2024-03`.
    pub month: String,
    /// The month's first moment inside the period.
    pub start: SystemTime,
    /// The first moment after the month (or the period).
    pub end: SystemTime,
    /// Its figures.
    pub figures: UsageFigures,
}

/// What the usage log says about one period.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct UsageFigures {
    /// Visits, people and postings per module and role.
    pub modules: Vec<ModuleUsage>,
    /// Every care team a provider had joined by the period's end, in pseudonym order.
    pub teams: Vec<TeamUsage>,
    /// Providers who never interacted in the period.
    pub providers: ProviderInteraction,
    /// Service users' involvement by the period's end.
    pub involvement: Involvement,
}

/// One module and role in a period.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ModuleUsage {
    /// The module's name (`forum`, `toolbox.goals`, ...).
    pub module: String,
    /// The role.
    pub role: Role,
    /// Visits.
    pub visits: u64,
    /// Distinct people with a visit or a posting.
    pub people: u64,
    /// Postings (everything but visits).
    pub postings: u64,
}

/// One care team in a period, under its pseudonym.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TeamUsage {
    /// The service user's pseudonym under the report's key.
    pub team: String,
    /// Providers who had joined by the period's end.
    pub providers: u64,
    /// Messages from the service user.
    pub messages_from_service_user: u64,
    /// Messages from the team's providers.
    pub messages_from_providers: u64,
    /// Provider replies to a waiting service-user message.
    pub responses: u64,
    /// The median response time in whole seconds, if there was a response.
    pub response_median_seconds: Option<u64>,
    /// The 90th percentile response time in whole seconds, if there was a response.
    pub response_p90_seconds: Option<u64>,
    /// Distinct scopes shared with the team by the period's end.
    pub scopes_shared: u64,
}

/// Providers who interacted through the portal, and those who never did.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ProviderInteraction {
    /// Providers registered by the period's end.
    pub providers: u64,
    /// Of them, those with no posting in the period.
    pub never_interacted: u64,
    /// `never_interacted / providers` (0 without providers).
    pub never_interacted_share: f64,
}

/// Service users' involvement by the period's end.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct Involvement {
    /// Service users registered by the period's end.
    pub service_users: u64,
    /// Those who had written a goal themselves.
    pub with_own_goal: u64,
    /// Those who had shared a scope with their care team.
    pub with_shared_scope: u64,
    /// Those who had written a crisis plan.
    pub with_crisis_plan: u64,
    /// `with_own_goal / service_users`.
    pub own_goal_share: f64,
    /// `with_shared_scope / service_users`.
    pub shared_scope_share: f64,
    /// `with_crisis_plan / service_users`.
    pub crisis_plan_share: f64,
}

impl From<recovery_core::UsageReport> for UsageReport {
    fn from(r: recovery_core::UsageReport) -> Self {
        Self {
            start: timestamp(r.period.start()),
            end: timestamp(r.period.end()),
            csv: r.to_csv(),
            total: r.total.into(),
            months: all(r.months),
        }
    }
}

impl From<recovery_core::MonthlyUsage> for MonthlyUsage {
    fn from(m: recovery_core::MonthlyUsage) -> Self {
        Self {
            month: m.month,
            start: timestamp(m.period.start()),
            end: timestamp(m.period.end()),
            figures: m.figures.into(),
        }
    }
}

impl From<recovery_core::UsageFigures> for UsageFigures {
    fn from(f: recovery_core::UsageFigures) -> Self {
        let p = f.providers;
        let i = f.involvement;
        Self {
            modules: all(f.modules),
            teams: all(f.teams),
            providers: ProviderInteraction {
                providers: p.providers,
                never_interacted: p.never_interacted,
                never_interacted_share: p.never_interacted_share(),
            },
            involvement: Involvement {
                service_users: i.service_users,
                with_own_goal: i.with_own_goal,
                with_shared_scope: i.with_shared_scope,
                with_crisis_plan: i.with_crisis_plan,
                own_goal_share: i.own_goal_share(),
                shared_scope_share: i.shared_scope_share(),
                crisis_plan_share: i.crisis_plan_share(),
            },
        }
    }
}

impl From<recovery_core::store::ModuleTally> for ModuleUsage {
    fn from(t: recovery_core::store::ModuleTally) -> Self {
        Self {
            module: t.module.as_str().to_owned(),
            role: t.role.into(),
            visits: t.visits,
            people: t.people,
            postings: t.postings,
        }
    }
}

impl From<recovery_core::TeamUsage> for TeamUsage {
    fn from(t: recovery_core::TeamUsage) -> Self {
        Self {
            team: t.team,
            providers: t.providers,
            messages_from_service_user: t.messages_from_service_user,
            messages_from_providers: t.messages_from_providers,
            responses: t.responses,
            response_median_seconds: t.response_median.map(|d| d.as_secs()),
            response_p90_seconds: t.response_p90.map(|d| d.as_secs()),
            scopes_shared: t.scopes_shared,
        }
    }
}
