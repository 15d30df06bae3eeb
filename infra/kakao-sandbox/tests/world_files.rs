//! Worlds from JSON and TOML files, the shipped default world, and worlds refused with an error
//! that names the problem.

mod common;

use std::path::PathBuf;

use kakao_sandbox::{World, WorldError, WorldProblem};
use reqwest::StatusCode;

const TOML_WORLD: &str = r#"
[app]
app_id = 42
rest_api_key = "toml-rest-key"
admin_key = "toml-admin-key"
redirect_uris = ["http://127.0.0.1:3000/oauth/callback"]

[app.quotas]
pair_daily = 3

[[users]]
id = 1
nickname = "선생님"
uuid = "uuid-teacher"
linked = true
agreed = ["profile_nickname", "friends", "talk_message"]

[[users]]
id = 2
nickname = "학생"
uuid = "uuid-student"
linked = true
agreed = ["profile_nickname", "friends", "talk_message"]

[[friendships]]
between = [1, 2]
favorite_of = [1]
"#;

/// A world file in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl std::ops::Deref for TempFile {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Writes `text` to a file named `name` (unique to this test process).
fn write_temp(name: &str, text: &str) -> TempFile {
    let path = std::env::temp_dir().join(format!("kakao-sandbox-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    TempFile(path)
}

fn problem_of(result: Result<World, WorldError>) -> WorldProblem {
    match result {
        Err(WorldError::InFile { source, .. }) => match *source {
            WorldError::Invalid(problem) => problem,
            other => panic!("expected an invalid world, got {other:?}"),
        },
        Err(WorldError::Invalid(problem)) => problem,
        other => panic!("expected an invalid world, got {other:?}"),
    }
}

#[tokio::test]
async fn a_toml_world_loads_and_the_sandbox_serves_it() {
    let world = World::from_path(&write_temp("small.toml", TOML_WORLD)).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(world.app.quotas.pair_daily, 3);
    assert_eq!(
        world.app.quotas.sender_daily, 100,
        "unset limits keep Kakao's values"
    );
    let kakao = common::start(world).await;
    let token = kakao.token(1, &["profile_nickname", "friends"]).await;

    let (status, page) = kakao.get("/v1/api/talk/friends", Some(&token)).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["elements"][0]["uuid"], "uuid-student");
    assert_eq!(page["elements"][0]["favorite"], true);
}

#[test]
fn a_json_world_loads_and_round_trips() {
    let original = World::with_friends(3);
    let json = serde_json::to_string_pretty(&original).unwrap_or_default();

    let loaded = World::from_path(&write_temp("three.json", &json)).unwrap_or_else(|e| panic!("{e:?}"));

    assert_eq!(loaded, original);
}

#[test]
fn the_shipped_default_world_file_loads_from_disk_too() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("worlds/default.json");
    let world = World::from_path(&path).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(world, World::default_world());
    assert!(world.users.iter().any(|u| u.nickname == "김선생"));
    assert!(
        world
            .app
            .redirect_uris
            .contains(&"http://localhost:3000/join/callback".to_owned())
    );
    assert_eq!(
        world.app.unlink_webhook_url.as_deref(),
        Some("http://127.0.0.1:3000/kakao/unlink")
    );
}

#[test]
fn the_readme_example_world_is_valid() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("```toml\n")
        .map(|i| i + "```toml\n".len())
        .unwrap_or_else(|| panic!("a toml block"));
    let end = readme[start..]
        .find("```")
        .map(|i| start + i)
        .unwrap_or_else(|| panic!("its end"));

    let world = World::from_toml_str(&readme[start..end]).unwrap_or_else(|e| panic!("{e:?}"));

    assert!(world.clock.frozen);
    assert_eq!(world.friendships[0].favorite_of, [1]);
}

#[test]
fn a_friendship_with_an_unknown_user_is_refused_by_name() {
    let bad = TOML_WORLD.replace("between = [1, 2]", "between = [1, 99]");
    let problem = problem_of(World::from_path(&write_temp("unknown-friend.toml", &bad)));
    assert_eq!(
        problem,
        WorldProblem::UnknownFriend {
            friend: 99,
            pair: [1, 99]
        }
    );
    assert!(problem.to_string().contains("99"));
}

#[test]
fn two_users_with_one_uuid_are_refused() {
    let bad = TOML_WORLD.replace("uuid-student", "uuid-teacher");
    let problem = problem_of(World::from_path(&write_temp("same-uuid.toml", &bad)));
    assert_eq!(
        problem,
        WorldProblem::DuplicateUuid {
            uuid: "uuid-teacher".into(),
            first: 1,
            second: 2
        }
    );
}

#[test]
fn other_contradictions_are_refused() {
    let mut unlinked_with_consent = World::with_friends(1);
    if let Some(u) = unlinked_with_consent.user_mut(1001) {
        u.linked = false;
    }
    let mut linked_without_required = World::with_friends(1);
    if let Some(u) = linked_without_required.user_mut(1001) {
        u.agreed = vec!["friends".into()];
    }
    let mut unknown_team_member = World::with_friends(1);
    unknown_team_member.app.team_members.push(5);

    assert_eq!(
        unlinked_with_consent.validate(),
        Err(WorldProblem::UnlinkedUserHasConsent(1001))
    );
    assert_eq!(
        linked_without_required.validate(),
        Err(WorldProblem::MissingRequiredConsent {
            user: 1001,
            item: "profile_nickname".into()
        })
    );
    assert_eq!(
        unknown_team_member.validate(),
        Err(WorldProblem::UnknownTeamMember(5))
    );
}

#[test]
fn typos_and_unknown_formats_are_refused() {
    let typo = TOML_WORLD.replace("favorite_of", "favourite_of");
    assert!(matches!(
        World::from_path(&write_temp("typo.toml", &typo)),
        Err(WorldError::InFile { source, .. }) if matches!(*source, WorldError::Toml(_))
    ));
    assert!(matches!(
        World::from_path(&write_temp("world.yaml", "app: {}")),
        Err(WorldError::UnknownFormat(_))
    ));
    assert!(matches!(
        World::from_path(&PathBuf::from("/no/such/world.json")),
        Err(WorldError::Read { .. })
    ));
    assert!(matches!(World::from_json_str("{"), Err(WorldError::Json(_))));
}

#[tokio::test]
async fn spawning_an_invalid_world_is_refused() {
    let mut world = World::with_friends(2);
    world.users[2].uuid = world.users[1].uuid.clone();

    let error = kakao_sandbox::spawn(world)
        .await
        .err()
        .unwrap_or_else(|| panic!("an invalid world must not start"));

    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("uuid"));
}
