//! Kakao's daily limits, ours and Kakao's: each limit reached in the middle of a batch stops only
//! whom it should, Kakao's own refusals are recorded with their codes and give their slots
//! back, and a new Kakao day (00:00 KST) starts the counters afresh.

mod common;

use app::testing::{Backend, Scenario};
use chrono::{TimeZone, Utc};
use common::{Bed, MeetingSetup, SEND_PATH, direct};
use domain::delivery::Round;
use domain::{KakaoUserId, KstDay, MeetingId, QuotaLimits};
use kakao_sandbox::World;
use store::model::{
    AdminLogin, AdminStatus, BatchRecipients, InitialState, JoinUrl, MeetingDraft, MeetingSettings,
    MeetingStatus, QuotaSubject, ReservationRequest,
};

/// A text with no personal part, so a batch of five is one Kakao call.
const SHARED_TEXT: &str = "'{모임}' 모임이 시작했어요. 아래 버튼으로 바로 참여해 주세요.";

fn shared(offsets: Vec<i64>) -> MeetingSetup {
    MeetingSetup {
        offsets,
        template: Some(SHARED_TEXT.into()),
        ..MeetingSetup::default()
    }
}

fn skipped(report: &app::sweep::SweepReport) -> Vec<(&'static str, usize)> {
    report.skipped.iter().map(|(r, n)| (r.as_str(), *n)).collect()
}

/// Another admin (9000) reminded `friend` `times` times today: their recipient counter moved.
async fn reminded_by_another_admin(bed: &Bed, friend: i64, times: u16) {
    let store = &bed.s.store.store;
    let other = KakaoUserId::new(9000).unwrap();
    let login = AdminLogin {
        id: other,
        nickname: "다른 선생님".into(),
        scopes: Default::default(),
        status: AdminStatus::Active,
    };
    store.upsert_admin(&login, bed.now()).await.unwrap();
    let meeting = MeetingId::new_v7();
    let draft = MeetingDraft {
        title: "다른 모임".into(),
        starts_at: bed.now(),
        ends_at: bed.now() + chrono::Duration::hours(1),
        time_zone: chrono_tz::Asia::Seoul,
        join_url: JoinUrl::parse("https://zoom.us/j/2").unwrap(),
        zoom_meeting_id: None,
        status: MeetingStatus::Scheduled,
        next_round: None,
        settings: MeetingSettings::default(),
    };
    store
        .create_meeting(other, meeting, &draft, bed.now())
        .await
        .unwrap();
    for round in 1..=times {
        let request = ReservationRequest {
            sender: other,
            meeting,
            round: Round::new(round).unwrap(),
            recipients: BatchRecipients::new(vec![bed.uuid(friend)]).unwrap(),
            day: KstDay::containing(bed.now()),
            initial: InitialState::Sending,
            limits: QuotaLimits::KAKAO,
            links: None,
        };
        let reservation = store.reserve(&request, bed.now()).await.unwrap();
        assert_eq!(reservation.reserved.len(), 1);
    }
}

