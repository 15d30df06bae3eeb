//! Classes and series at work: the rolling window that turns a series' coming occurrences into
//! meetings and keeps meetings that have not started in line with their classes ([`roll`]);
//! changes to a series and its single occurrences, written under its version ([`series`]).

pub mod roll;
pub mod series;

pub use roll::{HORIZON, Resolver, Rolled, roll_admin};
pub use series::{change_occurrence, change_series, edit_of};
