//! The store's conformance suite: every operation and invariant of `store::api`, written once
//! and run against each backend (`cargo test -p store --test conformance sqlite::` or
//! `dynamo::`). Tests read like the product: an admin logs in, syncs friends, schedules a
//! meeting, the sweep reserves quota and records what Kakao said.
// The SQLite half is the reference run; without the `sqlite` feature there is no suite.
#![cfg(feature = "sqlite")]

mod fixtures;
mod harness;

mod admins;
mod attendance;
mod bad_input;
mod clients;
mod concurrency;
mod crash;
mod deliveries;
mod flood;
mod friends;
mod isolation;
mod kakao_app;
mod links;
mod meeting_state;
mod meetings;
mod oauth;
mod plans;
mod preferences;
mod quota;
mod tokens;
