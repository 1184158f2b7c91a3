//! # recovery-ffi
//!
//! UniFFI bindings of [`recovery_core`] for Kotlin, Swift and Python.
//!
//! One object, [`Portal`], wraps `recovery_core::Portal`; every method takes the acting
//! person's id first. Records and enums mirror the core's model ([`model`]), with ids and
//! domains as strings, days as `YYYY-MM-DD` strings and moments as timestamps; every error is a
//! [`RecoveryError`] of the same kind as the core's `Error`. Why mirrors and not derives on the
//! core's types: `docs/adr/0003-ffi-types.md`.
//!
//! Rust callers use `recovery_core` directly; this crate's Rust API exists for the foreign
//! languages and for its own tests.
//!
//! ```
//! use recovery_ffi::{NewGoal, NewPerson, Portal, PortalConfig, Role};
//!
//! let portal = Portal::open_in_memory(PortalConfig::default());
//! let anna = portal.register(NewPerson { role: Role::ServiceUser, display_name: "Anna".into(), provider: None })?;
//! let goal = portal.add_goal(anna.id.clone(), NewGoal {
//!     domain: "catalogue:housing".into(),
//!     title: "Find a flat".into(),
//!     why: String::new(),
//!     target_date: Some("2030-06-01".into()),
//!     lifecycle: None,
//! })?;
//! assert_eq!(portal.home(anna.id)?.domains.iter().map(|d| d.goals.len()).sum::<usize>(), 1);
//! # let _ = goal;
//! # Ok::<(), recovery_ffi::RecoveryError>(())
//! ```

uniffi::setup_scaffolding!("recovery_core");

pub mod config;
pub mod convert;
pub mod error;
pub mod model;
mod portal;

pub use config::{CatalogueDomain, DomainCatalogue, PortalConfig, default_config};
pub use error::{CursorProblem, DenyReason, Problem, RecoveryError, StorageKind};
pub use model::audit::*;
pub use model::forum::*;
pub use model::home::*;
pub use model::messaging::*;
pub use model::people::*;
pub use model::team::*;
pub use model::toolbox::*;
pub use model::usage::*;
pub use portal::Portal;
