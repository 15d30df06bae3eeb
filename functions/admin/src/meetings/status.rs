//! The live view's one decision, pure: where each invitee stands, from what the store knows
//! (invitees, attendance, deliveries, friends, opt-outs) and the time.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::FriendUuid;
use domain::delivery::{DeliveryState, KakaoErrorCode};
use domain::meeting::schedule::Phase;
use domain::sweep::{ClientStanding, FriendStanding, Unreachable, Unreached, reach_from_history};
use serde::Serialize;
use store::model::{Attendance, DeliveryRecord, FriendRecord, Invitee, JoinSource, OptOut};
use web::Lang;

/// The one line the live view shows for an invitee, most important first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Headline {
    Joined {
        at: DateTime<Utc>,
        source: JoinSource,
    },
    Unreachable {
        why: Unreached,
    },
    /// The last reminder failed (and none went after it).
    Failed {
        code: KakaoErrorCode,
    },
    /// Reminded `times` times and not joined (yet).
    Reminded {
        times: u32,
    },
    /// Waiting for the admin to confirm a round, or being sent right now.
    Pending,
    NotJoined,
}

impl Headline {
    pub fn id(&self) -> &'static str {
        match self {
            Self::Joined { .. } => "joined",
            Self::Unreachable { .. } => "unreachable",
            Self::Failed { .. } => "failed",
            Self::Reminded { .. } => "reminded",
            Self::Pending => "pending",
            Self::NotJoined => "not_joined",
        }
    }

    /// In words, times in the meeting's zone.
    pub fn words(&self, lang: Lang, zone: Tz) -> String {
        match *self {
            Self::Joined { at, source } => {
                let hhmm = at.with_timezone(&zone).format("%H:%M");
                let via = source_words(source, lang);
                match lang {
                    Lang::Ko => format!("{hhmm}에 참여 ({via})"),
                    Lang::En => format!("joined at {hhmm} via {via}"),
                }
            }
            Self::Unreachable {
                why: Unreached::OptedOut,
            } => lang
                .t(
                    "알림 받지 않음 (본인이 중단함)",
                    "unreachable: asked to stop reminders",
                )
                .to_owned(),
            Self::Unreachable {
                why: Unreached::Unreachable(Unreachable::NotAFriend),
            } => lang
                .t(
                    "연락 불가 (카카오 친구 목록에 없음)",
                    "unreachable: no longer in your Kakao friends",
                )
                .to_owned(),
            Self::Unreachable {
                why: Unreached::Unreachable(Unreachable::NoConsent),
            } => lang
                .t(
                    "연락 불가 (알림 받기에 동의하지 않음)",
                    "unreachable: has not agreed to get reminders",
                )
                .to_owned(),
            Self::Unreachable {
                why: Unreached::Unreachable(Unreachable::RefusesMessages),
            } => lang
                .t("연락 불가 (메시지를 끔)", "unreachable: turned messages off")
                .to_owned(),
            Self::Failed { code } => format!(
                "{}: {}",
                lang.t("알림 실패", "reminder failed"),
                failure_words(code, lang)
            ),
            Self::Reminded { times } => match lang {
                Lang::Ko => format!("아직 참여 안 함 · 알림 {times}번 보냄"),
                Lang::En => format!(
                    "not joined · reminded {times} time{}",
                    if times == 1 { "" } else { "s" }
                ),
            },
            Self::Pending => lang
                .t(
                    "아직 참여 안 함 · 알림 확인/발송 중",
                    "not joined · reminder pending",
                )
                .to_owned(),
            Self::NotJoined => lang.t("아직 참여 안 함", "not joined").to_owned(),
        }
    }
}

pub fn source_words(source: JoinSource, lang: Lang) -> &'static str {
    match source {
        JoinSource::Zoom => "Zoom",
        JoinSource::Link => lang.t("알림 링크", "reminder link"),
        JoinSource::Manual => lang.t("직접 표시", "marked by you"),
    }
}

/// Why Kakao refused a reminder, for the admin.
pub fn failure_words(code: KakaoErrorCode, lang: Lang) -> String {
    let words = match code {
        KakaoErrorCode::RECEIVER_REFUSES => lang.t(
            "똑똑의 메시지 수신에 동의하지 않았거나 꺼 두었습니다",
            "has not agreed to, or turned off, messages from ttokttok",
        ),
        KakaoErrorCode::NOT_FRIEND => lang.t(
            "카카오가 친구로 확인하지 못했습니다",
            "Kakao did not confirm you as friends",
        ),
        KakaoErrorCode::SENDER_DAILY_QUOTA | KakaoErrorCode::APP_QUOTA => lang.t(
            "오늘 보낼 수 있는 양을 다 썼습니다",
            "today's sending limit is used up",
        ),
        KakaoErrorCode::RECIPIENT_DAILY_QUOTA | KakaoErrorCode::PAIR_DAILY_QUOTA => lang.t(
            "이 친구가 오늘 받을 수 있는 양을 넘었습니다",
            "this friend's daily limit is reached",
        ),
        KakaoErrorCode::SENDER_MONTHLY_QUOTA => {
            lang.t("이번 달 발송 한도를 다 썼습니다", "this month's limit is used up")
        }
        _ => lang.t("카카오가 거절했습니다", "Kakao refused it"),
    };
    format!("{words} ({code})")
}

