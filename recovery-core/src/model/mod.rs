//! Plain data: ids, people, the toolbox and the catalogues. Nothing here knows about storage or
//! rules.

pub mod catalogue;
pub mod ids;
pub mod people;
pub mod toolbox;
