//! `/meetings/{id}/match`: the keys Zoom participants are matched on, per invitee, with
//! suggestions: participants Zoom reported that nobody matched, whose names look like the
//! invitee's nickname.
//!
//! Ids: `#match-page`, per invitee a form `#match-{uuid}` with `#email-{uuid}`,
//! `#display-name-{uuid}`, `#registrant-{uuid}`, `#save-{uuid}`, suggestion buttons
//! `.suggestion` (`data-fill-target`, `data-fill-value`); `#unmatched` lists everyone
//! unmatched; `#saved-banner`, `#error-{uuid}`.

use maud::{Markup, html};
use store::model::{Invitee, Meeting, UnmatchedParticipant};
use web::Lang;
use web::layout::{banner, csrf_field};

use super::{Viewer, frame, local_time};
use crate::meetings::service::Suggestion;

pub struct MatchView<'a> {
    pub meeting: &'a Meeting,
    pub invitees: &'a [Invitee],
    pub unmatched: &'a [UnmatchedParticipant],
    pub suggestions: &'a [Suggestion],
    pub saved: bool,
    /// An invitee whose keys could not be saved, and why.
    pub error: Option<(String, String)>,
}

pub fn page(viewer: &Viewer<'_>, view: &MatchView<'_>) -> Markup {
    let lang = viewer.lang;
    let m = view.meeting;
    let id = m.id.to_string();
    let title = lang.t("참여자 연결", "Match participants");
    let body = html! {
        div #match-page {
            h1 { (title) }
            p { a href={ "/meetings/" (id) } { (m.draft.title) } " · " (local_time(m.draft.starts_at, m.draft.time_zone)) }
            @if view.saved { (banner("success", "saved-banner", html! { p { (lang.t("저장했습니다.", "Saved.")) } })) }
            p.muted { (lang.t(
                "Zoom이 알려 준 참여자를 친구와 맞춰 봅니다: 등록 ID, 이메일, 화면 이름, 카카오 닉네임 순서입니다. 이름이 다르게 보이는 친구는 여기에 적어 주세요.",
                "Zoom participants are matched to invitees by registrant id, then email, then the display name below, then the Kakao nickname. Add what a friend shows up as in Zoom."
            )) }
            @for invitee in view.invitees {
                @let uuid = invitee.friend.as_str();
                @let keys = &invitee.match_keys;
                @let suggested = view.suggestions.iter().find(|s| s.friend == invitee.friend);
                section.card id={ "invitee-" (uuid) } {
                    h2 { (invitee.display_name) }
                    @if let Some((who, why)) = &view.error && who == uuid {
                        div.field-error id={ "error-" (uuid) } role="alert" { p { (why) } }
                    }
                    form id={ "match-" (uuid) } method="post" action={ "/meetings/" (id) "/match" } {
                        (csrf_field(viewer.csrf))
                        input type="hidden" name="friend" value=(uuid);
                        div.field {
                            label for={ "display-name-" (uuid) } { (lang.t("Zoom 화면 이름", "Name in Zoom")) }
                            input type="text" name="display_name" id={ "display-name-" (uuid) } maxlength="100"
                                value=(keys.display_name.clone().unwrap_or_default()) placeholder=(invitee.display_name);
                            div.suggestions {
                                button.suggestion.btn.btn-secondary type="button" data-fill-target={ "#display-name-" (uuid) } data-fill-value=(invitee.display_name) {
                                    (lang.t("닉네임 그대로", "Use the nickname"))
                                }
                                @if let Some(s) = suggested {
                                    @for name in &s.names {
                                        button.suggestion.btn.btn-secondary type="button" data-fill-target={ "#display-name-" (uuid) } data-fill-value=(name.display_name) data-score=(name.score) {
                                            (name.display_name)
                                        }
                                    }
                                }
                            }
                        }
                        div.field {
                            label for={ "email-" (uuid) } { (lang.t("이메일", "Email")) }
                            input type="email" name="email" id={ "email-" (uuid) } value=(keys.email.as_ref().map(|e| e.as_str()).unwrap_or(""));
                        }
                        div.field {
                            label for={ "registrant-" (uuid) } { (lang.t("Zoom 등록 ID", "Zoom registrant id")) }
                            input type="text" name="zoom_registrant_id" id={ "registrant-" (uuid) } value=(keys.zoom_registrant_id.clone().unwrap_or_default());
                        }
                        button.btn type="submit" id={ "save-" (uuid) } { (lang.t("저장", "Save")) }
                    }
                }
            }
            section.card #unmatched {
                h2 { (lang.t("아무와도 맞지 않은 참여자", "Participants nobody matched")) }
                @if view.unmatched.is_empty() {
                    p.muted { (lang.t("없음", "None")) }
                } @else {
                    ul { @for p in view.unmatched {
                        li.unmatched-participant { (p.display_name) @if let Some(e) = &p.email { " · " (e.as_str()) } }
                    } }
                }
            }
        }
    };
    frame(viewer, title, body)
}

pub fn error_words(lang: Lang, problem: &crate::meetings::service::MatchKeyProblem) -> String {
    use crate::meetings::service::MatchKeyProblem::*;
    match problem {
        Email => lang
            .t(
                "이메일 주소가 올바르지 않습니다.",
                "That is not an email address.",
            )
            .to_owned(),
        DisplayName => lang
            .t("이름은 100자까지입니다.", "A name has at most 100 characters.")
            .to_owned(),
        RegistrantId => lang
            .t(
                "등록 ID는 128자까지입니다.",
                "A registrant id has at most 128 characters.",
            )
            .to_owned(),
    }
}
