//! The frame every page shares: `<head>` (our stylesheet and script, nothing inline), the header
//! with navigation, the language switch and logout, and the footer.
//!
//! Everything interpolated here goes through maud, which escapes it; nicknames and other strings
//! from Kakao are never written with `PreEscaped`.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::assets;
use crate::csrf::{self, CsrfToken};
use crate::lang::Lang;

/// Which admin page is open (for the navigation's current item).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Dashboard,
    Meetings,
    Send,
    Invite,
    Other,
}

/// The logged-in admin, as the header shows them.
#[derive(Debug, Clone, Copy)]
pub struct AdminBar<'a> {
    pub nickname: &'a str,
    pub csrf: &'a CsrfToken,
    pub current: Nav,
}

/// What the frame needs to know about a page.
#[derive(Debug, Clone, Copy)]
pub struct Chrome<'a> {
    pub lang: Lang,
    pub title: &'a str,
    /// This page's path and query, so the language switch comes back to it.
    pub here: &'a str,
    pub admin: Option<AdminBar<'a>>,
}

impl<'a> Chrome<'a> {
    /// A page for someone who is not logged in (login results, client onboarding, errors).
    pub fn public(lang: Lang, title: &'a str, here: &'a str) -> Self {
        Self {
            lang,
            title,
            here,
            admin: None,
        }
    }
}

/// A whole page.
pub fn page(chrome: &Chrome<'_>, body: Markup) -> Markup {
    let lang = chrome.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                @if let Some(admin) = chrome.admin {
                    meta name="csrf-token" content=(admin.csrf.as_str());
                }
                title { (chrome.title) " · " (lang.t("똑똑", "ttokttok")) }
                link rel="icon" href=(assets::url("favicon.svg")) type="image/svg+xml";
                link rel="stylesheet" href=(assets::url("app.css"));
                script src=(assets::url("app.js")) defer {}
            }
            body {
                header.site {
                    div.bar {
                        a.brand href="/" {
                            img.knock src=(assets::url("favicon.svg")) alt="" width="28" height="28";
                            span.brand-name { (lang.t("똑똑", "ttokttok")) }
                        }
                        @if let Some(admin) = chrome.admin {
                            nav.main aria-label=(lang.t("메뉴", "Menu")) {
                                (nav_link("/", lang.t("대시보드", "Dashboard"), admin.current == Nav::Dashboard, "nav-dashboard"))
                                (nav_link("/meetings", lang.t("모임", "Meetings"), admin.current == Nav::Meetings, "nav-meetings"))
                                (nav_link("/send", lang.t("알림 보내기", "Send a reminder"), admin.current == Nav::Send, "nav-send"))
                                (nav_link("/invite", lang.t("초대 링크", "Invite link"), admin.current == Nav::Invite, "nav-invite"))
                            }
                        }
                        div.tools {
                            a.lang-switch #lang-switch href=(lang_switch_href(lang.other(), chrome.here))
                                hreflang=(lang.other().code()) lang=(lang.other().code()) {
                                (lang.other().name())
                            }
                            @if let Some(admin) = chrome.admin {
                                span.who { (admin.nickname) }
                                // A form, not a link: a URL never carries the CSRF token
                                // (URLs end up in logs, history and Referer headers).
                                form.logout method="post" action="/logout" {
                                    input type="hidden" name=(csrf::FORM_FIELD) value=(admin.csrf.as_str());
                                    button.link #logout type="submit" { (lang.t("로그아웃", "Log out")) }
                                }
                            }
                        }
                    }
                }
                main #main { (body) }
                footer.site {
                    p {
                        (lang.t(
                            "똑똑은 회원님의 카카오톡 친구에게 회원님 이름으로 모임 알림을 보냅니다. 카카오의 일일 발송 한도를 지킵니다.",
                            "ttokttok sends meeting reminders to your KakaoTalk friends in your name, within Kakao's daily limits."
                        ))
                    }
                }
            }
        }
    }
}

fn nav_link(href: &str, label: &str, current: bool, id: &str) -> Markup {
    html! {
        @if current {
            a #(id) href=(href) aria-current="page" { (label) }
        } @else {
            a #(id) href=(href) { (label) }
        }
    }
}

