//! [`KakaoAppStore`] on DynamoDB: one item, `APP` / `KAKAO_STOP`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{AppStopState, KakaoAppStop};

use super::DynamoStore;
use super::expr::Update;
use super::item::{Item, Reader, s, time};
use super::keys::stop_key;
use super::requests::Written;
use crate::StoreError;
use crate::api::KakaoAppStore;

fn state_from_item(item: &Item) -> Result<AppStopState, StoreError> {
    let r = Reader::new("kakao app stop", item);
    Ok(AppStopState {
        stop: r.parsed("stop", |v| {
            KakaoAppStop::parse(v).ok_or_else(|| format!("unknown stop {v:?}"))
        })?,
        since: r.time("since")?,
        checked_at: r.time("checked_at")?,
    })
}

#[async_trait]
impl KakaoAppStore for DynamoStore {
    async fn kakao_app_stop(&self) -> Result<Option<AppStopState>, StoreError> {
        self.get_item("GetItem kakao app stop", stop_key())
            .await?
            .as_ref()
            .map(state_from_item)
            .transpose()
    }

    async fn record_kakao_app_stop(
        &self,
        stop: KakaoAppStop,
        now: DateTime<Utc>,
    ) -> Result<AppStopState, StoreError> {
        let mut update = Update::new();
        update
            .set("kind", s("kakao_app_stop"))
            .set("stop", s(stop.as_str()))
            .set_if_absent("since", time(now))
            .set("checked_at", time(now));
        match self
            .update_item("UpdateItem kakao app stop", stop_key(), &update)
            .await?
        {
            Written::Done(Some(item)) => state_from_item(&item),
            _ => Err(StoreError::backend(
                "UpdateItem kakao app stop",
                "no item came back from an unconditional update",
            )),
        }
    }

    async fn clear_kakao_app_stop(&self) -> Result<(), StoreError> {
        self.delete_item("DeleteItem kakao app stop", stop_key(), None)
            .await
            .map(|_| ())
    }
}
