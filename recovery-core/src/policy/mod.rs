//! Pure rules: who may do what, and what input is acceptable. Nothing here touches storage or
//! the clock; the [`Portal`](crate::Portal) feeds the facts in.

pub mod access;
pub mod audit;
pub mod feed;
pub mod forum;
pub mod goals;
pub mod messaging;
pub mod text;
