//! Shared by the test files (and the cold-start benchmark): a miniature deployment in moto and
//! the function binaries under the emulator.

#![allow(dead_code)] // each test binary uses a different part

mod deployment;

pub use deployment::*;
