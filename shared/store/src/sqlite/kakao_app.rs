//! [`KakaoAppStore`] on SQLite: at most one row.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{AppStopState, KakaoAppStop};
use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use super::codec::{parse_ts, ts};
use crate::StoreError;
use crate::api::KakaoAppStore;

fn state(stop: &str, since: &str, checked_at: &str) -> Result<AppStopState, StoreError> {
    Ok(AppStopState {
        stop: KakaoAppStop::parse(stop)
            .ok_or_else(|| StoreError::corrupt("kakao app stop", format!("unknown stop {stop:?}")))?,
        since: parse_ts("kakao app stop since", since)?,
        checked_at: parse_ts("kakao app stop checked_at", checked_at)?,
    })
}

#[async_trait]
impl KakaoAppStore for SqliteStore {
    async fn kakao_app_stop(&self) -> Result<Option<AppStopState>, StoreError> {
        let row = self
            .read("get kakao app stop", |conn| {
                Ok(conn
                    .query_row(
                        "SELECT stop, since, checked_at FROM kakao_app_stop WHERE id = 1",
                        [],
                        |r| {
                            Ok((
                                r.get::<_, String>(0)?,
                                r.get::<_, String>(1)?,
                                r.get::<_, String>(2)?,
                            ))
                        },
                    )
                    .optional()?)
            })
            .await?;
        row.map(|(stop, since, checked)| state(&stop, &since, &checked))
            .transpose()
    }

    async fn record_kakao_app_stop(
        &self,
        stop: KakaoAppStop,
        now: DateTime<Utc>,
    ) -> Result<AppStopState, StoreError> {
        let (stop_name, now_text) = (stop.as_str(), ts(now));
        let (stop, since, checked) = self
            .write("record kakao app stop", move |tx| {
                tx.execute(
                    "INSERT INTO kakao_app_stop (id, stop, since, checked_at) VALUES (1, ?1, ?2, ?2)
                     ON CONFLICT (id) DO UPDATE SET stop = excluded.stop, checked_at = excluded.checked_at",
                    params![stop_name, now_text],
                )?;
                Ok(tx.query_row(
                    "SELECT stop, since, checked_at FROM kakao_app_stop WHERE id = 1",
                    [],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                        ))
                    },
                )?)
            })
            .await?;
        state(&stop, &since, &checked)
    }

    async fn clear_kakao_app_stop(&self) -> Result<(), StoreError> {
        self.write("clear kakao app stop", |tx| {
            tx.execute("DELETE FROM kakao_app_stop", [])?;
            Ok(())
        })
        .await
    }
}
