//! The whole meeting: read from what the admin typed ([`MeetingForm`]) into a checked
//! [`MeetingSpec`], or every problem at once ([`MeetingErrors`]).

use chrono::{DateTime, DurationRound, Utc};
use chrono_tz::Tz;

use super::invitees::InviteeList;
use super::plan::{QuietHours, ReminderOffsets, ReminderPlan};
use super::schedule::{MeetingDuration, Schedule, parse_time_zone};
use super::template::MessageTemplate;
use super::{
    FriendChoice, JoinLink, MeetingErrors, MeetingProblem, MeetingTitle, SendMode, ZoomMeetingNumber,
};
use crate::FriendUuid;

/// A meeting form as submitted (HTML form or JSON): text, unchecked. Empty optional fields take
/// their defaults (time zone Asia/Seoul, reminders +5 and +15, quiet hours 22:00-08:00,
/// automatic sending, the default message).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingForm {
    pub title: String,
    /// `2026-11-21T19:00` in `time_zone`, or an instant with an offset.
    pub start: String,
    pub time_zone: String,
    pub duration_minutes: String,
    pub join_url: String,
    /// The admin confirmed a join link on a host that is not a known meeting service.
    pub confirm_join_host: bool,
    pub zoom_meeting_id: String,
    pub invitees: Vec<FriendUuid>,
    /// `None` means the default rounds; `Some("")` means none.
    pub reminder_offsets: Option<String>,
    /// `None` means the default quiet hours; `Some(("", ""))` means none.
    pub quiet_hours: Option<(String, String)>,
    pub send_mode: String,
    /// Empty means the default message.
    pub template: String,
}

/// The meeting as stored before this edit, for the rules that treat edits differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingMeeting {
    pub starts_at: DateTime<Utc>,
    pub invitees: Vec<FriendUuid>,
}

/// What a meeting is checked against.
#[derive(Debug, Clone, Copy)]
pub struct MeetingContext<'a> {
    pub now: DateTime<Utc>,
    /// The admin's friends (gone ones included, marked).
    pub friends: &'a [FriendChoice],
    /// `Some` when editing.
    pub existing: Option<&'a ExistingMeeting>,
}

/// A meeting whose every part has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingSpec {
    pub title: MeetingTitle,
    pub schedule: Schedule,
    pub join_link: JoinLink,
    pub zoom_meeting_id: Option<ZoomMeetingNumber>,
    pub invitees: InviteeList,
    pub plan: ReminderPlan,
    pub mode: SendMode,
    pub template: MessageTemplate,
}

impl MeetingForm {
    /// The message `name` would get from the form as it stands, for the page's preview and the
    /// live preview alike: an empty template is the default, the start as the form gives it
    /// (`unknown_start` while it does not parse). `None`: the template does not parse.
    pub fn preview(&self, name: &str, unknown_start: &str) -> Option<String> {
        let template = if self.template.trim().is_empty() {
            MessageTemplate::default()
        } else {
            MessageTemplate::parse(&self.template).ok()?
        };
        let zone = parse_time_zone(&self.time_zone).unwrap_or(super::schedule::DEFAULT_TIME_ZONE);
        let duration = MeetingDuration::parse(&self.duration_minutes).unwrap_or(MeetingDuration::DEFAULT);
        let start = Schedule::parse_start(&self.start, zone)
            .map(|s| Schedule::new(s, zone, duration).start_hhmm())
            .unwrap_or_else(|_| unknown_start.to_owned());
        Some(template.fill(&super::template::TemplateVars {
            name,
            meeting: self.title.trim(),
            start: &start,
            minutes_late: duration.minutes(),
        }))
    }

