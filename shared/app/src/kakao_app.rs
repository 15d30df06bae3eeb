//! Kakao stopping the whole app (`-12` blocked, `-13` suspended), as every function acts on it:
//! a refusal seen anywhere is recorded app-wide ([`note_stop`]); the sweep sends nothing while
//! the record stands, and every [`domain::kakao_app::PROBE_EVERY`] asks Kakao again with one
//! read (`access_token_info`, no message) before deciding ([`sending_stop`]); every admin's
//! dashboard shows the record; the `KakaoAppStopped` metric raises the alarm.

use chrono::{DateTime, Utc};
use domain::{KakaoAppStop, KakaoUserId};
use kakao::KakaoError;
use store::api::KakaoAppStore;

use crate::services::Services;
use crate::tokens::TokenError;

/// How many admins' tokens a probe tries before it calls the answer inconclusive (a dead login
/// says nothing about the app).
const PROBE_TRIES: usize = 3;

/// Records that Kakao refused with `stop`. A store failure is logged: the next refusal records
/// it again.
pub async fn note_stop(store: &dyn KakaoAppStore, stop: KakaoAppStop, now: DateTime<Utc>) {
    match store.record_kakao_app_stop(stop, now).await {
        Ok(state) => tracing::error!(
            kakao_code = stop.code(),
            stop = stop.as_str(),
            since = %state.since,
            "Kakao has stopped the app: nothing is sent until it is restored in Kakao's console"
        ),
        Err(error) => tracing::error!(
            kakao_code = stop.code(),
            %error,
            "Kakao has stopped the app, and the stop could not be recorded"
        ),
    }
}

/// Records the stop when `error` is Kakao stopping the app.
pub async fn note_if_stopped(store: &dyn KakaoAppStore, error: &KakaoError, now: DateTime<Utc>) {
    if let Some(stop) = error.app_stop() {
        note_stop(store, stop, now).await;
    }
}

/// Whether sending is stopped app-wide right now. While a stop is recorded this asks Kakao
/// again once every probe interval, with the token of one of `probe_with` (admins about to
/// send): an answer clears the stop, another `-12`/`-13` confirms it. Reading the record
/// failing is logged and read as "not stopped": a send then meets Kakao's refusal and records
/// it again.
pub async fn sending_stop(services: &Services, probe_with: &[KakaoUserId]) -> Option<KakaoAppStop> {
    let state = match services.store.kakao_app_stop().await {
        Ok(state) => state?,
        Err(error) => {
            tracing::warn!(%error, "could not read whether Kakao has stopped the app; sending");
            return None;
        }
    };
    let now = services.clock.now();
    if !state.probe_due(now) {
        return Some(state.stop);
    }
    for admin in probe_with.iter().take(PROBE_TRIES) {
        let answer = match services.tokens.access_token(*admin).await {
            Ok(token) => services.kakao.token_info(&token).await.map(|_| ()),
            Err(TokenError::Kakao(error)) => Err(error),
            Err(other) => {
                tracing::info!(admin = %admin, error = %other, "no token to ask Kakao with");
                continue;
            }
        };
        match answer {
            Ok(()) => {
                if let Err(error) = services.store.clear_kakao_app_stop().await {
                    tracing::warn!(%error, "could not clear the app's stop; the next probe will");
                }
                tracing::warn!(
                    stop = state.stop.as_str(),
                    since = %state.since,
                    "Kakao serves the app again: sending resumes"
                );
                return None;
            }
            Err(error) => {
                if let Some(stop) = error.app_stop() {
                    note_stop(&*services.store, stop, now).await;
                    return Some(stop);
                }
                tracing::info!(admin = %admin, %error, "the probe of the app's stop was inconclusive");
            }
        }
    }
    // Nobody could ask: try again after another interval.
    note_stop(&*services.store, state.stop, now).await;
    Some(state.stop)
}
