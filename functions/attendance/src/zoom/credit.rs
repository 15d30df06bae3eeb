//! Which of our meetings a Zoom participant event is about. Pure: the handler hands in what the
//! store found.
//!
//! Zoom knows only its meeting number, and one number can serve many of our meetings (a
//! personal meeting id reused every week, or by back-to-back classes). An event belongs to a
//! meeting whose window, from [`EARLY_JOIN`] before the start to [`LATE_JOIN`] after the end,
//! holds the join time; per admin the best such meeting wins: one running at that moment, else
//! the next to start, else the one that ended last.

use chrono::{DateTime, Duration, Utc};
use domain::KakaoUserId;
use store::model::{Meeting, MeetingStatus};

/// People join a little early.
pub const EARLY_JOIN: Duration = Duration::minutes(60);
/// Zoom reports leaves (and late joins) after our scheduled end when a meeting overruns.
pub const LATE_JOIN: Duration = Duration::minutes(60);

/// The meetings an event at `at` belongs to: at most one per admin, cancelled ones never.
pub fn meetings_at(meetings: &[Meeting], at: DateTime<Utc>) -> Vec<&Meeting> {
    let mut best: Vec<(KakaoUserId, (u8, Duration), &Meeting)> = Vec::new();
    for m in meetings {
        let d = &m.draft;
        if d.status == MeetingStatus::Cancelled || at < d.starts_at - EARLY_JOIN || at > d.ends_at + LATE_JOIN
        {
            continue;
        }
        let rank = if at >= d.starts_at && at < d.ends_at {
            (0, Duration::zero())
        } else if at < d.starts_at {
            (1, d.starts_at - at)
        } else {
            (2, at - d.ends_at)
        };
        match best.iter_mut().find(|(admin, _, _)| *admin == m.admin) {
            Some(slot) if rank < slot.1 => *slot = (m.admin, rank, m),
            Some(_) => {}
            None => best.push((m.admin, rank, m)),
        }
    }
    best.into_iter().map(|(_, _, m)| m).collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::MeetingId;
    use store::model::{JoinUrl, MeetingDraft, MeetingSettings, Version};

    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, h, m, 0).unwrap()
    }

    fn meeting(admin: i64, start: DateTime<Utc>, status: MeetingStatus) -> Meeting {
        Meeting {
            admin: KakaoUserId::new(admin).unwrap(),
            id: MeetingId::new_v7(),
            draft: MeetingDraft {
                title: "수업".into(),
                starts_at: start,
                ends_at: start + Duration::hours(1),
                time_zone: chrono_tz::Asia::Seoul,
                join_url: JoinUrl::parse("https://zoom.us/j/85012345678").unwrap(),
                zoom_meeting_id: None,
                status,
                next_round: None,
                settings: MeetingSettings::default(),
            },
            version: Version::INITIAL,
            created_at: start,
            updated_at: start,
        }
    }

    #[test]
    fn a_join_belongs_to_the_meeting_running_then() {
        let ten = meeting(1, at(10, 0), MeetingStatus::Scheduled);
        let eleven = meeting(1, at(11, 0), MeetingStatus::Scheduled);
        let both = [ten.clone(), eleven.clone()];
        assert_eq!(meetings_at(&both, at(10, 55)), vec![&ten]);
        assert_eq!(meetings_at(&both, at(11, 0)), vec![&eleven]);
    }

    #[test]
    fn an_early_join_goes_to_the_next_meeting_and_a_late_one_to_the_last() {
        let ten = meeting(1, at(10, 0), MeetingStatus::Scheduled);
        assert_eq!(meetings_at(std::slice::from_ref(&ten), at(9, 10)), vec![&ten]);
        assert_eq!(meetings_at(std::slice::from_ref(&ten), at(11, 50)), vec![&ten]);
        assert!(meetings_at(std::slice::from_ref(&ten), at(8, 59)).is_empty());
        assert!(meetings_at(std::slice::from_ref(&ten), at(12, 1)).is_empty());
        let next_week = meeting(1, at(10, 0) + Duration::days(7), MeetingStatus::Scheduled);
        assert!(
            meetings_at(&[next_week], at(10, 5)).is_empty(),
            "same number, another day"
        );
    }

    #[test]
    fn cancelled_meetings_get_nothing_and_each_admin_gets_their_own() {
        let cancelled = meeting(1, at(10, 0), MeetingStatus::Cancelled);
        assert!(meetings_at(&[cancelled], at(10, 5)).is_empty());
        let mine = meeting(1, at(10, 0), MeetingStatus::Scheduled);
        let theirs = meeting(2, at(10, 0), MeetingStatus::Scheduled);
        assert_eq!(
            meetings_at(&[mine.clone(), theirs.clone()], at(10, 5)),
            vec![&mine, &theirs]
        );
    }
}