    /// Checks everything, collecting every problem.
    ///
    /// Rules beyond each field's own: a new meeting (or a moved start) may not start before the
    /// current minute; no reminder round at or after the end; the message, filled in with the
    /// longest invitee nickname and the largest minutes-late, must fit 200 characters.
    pub fn validate(&self, ctx: &MeetingContext<'_>) -> Result<MeetingSpec, MeetingErrors> {
        let mut problems = Vec::new();

        let title = take(&mut problems, MeetingTitle::parse(&self.title));
        let time_zone = take(&mut problems, parse_time_zone(&self.time_zone));
        let starts_at = take(
            &mut problems,
            Schedule::parse_start(
                &self.start,
                time_zone.unwrap_or(super::schedule::DEFAULT_TIME_ZONE),
            ),
        );
        let duration = if self.duration_minutes.trim().is_empty() {
            Some(MeetingDuration::DEFAULT)
        } else {
            take(&mut problems, MeetingDuration::parse(&self.duration_minutes))
        };
        let join_link = take(&mut problems, JoinLink::parse(&self.join_url));
        if let Some(link) = &join_link
            && !link.is_known_meeting_host()
            && !self.confirm_join_host
        {
            problems.push(MeetingProblem::JoinHostUnconfirmed(link.host().to_owned()));
        }
        let zoom_meeting_id = if self.zoom_meeting_id.trim().is_empty() {
            Some(None)
        } else {
            take(
                &mut problems,
                ZoomMeetingNumber::parse(&self.zoom_meeting_id).map(Some),
            )
        };
        let offsets = match &self.reminder_offsets {
            None => Some(ReminderOffsets::default()),
            Some(text) => take(&mut problems, ReminderOffsets::parse(text)),
        };
        let quiet_hours = match &self.quiet_hours {
            None => Some(QuietHours::default()),
            Some((from, until)) => take(&mut problems, QuietHours::parse(from, until)),
        };
        let mode = if self.send_mode.trim().is_empty() {
            Some(SendMode::default())
        } else {
            take(
                &mut problems,
                SendMode::parse(&self.send_mode)
                    .ok_or_else(|| MeetingProblem::SendModeUnknown(self.send_mode.clone())),
            )
        };
        let template = if self.template.trim().is_empty() {
            Some(MessageTemplate::default())
        } else {
            take(&mut problems, MessageTemplate::parse(&self.template))
        };
        let already = ctx.existing.map(|e| e.invitees.as_slice()).unwrap_or(&[]);
        let invitees = match InviteeList::choose(&self.invitees, ctx.friends, already) {
            Ok(list) => Some(list),
            Err(mut found) => {
                problems.append(&mut found);
                None
            }
        };

        let schedule = match (starts_at, time_zone, duration) {
            (Some(start), Some(tz), Some(duration)) => Some(Schedule::new(start, tz, duration)),
            _ => None,
        };
        if let Some(schedule) = &schedule {
            let moved = ctx.existing.is_none_or(|e| e.starts_at != schedule.starts_at());
            if moved && schedule.starts_at() < current_minute(ctx.now) {
                problems.push(MeetingProblem::StartInPast);
            }
            if schedule.starts_at() > ctx.now + chrono::Duration::days(super::schedule::MAX_DAYS_AHEAD) {
                problems.push(MeetingProblem::StartTooFar);
            }
        }
        let plan = match (offsets, quiet_hours) {
            (Some(offsets), Some(quiet_hours)) => Some(ReminderPlan { offsets, quiet_hours }),
            _ => None,
        };
        if let (Some(plan), Some(schedule)) = (&plan, &schedule)
            && let Err(p) = plan.check_against(schedule)
        {
            problems.push(p);
        }
        if let (Some(template), Some(title), Some(schedule), Some(invitees)) =
            (&template, &title, &schedule, &invitees)
            && let Err(p) = template.check_fits(
                invitees.nicknames(),
                title.as_str(),
                &schedule.start_hhmm(),
                schedule.duration().minutes(),
            )
        {
            problems.push(p);
        }

        if let Some(errors) = MeetingErrors::from_problems(problems) {
            return Err(errors);
        }
        match (
            title,
            schedule,
            join_link,
            zoom_meeting_id,
            invitees,
            plan,
            mode,
            template,
        ) {
            (
                Some(title),
                Some(schedule),
                Some(join_link),
                Some(zoom_meeting_id),
                Some(invitees),
                Some(plan),
                Some(mode),
                Some(template),
            ) => Ok(MeetingSpec {
                title,
                schedule,
                join_link,
                zoom_meeting_id,
                invitees,
                plan,
                mode,
                template,
            }),
            // Every `None` above pushed a problem, so this is unreachable; answer with a problem
            // rather than a panic all the same.
            _ => Err(MeetingProblem::TitleEmpty.into()),
        }
    }
}

/// The value, or `None` with its problem noted.
fn take<T>(problems: &mut Vec<MeetingProblem>, result: Result<T, MeetingProblem>) -> Option<T> {
    result.map_err(|p| problems.push(p)).ok()
}

fn current_minute(now: DateTime<Utc>) -> DateTime<Utc> {
    now.duration_trunc(chrono::Duration::minutes(1)).unwrap_or(now)
}

impl MeetingSpec {
    pub fn time_zone(&self) -> Tz {
        self.schedule.time_zone()
    }

    /// The worst-case message (longest nickname, largest minutes-late): the preview the admin
    /// sees, and proof it fits.
    pub fn preview(&self) -> Result<crate::TemplateText, MeetingProblem> {
        self.template.check_fits(
            self.invitees.nicknames(),
            self.title.as_str(),
            &self.schedule.start_hhmm(),
            self.schedule.duration().minutes(),
        )
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::friends::FriendProfile;
    use crate::meeting::MeetingField;

    fn now() -> DateTime<Utc> {
        // 2026-11-21 18:00:20 in Seoul.
        Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 20).unwrap()
    }

