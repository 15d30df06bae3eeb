//! The friends list through the client: typed friends, paging over hundreds, and the errors a
//! sync has to act on.

mod common;

use std::collections::HashSet;

use common::{ADMIN, FRIEND, friends_world, spawn_kakao, user_id};
use kakao::{FriendsPageRequest, KakaoError, PageLimit};
use kakao_sandbox::Friendship;

#[tokio::test]
async fn all_friends_reads_every_page_of_two_hundred_and_fifty() {
    let kakao = spawn_kakao(friends_world(250)).await;
    let token = kakao.full_token(ADMIN).await;

    let friends = kakao.client.all_friends(&token).await.unwrap();

    assert_eq!(friends.len(), 250);
    let ids: HashSet<_> = friends.iter().filter_map(|f| f.id).collect();
    let uuids: HashSet<_> = friends.iter().map(|f| f.uuid.clone()).collect();
    assert_eq!((ids.len(), uuids.len()), (250, 250));
    assert!(!ids.contains(&user_id(ADMIN)), "the admin is not its own friend");
    let first = friends.iter().find(|f| f.id == Some(user_id(FRIEND))).unwrap();
    assert_eq!(first.uuid, kakao.uuid(FRIEND));
    assert_eq!(first.nickname, kakao.world.user(FRIEND).unwrap().nickname);
}

#[tokio::test]
async fn one_page_holds_up_to_a_hundred_and_points_at_the_next() {
    let kakao = spawn_kakao(friends_world(250)).await;
    let token = kakao.full_token(ADMIN).await;

    let first = kakao
        .client
        .friends_page(&token, &FriendsPageRequest::default())
        .await
        .unwrap();
    let last_request = FriendsPageRequest {
        offset: 200,
        ..FriendsPageRequest::default()
    };
    let last = kakao.client.friends_page(&token, &last_request).await.unwrap();

    assert_eq!(first.friends.len(), 100);
    assert_eq!(first.total_count, 250);
    assert_eq!(first.next.map(|n| n.offset), Some(100));
    assert_eq!(last.friends.len(), 50);
    assert_eq!(last.next, None);
}

#[tokio::test]
async fn a_small_page_limit_is_honoured() {
    let kakao = spawn_kakao(friends_world(12)).await;
    let token = kakao.full_token(ADMIN).await;
    let request = FriendsPageRequest {
        limit: PageLimit::new(5).unwrap(),
        ..FriendsPageRequest::default()
    };

    let page = kakao.client.friends_page(&token, &request).await.unwrap();

    assert_eq!(page.friends.len(), 5);
    let next = page.next.unwrap();
    assert_eq!((next.offset, next.limit.get()), (5, 5));
}

#[tokio::test]
async fn favourites_are_marked() {
    let mut world = friends_world(3);
    world.friendships.retain(|f| !f.between.contains(&1002));
    world.friendships.push(Friendship {
        between: [ADMIN, 1002],
        favorite_of: vec![ADMIN],
    });
    let kakao = spawn_kakao(world).await;
    let token = kakao.full_token(ADMIN).await;

    let friends = kakao.client.all_friends(&token).await.unwrap();

    let favourites: Vec<_> = friends
        .iter()
        .filter(|f| f.favorite)
        .filter_map(|f| f.id)
        .collect();
    assert_eq!(favourites, [user_id(1002)]);
}

#[tokio::test]
async fn without_the_friends_consent_the_sync_is_told_which_scope_to_ask_for() {
    let kakao = spawn_kakao(friends_world(3)).await;
    let token = kakao
        .access_token(ADMIN, &["profile_nickname", "talk_message"])
        .await;

    let err = kakao.client.all_friends(&token).await.unwrap_err();

    assert_eq!(err.needs_consent(), Some(&["friends".to_string()][..]), "{err:?}");
    let KakaoError::InsufficientScope { allowed_scopes, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        allowed_scopes.contains(&"talk_message".to_string()),
        "{allowed_scopes:?}"
    );
}

/// A server that claims one friend but always offers a next page, as a broken Kakao might.
fn spawn_endless_friends_server() -> url::Url {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut offset = 0u64;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            offset += 100;
            let body = format!(
                r#"{{"elements":[],"total_count":1,"after_url":"http://{addr}/v1/api/talk/friends?offset={offset}&limit=100"}}"#
            );
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url::Url::parse(&format!("http://{addr}")).unwrap()
}

#[tokio::test]
async fn a_friends_list_that_never_ends_is_cut_off() {
    let base = spawn_endless_friends_server();
    let config = common::config_for(&friends_world(0), base);
    let client = kakao::KakaoClient::new(
        config,
        std::sync::Arc::new(domain::ManualClock::new(common::monday_afternoon())),
    )
    .unwrap();

    let err = client
        .all_friends(&kakao::AccessToken::new("t"))
        .await
        .unwrap_err();

    let KakaoError::EndlessFriendList { pages } = err else {
        panic!("{err:?}")
    };
    assert!(
        pages <= 6,
        "gives up soon after total_count is exhausted, read {pages} pages"
    );
}

/// Kakao's friends API marks `id` optional: a list without it still reads, keyed by UUID.
#[tokio::test]
async fn friends_listed_without_an_id_are_read_by_their_uuid() {
    let mut world = friends_world(250);
    world.app.friends_without_id = true;
    let kakao = spawn_kakao(world).await;
    let token = kakao.full_token(ADMIN).await;

    let friends = kakao.client.all_friends(&token).await.unwrap();

    assert_eq!(friends.len(), 250);
    assert!(friends.iter().all(|f| f.id.is_none()));
    let uuids: HashSet<_> = friends.iter().map(|f| f.uuid.clone()).collect();
    assert_eq!(uuids.len(), 250);
    assert!(uuids.contains(&kakao.uuid(FRIEND)));
}
