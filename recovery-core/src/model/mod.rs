//! Plain data: ids, people, the toolbox, care teams, the forum, the access log and the
//! catalogues. Nothing
//! here knows about storage or rules.

pub mod audit;
pub mod catalogue;
pub mod forum;
pub mod ids;
pub mod people;
pub mod team;
pub mod toolbox;