async fn our_limits_stop_a_batch_part_way_and_only_whom_they_should(backend: Backend) {
    let limits = QuotaLimits {
        app: 1000,
        sender: 8,
        recipient: 2,
        pair: 1,
    };
    let Some(bed) = Bed::start_with(World::with_friends(12), backend, limits, direct).await else {
        return;
    };
    // Today already: another admin reminded 1006 twice (its recipient counter is full), and
    // this admin reminded 1007 once (their pair counter is full; the sender has 7 left).
    reminded_by_another_admin(&bed, 1006, 2).await;
    bed.meeting(&[1007], shared(vec![5])).await;
    bed.advance(5);
    assert_eq!(bed.sweep().await.sent, 1);

    let everyone: Vec<i64> = (1001..=1012).collect();
    let meeting = bed.meeting(&everyone, shared(vec![5])).await;
    bed.advance(5);
    let report = bed.sweep().await;
    // What the limits allow, in the order the meeting lists its invitees (batches of five):
    // the sender has 7 slots left; 1006's recipient counter and 1007's pair counter are full.
    let order = bed.in_meeting_order(&everyone);
    let (mut sender_left, mut expected, mut calls) = (7, Vec::new(), 0);
    for batch in order.chunks(5) {
        let mut any = false;
        for user in batch {
            let fate = if sender_left == 0 {
                "quota_sender"
            } else if *user == 1006 {
                "quota_recipient"
            } else if *user == 1007 {
                "quota_pair"
            } else {
                sender_left -= 1;
                any = true;
                "sent"
            };
            expected.push((*user, fate));
        }
        calls += usize::from(any);
    }
    assert_eq!(report.sent, 7, "{report:?}");
    for (user, fate) in &expected {
        let reminders = bed.reminders(*user).await.len();
        let earlier = usize::from(*user == 1007);
        assert_eq!(
            reminders,
            earlier + usize::from(*fate == "sent"),
            "user {user}: {fate}"
        );
    }
    let count = |fate: &str| expected.iter().filter(|(_, f)| *f == fate).count();
    let mut wanted: Vec<(&str, usize)> = ["quota_sender", "quota_recipient", "quota_pair"]
        .into_iter()
        .map(|f| (f, count(f)))
        .filter(|(_, n)| *n > 0)
        .collect();
    wanted.sort();
    let mut got = skipped(&report);
    got.sort();
    assert_eq!(got, wanted);
    // The last batch found the sender counter full before it asked: no delivery record at all.
    let last = *order.last().unwrap();
    assert_eq!(bed.delivery_state(meeting, last, 1).await, None, "never reserved");
    assert_eq!(
        bed.requests_on(SEND_PATH).await as usize,
        1 + calls,
        "one call per batch of identical messages"
    );
    let day = KstDay::containing(bed.now());
    let used = bed
        .s
        .store
        .store
        .quota_used(day, &QuotaSubject::Sender(bed.admin()))
        .await
        .unwrap();
    assert_eq!(used, 8, "exactly at the limit, never over");
}

async fn the_app_limit_stops_a_batch_part_way(backend: Backend) {
    let limits = QuotaLimits {
        app: 3,
        ..QuotaLimits::KAKAO
    };
    let Some(bed) = Bed::start_with(World::with_friends(5), backend, limits, direct).await else {
        return;
    };
    let meeting = bed
        .meeting(&[1001, 1002, 1003, 1004, 1005], shared(vec![5]))
        .await;
    bed.advance(5);
    let report = bed.sweep().await;
    assert_eq!(report.sent, 3);
    assert_eq!(skipped(&report), [("quota_app", 2)]);
    let order = bed.in_meeting_order(&[1001, 1002, 1003, 1004, 1005]);
    assert_eq!(
        bed.delivery_state(meeting, order[2], 1).await.as_deref(),
        Some("sent")
    );
    assert_eq!(
        bed.delivery_state(meeting, order[3], 1).await,
        None,
        "refused by the reservation"
    );
}

/// Kakao's own counters (the sandbox's) are lower than ours: Kakao refuses part of a batch.
async fn kakao_refuses(
    backend: Backend,
    quotas: impl FnOnce(&mut kakao_sandbox::world::QuotaLimits),
) -> Option<Bed> {
    let mut world = World::with_friends(5);
    quotas(&mut world.app.quotas);
    Bed::start_with(world, backend, QuotaLimits::KAKAO, direct).await
}

