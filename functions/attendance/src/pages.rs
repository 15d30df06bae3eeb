//! The pages a reminder's recipient sees: the plain "not found" of a bad link, and the
//! opt-out's question and answer. Public pages (no session), in the recipient's language.
//!
//! None of them echoes the token: the language switch comes back to `/`, and the not-found page
//! is the same for a token never issued, an expired one and a cancelled meeting.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use web::Lang;
use web::layout::{Chrome, page};

fn public(lang: Lang, title: &str, body: Markup) -> Markup {
    page(&Chrome::public(lang, title, "/"), body)
}

/// The one answer to a link we cannot honour.
pub fn link_not_found(lang: Lang) -> Response {
    let title = lang.t("링크를 찾을 수 없습니다", "Link not found");
    let body = html! {
        div.card.narrow.center #link-not-found {
            h1 { (title) }
            p { (lang.t(
                "이 링크는 더 이상 쓸 수 없습니다. 모임 주최자에게 새 링크를 받아 주세요.",
                "This link can no longer be used. Please ask the meeting's host for a new one."
            )) }
        }
    };
    (StatusCode::NOT_FOUND, public(lang, title, body)).into_response()
}

/// Something on our side failed; the cause is logged.
pub fn unavailable(lang: Lang) -> Response {
    let title = lang.t("잠시 문제가 생겼습니다", "Something went wrong");
    let body = html! {
        div.card.narrow.center #unavailable {
            h1 { (title) }
            p { (lang.t("잠시 후 다시 시도해 주세요.", "Please try again in a moment.")) }
        }
    };
    (StatusCode::SERVICE_UNAVAILABLE, public(lang, title, body)).into_response()
}

/// "Stop reminders from {admin}?" with the one confirming button.
pub fn stop_question(lang: Lang, admin_name: &str, action: &str) -> Response {
    let title = lang.t("알림 그만 받기", "Stop these reminders");
    let body = html! {
        div.card.narrow.center #stop-question {
            h1 { (title) }
            p {
                @match lang {
                    Lang::Ko => { strong { (admin_name) } " 님이 보내는 모임 알림을 더 이상 받지 않으시겠어요?" }
                    Lang::En => { "Stop getting meeting reminders from " strong { (admin_name) } "?" }
                }
            }
            p.small.muted { (lang.t(
                "똑똑은 모임이 시작했는데 아직 들어오지 않은 분께 카카오톡으로 알려 드립니다.",
                "ttokttok tells people on KakaoTalk when a meeting has started and they have not joined yet."
            )) }
            // The token in the address is the form's proof; the Origin check refuses other sites.
            form method="post" action=(action) {
                div.actions { button.btn #stop-confirm type="submit" { (lang.t("알림 그만 받기", "Stop reminders")) } }
            }
        }
    };
    public(lang, title, body).into_response()
}

/// The opt-out is recorded (now or before).
pub fn stopped(lang: Lang, admin_name: &str) -> Response {
    let title = lang.t("알림을 보내지 않습니다", "Reminders stopped");
    let body = html! {
        div.card.narrow.center #stopped {
            div.status-icon aria-hidden="true" { "✓" }
            h1 { (title) }
            p {
                @match lang {
                    Lang::Ko => { strong { (admin_name) } " 님의 모임 알림을 더 이상 보내지 않습니다. 주최자에게도 표시됩니다." }
                    Lang::En => { "You will get no more meeting reminders from " strong { (admin_name) } ". They will see this too." }
                }
            }
            p.small.muted { (lang.t(
                "다시 받고 싶으시면 주최자가 보낸 초대 링크에서 다시 설정할 수 있습니다.",
                "To get them again, use the invite link your host sent you."
            )) }
        }
    };
    public(lang, title, body).into_response()
}

/// The confirming tap came from another site.
pub fn cross_site(lang: Lang) -> Response {
    let title = lang.t("다시 시도해 주세요", "Please try again");
    let body = html! {
        div.card.narrow.center #cross-site {
            h1 { (title) }
            p { (lang.t(
                "이 요청은 똑똑 페이지에서 보낸 것이 아닙니다. 받은 메시지의 버튼을 다시 눌러 주세요.",
                "This request did not come from a ttokttok page. Please tap the button in your message again."
            )) }
        }
    };
    (StatusCode::FORBIDDEN, public(lang, title, body)).into_response()
}

/// What a link-preview fetcher (or a `HEAD`) gets from a join link: a plain page naming no
/// destination, so neither a preview nor a probe is taken for the person joining.
pub fn join_link_preview(lang: Lang) -> Response {
    let title = lang.t("모임 참여 링크", "Meeting join link");
    let body = html! {
        div.card.narrow.center #join-link-preview {
            h1 { (title) }
            p { (lang.t("이 링크를 눌러 모임에 참여하세요.", "Open this link to join the meeting.")) }
        }
    };
    (
        StatusCode::OK,
        [("x-robots-tag", "noindex, nofollow")],
        public(lang, title, body),
    )
        .into_response()
}

/// Before leaving for a join link on a host that is not a known meeting service: the meeting,
/// the host as the browser will show it (punycode for an internationalised name), one button.
pub fn leaving_for(lang: Lang, meeting_title: &str, host: &str, destination: &str) -> Response {
    let title = lang.t("모임 링크로 이동합니다", "You are leaving for the meeting's link");
    let body = html! {
        div.card.narrow.center #leaving {
            h1 { (title) }
            p { (lang.t("모임: ", "Meeting: ")) strong { (meeting_title) } }
            p {
                (lang.t("이 링크는 다음 주소로 이어집니다: ", "This link goes to: "))
                strong #leaving-host { (host) }
            }
            p.small.muted { (lang.t(
                "알고 있는 화상 회의 서비스가 아닌 주소입니다. 모임 주최자가 보낸 주소가 맞을 때만 계속하세요.",
                "This is not a meeting service we know. Continue only if it is the address your host meant."
            )) }
            div.actions { a.btn #leaving-continue href=(destination) rel="noreferrer" { (lang.t("계속", "Continue")) } }
        }
    };
    (
        StatusCode::OK,
        [("x-robots-tag", "noindex, nofollow")],
        public(lang, title, body),
    )
        .into_response()
}
