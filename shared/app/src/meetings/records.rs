//! Between the domain's checked meeting and the store's records: a [`MeetingSpec`] becomes a
//! [`MeetingDraft`] (a stored one reads back through `MeetingDraft::schedule` and `::template`).

use domain::TemplateText;
use domain::class::Invitation;
use domain::meeting::MeetingSpec;
use domain::meeting::plan::PlannedRound;
use domain::series::OccurrenceOf;
use store::StoreError;
use store::model::{JoinUrl, Meeting, MeetingDraft, MeetingSettings, MeetingStatus, ZoomMeetingId};

/// The store's record of a checked meeting. The domain's values are stricter than the store's,
/// so these conversions only fail if the two disagree (a bug), as `InvalidInput`.
pub fn draft_of(spec: &MeetingSpec, next: Option<PlannedRound>) -> Result<MeetingDraft, StoreError> {
    draft_with(spec, next, None, None)
}

/// [`draft_of`] for a meeting that invites classes or is an occurrence of a series.
pub fn draft_with(
    spec: &MeetingSpec,
    next: Option<PlannedRound>,
    invitation: Option<Invitation>,
    occurrence: Option<OccurrenceOf>,
) -> Result<MeetingDraft, StoreError> {
    Ok(MeetingDraft {
        title: spec.title.as_str().to_owned(),
        starts_at: spec.schedule.starts_at(),
        ends_at: spec.schedule.ends_at(),
        time_zone: spec.schedule.time_zone(),
        join_url: JoinUrl::parse(spec.join_link.as_str())?,
        zoom_meeting_id: spec
            .zoom_meeting_id
            .as_ref()
            .map(|z| ZoomMeetingId::parse(z.as_str()))
            .transpose()?,
        status: MeetingStatus::Scheduled,
        next_round: next,
        settings: MeetingSettings {
            mode: spec.mode,
            template: Some(TemplateText::parse(spec.template.as_str())?),
            plan: spec.plan.clone(),
            invitation,
            occurrence,
        },
    })
}

/// A new meeting's draft: due for its first round.
pub fn new_draft(spec: &MeetingSpec) -> Result<MeetingDraft, StoreError> {
    draft_of(spec, spec.plan.next_round(&spec.schedule, None))
}

/// An edited meeting's draft: it picks up where it was (see `ReminderPlan::resume`), and stays
/// the occurrence it was.
pub fn edited_draft(
    spec: &MeetingSpec,
    before: &Meeting,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<MeetingDraft, StoreError> {
    let next = spec.plan.resume(&spec.schedule, before.draft.next_round, now);
    draft_with(spec, next, None, before.draft.settings.occurrence)
}

/// The meeting cancelled: out of the due index, everything else kept.
pub fn cancelled_draft(meeting: &Meeting) -> MeetingDraft {
    MeetingDraft {
        status: MeetingStatus::Cancelled,
        next_round: None,
        ..meeting.draft.clone()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};
    use domain::friends::FriendProfile;
    use domain::meeting::{FriendChoice, MeetingContext, MeetingForm};
    use domain::{FriendUuid, KakaoUserId, MeetingId};
    use store::model::Version;

    use super::*;

    fn spec() -> MeetingSpec {
        let friends = [FriendChoice {
            profile: FriendProfile {
                uuid: FriendUuid::parse("f1").unwrap(),
                kakao_id: None,
                nickname: "민지".into(),
                thumbnail_url: None,
                favorite: false,
            },
            gone: false,
        }];
        let form = MeetingForm {
            title: "수학".into(),
            start: "2026-11-21T19:00".into(),
            join_url: "https://zoom.us/j/85012345678".into(),
            zoom_meeting_id: "85012345678".into(),
            invitees: vec![FriendUuid::parse("f1").unwrap()],
            send_mode: "confirm_first".into(),
            ..Default::default()
        };
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
        form.validate(&MeetingContext {
            now,
            friends: &friends,
            existing: None,
        })
        .unwrap()
    }

    #[test]
    fn a_new_meeting_is_due_for_its_first_round_and_keeps_every_setting() {
        let spec = spec();
        let draft = new_draft(&spec).unwrap();
        let next = draft.next_round.unwrap();
        assert_eq!(
            (next.round.get(), next.due_at),
            (1, spec.schedule.starts_at() + Duration::minutes(5))
        );
        assert_eq!(draft.settings.mode, domain::meeting::SendMode::ConfirmFirst);
        assert_eq!(draft.settings.plan, spec.plan);
        assert_eq!(draft.zoom_meeting_id.unwrap().as_str(), "85012345678");
        assert_eq!(draft.ends_at - draft.starts_at, Duration::minutes(60));
    }

    #[test]
    fn a_stored_meeting_gives_back_its_schedule_and_message() {
        let spec = spec();
        let meeting = Meeting {
            admin: KakaoUserId::new(1).unwrap(),
            id: MeetingId::new_v7(),
            draft: new_draft(&spec).unwrap(),
            version: Version::INITIAL,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert_eq!(meeting.draft.schedule(), spec.schedule);
        assert_eq!(meeting.draft.template().template(), &spec.template);
        let cancelled = cancelled_draft(&meeting);
        assert_eq!(
            (cancelled.status, cancelled.next_round),
            (MeetingStatus::Cancelled, None)
        );
    }
}