    fn friend(uuid: &str, nickname: &str) -> FriendChoice {
        FriendChoice {
            profile: FriendProfile {
                uuid: FriendUuid::parse(uuid).unwrap(),
                kakao_id: None,
                nickname: nickname.into(),
                thumbnail_url: None,
                favorite: false,
            },
            gone: false,
        }
    }

    fn friends() -> Vec<FriendChoice> {
        vec![friend("f1", "민지"), friend("f2", "준호")]
    }

    fn form() -> MeetingForm {
        MeetingForm {
            title: "수학 수업".into(),
            start: "2026-11-21T19:00".into(),
            duration_minutes: "60".into(),
            join_url: "https://zoom.us/j/85012345678".into(),
            zoom_meeting_id: "850 1234 5678".into(),
            invitees: vec![FriendUuid::parse("f1").unwrap()],
            ..Default::default()
        }
    }

    fn check(form: &MeetingForm) -> Result<MeetingSpec, MeetingErrors> {
        let friends = friends();
        form.validate(&MeetingContext {
            now: now(),
            friends: &friends,
            existing: None,
        })
    }

    #[test]
    fn a_plain_meeting_takes_every_default() {
        let spec = check(&form()).unwrap();
        assert_eq!(spec.time_zone(), chrono_tz::Asia::Seoul);
        assert_eq!(
            spec.schedule.starts_at(),
            Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap()
        );
        assert_eq!(spec.plan, ReminderPlan::default());
        assert_eq!(spec.mode, SendMode::Automatic);
        assert_eq!(spec.template, MessageTemplate::default());
        assert_eq!(spec.zoom_meeting_id.as_ref().unwrap().as_str(), "85012345678");
        assert_eq!(
            spec.preview().unwrap().as_str(),
            "민지님, '수학 수업' 모임이 19:00에 시작했어요 (60분 지남). 아래 버튼으로 바로 참여해 주세요."
        );
    }

    #[test]
    fn a_start_in_the_past_is_refused_but_the_current_minute_is_fine() {
        let past = MeetingForm {
            start: "2026-11-21T17:59".into(),
            ..form()
        };
        assert!(check(&past).unwrap_err().contains(&MeetingProblem::StartInPast));
        let this_minute = MeetingForm {
            start: "2026-11-21T18:00".into(),
            ..form()
        };
        assert!(check(&this_minute).is_ok());
    }

    #[test]
    fn an_edit_may_keep_a_start_that_has_passed_but_not_move_one_into_the_past() {
        let friends = friends();
        let live = MeetingForm {
            start: "2026-11-21T17:30".into(),
            ..form()
        };
        let existing = ExistingMeeting {
            starts_at: Utc.with_ymd_and_hms(2026, 11, 21, 8, 30, 0).unwrap(),
            invitees: vec![],
        };
        let ctx = MeetingContext {
            now: now(),
            friends: &friends,
            existing: Some(&existing),
        };
        assert!(live.validate(&ctx).is_ok());
        let moved = MeetingForm {
            start: "2026-11-21T17:00".into(),
            ..form()
        };
        assert!(
            moved
                .validate(&ctx)
                .unwrap_err()
                .contains(&MeetingProblem::StartInPast)
        );
    }

    #[test]
    fn a_join_link_on_an_unknown_host_needs_confirming_by_name() {
        let unknown = MeetingForm {
            join_url: "https://meet.example.org/r".into(),
            ..form()
        };
        assert_eq!(
            check(&unknown).unwrap_err().problems(),
            &[MeetingProblem::JoinHostUnconfirmed("meet.example.org".into())]
        );
        let confirmed = MeetingForm {
            confirm_join_host: true,
            ..unknown
        };
        assert_eq!(
            check(&confirmed).unwrap().join_link.as_str(),
            "https://meet.example.org/r"
        );
    }

    #[test]
    fn a_join_link_that_is_not_https_is_refused() {
        let errors = check(&MeetingForm {
            join_url: "http://zoom.us/j/1".into(),
            ..form()
        })
        .unwrap_err();
        assert_eq!(errors.problems(), &[MeetingProblem::JoinUrlNotHttps]);
        assert_eq!(errors.problems()[0].field(), MeetingField::JoinUrl);
    }

    #[test]
    fn too_many_invitees_are_refused() {
        let friends: Vec<_> = (0..201).map(|i| friend(&format!("f{i}"), "n")).collect();
        let picked = friends.iter().map(|f| f.profile.uuid.clone()).collect();
        let meeting = MeetingForm {
            invitees: picked,
            ..form()
        };
        let errors = meeting
            .validate(&MeetingContext {
                now: now(),
                friends: &friends,
                existing: None,
            })
            .unwrap_err();
        assert!(errors.contains(&MeetingProblem::TooManyInvitees { count: 201, max: 200 }));
    }

