//! Series: meetings that repeat by a rule (a class every Tuesday and Thursday at 19:00).
//!
//! A series is saved once ([`Series`]: its [`SeriesPattern`], its exceptions, where it ends);
//! its occurrences follow from it for any window ([`Series::occurrences`]). The shell turns the
//! occurrences of the coming weeks into ordinary meetings (`app::series`), so each behaves
//! exactly as a meeting does: attendance, rounds, the delivery log, the live view.
//!
//! - [`repeat`]: repeat rules as people say them, and their occurrences (the `rrule` crate).
//! - [`pattern`]: the series, its exceptions (skip, move, change one occurrence) and splits
//!   ("this and following").
//! - [`import`]: a recurrence rule from another calendar (`.ics`), or why it cannot be kept.
//! - [`foresight`]: the busiest day's reminders against the sender and pair limits.
//! - `tests` (tests): expansion properties: weekday sets, month ends, February 29, daylight
//!   saving gaps and overlaps, exceptions, splits.

pub mod foresight;
pub mod import;
pub mod pattern;
pub mod repeat;
#[cfg(test)]
mod tests;

pub use foresight::{DayLoad, Foresight, foresee};
pub use pattern::{Change, Occurrence, OccurrenceEdit, OccurrenceOf, Series, SeriesPattern};
pub use repeat::{Ends, Repeat, RepeatForm, RepeatProblem, RepeatRule};
