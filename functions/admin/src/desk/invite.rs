//! `/invite`: the admin's client onboarding link, with a copy button and a QR code.
//! Ids: `#invite`, `#invite-link`, `#copy-invite-link`, `#invite-qr`.

use maud::{Markup, PreEscaped, html};
use web::layout::{self, AdminBar, Chrome, Nav};
use web::{CsrfToken, Lang};

pub fn page(lang: Lang, here: &str, csrf: &CsrfToken, admin_name: &str, link: &str) -> Markup {
    let chrome = Chrome {
        lang,
        title: lang.t("초대 링크", "Invite link"),
        here,
        admin: Some(AdminBar {
            nickname: admin_name,
            csrf,
            current: Nav::Invite,
        }),
    };
    layout::page(
        &chrome,
        html! {
            div #invite {
                h1 { (lang.t("알림 받을 분들께 보낼 초대 링크", "Your invite link for the people you remind")) }
                div.grid {
                    section.card {
                        p { (lang.t(
                            "카카오는 똑똑에 동의한 친구에게만 메시지를 보낼 수 있게 합니다. 이 링크를 카카오톡으로 보내면, 받은 분이 카카오로 로그인해 한 번 동의하고, 그 뒤로 회원님의 알림을 받습니다.",
                            "Kakao lets ttokttok message only friends who agreed to it. Send this link over KakaoTalk: the person logs in with Kakao, agrees once, and from then on gets your reminders."
                        )) }
                        label for="invite-link" { (lang.t("초대 링크", "Invite link")) }
                        div.copy-row {
                            input #invite-link type="text" readonly value=(link);
                            button.btn #copy-invite-link type="button" data-copy-target="#invite-link"
                                data-copied-label=(lang.t("복사됨", "Copied")) { (lang.t("복사", "Copy")) }
                        }
                        p.small.muted { (lang.t(
                            "링크는 회원님만의 것이며 바뀌지 않습니다. 누구에게 보내도 안전합니다: 회원님의 알림을 받겠다는 동의만 받습니다.",
                            "The link is yours and does not change. It is safe to share: it only asks for consent to receive your reminders."
                        )) }
                    }
                    section.card.center {
                        h2 { (lang.t("QR 코드", "QR code")) }
                        div.qr #invite-qr role="img" aria-label=(lang.t("초대 링크 QR 코드", "QR code of the invite link")) { (qr_svg(link)) }
                        p.small.muted { (lang.t("휴대폰 카메라로 찍으면 링크가 열립니다.", "Point a phone camera at it to open the link.")) }
                    }
                }
            }
        },
    )
}

/// The link as an inline SVG QR code. The SVG is generated from our own URL (origin + code) and
/// holds only rectangles and a path, so it is written as is.
fn qr_svg(link: &str) -> Markup {
    match qrcode::QrCode::new(link.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(220, 220)
                .quiet_zone(true)
                .build();
            // Drop the XML declaration: the SVG sits inside HTML.
            let start = svg.find("<svg").unwrap_or(0);
            PreEscaped(svg[start..].to_owned())
        }
        Err(error) => {
            tracing::warn!(%error, "could not draw the invite link as a QR code");
            html! {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_bare_svg_without_script_or_style() {
        let svg = qr_svg("https://tt.example.com/join/abc").into_string();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(!svg.contains("<script") && !svg.contains("style="));
    }
}