    #[test]
    fn an_invitee_who_is_not_this_admins_friend_is_refused() {
        let stranger = FriendUuid::parse("someone-elses-friend").unwrap();
        let errors = check(&MeetingForm {
            invitees: vec![stranger.clone()],
            ..form()
        })
        .unwrap_err();
        assert_eq!(errors.problems(), &[MeetingProblem::NotAFriend(stranger)]);
    }

    #[test]
    fn a_template_over_the_limit_after_substitution_is_refused() {
        // 199 characters as written: fits for 민지 (197), not for a 7-character nickname (202).
        let template = format!("{}{{이름}}", "가".repeat(195));
        let mut friends = friends();
        friends.push(friend("long", "아주긴닉네임님"));
        let both = vec![
            FriendUuid::parse("f1").unwrap(),
            FriendUuid::parse("long").unwrap(),
        ];
        let meeting = MeetingForm {
            template: template.clone(),
            invitees: both,
            ..form()
        };
        let errors = meeting
            .validate(&MeetingContext {
                now: now(),
                friends: &friends,
                existing: None,
            })
            .unwrap_err();
        assert_eq!(
            errors.problems(),
            &[MeetingProblem::TemplateTooLongAfterSubstitution {
                chars: 202,
                max: 200,
                longest_name: "아주긴닉네임님".into()
            }]
        );
        let short_only = MeetingForm {
            template,
            invitees: vec![FriendUuid::parse("f1").unwrap()],
            ..form()
        };
        assert!(
            short_only
                .validate(&MeetingContext {
                    now: now(),
                    friends: &friends,
                    existing: None
                })
                .is_ok()
        );
    }

    #[test]
    fn a_round_after_the_end_is_refused() {
        let errors = check(&MeetingForm {
            duration_minutes: "10".into(),
            ..form()
        })
        .unwrap_err();
        assert_eq!(
            errors.problems(),
            &[MeetingProblem::RoundAfterEnd { minutes: 15 }]
        );
        let none = MeetingForm {
            duration_minutes: "10".into(),
            reminder_offsets: Some(String::new()),
            ..form()
        };
        assert!(check(&none).unwrap().plan.offsets.is_empty());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = MeetingForm {
            title: " ".into(),
            start: "soon".into(),
            join_url: "zoom.us".into(),
            zoom_meeting_id: "abc".into(),
            reminder_offsets: Some("1,2,3,4,5,6".into()),
            quiet_hours: Some(("22:00".into(), "22:00".into())),
            send_mode: "yolo".into(),
            template: "{이름".into(),
            ..form()
        };
        let fields: Vec<MeetingField> = check(&bad)
            .unwrap_err()
            .problems()
            .iter()
            .map(|p| p.field())
            .collect();
        for field in [
            MeetingField::Title,
            MeetingField::Start,
            MeetingField::JoinUrl,
            MeetingField::ZoomMeetingId,
            MeetingField::Reminders,
            MeetingField::QuietHours,
            MeetingField::SendMode,
            MeetingField::Template,
        ] {
            assert!(fields.contains(&field), "{field} missing from {fields:?}");
        }
    }

    #[test]
    fn a_meeting_in_another_zone_is_read_there() {
        let london = MeetingForm {
            start: "2026-11-21T19:00".into(),
            time_zone: "Europe/London".into(),
            ..form()
        };
        let spec = check(&london).unwrap();
        assert_eq!(
            spec.schedule.starts_at(),
            Utc.with_ymd_and_hms(2026, 11, 21, 19, 0, 0).unwrap()
        );
        assert!(spec.schedule.ends_at() - spec.schedule.starts_at() == Duration::minutes(60));
    }

    #[test]
    fn the_preview_fills_in_the_form_as_it_stands_and_says_when_the_template_does_not_parse() {
        let typed = MeetingForm {
            template: "{이름}님, {모임} {시작} 시작!".into(),
            ..form()
        };
        assert_eq!(
            typed.preview("이서연", "?").as_deref(),
            Some("이서연님, 수학 수업 19:00 시작!")
        );
        let no_start = MeetingForm {
            start: "tomorrow-ish".into(),
            ..typed.clone()
        };
        assert_eq!(
            no_start.preview("이서연", "?").as_deref(),
            Some("이서연님, 수학 수업 ? 시작!")
        );
        let empty = MeetingForm {
            template: " ".into(),
            ..form()
        };
        let default = MessageTemplate::default();
        assert_eq!(
            empty.preview("이서연", "?"),
            Some(default.fill(&super::super::template::TemplateVars {
                name: "이서연",
                meeting: "수학 수업",
                start: "19:00",
                minutes_late: 60,
            }))
        );
        let broken = MeetingForm {
            template: "{이름".into(),
            ..form()
        };
        assert_eq!(broken.preview("이서연", "?"), None);
    }
}
