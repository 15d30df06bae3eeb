//! The sandbox's front page (users and their inboxes) and the app's settings page, the
//! sandbox's stand-in for the Kakao Developers console.

use maud::{Markup, html};

use super::{bilingual, layout};
use crate::kst::{in_kst, kakao_day};
use crate::login::percent_encode;
use crate::quota::Counter;
use crate::state::Sandbox;

pub(crate) fn index_page(sandbox: &Sandbox) -> Markup {
    let app = &sandbox.app;
    let sample_login = app.redirect_uris.first().map(|redirect| {
        format!(
            "/oauth/authorize?client_id={}&redirect_uri={}&response_type=code&state=sandbox",
            percent_encode(&app.rest_api_key),
            percent_encode(redirect)
        )
    });
    layout(
        "Kakao sandbox",
        "",
        html! {
            main.wide {
                span.logo { "kakao sandbox" }
                h1 { (bilingual("카카오 샌드박스", "A Kakao emulator: kauth and kapi on one port")) }
                p {
                    "앱 (app): " strong { (app.name) } " · "
                    a #settings href="/settings" { "앱 설정 (app settings)" }
                    @if let Some(login) = &sample_login {
                        " · " a #try-login href=(login) { "로그인 해보기 (try Kakao Login)" }
                    }
                }
                p.opt { "Now: " (in_kst(sandbox.now()).format("%Y-%m-%d %H:%M:%S KST")) }
                h2 { (bilingual("사용자", "Users")) }
                table #users {
                    tr { th { "id" } th { "닉네임" } th { "uuid" } th { "연결 (linked)" } th { "동의 (agreed)" }
                         th { "친구 (friends)" } th { "세션 (sessions)" } th { "받은 메시지 (inbox)" } }
                    @for account in sandbox.directory.all() {
                        tr {
                            td { (account.id) }
                            td { (account.nickname)
                                 @if app.team_members.contains(&account.id) { " " span.badge { "team" } }
                                 @if account.refuses_messages { " " span.badge { "수신 거부 · refuses" } } }
                            td { code { (account.uuid) } }
                            td { @if account.linked { "yes" } @else { "no" } }
                            td { (account.agreed.iter().cloned().collect::<Vec<_>>().join(", ")) }
                            td { (sandbox.directory.friends_of(account.id).count()) }
                            td { (sandbox.tokens.live_sessions(account.id, sandbox.now())) }
                            td {
                                a id={ "inbox-" (account.id) } href={ "/inbox/" (account.id) } {
                                    (sandbox.inboxes.get(&account.id).map_or(0, Vec::len)) " 개"
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub(crate) fn settings_page(sandbox: &Sandbox) -> Markup {
    let app = &sandbox.app;
    let day = kakao_day(sandbox.now());
    let q = &app.quotas;
    let t = &app.tokens;
    layout(
        "App settings",
        "",
        html! {
            main.wide {
                a href="/" { "← sandbox" }
                h1 { (bilingual(&format!("{} 앱 설정", app.name), "App settings, as the Kakao Developers console would show them")) }
                table #app {
                    tr { th { "app_id" } td { (app.app_id) } }
                    tr { th { "REST API 키 (client_id)" } td { code { (app.rest_api_key) } } }
                    tr { th { "Client secret" } td { @match &app.client_secret { Some(s) => code { (s) }, None => "(사용 안 함 · off)" } } }
                    tr { th { "어드민 키 (admin key)" } td { code { (app.admin_key) } } }
                    tr { th { "리다이렉트 URI" } td { @for uri in &app.redirect_uris { code { (uri) } br; } } }
                    tr { th { "웹 도메인 (web domains)" } td { @for d in &app.web_domains { code { (d) } br; } } }
                    tr { th { "연결 해제 웹훅 (unlink webhook)" } td { @match &app.unlink_webhook_url { Some(u) => code { (u) }, None => "(none)" } } }
                    tr { th { "카카오톡 친구/메시지 권한" } td { @if app.message_permission { "granted" } @else { "not granted: team members only" } } }
                    tr { th { "팀 멤버 (team)" } td { (app.team_members.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")) } }
                    tr { th { "친구 목록 기본 limit" } td { (app.friends_default_limit) } }
                    tr { th { "메모 쿼터 포함 (memo counted)" } td { (app.memo_counts_toward_quota) } }
                }
                h2 { (bilingual("동의항목", "Consent items")) }
                table #consent-items {
                    tr { th { "id" } th { "이름" } th { "type" } th { "필수 (required)" } th { "이용 중 동의 (during use)" } }
                    @for item in &app.consent_items {
                        tr { td { code { (item.id) } } td { (item.display_name) } td { (format!("{:?}", item.kind)) } td { (item.required) } td { (item.during_use) } }
                    }
                }
                h2 { (bilingual("쿼터", "Daily quotas")) " (" (day) " KST)" }
                table #quotas {
                    tr { th { "quota" } th { "limit" } th { "used today" } }
                    tr { td { "app (-10)" } td { (q.app_daily) } td { (sandbox.quota.used(day, Counter::App)) } }
                    tr { td { "per sender (-532)" } td { (q.sender_daily) } td { "" } }
                    tr { td { "per recipient (-533)" } td { (q.recipient_daily) } td { "" } }
                    tr { td { "per pair (-536)" } td { (q.pair_daily) } td { "" } }
                }
                h2 { (bilingual("토큰", "Tokens")) }
                table #tokens {
                    tr { th { "authorization code" } td { (t.authorization_code_seconds) " s" } }
                    tr { th { "access token" } td { (t.access_token_seconds) " s" } }
                    tr { th { "refresh token" } td { (t.refresh_token_seconds) " s" } }
                    tr { th { "refresh rotation when less than" } td { (t.refresh_rotation_threshold_seconds) " s left" } }
                }
            }
        },
    )
}
