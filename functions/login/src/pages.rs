//! The pages of the login and onboarding flows. Everything shown goes through maud (escaped);
//! admin nicknames come from Kakao and are user-controlled.
//!
//! Stable ids for tests and the review screenshots: `#login-cancelled`, `#one-more-step` (with
//! `#missing-{scope}` per item and the `#grant-missing` button), `#client-welcome`
//! (`#join-start`), `#client-done`, `#client-missing` (`#try-again`), `#client-is-organiser`,
//! `#logout-confirm`.

use maud::{Markup, html};
use web::layout::{self, Chrome, csrf_field, kakao_button};
use web::{CsrfToken, Lang, consent};

fn public(lang: Lang, title: &str, here: &str, body: Markup) -> Markup {
    layout::page(&Chrome::public(lang, title, here), body)
}

/// The person pressed "cancel" on Kakao's consent screen.
pub fn cancelled(lang: Lang, here: &str, retry: &str, client: bool) -> Markup {
    let title = lang.t("로그인을 취소했습니다", "Login cancelled");
    public(
        lang,
        title,
        here,
        html! {
            div.card.narrow.center #login-cancelled {
                div.status-icon aria-hidden="true" { "↩︎" }
                h1 { (title) }
                @if client {
                    p { (lang.t(
                        "카카오 로그인을 취소해서 아무것도 바뀌지 않았습니다. 알림을 받으려면 다시 시도해 주세요.",
                        "You cancelled the Kakao login, so nothing has changed. To get reminders, try again."
                    )) }
                } @else {
                    p { (lang.t(
                        "카카오 로그인을 취소해서 로그인되지 않았습니다. 언제든 다시 시도할 수 있습니다.",
                        "You cancelled the Kakao login, so you are not logged in. You can try again at any time."
                    )) }
                }
                div.actions.center {
                    (kakao_button(retry, lang.t("카카오로 다시 시도하기", "Try again with Kakao"), "try-again"))
                }
            }
        },
    )
}

/// An admin logged in without `friends` or `talk_message`: not logged in yet; one button asks
/// Kakao for exactly the missing items.
pub fn one_more_step(lang: Lang, here: &str, missing: &[&str], grant_href: &str) -> Markup {
    let title = lang.t("한 단계만 더 남았어요", "One more step");
    public(
        lang,
        title,
        here,
        html! {
            div.card.narrow #one-more-step {
                h1 { (title) }
                p { (lang.t(
                    "똑똑이 회원님 대신 알림을 보내려면 아래 항목에 동의해 주셔야 합니다. 동의하기 전에는 로그인되지 않습니다.",
                    "To send reminders for you, ttokttok needs you to agree to the items below. You are not logged in until you do."
                )) }
                ul.plain.scope-list {
                    @for id in missing {
                        @let item = consent::explain(id, lang);
                        li #{ "missing-" (id) } data-scope=(id) {
                            strong { (item.name) }
                            span.muted { (item.admin_need) }
                        }
                    }
                }
                div.actions {
                    (kakao_button(grant_href, lang.t("카카오에서 동의하기", "Agree on Kakao"), "grant-missing"))
                    a.btn.btn-secondary #not-now href="/" { (lang.t("나중에 하기", "Not now")) }
                }
                p.small.muted { (lang.t(
                    "동의는 카카오톡의 설정 > 카카오계정 > 연결된 서비스 관리에서 언제든 철회할 수 있습니다.",
                    "You can withdraw consent at any time in KakaoTalk: Settings > Kakao Account > Connected services."
                )) }
            }
        },
    )
}

/// `/join/{code}`: what a client is about to agree to, and the Kakao login button.
pub fn client_welcome(lang: Lang, here: &str, admin_name: &str, start_href: &str) -> Markup {
    let title = lang.t("모임 알림 받기", "Get meeting reminders");
    public(
        lang,
        title,
        here,
        html! {
            div.card.narrow #client-welcome {
                h1 {
                    @match lang {
                        Lang::Ko => { (admin_name) "님이 똑똑으로 모임 알림을 보내려고 합니다" }
                        Lang::En => { (admin_name) " would like to send you meeting reminders with ttokttok" }
                    }
                }
                p { (lang.t(
                    "온라인 모임이 시작됐는데 아직 들어오지 않았다면, 참여 버튼이 있는 카카오톡 메시지를 보내 드립니다.",
                    "When an online meeting has started and you have not joined yet, you get a KakaoTalk message with a button to join."
                )) }
                p { (lang.t("카카오로 로그인하고 두 가지에 동의해 주세요:", "Log in with Kakao and agree to two items:")) }
                ul.plain.scope-list {
                    @for id in consent::REQUIRED_SCOPES {
                        @let item = consent::explain(id, lang);
                        li data-scope=(id) { strong { (item.name) } span.muted { (item.client_need) } }
                    }
                }
                div.actions { (kakao_button(start_href, lang.t("카카오로 로그인하고 동의하기", "Log in with Kakao and agree"), "join-start")) }
                p.small.muted { (lang.t(
                    "똑똑은 알림을 보내는 데 필요한 것만 보관하며, 연결을 끊으면 회원님의 정보를 지웁니다.",
                    "ttokttok keeps only what it needs to send reminders, and deletes your data when you disconnect."
                )) }
            }
        },
    )
}

