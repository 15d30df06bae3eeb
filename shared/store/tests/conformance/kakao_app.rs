//! Kakao stopping the whole app: one app-wide record, started, confirmed and cleared.

use domain::KakaoAppStop;

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn a_stop_is_recorded_confirmed_and_cleared(h: Harness) {
    let s = &*h.store;
    assert_eq!(s.kakao_app_stop().await.unwrap(), None);
    let first = s
        .record_kakao_app_stop(KakaoAppStop::Suspended, t0())
        .await
        .unwrap();
    assert_eq!(
        (first.stop, first.since, first.checked_at),
        (KakaoAppStop::Suspended, t0(), t0())
    );
    let again = s
        .record_kakao_app_stop(KakaoAppStop::Blocked, t0() + minutes(15))
        .await
        .unwrap();
    assert_eq!(
        (again.stop, again.since, again.checked_at),
        (KakaoAppStop::Blocked, t0(), t0() + minutes(15)),
        "a confirmation keeps when the stop began"
    );
    assert_eq!(s.kakao_app_stop().await.unwrap(), Some(again));
    s.clear_kakao_app_stop().await.unwrap();
    s.clear_kakao_app_stop().await.unwrap();
    assert_eq!(s.kakao_app_stop().await.unwrap(), None);
    let fresh = s
        .record_kakao_app_stop(KakaoAppStop::Blocked, t0() + minutes(60))
        .await
        .unwrap();
    assert_eq!(fresh.since, t0() + minutes(60), "a new stop starts afresh");
}

conformance!(a_stop_is_recorded_confirmed_and_cleared);
