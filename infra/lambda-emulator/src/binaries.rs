//! Where the function binaries are, and building them (host target) when they are missing or
//! stale.
//!
//! - [`Profile::Release`] (the cold-start benchmark) builds the five functions in one
//!   `cargo build --release -p ... --bins`, the same package set, and so the same features, as
//!   the one `cargo lambda build` of the deployable zips: a host binary here is the Lambda
//!   binary built for this machine.
//! - [`Profile::Debug`] (the tests) builds them with `cargo build --workspace --bins --tests`:
//!   the same package set and features as `cargo test --workspace`, so under `infra/test.sh`
//!   it reuses the test build and links only the binaries no test target built, instead of
//!   compiling the workspace a second time with the functions' own features (about 170 s of the
//!   cold test command). The binaries then also carry the test-only features the workspace
//!   unifies (`app/testing`, the SQLite store); those add code the functions never call, and
//!   the deployable zips are built without them.
//!
//! Run alone, the tests build what they need (cargo decides what is stale, so a test never runs
//! yesterday's binary).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Every function binary, as named in template.yaml (`BuildProperties: Binary`).
pub const FUNCTIONS: [&str; 5] = ["login", "admin", "attendance", "friend-sync", "reminder-sweep"];

/// Which build of the binaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// `target/debug`: what the tests use (shared with `cargo test`'s dependency builds).
    Debug,
    /// `target/release`: what the cold-start benchmark measures.
    Release,
}

impl Profile {
    fn dir(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Release => "release",
        }
    }
}

/// Why the binaries could not be had.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("could not run cargo")]
    Spawn(#[source] std::io::Error),
    #[error("`{command}` failed ({status})")]
    Failed { command: String, status: String },
    #[error("{0} is not a function binary of this workspace")]
    Unknown(String),
    #[error("cargo finished but {0} is missing")]
    Missing(PathBuf),
}

/// The workspace root (this crate is `infra/lambda-emulator`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The target directory: `CARGO_TARGET_DIR` if set, else the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                workspace_root().join(dir)
            }
        }
        _ => workspace_root().join("target"),
    }
}

/// Where `function`'s host binary is for `profile`.
pub fn path(profile: Profile, function: &str) -> PathBuf {
    target_dir().join(profile.dir()).join(function)
}

/// Builds `functions` (all five in one cargo run, whatever is asked, with the features the
/// profile's build has: see the module's note) and returns their binaries' paths, in the order
/// asked.
pub fn ensure_built(profile: Profile, functions: &[&str]) -> Result<Vec<PathBuf>, BuildError> {
    if let Some(unknown) = functions.iter().find(|f| !FUNCTIONS.contains(f)) {
        return Err(BuildError::Unknown((*unknown).to_owned()));
    }
    let mut command = Command::new(env!("CARGO"));
    command.current_dir(workspace_root()).arg("build").arg("--bins");
    match profile {
        Profile::Release => {
            command.arg("--release");
            for function in FUNCTIONS {
                command.args(["-p", function]);
            }
        }
        Profile::Debug => {
            command.args(["--workspace", "--tests"]);
        }
    }
    let shown = format!("{command:?}");
    let status = command.status().map_err(BuildError::Spawn)?;
    if !status.success() {
        return Err(BuildError::Failed {
            command: shown,
            status: status.to_string(),
        });
    }
    functions
        .iter()
        .map(|f| {
            let binary = path(profile, f);
            if binary.is_file() {
                Ok(binary)
            } else {
                Err(BuildError::Missing(binary))
            }
        })
        .collect()
}
