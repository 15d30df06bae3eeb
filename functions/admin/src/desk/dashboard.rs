//! `/`: the admin's desk. Ids: `#dashboard`, `#admin-name`, `#token-health` (`data-state`),
//! `#banner-kakao-app-stopped` (`data-stop`), `#banner-relogin`, `#banner-refresh-ending`, `#banner-consent` (`#grant-consent`),
//! `#banner-sync-failed`, `#quota-used`, `#quota-limit`, `#quota-resets`, `#friend-count`,
//! `#sync-now`.

use chrono::{DateTime, Utc};
use maud::{Markup, html};
use store::model::{AdminStatus, SyncOutcome};
use web::layout::{self, AdminBar, Chrome, Nav, banner, csrf_field};
use web::{CsrfToken, Lang, consent};

use super::health::TokenHealth;
use crate::desk::Dashboard;
use crate::send::problem::kakao_app_stop_words;
use crate::views::{last_sync, when};

pub fn page(lang: Lang, here: &str, csrf: &CsrfToken, desk: &Dashboard, now: DateTime<Utc>) -> Markup {
    let admin = &desk.admin;
    let missing = &desk.missing_scopes;
    let needs_consent = !missing.is_empty();
    let needs_login = admin.status == AdminStatus::NeedsLogin || desk.health == TokenHealth::LoginNeeded;
    let chrome = Chrome {
        lang,
        title: lang.t("대시보드", "Dashboard"),
        here,
        admin: Some(AdminBar {
            nickname: &admin.nickname,
            csrf,
            current: Nav::Dashboard,
        }),
    };
    layout::page(
        &chrome,
        html! {
            div #dashboard {
                h1 {
                    @match lang {
                        Lang::Ko => { "안녕하세요, " span #admin-name { (admin.nickname) } "님" }
                        Lang::En => { "Hello, " span #admin-name { (admin.nickname) } }
                    }
                }
                @if let Some(stop) = desk.kakao_app_stop {
                    div data-stop=(stop.stop.as_str()) {
                        (banner("error", "banner-kakao-app-stopped", html! {
                            p { strong { (lang.t("지금은 카카오로 알림을 보낼 수 없습니다.", "Kakao has stopped ttokttok for now.")) } " "
                                (kakao_app_stop_words(lang, stop.stop)) }
                            p.muted { (lang.t("멈춘 때: ", "Stopped since: ")) (when(stop.since, now, lang)) }
                        }))
                    }
                }
                @if needs_login {
                    (banner("error", "banner-relogin", html! {
                        p { strong { (lang.t("다시 로그인해 주세요.", "Please log in again.")) } " "
                            (lang.t("카카오 로그인이 끝나 알림을 보낼 수 없습니다.", "Your Kakao login has ended, so no reminders can go out.")) }
                        a.btn.btn-kakao #relogin href="/login" { (lang.t("카카오로 다시 로그인", "Log in again with Kakao")) }
                    }))
                } @else if let TokenHealth::RefreshEndingSoon { refresh_expires_at, .. } = desk.health {
                    (banner("warning", "banner-refresh-ending", html! {
                        p { (lang.t("카카오 로그인이 곧 끝납니다: ", "Your Kakao login ends soon: ")) (when(refresh_expires_at, now, lang)) ". "
                            (lang.t("알림이 끊기지 않도록 그 전에 다시 로그인해 주세요.", "Log in again before then so reminders keep going.")) }
                        a.btn.btn-kakao #relogin href="/login" { (lang.t("지금 다시 로그인", "Log in again now")) }
                    }))
                }
                @if needs_consent && !needs_login {
                    (banner("warning", "banner-consent", html! {
                        p { strong { (lang.t("동의가 더 필요합니다.", "More consent is needed.")) } " "
                            (lang.t("아래 항목에 동의해야 친구 목록을 읽고 알림을 보낼 수 있습니다.", "ttokttok needs the items below to read your friends and send reminders.")) }
                        ul { @for id in missing { li { (consent::explain(id, lang).name) } } }
                        a.btn.btn-kakao #grant-consent href={ "/consent?scopes=" (missing.join(",")) } { (lang.t("카카오에서 동의하기", "Agree on Kakao")) }
                    }))
                }
                @if let Some(report) = &desk.last_sync && let SyncOutcome::Failed { reason } = &report.outcome {
                    (banner("warning", "banner-sync-failed", html! {
                        p { (lang.t("최근 친구 동기화가 실패했습니다: ", "The last friend sync failed: ")) (reason) }
                    }))
                }
                div.grid {
                    section.card #token-health data-state=(health_state(&desk.health)) {
                        h2 { (lang.t("카카오 로그인 상태", "Kakao login")) }
                        @match desk.health {
                            TokenHealth::Healthy { access_expires_at, refresh_expires_at }
                            | TokenHealth::RefreshEndingSoon { access_expires_at, refresh_expires_at } => {
                                dl.facts {
                                    dt { (lang.t("접근 토큰", "Access token")) }
                                    dd #access-expires { (lang.t("만료 ", "expires ")) (when(access_expires_at, now, lang)) }
                                    dt { (lang.t("갱신 토큰", "Refresh token")) }
                                    dd #refresh-expires { (lang.t("만료 ", "expires ")) (when(refresh_expires_at, now, lang)) }
                                }
                                p.small.muted { (lang.t(
                                    "접근 토큰은 자동으로 갱신됩니다. 갱신 토큰이 끝나기 전에 다시 로그인하면 됩니다.",
                                    "The access token renews by itself; log in again before the refresh token ends."
                                )) }
                            }
                            TokenHealth::LoginNeeded => {
                                p { span.badge.badge-bad { (lang.t("다시 로그인 필요", "login needed")) } }
                            }
                        }
                    }
                    section.card #quota {
                        h2 { (lang.t("오늘 보낸 메시지", "Messages sent today")) }
                        p.stat { span #quota-used { (desk.quota.used) } " / " span #quota-limit { (desk.quota.limit) } }
                        div class=(desk.quota.meter_class()) { span {} }
                        p.small.muted #quota-resets data-resets=(web::time::iso(desk.quota.resets_at)) {
                            (lang.t("카카오 하루 한도는 ", "Kakao's daily limit resets at ")) (when(desk.quota.resets_at, now, lang))
                            (lang.t("에 다시 채워집니다.", "."))
                        }
                    }
                    section.card #friends-summary {
                        h2 { (lang.t("친구", "Friends")) }
                        p.stat #friend-count { (desk.friends) }
                        p.small { (last_sync(desk.last_sync.as_ref(), now, lang)) }
                        div.actions {
                            form.inline-form method="post" action="/sync" {
                                (csrf_field(csrf))
                                input type="hidden" name="back" value="/";
                                button.btn.btn-secondary type="submit" #sync-now { (lang.t("지금 동기화", "Sync now")) }
                            }
                            a.btn href="/send" #go-send { (lang.t("알림 보내기", "Send a reminder")) }
                        }
                    }
                }
            }
        },
    )
}

fn health_state(health: &TokenHealth) -> &'static str {
    match health {
        TokenHealth::Healthy { .. } => "healthy",
        TokenHealth::RefreshEndingSoon { .. } => "refresh_ending_soon",
        TokenHealth::LoginNeeded => "login_needed",
    }
}
