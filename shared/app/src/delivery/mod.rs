//! One delivery path for every reminder: the sweep's automatic rounds, confirm-first approvals
//! and the admin's manual send all take a batch from its start to recorded outcomes through
//! [`deliver`], and judge Kakao's answers in one place.
//!
//! - `step`: [`deliver`] (start, messages, Kakao, judge, release, record), [`reserve`] (the start
//!   alone, for confirm-first rounds), [`record_answers`].
//! - `fate`: what became of each recipient ([`Fate`]) from Kakao's answer ([`judge`]).
//! - `crash`: the points tests stop a delivery at, as a crashed process would ([`CrashPoint`]).

mod crash;
mod fate;
mod step;

pub use crash::{CrashHook, CrashPoint, Crashed};
pub use fate::{Fate, NotReached, judge};
pub use step::{
    DeliverError, Delivered, Held, Messages, Outgoing, Recording, Start, deliver, record_answers, reserve,
};