async fn kakaos_limits_refuse_part_of_a_batch_with_their_codes(backend: Backend) {
    let everyone = [1001, 1002, 1003, 1004, 1005];
    for (code, set) in [
        (
            -532,
            (|q: &mut kakao_sandbox::world::QuotaLimits| q.sender_daily = 3) as fn(&mut _),
        ),
        (-10, |q| q.app_daily = 3),
    ] {
        let Some(bed) = kakao_refuses(backend, set).await else {
            return;
        };
        let meeting = bed.meeting(&everyone, shared(vec![5])).await;
        bed.advance(5);
        let report = bed.sweep().await;
        assert_eq!(report.sent, 3, "code {code}: {report:?}");
        assert_eq!(report.failed.get(&code), Some(&2), "code {code}: {report:?}");
        assert_eq!(bed.requests_on(SEND_PATH).await, 1, "one call for the batch");
        let states: Vec<Option<String>> =
            futures::future::join_all(everyone.iter().map(|u| bed.delivery_state(meeting, *u, 1))).await;
        let refused = states
            .iter()
            .filter(|s| s.as_deref() == Some(&format!("failed({code})")))
            .count();
        assert_eq!(refused, 2);
        let used = bed
            .s
            .store
            .store
            .quota_used(KstDay::containing(bed.now()), &QuotaSubject::Sender(bed.admin()))
            .await
            .unwrap();
        assert_eq!(used, 3, "code {code}: refused messages give their slots back");
    }
    // Per receiver: one friend's own limit (-533) and the pair's (-536).
    for (code, set) in [
        (
            -533,
            (|q: &mut kakao_sandbox::world::QuotaLimits| q.recipient_daily = 1) as fn(&mut _),
        ),
        (-536, |q| q.pair_daily = 1),
    ] {
        let Some(bed) = kakao_refuses(backend, set).await else {
            return;
        };
        bed.meeting(&[1003], shared(vec![5])).await;
        bed.advance(5);
        assert_eq!(bed.sweep().await.sent, 1, "1003 has had their one message today");
        let meeting = bed.meeting(&everyone, shared(vec![5])).await;
        bed.advance(5);
        let report = bed.sweep().await;
        assert_eq!(report.sent, 4, "code {code}: {report:?}");
        assert_eq!(report.failed.get(&code), Some(&1), "code {code}: {report:?}");
        assert_eq!(
            bed.delivery_state(meeting, 1003, 1).await,
            Some(format!("failed({code})"))
        );
        assert_eq!(bed.reminders(1003).await.len(), 1);
    }
}

async fn a_new_kakao_day_at_midnight_in_korea_starts_the_counters_afresh(backend: Backend) {
    let limits = QuotaLimits {
        sender: 2,
        ..QuotaLimits::KAKAO
    };
    // 23:50 in Korea.
    let evening = chrono_tz::Asia::Seoul
        .with_ymd_and_hms(2026, 11, 21, 23, 50, 0)
        .unwrap()
        .with_timezone(&Utc);
    let Some(bed) = Bed::start_at(World::with_friends(3), backend, limits, Some(evening), direct).await
    else {
        return;
    };
    bed.meeting(&[1001, 1002, 1003], shared(vec![5])).await;
    bed.advance(5); // 23:55
    let report = bed.sweep().await;
    assert_eq!((report.sent, skipped(&report)), (2, vec![("quota_sender", 1)]));

    bed.advance(3); // 23:58
    let late = bed.meeting(&[1001, 1002, 1003], shared(vec![5])).await;
    bed.advance(5); // 00:03 the next day in Korea
    let report = bed.sweep().await;
    assert_eq!(report.sent, 2, "a fresh day: the sender may send 2 again");
    let third = bed.in_meeting_order(&[1001, 1002, 1003])[2];
    assert_eq!(bed.delivery_state(late, third, 1).await, None);
    let store = &bed.s.store.store;
    let admin = QuotaSubject::Sender(Scenario::admin());
    let day1 = KstDay::containing(evening);
    assert_eq!(store.quota_used(day1, &admin).await.unwrap(), 2);
    assert_eq!(store.quota_used(day1.next(), &admin).await.unwrap(), 2);
}

app::on_both_backends!(
    our_limits_stop_a_batch_part_way_and_only_whom_they_should,
    the_app_limit_stops_a_batch_part_way,
    kakaos_limits_refuse_part_of_a_batch_with_their_codes,
    a_new_kakao_day_at_midnight_in_korea_starts_the_counters_afresh,
);
