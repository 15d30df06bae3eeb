//! The local run's secrets stay out of a checkout: by default they live in the user's data
//! directory, and should `--db` point into the checkout, git ignores the key files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .parent()
        .unwrap()
}

#[test]
fn git_ignores_the_key_files_wherever_the_database_is() {
    for path in [
        "ttokttok.db.key",
        "ttokttok.db.web.key",
        "data/mine.db.key",
        "data/mine.db.web.key",
    ] {
        let status = Command::new("git")
            .args(["check-ignore", "-q", "--no-index", path])
            .current_dir(repo_root())
            .status()
            .expect("git runs");
        assert!(status.success(), "{path} would be committed by `git add .`");
    }
}

#[test]
fn the_default_database_lives_outside_the_checkout() {
    let db = local::default_db().expect("a data directory");
    assert!(!db.starts_with(repo_root()), "{}", db.display());
    assert!(db.ends_with("ttokttok/ttokttok.db"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(db.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the directory is private: {mode:o}");
    }
}
