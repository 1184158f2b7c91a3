//! # recovery-core
//!
//! The logic of a secure e-recovery portal, modelled on the Norwegian portal ReConnect: a
//! toolbox the service user owns (life domains with status, goals and activities; medications;
//! network map; crisis plan; exercises; diary; daily registrations), kept with its full history
//! in an embedded SQLite file or any store a host provides.
//!
//! Service users and the providers they invite into their care team share parts of the
//! toolbox, exchange secure messages with frozen snapshots of toolbox items attached, and follow
//! what is new through one change feed per person ([`Portal::changes_since`]).
//!
//! Everything goes through one facade, [`Portal`]. Every call names the acting person first;
//! the portal checks what they may do inside the library, and runs the call as one transaction.
//!
//! ```
//! use recovery_core::*;
//!
//! # fn main() -> Result<(), Error> {
//! # let dir = std::env::temp_dir().join(format!("recovery-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).ok();
//! # let path = dir.join("doc.sqlite");
//! let portal = Portal::open(&path, PortalConfig::default())?;
//! let anna = portal.register(NewPerson::service_user("Anna"))?;
//! let me = Actor::new(anna.id);
//!
//! let housing = DomainRef::Catalogue("housing".into());
//! portal.add_status(&me, NewStatus {
//!     domain: housing.clone(),
//!     now: "Living with my parents.".into(),
//!     helps: "My sister.".into(),
//!     hinders: "Waiting lists.".into(),
//!     rating: Some(4),
//! })?;
//! let goal = portal.add_goal(&me, NewGoal::new(housing, "Find a flat of my own"))?;
//! portal.add_activity(&me, NewActivity { goal: goal.id, title: "Call the housing office".into(), due: None })?;
//!
//! let home = portal.home(&me)?;
//! assert_eq!(home.goals().count(), 1);
//!
//! // Bad input changes nothing and says which field is wrong.
//! let err = portal.add_goal(&me, NewGoal::new(DomainRef::Catalogue("housing".into()), "")).unwrap_err();
//! assert!(matches!(err, Error::Invalid { field: "goal.title", .. }));
//! # drop(portal);
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok(())
//! # }
//! ```
//!
//! ## Layout
//! - [`model`]: plain data (ids, people, toolbox items, catalogues).
//! - [`policy`]: pure rules (who may do what, text rules, goal lifecycle, the forum's
//!   pseudonyms, crisis terms and moderation).
//! - [`Portal`]: the facade, the only place that combines policy, store and clock.
//! - [`store`]: the [`Store`](store::Store) trait, [`MemoryStore`](store::MemoryStore) and
//!   `SqliteStore` (feature `sqlite`, on by default), and the conformance suite (feature
//!   `testing`).

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod clock;
pub mod config;
pub mod error;
pub mod model;
pub mod policy;
mod portal;
pub mod store;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{ForumConfig, PortalConfig, RateLimit, SqliteOptions, TextLimits};
pub use error::{CursorProblem, DenyReason, Error, Problem, Result};
pub use model::catalogue::{CatalogueDomain, DomainCatalogue};
pub use model::forum::{
    Editor, ForumCategory, ForumReason, ModerationAction, ModerationRecord, ModeratorEditNote,
    PostVersion, Suspension,
};
pub use model::ids::*;
pub use model::messaging::*;
pub use model::people::{Actor, NewPerson, Person, Profession, ProviderDetails, Role};
pub use model::toolbox::*;
pub use model::usage::{EmptyPeriod, Module, Period, UnknownModule, UsageAction, UsageEvent};
pub use portal::*;

/// The README's example, compiled and run with the documentation tests so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
