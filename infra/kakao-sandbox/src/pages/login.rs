//! The Kakao Login pages: a KOE error page, the account picker (a stand-in for signing in to a
//! Kakao account) and the consent screen.
//!
//! Stable handles for tests: the picker's buttons are `#pick-{user_id}` (`name=user_id`), the
//! consent checkboxes `#consent-{scope}` (`name=agreed`), and the buttons `#agree-all`, `#agree`
//! and `#cancel` (`name=action`, values `agree_all`, `agree`, `cancel`); the error page shows its
//! code in `#error-code`.

use maud::{Markup, html};

use super::{bilingual, layout};
use crate::accounts::Account;
use crate::login::AuthorizePageError;
use crate::world::ConsentItem;

pub(crate) fn error_page(error: &AuthorizePageError) -> Markup {
    layout(
        error.koe,
        "",
        html! {
            main {
                span.logo { "kakao" }
                div.card {
                    p { "카카오 로그인 에러" span.en { "Kakao Login error" } }
                    p.error-code #error-code { (error.koe) }
                    h1 { (error.title) }
                    p { (error.detail) }
                    p.opt { "앱 설정을 확인하세요. (Check the app's settings on Kakao Developers.)" }
                }
            }
        },
    )
}

pub(crate) fn pick_user<'a>(
    app_name: &str,
    login_id: &str,
    accounts: impl Iterator<Item = &'a Account>,
) -> Markup {
    layout(
        "카카오계정 로그인",
        "",
        html! {
            main {
                span.logo { "kakao" }
                h1 { (bilingual("카카오계정으로 로그인", "Log in with a Kakao account")) }
                p { (app_name) " 서비스에 로그인할 계정을 선택하세요." span.en { "Choose the account to log in to this service with." } }
                form method="post" action="/oauth/authorize/login" id="pick-user" {
                    input type="hidden" name="login_id" value=(login_id);
                    @for account in accounts {
                        button.btn.btn-plain.user type="submit" name="user_id" value=(account.id)
                            id={ "pick-" (account.id) } {
                            span { (account.nickname) " " span.opt { "#" (account.id) } }
                            @if account.linked {
                                span.badge.on { "연결됨 · linked" }
                            } @else {
                                span.badge { "처음 · new" }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub(crate) fn consent(app_name: &str, login_id: &str, nickname: &str, items: &[ConsentItem]) -> Markup {
    layout(
        "동의하고 계속하기",
        "",
        html! {
            main {
                span.logo { "kakao" }
                h1 { (bilingual(&format!("{app_name}에서 {nickname}님의 정보를 요청합니다"), "This service asks for your consent")) }
                form.card method="post" action="/oauth/authorize/consent" id="consent" {
                    input type="hidden" name="login_id" value=(login_id);
                    button.btn.btn-kakao type="submit" name="action" value="agree_all" id="agree-all" {
                        (bilingual("전체 동의하고 계속하기", "Agree to all and continue"))
                    }
                    @for item in items {
                        label.item for={ "consent-" (item.id) } {
                            @if item.required {
                                input type="checkbox" id={ "consent-" (item.id) } checked disabled;
                                input type="hidden" name="agreed" value=(item.id);
                                span { span.req { "[필수 · required] " } (item.display_name) span.en { (item.id) } }
                            } @else {
                                input type="checkbox" name="agreed" value=(item.id) id={ "consent-" (item.id) };
                                span { span.opt { "[선택 · optional] " } (item.display_name) span.en { (item.id) } }
                            }
                        }
                    }
                    button.btn.btn-kakao type="submit" name="action" value="agree" id="agree" {
                        (bilingual("동의하고 계속하기", "Agree to the ticked items and continue"))
                    }
                    button.btn.btn-plain type="submit" name="action" value="cancel" id="cancel" {
                        (bilingual("취소", "Cancel"))
                    }
                }
            }
        },
    )
}
