//! Who cannot be reached, and why, from what ttokttok knows: a friend the last sync no longer
//! listed, a client who disconnected ttokttok, and Kakao's earlier answers in the meeting
//! (`-530` reads as "turned messages off" for a client who agreed, "no consent" otherwise).

mod common;

use std::collections::BTreeSet;

use app::testing::Backend;
use common::{Bed, MeetingSetup, SEND_PATH};
use domain::KakaoUserId;
use serde_json::json;
use store::model::ScopeId;

fn skipped(report: &app::sweep::SweepReport) -> Vec<(&'static str, usize)> {
    report.skipped.iter().map(|(r, n)| (r.as_str(), *n)).collect()
}

async fn unreachable_invitees_are_skipped_with_the_reason(backend: Backend) {
    let Some(bed) = Bed::start(4, backend).await else {
        return;
    };
    let store = &bed.s.store.store;
    // 1001 disconnected ttokttok in KakaoTalk (the unlink webhook marked them).
    store
        .mark_client_unlinked(KakaoUserId::new(1001).unwrap(), bed.now())
        .await
        .unwrap();
    // 1002 joined through the admin's invite link and agreed to messages.
    let scopes: BTreeSet<ScopeId> = ["friends", "talk_message"]
        .iter()
        .map(|s| ScopeId::parse(s).unwrap())
        .collect();
    store
        .record_client(KakaoUserId::new(1002).unwrap(), bed.admin(), &scopes, bed.now())
        .await
        .unwrap();
    let meeting = bed
        .meeting(&[1001, 1002, 1003, 1004], MeetingSetup::default())
        .await;
    bed.advance(5);
    // Kakao refuses the three it is asked about (1002, 1003, 1004) with -530.
    bed.fault(json!({"path": SEND_PATH, "kakao_code": -530, "times": 3}))
        .await;
    let first = bed.sweep().await;
    assert_eq!(skipped(&first), [("unreachable_no_consent", 1)], "{first:?}");
    assert_eq!(first.failed.get(&-530), Some(&3));
    bed.s.clear_faults(SEND_PATH).await;

    bed.advance(10);
    let second = bed.sweep().await;
    let mut got = skipped(&second);
    got.sort();
    assert_eq!(
        got,
        [("unreachable_no_consent", 3), ("unreachable_refuses", 1)],
        "1001 disconnected; 1003 and 1004 never agreed; 1002 agreed and turned messages off: {second:?}"
    );
    assert_eq!(second.sent, 0);
    assert_eq!(bed.delivery_state(meeting, 1001, 1).await, None, "never tried");
}

app::on_both_backends!(unreachable_invitees_are_skipped_with_the_reason);
