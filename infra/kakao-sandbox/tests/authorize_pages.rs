//! The Kakao Login pages walked with plain HTTP form posts, as a browser without JavaScript
//! would: KOE error pages, picking a user, consent with items left unticked, cancel, and
//! additional consent with `scope=` (`docs/kakao.md#kakao-login`, `docs/kakao.md#consent-items`).

mod common;

use common::{ADMIN, CALLBACK, FRIEND, Kakao, friends_world, hidden_value, location, query_value, start};
use kakao_sandbox::World;
use reqwest::StatusCode;

/// FRIEND has never logged in to the app.
fn world_with_a_newcomer() -> World {
    let mut world = friends_world(1);
    if let Some(u) = world.user_mut(FRIEND) {
        u.linked = false;
        u.agreed.clear();
    }
    world
}

async fn authorize_status(kakao: &Kakao, query: &[(&str, &str)]) -> (StatusCode, String, bool) {
    let response = kakao
        .http
        .get(kakao.at("/oauth/authorize"))
        .query(query)
        .send()
        .await;
    let response = response.unwrap_or_else(|e| panic!("{e}"));
    let redirected = response.headers().contains_key("location");
    (
        response.status(),
        response.text().await.unwrap_or_default(),
        redirected,
    )
}

/// Opens the login for `user` and returns the consent page (asserting one is shown).
async fn consent_page(kakao: &Kakao, user: i64, scope: Option<&str>) -> String {
    let mut query = vec![
        ("client_id", kakao.client_id.as_str()),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
    ];
    if let Some(scope) = scope {
        query.push(("scope", scope));
    }
    let picker = kakao.page("/oauth/authorize", &query).await;
    let login_id = hidden_value(&picker, "login_id");
    let response = kakao
        .http
        .post(kakao.at("/oauth/authorize/login"))
        .form(&[("login_id", login_id.as_str()), ("user_id", &user.to_string())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::OK, "a consent page is shown");
    response.text().await.unwrap_or_default()
}

async fn scopes_of_code(kakao: &Kakao, location: &str) -> Vec<String> {
    let code = query_value(location, "code").unwrap_or_else(|| panic!("a code in {location}"));
    let (status, body) = kakao
        .oauth_token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut scopes: Vec<String> = body["scope"]
        .as_str()
        .unwrap_or_default()
        .split(' ')
        .map(str::to_owned)
        .collect();
    scopes.sort();
    scopes
}

#[tokio::test]
async fn configuration_errors_show_a_koe_page_and_do_not_redirect() {
    let kakao = start(friends_world(1)).await;
    let key = kakao.client_id.clone();
    let cases: [(Vec<(&str, &str)>, &str); 6] = [
        (
            vec![
                ("client_id", "wrong"),
                ("redirect_uri", CALLBACK),
                ("response_type", "code"),
            ],
            "KOE101",
        ),
        (
            vec![
                ("client_id", &key),
                ("redirect_uri", "http://127.0.0.1:9/cb"),
                ("response_type", "code"),
            ],
            "KOE006",
        ),
        (vec![("client_id", &key), ("response_type", "code")], "KOE006"),
        (
            vec![
                ("client_id", &key),
                ("redirect_uri", CALLBACK),
                ("response_type", "token"),
            ],
            "KOE202",
        ),
        (
            vec![
                ("client_id", &key),
                ("redirect_uri", CALLBACK),
                ("response_type", "id_token"),
            ],
            "KOE201",
        ),
        (
            vec![
                ("client_id", &key),
                ("redirect_uri", CALLBACK),
                ("response_type", "code"),
                ("scope", "email"),
            ],
            "KOE205",
        ),
    ];
    for (query, koe) in cases {
        let (status, page, redirected) = authorize_status(&kakao, &query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{koe}");
        assert!(!redirected, "{koe}: config errors never redirect");
        assert!(
            page.contains(&format!(r#"id="error-code">{koe}<"#)),
            "{koe} shown in:\n{page}"
        );
    }
}

#[tokio::test]
async fn the_picker_offers_every_user_on_a_kakao_yellow_page() {
    let kakao = start(friends_world(2)).await;
    let query = [
        ("client_id", kakao.client_id.as_str()),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
    ];

    let page = kakao.page("/oauth/authorize", &query).await;

    for id in [1000, 1001, 1002] {
        assert!(
            page.contains(&format!(r#"id="pick-{id}""#)),
            "user {id} can be picked"
        );
    }
    assert!(page.contains("#FEE500"));
    assert!(page.contains("카카오계정으로 로그인") && page.contains("Log in with a Kakao account"));
    assert!(!page.contains("<script"), "no JavaScript needed");
}

#[tokio::test]
async fn a_newcomer_sees_required_items_fixed_and_optional_ones_as_checkboxes() {
    let kakao = start(world_with_a_newcomer()).await;

    let page = consent_page(&kakao, FRIEND, None).await;

    assert!(page.contains(r#"id="consent-profile_nickname" checked disabled"#));
    assert!(page.contains(r#"name="agreed" value="friends" id="consent-friends""#));
    assert!(page.contains(r#"name="agreed" value="talk_message" id="consent-talk_message""#));
    for id in ["agree-all", "agree", "cancel"] {
        assert!(page.contains(&format!(r#"id="{id}""#)), "button {id}");
    }
}

#[tokio::test]
async fn an_item_left_unticked_is_missing_from_the_token_scope() {
    let kakao = start(world_with_a_newcomer()).await;

    let location = kakao.walk_login(FRIEND, None, "agree", &["talk_message"]).await;

    assert!(location.starts_with(&format!("{CALLBACK}?code=")), "{location}");
    assert_eq!(query_value(&location, "state").as_deref(), Some("xyz-123"));
    assert_eq!(
        scopes_of_code(&kakao, &location).await,
        ["profile_nickname", "talk_message"]
    );
}

#[tokio::test]
async fn agree_all_grants_every_item_asked() {
    let kakao = start(world_with_a_newcomer()).await;

    let location = kakao.walk_login(FRIEND, None, "agree_all", &[]).await;

    assert_eq!(
        scopes_of_code(&kakao, &location).await,
        ["friends", "profile_nickname", "talk_message"]
    );
}

#[tokio::test]
async fn cancel_redirects_with_access_denied_and_links_nobody() {
    let kakao = start(world_with_a_newcomer()).await;

    let location = kakao.walk_login(FRIEND, None, "cancel", &["friends"]).await;

    assert_eq!(
        location,
        format!("{CALLBACK}?error=access_denied&error_description=User%20denied%20access&state=xyz-123")
    );
    let (_, users) = kakao.get("/_sandbox/users", None).await;
    let friend = users
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["id"] == FRIEND)
        .cloned()
        .unwrap_or_default();
    assert_eq!(friend["linked"], false);
}

#[tokio::test]
async fn a_returning_user_with_nothing_new_to_agree_goes_straight_back_with_a_code() {
    let kakao = start(world_with_a_newcomer()).await;
    let first = kakao.walk_login(FRIEND, None, "agree", &[]).await;
    assert_eq!(scopes_of_code(&kakao, &first).await, ["profile_nickname"]);

    // Declined items are not asked again on a plain login; the picker redirects at once.
    let again = kakao.walk_login(ADMIN, None, "agree", &[]).await;
    let friend_again = kakao.walk_login(FRIEND, None, "agree", &[]).await;

    assert!(query_value(&again, "code").is_some());
    assert_eq!(scopes_of_code(&kakao, &friend_again).await, ["profile_nickname"]);
}

#[tokio::test]
async fn additional_consent_with_scope_asks_only_for_the_missing_items() {
    let kakao = start(world_with_a_newcomer()).await;
    kakao.walk_login(FRIEND, None, "agree", &["talk_message"]).await;

    let page = consent_page(&kakao, FRIEND, Some("friends,talk_message")).await;
    assert!(page.contains(r#"id="consent-friends""#));
    assert!(
        !page.contains(r#"id="consent-talk_message""#),
        "already agreed, not asked again"
    );
    assert!(!page.contains(r#"id="consent-profile_nickname""#));

    let location = kakao
        .walk_login(FRIEND, Some("friends,talk_message"), "agree", &["friends"])
        .await;
    assert_eq!(
        scopes_of_code(&kakao, &location).await,
        ["friends", "profile_nickname", "talk_message"]
    );
}

#[tokio::test]
async fn prompt_none_cannot_show_pages_so_it_comes_back_with_login_required() {
    let kakao = start(friends_world(1)).await;
    let query = [
        ("client_id", kakao.client_id.as_str()),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("prompt", "none"),
        ("state", "s"),
    ];
    let response = kakao
        .http
        .get(kakao.at("/oauth/authorize"))
        .query(&query)
        .send()
        .await;
    let response = response.unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(response.status(), StatusCode::FOUND);
    let location = location(&response);
    assert_eq!(query_value(&location, "error").as_deref(), Some("login_required"));
    assert_eq!(query_value(&location, "state").as_deref(), Some("s"));
}

#[tokio::test]
async fn state_comes_back_exactly_even_with_odd_characters() {
    let kakao = start(friends_world(1)).await;
    let state = "a b&c=d/é?";
    let query = [
        ("client_id", kakao.client_id.as_str()),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("state", state),
    ];
    let picker = kakao.page("/oauth/authorize", &query).await;
    let login_id = hidden_value(&picker, "login_id");
    let response = kakao
        .http
        .post(kakao.at("/oauth/authorize/login"))
        .form(&[("login_id", login_id.as_str()), ("user_id", "1000")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(query_value(&location(&response), "state").as_deref(), Some(state));
}

#[tokio::test]
async fn a_finished_or_made_up_login_cannot_be_replayed() {
    let kakao = start(world_with_a_newcomer()).await;
    let response = kakao
        .http
        .post(kakao.at("/oauth/authorize/consent"))
        .form(&[("login_id", "made-up"), ("action", "agree_all")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(!response.headers().contains_key("location"));
}
