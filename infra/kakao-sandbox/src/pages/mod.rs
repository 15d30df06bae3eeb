//! HTML pages for people and headless browsers: the Kakao-like login and consent screens, the
//! KakaoTalk-like inboxes, an index and the app's settings. Plain forms, no JavaScript; maud
//! escapes every value. Elements a test clicks carry stable `id`s.
//!
//! - `login`: the KOE error page, the account picker and the consent screen;
//! - `inbox`: a user's KakaoTalk inbox as a chat;
//! - `index`: the front page and the app's settings page.

pub(crate) mod inbox;
pub(crate) mod index;
pub(crate) mod login;

use maud::{DOCTYPE, Markup, PreEscaped, html};

const CSS: &str = r#"
* { box-sizing: border-box; }
body { margin: 0; font-family: "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans KR", sans-serif;
       color: #191919; background: #f7f7f7; }
main { max-width: 480px; margin: 0 auto; padding: 24px 16px; }
main.wide { max-width: 900px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
.en { display: block; color: #777; font-size: 12px; font-weight: normal; }
.logo { display: inline-block; background: #FEE500; border-radius: 12px; padding: 6px 12px;
        font-weight: bold; }
.card { background: #fff; border-radius: 12px; padding: 16px; margin: 12px 0;
        box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.btn { display: block; width: 100%; border: 0; border-radius: 12px; padding: 14px; margin: 8px 0;
       font-size: 16px; cursor: pointer; text-align: center; text-decoration: none; color: #191919; }
.btn-kakao { background: #FEE500; }
.btn-plain { background: #f0f0f0; }
.user { display: flex; justify-content: space-between; align-items: center; }
.badge { font-size: 12px; padding: 2px 8px; border-radius: 8px; background: #eee; }
.badge.on { background: #FEE500; }
label.item { display: flex; gap: 8px; align-items: flex-start; padding: 10px 0; border-bottom: 1px solid #eee; }
.req { color: #e65f3e; font-size: 12px; }
.opt { color: #777; font-size: 12px; }
.error-code { font-size: 28px; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 14px; background: #fff; }
th, td { border-bottom: 1px solid #eee; padding: 6px 8px; text-align: left; vertical-align: top; }
code { background: #f0f0f0; padding: 1px 4px; border-radius: 4px; word-break: break-all; }
.chat { background: #b2c7da; min-height: 100vh; }
.chat header { background: #a9bdce; padding: 12px 16px; font-weight: bold; }
.message { margin: 14px 0; }
.sender { font-size: 13px; margin-bottom: 4px; }
.bubble { background: #fff; border-radius: 4px 14px 14px 14px; padding: 12px; max-width: 320px;
          display: inline-block; }
.bubble img { max-width: 100%; border-radius: 6px; }
.text { white-space: pre-wrap; word-break: break-word; }
.time { font-size: 11px; color: #556; margin-left: 6px; }
.bubble .btn { padding: 10px; margin: 8px 0 0; font-size: 14px; background: #f2f2f2; }
.bubble .dead { color: #999; cursor: not-allowed; }
.empty { color: #556; text-align: center; margin-top: 40px; }
"#;

/// A whole page in the sandbox's Kakao look.
pub(crate) fn layout(title: &str, main_class: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ko" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body class=(main_class) {
                (body)
            }
        }
    }
}

/// A Korean label with its English subtitle.
pub(crate) fn bilingual(korean: &str, english: &str) -> Markup {
    html! { (korean) span.en { (english) } }
}
