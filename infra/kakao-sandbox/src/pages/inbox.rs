//! A user's KakaoTalk inbox as a chat page: sender, bubble with the template's content, its
//! buttons as links, and the time in KST; oldest first, newest at the bottom. Each message is
//! `#message-{n}` (from 1). Links to web domains the app did not register do not open, as in
//! KakaoTalk; they are shown greyed out.

use maud::{Markup, html};
use serde_json::Value;

use super::layout;
use crate::accounts::{Account, Directory};
use crate::inbox::{InboxMessage, MessageKind};
use crate::kst::in_kst;

pub(crate) fn inbox_page(
    owner: &Account,
    messages: &[InboxMessage],
    directory: &Directory,
    web_domains: &[String],
) -> Markup {
    layout(
        &format!("{} - KakaoTalk", owner.nickname),
        "chat",
        html! {
            header { (owner.nickname) "님의 카카오톡 " span.en { "KakaoTalk inbox of user #" (owner.id) } }
            main {
                @if messages.is_empty() {
                    p.empty #empty { "받은 메시지가 없습니다." span.en { "No messages yet." } }
                }
                @for (n, message) in messages.iter().enumerate() {
                    div.message id={ "message-" (n + 1) } {
                        div.sender {
                            @match message.kind {
                                MessageKind::Memo => { "나와의 채팅 (memo)" }
                                MessageKind::Friend => {
                                    (directory.get(message.sender_id).map_or("(알 수 없음)", |a| a.nickname.as_str()))
                                }
                            }
                        }
                        div.bubble { (content(&message.template_object, web_domains)) }
                        span.time { (in_kst(message.sent_at).format("%Y-%m-%d %H:%M KST")) }
                    }
                }
            }
        },
    )
}

fn content(template: &Value, web_domains: &[String]) -> Markup {
    let text = |key: &str| template.get(key).and_then(Value::as_str);
    let main_link = match text("object_type") {
        Some("text") => template.get("link"),
        Some("list") => template.get("header_link"),
        _ => template.get("content").and_then(|c| c.get("link")),
    };
    html! {
        @match text("object_type") {
            Some("text") => { div.text { (text("text").unwrap_or_default()) } }
            Some("list") => {
                strong { (text("header_title").unwrap_or_default()) }
                @for item in template.get("contents").and_then(Value::as_array).into_iter().flatten() {
                    (content_block(item))
                }
            }
            _ => {
                @if let Some(item) = template.get("content") { (content_block(item)) }
                @if let Some(address) = text("address") { p { (address) } }
                @if let Some(price) = template.get("commerce").and_then(|c| c.get("regular_price")) {
                    p { (price) "원" }
                }
            }
        }
        @match template.get("buttons").and_then(Value::as_array) {
            Some(buttons) => {
                @for button in buttons {
                    (link_button(
                        button.get("title").and_then(Value::as_str).unwrap_or_default(),
                        button.get("link"),
                        web_domains,
                    ))
                }
            }
            None => { (link_button(text("button_title").unwrap_or("자세히 보기"), main_link, web_domains)) }
        }
    }
}

fn content_block(item: &Value) -> Markup {
    let text = |key: &str| item.get(key).and_then(Value::as_str);
    html! {
        @if let Some(image) = text("image_url") { img src=(image) alt=""; }
        @if let Some(title) = text("title") { p { strong { (title) } } }
        @if let Some(description) = text("description") { p.text { (description) } }
    }
}

fn link_button(title: &str, link: Option<&Value>, web_domains: &[String]) -> Markup {
    let url = link
        .and_then(|l| l.get("web_url").or_else(|| l.get("mobile_web_url")))
        .and_then(Value::as_str);
    match url {
        Some(url) if is_registered(url, web_domains) => html! { a.btn href=(url) { (title) } },
        Some(url) => html! {
            span.btn.dead title={ "등록되지 않은 도메인 (web domain not registered): " (url) } { (title) }
        },
        None => html! { span.btn.dead title="링크 없음 (no link)" { (title) } },
    }
}

/// Whether `url`'s origin is one of the app's registered web domains.
pub(crate) fn is_registered(url: &str, web_domains: &[String]) -> bool {
    let origin = |u: &str| url::Url::parse(u).ok().map(|u| u.origin().ascii_serialization());
    let Some(target) = origin(url) else { return false };
    web_domains
        .iter()
        .any(|d| origin(d).as_deref() == Some(target.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_registered_web_domains_open() {
        let domains = ["http://127.0.0.1:3000".to_owned()];
        assert!(is_registered("http://127.0.0.1:3000/j/abc", &domains));
        assert!(!is_registered("http://127.0.0.1:4000/j/abc", &domains));
        assert!(!is_registered("https://evil.example/", &domains));
        assert!(!is_registered("not a url", &domains));
    }
}
