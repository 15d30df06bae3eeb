//! `/` for visitors who are not logged in: what ttokttok does, and the Kakao login button.
//! Ids: `#landing`, `#kakao-login`, `#notice-expired`, `#notice-logged-out`.

use maud::{Markup, html};
use web::Lang;
use web::layout::{self, Chrome, banner, kakao_button};

pub struct Notices {
    pub expired: bool,
    pub logged_out: bool,
}

pub fn page(lang: Lang, here: &str, login_href: &str, notices: Notices) -> Markup {
    let title = lang.t("모임 알림", "Meeting nudges");
    layout::page(
        &Chrome::public(lang, title, here),
        html! {
            @if notices.expired {
                (banner("warning", "notice-expired", html! { p { (lang.t(
                    "로그인이 만료되었습니다. 다시 로그인해 주세요.",
                    "Your session has expired. Please log in again."
                )) } }))
            }
            @if notices.logged_out {
                (banner("success", "notice-logged-out", html! { p { (lang.t(
                    "로그아웃했습니다. 자동 알림은 다시 로그인할 때까지 멈춥니다.",
                    "You are logged out. Automatic reminders pause until you log in again."
                )) } }))
            }
            section.hero #landing {
                h1 { (lang.t("똑똑, 모임 시작했어요!", "Knock knock, your meeting has started!")) }
                p.lead { (lang.t(
                    "온라인 모임이 시작됐는데 아직 들어오지 않은 분께, 회원님 이름으로 카카오톡 알림을 보내 드립니다.",
                    "ttokttok sends a KakaoTalk nudge, in your name, to people who have not joined your online meeting yet."
                )) }
                (kakao_button(login_href, lang.t("카카오로 로그인", "Log in with Kakao"), "kakao-login"))
            }
            div.grid {
                div.card {
                    h2 { "1. " (lang.t("카카오로 로그인", "Log in with Kakao")) }
                    p.muted { (lang.t(
                        "친구 목록과 메시지 전송에 동의하면, 똑똑을 함께 쓰는 카카오톡 친구가 보입니다.",
                        "Agree to the friends list and messages, and your KakaoTalk friends who use ttokttok appear."
                    )) }
                }
                div.card {
                    h2 { "2. " (lang.t("초대 링크 보내기", "Share your invite link")) }
                    p.muted { (lang.t(
                        "알림을 받을 분들이 링크로 한 번 동의하면 친구 목록에 나타납니다.",
                        "People you want to remind agree once through your link, then they appear in your list."
                    )) }
                }
                div.card {
                    h2 { "3. " (lang.t("알림 보내기", "Send reminders")) }
                    p.muted { (lang.t(
                        "친구를 골라 미리 보고 보내세요. 카카오의 하루 한도는 똑똑이 지킵니다.",
                        "Pick a friend, preview and send. ttokttok keeps within Kakao's daily limits."
                    )) }
                }
            }
        },
    )
}
