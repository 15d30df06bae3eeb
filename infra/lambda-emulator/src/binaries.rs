//! Where the function binaries are, and building them (host target) when they are missing or
//! stale.
//!
//! The five functions are built in one `cargo build -p ... --bins`, the same package set (and so
//! the same features) as the one `cargo lambda build` of the deployable zips: a host binary here
//! is the Lambda binary built for this machine. `infra/test.sh` builds them before the tests, so
//! the build here is a no-op there; run alone, the tests build what they need (cargo decides
//! what is stale, so a test never runs yesterday's binary).

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

/// Builds `functions` (all five packages in one cargo run, whatever is asked, so features stay
/// those of the Lambda build) and returns their binaries' paths, in the order asked.
pub fn ensure_built(profile: Profile, functions: &[&str]) -> Result<Vec<PathBuf>, BuildError> {
    if let Some(unknown) = functions.iter().find(|f| !FUNCTIONS.contains(f)) {
        return Err(BuildError::Unknown((*unknown).to_owned()));
    }
    let mut command = Command::new(env!("CARGO"));
    command.current_dir(workspace_root()).arg("build").arg("--bins");
    if profile == Profile::Release {
        command.arg("--release");
    }
    for function in FUNCTIONS {
        command.args(["-p", function]);
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