/// One invitee's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InviteeStatus {
    pub friend: FriendUuid,
    pub name: String,
    pub thumbnail_url: Option<String>,
    pub headline: Headline,
    pub joined: Option<Attendance>,
    /// Reminders Kakao accepted.
    pub reminded: u32,
    /// Sends whose outcome was lost (never retried; shown so the admin knows).
    pub unconfirmed: u32,
    pub last_failure: Option<KakaoErrorCode>,
    pub unreachable: Option<Unreached>,
    pub has_match_keys: bool,
}

/// The whole live view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveStatus {
    pub phase: Phase,
    pub invitees: Vec<InviteeStatus>,
    pub joined: usize,
    pub total: usize,
}

/// Everything the decision reads.
pub struct Facts<'a> {
    pub phase: Phase,
    pub invitees: &'a [Invitee],
    pub attendance: &'a [(FriendUuid, Attendance)],
    pub deliveries: &'a [DeliveryRecord],
    /// The admin's friends, gone ones included.
    pub friends: &'a [FriendRecord],
    pub opt_outs: &'a [OptOut],
}

pub fn live_status(facts: &Facts<'_>) -> LiveStatus {
    let joined: BTreeMap<&FriendUuid, &Attendance> = facts.attendance.iter().map(|(f, a)| (f, a)).collect();
    let friends: BTreeMap<&FriendUuid, &FriendRecord> =
        facts.friends.iter().map(|f| (&f.profile.uuid, f)).collect();
    let opted_out: BTreeSet<&FriendUuid> = facts.opt_outs.iter().map(|o| &o.friend).collect();
    let mut rows: Vec<InviteeStatus> = facts
        .invitees
        .iter()
        .map(|invitee| {
            let friend = &invitee.friend;
            let mut mine: Vec<&DeliveryRecord> = facts
                .deliveries
                .iter()
                .filter(|d| &d.key.recipient == friend)
                .collect();
            mine.sort_by_key(|d| d.key.round);
            let reminded = mine.iter().filter(|d| d.state == DeliveryState::Sent).count();
            let unconfirmed = mine.iter().filter(|d| d.state == DeliveryState::Unknown).count();
            let last = mine.last().map(|d| d.state);
            let last_failure = mine.iter().rev().find_map(|d| d.state.failure_code());
            let record = friends.get(friend);
            // The sweep's rule, from what the live view reads: no client records, and Kakao's
            // earlier answers are shown as their own line (`Headline::Failed`), not passed in.
            let standing = record.map_or(FriendStanding::NotListed, |r| r.standing());
            let unreachable = Unreached::of(
                invitee.opted_out || opted_out.contains(friend),
                reach_from_history(standing, ClientStanding::Unknown, []),
            );
            let attended = joined.get(friend).copied().copied();
            let headline = match (attended, unreachable, last) {
                (Some(a), _, _) => Headline::Joined {
                    at: a.first_joined_at,
                    source: a.source,
                },
                (None, Some(why), _) => Headline::Unreachable { why },
                (None, None, Some(DeliveryState::Failed { code })) => Headline::Failed { code },
                (None, None, Some(DeliveryState::Reserved | DeliveryState::Sending)) => Headline::Pending,
                (None, None, _) if reminded > 0 => Headline::Reminded {
                    times: count(reminded),
                },
                _ => Headline::NotJoined,
            };
            let keys = &invitee.match_keys;
            InviteeStatus {
                friend: friend.clone(),
                name: invitee.display_name.clone(),
                thumbnail_url: record
                    .and_then(|r| r.profile.thumbnail_url.clone())
                    .filter(|u| u.starts_with("https://")),
                headline,
                joined: attended,
                reminded: count(reminded),
                unconfirmed: count(unconfirmed),
                last_failure,
                unreachable,
                has_match_keys: keys.email.is_some()
                    || keys.display_name.is_some()
                    || keys.zoom_registrant_id.is_some(),
            }
        })
        .collect();
    // Who needs attention first: not joined before joined, then by name.
    rows.sort_by(|a, b| {
        a.joined
            .is_some()
            .cmp(&b.joined.is_some())
            .then_with(|| a.name.cmp(&b.name))
    });
    let joined_count = rows.iter().filter(|r| r.joined.is_some()).count();
    LiveStatus {
        phase: facts.phase,
        total: rows.len(),
        joined: joined_count,
        invitees: rows,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::delivery::Round;
    use domain::friends::FriendProfile;
    use domain::{KakaoUserId, KstDay, MeetingId};
    use store::model::OptOutSource;
    use store::model::{DeliveryKey, MatchKeys};

    use super::*;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap() + chrono::Duration::minutes(min)
    }

    fn uuid(s: &str) -> FriendUuid {
        FriendUuid::parse(s).unwrap()
    }

    fn invitee(s: &str, name: &str) -> Invitee {
        Invitee {
            friend: uuid(s),
            display_name: name.into(),
            match_keys: MatchKeys::default(),
            opted_out: false,
        }
    }

    fn friend(s: &str, gone: bool) -> FriendRecord {
        FriendRecord {
            admin: KakaoUserId::new(1).unwrap(),
            profile: FriendProfile {
                uuid: uuid(s),
                kakao_id: None,
                nickname: s.into(),
                thumbnail_url: Some("http://insecure.example/a.jpg".into()),
                favorite: false,
            },
            first_seen: t(-1000),
            synced_at: t(-1000),
            gone_at: gone.then(|| t(-10)),
        }
    }

    fn delivery(s: &str, round: u16, state: DeliveryState) -> DeliveryRecord {
        DeliveryRecord {
            key: DeliveryKey {
                admin: KakaoUserId::new(1).unwrap(),
                meeting: MeetingId::parse("0190f3a0-0000-7000-8000-000000000001").unwrap(),
                recipient: uuid(s),
                round: Round::new(round).unwrap(),
            },
            state,
            day: KstDay::containing(t(0)),
            holds_quota: true,
            created_at: t(5),
            updated_at: t(5),
        }
    }

    #[test]
    fn each_invitee_gets_the_line_that_matters_most() {
        let invitees = [
            invitee("joined", "가 joined"),
            invitee("twice", "나 twice"),
            invitee("failed", "다 failed"),
            invitee("gone", "라 gone"),
            invitee("stopped", "마 stopped"),
            invitee("waiting", "바 waiting"),
            invitee("fresh", "사 fresh"),
        ];
        let friends: Vec<_> = ["joined", "twice", "failed", "stopped", "waiting", "fresh"]
            .iter()
            .map(|s| friend(s, false))
            .chain([friend("gone", true)])
            .collect();
        let attendance = [(
            uuid("joined"),
            Attendance {
                first_joined_at: t(3),
                source: JoinSource::Link,
            },
        )];
        let deliveries = [
            delivery("joined", 1, DeliveryState::Sent),
            delivery("twice", 1, DeliveryState::Sent),
            delivery("twice", 2, DeliveryState::Sent),
            delivery(
                "failed",
                1,
                DeliveryState::Failed {
                    code: KakaoErrorCode::RECEIVER_REFUSES,
                },
            ),
            delivery("waiting", 1, DeliveryState::Reserved),
        ];
        let opt_outs = [OptOut {
            friend: uuid("stopped"),
            at: t(-5),
            source: OptOutSource::ReminderLink,
        }];
        let live = live_status(&Facts {
            phase: Phase::Live,
            invitees: &invitees,
            attendance: &attendance,
            deliveries: &deliveries,
            friends: &friends,
            opt_outs: &opt_outs,
        });
        let lines: Vec<(&str, Headline)> = live
            .invitees
            .iter()
            .map(|r| (r.friend.as_str(), r.headline))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("twice", Headline::Reminded { times: 2 }),
                (
                    "failed",
                    Headline::Failed {
                        code: KakaoErrorCode::RECEIVER_REFUSES
                    }
                ),
                (
                    "gone",
                    Headline::Unreachable {
                        why: Unreached::Unreachable(Unreachable::NotAFriend)
                    }
                ),
                (
                    "stopped",
                    Headline::Unreachable {
                        why: Unreached::OptedOut
                    }
                ),
                ("waiting", Headline::Pending),
                ("fresh", Headline::NotJoined),
                (
                    "joined",
                    Headline::Joined {
                        at: t(3),
                        source: JoinSource::Link
                    }
                ),
            ]
        );
        assert_eq!((live.joined, live.total), (1, 7));
        assert_eq!(live.invitees[0].thumbnail_url, None, "only https thumbnails");
    }

    #[test]
    fn lines_read_in_the_meetings_zone_and_both_languages() {
        let seoul = chrono_tz::Asia::Seoul;
        let joined = Headline::Joined {
            at: t(3),
            source: JoinSource::Zoom,
        };
        assert_eq!(joined.words(Lang::En, seoul), "joined at 19:03 via Zoom");
        assert_eq!(joined.words(Lang::Ko, seoul), "19:03에 참여 (Zoom)");
        assert_eq!(
            Headline::Reminded { times: 1 }.words(Lang::En, seoul),
            "not joined · reminded 1 time"
        );
        assert!(
            Headline::Failed {
                code: KakaoErrorCode::RECEIVER_REFUSES
            }
            .words(Lang::En, seoul)
            .contains("(-530)")
        );
    }
}
