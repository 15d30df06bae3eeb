//! End-to-end tests across crates, including the browser walk-through.