/// A client agreed to everything.
pub fn client_done(lang: Lang, here: &str, admin_name: &str) -> Markup {
    let title = lang.t("알림을 받을 준비가 되었습니다", "You are all set");
    public(
        lang,
        title,
        here,
        html! {
            div.card.narrow #client-done {
                div.status-icon aria-hidden="true" { "✓" }
                h1 {
                    @match lang {
                        Lang::Ko => { "이제 " (admin_name) "님의 모임 알림을 받습니다" }
                        Lang::En => { "You will now get reminders from " (admin_name) }
                    }
                }
                p { (lang.t(
                    "모임이 시작됐는데 아직 들어오지 않았다면 카카오톡으로 참여 버튼이 있는 메시지가 옵니다. 더 할 일은 없습니다. 이 창을 닫아도 됩니다.",
                    "If a meeting starts and you have not joined, a KakaoTalk message with a join button arrives. There is nothing else to do; you can close this page."
                )) }
                h2 { (lang.t("알림을 그만 받으려면", "How to stop")) }
                ol.steps {
                    li {
                        @match lang {
                            Lang::Ko => { (admin_name) "님에게 알림을 원하지 않는다고 말씀해 주세요." }
                            Lang::En => { "Tell " (admin_name) " you would rather not get reminders." }
                        }
                    }
                    li { (lang.t(
                        "또는 카카오톡의 더보기 > 설정 > 카카오계정 > 연결된 서비스 관리에서 똑똑의 연결을 끊으세요. 카카오가 알려 주면 회원님의 정보를 지웁니다.",
                        "Or disconnect ttokttok in KakaoTalk: More > Settings > Kakao Account > Connected services. Kakao tells us and we delete your data."
                    )) }
                    li { (lang.t(
                        "메시지만 끄려면 같은 곳에서 '카카오톡 메시지 전송' 동의를 철회하세요.",
                        "To stop only the messages, withdraw 'Sending KakaoTalk messages' in the same place."
                    )) }
                }
            }
        },
    )
}

/// A client declined an item: what they will miss, and a button to try again.
pub fn client_missing(lang: Lang, here: &str, admin_name: &str, missing: &[&str], retry: &str) -> Markup {
    let title = lang.t("동의하지 않은 항목이 있습니다", "Some items were not agreed to");
    public(
        lang,
        title,
        here,
        html! {
            div.card.narrow #client-missing {
                h1 { (title) }
                p {
                    @match lang {
                        Lang::Ko => { "아래 항목에 동의하지 않으면 " (admin_name) "님의 모임 알림을 받을 수 없습니다." }
                        Lang::En => { "Without the items below you cannot get reminders from " (admin_name) "." }
                    }
                }
                ul.plain.scope-list {
                    @for id in missing {
                        @let item = consent::explain(id, lang);
                        li #{ "missing-" (id) } data-scope=(id) { strong { (item.name) } span.muted { (item.client_need) } }
                    }
                }
                div.actions {
                    (kakao_button(retry, lang.t("다시 동의하기", "Try again"), "try-again"))
                }
                p.small.muted { (lang.t(
                    "원하지 않으면 이 창을 닫으세요. 아무것도 보내지 않습니다.",
                    "If you would rather not, just close this page. Nothing will be sent."
                )) }
            }
        },
    )
}

/// The admin opened their own onboarding link.
pub fn client_is_organiser(lang: Lang, here: &str) -> Markup {
    let title = lang.t("내 초대 링크입니다", "This is your own invite link");
    public(
        lang,
        title,
        here,
        html! {
            div.card.narrow #client-is-organiser {
                h1 { (title) }
                p { (lang.t(
                    "이 링크는 알림을 받을 분들께 보내는 링크입니다. 회원님은 대시보드에서 알림을 보낼 수 있습니다.",
                    "Send this link to the people you want to remind. You send reminders from your dashboard."
                )) }
                div.actions { a.btn href="/" { (lang.t("대시보드로", "Go to the dashboard")) } }
            }
        },
    )
}

/// `GET /logout`: confirm with a form (which carries the CSRF token).
pub fn logout_confirm(lang: Lang, here: &str, csrf: &CsrfToken) -> Markup {
    let title = lang.t("로그아웃할까요?", "Log out?");
    public(
        lang,
        title,
        here,
        html! {
            div.card.narrow #logout-confirm {
                h1 { (title) }
                p { (lang.t(
                    "로그아웃하면 카카오 로그인도 끝나고, 다시 로그인할 때까지 자동 알림이 멈춥니다.",
                    "Logging out also ends your Kakao login, and automatic reminders pause until you log in again."
                )) }
                form method="post" action="/logout" {
                    (csrf_field(csrf))
                    div.actions {
                        button.btn type="submit" #logout-submit { (lang.t("로그아웃", "Log out")) }
                        a.btn.btn-secondary href="/" { (lang.t("취소", "Cancel")) }
                    }
                }
            }
        },
    )
}