/// `/lang/{code}?next=...`: switch language and come back to `here`.
pub fn lang_switch_href(to: Lang, here: &str) -> String {
    let next: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
    format!("/lang/{}?next={next}", to.code())
}

/// The hidden field that carries the session's CSRF token in a form.
pub fn csrf_field(token: &CsrfToken) -> Markup {
    html! { input type="hidden" name=(csrf::FORM_FIELD) value=(token.as_str()); }
}

/// Kakao's login button (Kakao's design guide: #FEE500, the speech-bubble symbol, dark label).
/// A link, not a form: the browser goes to our `/login...` route, which redirects to Kakao.
pub fn kakao_button(href: &str, label: &str, id: &str) -> Markup {
    html! {
        a.btn.btn-kakao #(id) href=(href) {
            (kakao_symbol())
            span { (label) }
        }
    }
}

fn kakao_symbol() -> Markup {
    // A static SVG (no user data), so writing it unescaped is safe.
    PreEscaped(
        r#"<svg class="kakao-symbol" aria-hidden="true" viewBox="0 0 24 24" width="18" height="18"><path fill="currentColor" d="M12 3C6.48 3 2 6.58 2 11c0 2.86 1.9 5.36 4.75 6.78-.2.74-.74 2.7-.85 3.12-.13.52.19.51.4.37.17-.11 2.66-1.81 3.74-2.54.64.09 1.29.14 1.96.14 5.52 0 10-3.58 10-8S17.52 3 12 3z"/></svg>"#
            .to_owned(),
    )
}

/// A notice at the top of a page: `info`, `success`, `warning` or `error`.
pub fn banner(kind: &str, id: &str, body: Markup) -> Markup {
    html! { div class={ "banner banner-" (kind) } #(id) role=(if kind == "error" || kind == "warning" { "alert" } else { "status" }) { (body) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_have_no_inline_script_or_style_and_escape_what_they_show() {
        let token = CsrfToken::generate();
        let chrome = Chrome {
            lang: Lang::En,
            title: "<b>title</b>",
            here: "/send?x=1",
            admin: Some(AdminBar {
                nickname: "<script>alert(1)</script>",
                csrf: &token,
                current: Nav::Send,
            }),
        };
        let html = page(&chrome, html! { p { "body" } }).into_string();
        assert!(!html.contains("<script>alert"), "nickname escaped");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<b>title"), "title escaped");
        assert!(!html.contains(" style="), "no inline style attributes");
        assert!(!html.contains("<style"), "no style elements");
        assert_eq!(html.matches("<script").count(), 1, "only the external script");
        assert!(html.contains(r#"<script src="/static/app.js" defer></script>"#));
        for handler in [" onclick=", " onload=", " onerror=", " onsubmit=", " oninput="] {
            assert!(!html.contains(handler), "no inline event handlers");
        }
        assert!(html.contains(r#"href="/lang/ko?next=%2Fsend%3Fx%3D1""#));
        assert!(html.contains(token.as_str()), "the CSRF token is in the page");
    }

    #[test]
    fn the_header_reaches_every_admin_section_and_marks_the_open_one() {
        let token = CsrfToken::generate();
        let chrome = Chrome {
            lang: Lang::En,
            title: "Meetings",
            here: "/meetings",
            admin: Some(AdminBar {
                nickname: "김선생",
                csrf: &token,
                current: Nav::Meetings,
            }),
        };
        let html = page(&chrome, html! {}).into_string();
        for href in ["/", "/meetings", "/send", "/invite"] {
            assert!(
                html.contains(&format!(r#"href="{href}""#)),
                "the header links to {href}"
            );
        }
        let meetings = html.find("id=\"nav-meetings\"").expect("a meetings link");
        let current = html.find("aria-current=\"page\"").expect("one current item");
        assert!(
            current.abs_diff(meetings) < 200,
            "the meetings link is the current one"
        );
    }

    #[test]
    fn public_pages_carry_no_csrf_token_or_logout() {
        let html = page(&Chrome::public(Lang::Ko, "t", "/"), html! {}).into_string();
        assert!(!html.contains("csrf-token") && !html.contains("logout"));
        assert!(html.contains(r#"<html lang="ko">"#));
    }
}
