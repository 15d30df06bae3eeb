//! Admin profiles (`ADMIN#{id}` / `PROFILE`), the sparse `active_admins` index, and unlinking.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, WriteRequest};
use chrono::{DateTime, Utc};
use domain::KakaoUserId;

use super::DynamoStore;
use super::expr::{Expr, Update};
use super::item::{Item, Reader, n, s, time};
use super::keys::{
    ACTIVE_ADMINS_INDEX, ACTIVE_ADMINS_PK, DELETIONS_PK, FRIEND_PREFIX, INVITEE_PREFIX, JOINED_PREFIX,
    MEETING_PREFIX, PK, SEEN_PREFIX, SK, SK_PREFS, SK_SYNC, SK_TOKENS, active_sk, admin_pk, meeting_from_sk,
    meeting_pk, plan_sk, zoom_hint_pk, zoom_hint_sk,
};
use super::keys::{ZOOM_ACCOUNT_PREFIX, deletion_key, key, profile_key};
use super::requests::{Query, Written};
use crate::StoreError;
use crate::api::AdminStore;
use crate::model::{
    AdminLogin, AdminProfile, AdminStatus, Page, PageCursor, PendingDeletion, ScopeId, check_item_size,
};
use crate::model::{ClassPlan, PlanDocument as _, SeriesPlan};

const ACTIVE_PK: &str = "active_pk";
const ACTIVE_SK: &str = "active_sk";
/// Cursor prefix: a cursor this backend did not issue is refused, not misread.
const CURSOR_PREFIX: &str = "dyn1:";

fn pending_from_item(item: &Item) -> Result<PendingDeletion, StoreError> {
    let r = Reader::new("pending deletion", item);
    Ok(PendingDeletion {
        admin: KakaoUserId::new(r.n("admin_id")?).map_err(|e| StoreError::corrupt("pending deletion", e))?,
        since: r.time("since")?,
    })
}

pub(crate) fn profile_from_item(item: &Item) -> Result<AdminProfile, StoreError> {
    let r = Reader::new("admin", item);
    let id = KakaoUserId::new(r.n("admin_id")?).map_err(|e| StoreError::corrupt("admin", e))?;
    let scopes = r
        .string_list("scopes")?
        .into_iter()
        .map(|sc| ScopeId::parse(sc).map_err(|e| StoreError::corrupt("admin", e)))
        .collect::<Result<_, _>>()?;
    Ok(AdminProfile {
        id,
        nickname: r.s("nickname")?.to_owned(),
        scopes,
        status: r.parsed("status", AdminStatus::parse)?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        sessions_since: r.opt_time("sessions_since")?,
    })
}

/// Puts the admin into the active index, or takes it out, with the status.
fn set_status(update: &mut Update, admin: KakaoUserId, status: AdminStatus) {
    update.set("status", s(status.as_str()));
    if status == AdminStatus::Active {
        update
            .set(ACTIVE_PK, s(ACTIVE_ADMINS_PK))
            .set(ACTIVE_SK, s(active_sk(admin)));
    } else {
        update.remove(ACTIVE_PK).remove(ACTIVE_SK);
    }
}

fn done_item(written: Written, what: &str) -> Result<Item, StoreError> {
    match written {
        Written::Done(Some(item)) => Ok(item),
        Written::Done(None) => Err(StoreError::backend(
            "UpdateItem",
            format!("{what}: no attributes returned"),
        )),
        Written::ConditionFailed(_) => Err(StoreError::not_found(what.to_owned())),
    }
}

impl DynamoStore {
    /// `NotFound` unless the admin's profile exists (one consistent read).
    pub(crate) async fn require_admin(&self, admin: KakaoUserId) -> Result<(), StoreError> {
        match self.get_item("GetItem admin", profile_key(admin)).await? {
            Some(_) => Ok(()),
            None => Err(StoreError::not_found(format!("admin {admin}"))),
        }
    }

    /// Deletes every item of partition `pk` whose sort key starts with one of `prefixes`.
    async fn delete_prefixed(&self, pk: &str, prefixes: &[&str]) -> Result<(), StoreError> {
        let mut requests = Vec::new();
        for prefix in prefixes {
            for item in self
                .query_all("Query for unlink", Query::prefix(pk, prefix))
                .await?
            {
                let (Some(p), Some(sk)) = (item.get(PK), item.get(SK)) else {
                    continue;
                };
                let key: Item = [(PK.to_owned(), p.clone()), (SK.to_owned(), sk.clone())].into();
                let delete = DeleteRequest::builder()
                    .set_key(Some(key))
                    .build()
                    .map_err(|e| StoreError::backend("DeleteRequest (build)", e))?;
                requests.push((WriteRequest::builder().delete_request(delete).build(), 1));
            }
        }
        self.batch_write("BatchWriteItem unlink", requests).await?;
        Ok(())
    }
}

#[async_trait]
impl AdminStore for DynamoStore {
    async fn upsert_admin(&self, login: &AdminLogin, now: DateTime<Utc>) -> Result<AdminProfile, StoreError> {
        let scopes: Vec<AttributeValue> = login.scopes.iter().map(|sc| s(sc.as_str())).collect();
        let mut update = Update::new();
        update
            .set("kind", s("admin"))
            .set("admin_id", n(login.id.get()))
            .set("nickname", s(&login.nickname))
            .set("scopes", AttributeValue::L(scopes))
            .set("updated_at", time(now))
            .set_if_absent("created_at", time(now));
        set_status(&mut update, login.id, login.status);
        check_item_size("admin profile", update.expr.payload_size() + 64)?;
        let item = done_item(
            self.update_item("UpdateItem admin", profile_key(login.id), &update)
                .await?,
            "admin",
        )?;
        profile_from_item(&item)
    }

    async fn get_admin(&self, id: KakaoUserId) -> Result<AdminProfile, StoreError> {
        match self.get_item("GetItem admin", profile_key(id)).await? {
            Some(item) => profile_from_item(&item),
            None => Err(StoreError::not_found(format!("admin {id}"))),
        }
    }

    async fn set_admin_status(
        &self,
        id: KakaoUserId,
        status: AdminStatus,
        now: DateTime<Utc>,
    ) -> Result<AdminProfile, StoreError> {
        let mut update = Update::new();
        set_status(&mut update, id, status);
        update.set("updated_at", time(now));
        update.condition(|e| format!("attribute_exists({})", e.name(PK)));
        let written = self
            .update_item("UpdateItem admin status", profile_key(id), &update)
            .await?;
        profile_from_item(&done_item(written, &format!("admin {id}"))?)
    }

    async fn end_sessions(&self, id: KakaoUserId, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut update = Update::new();
        update.set("sessions_since", time(now));
        update.condition(|e| format!("attribute_exists({})", e.name(PK)));
        let written = self
            .update_item("UpdateItem end admin sessions", profile_key(id), &update)
            .await?;
        done_item(written, &format!("admin {id}"))?;
        Ok(())
    }

    async fn list_active_admins(
        &self,
        after: Option<&PageCursor>,
        limit: usize,
    ) -> Result<Page<AdminProfile>, StoreError> {
        let limit = limit.clamp(1, 100);
        let mut expr = Expr::default();
        let mut key_condition = format!("{} = {}", expr.name(ACTIVE_PK), expr.value(s(ACTIVE_ADMINS_PK)));
        if let Some(cursor) = after {
            let last = cursor
                .as_str()
                .strip_prefix(CURSOR_PREFIX)
                .and_then(|id| KakaoUserId::parse(id).ok())
                .ok_or_else(|| StoreError::invalid("a page cursor this store did not issue"))?;
            key_condition.push_str(&format!(
                " AND {} > {}",
                expr.name(ACTIVE_SK),
                expr.value(s(active_sk(last)))
            ));
        }
        // One more than a page: if it comes back, there is a next page (no empty last page).
        let query = Query {
            index: Some(ACTIVE_ADMINS_INDEX),
            key_condition,
            expr,
            limit: Some(limit as i32 + 1),
            start: None,
            consistent: false,
        };
        let (items, last_key) = self.query_page("Query active admins", &query).await?;
        let more = items.len() > limit || last_key.is_some();
        let items = items
            .iter()
            .take(limit)
            .map(profile_from_item)
            .collect::<Result<Vec<_>, _>>()?;
        let next = match items.last() {
            Some(last) if more => Some(PageCursor::new(format!("{CURSOR_PREFIX}{}", last.id))),
            _ => None,
        };
        Ok(Page { items, next })
    }

    async fn delete_admin_data(&self, id: KakaoUserId, now: DateTime<Utc>) -> Result<(), StoreError> {
        let pk = admin_pk(id);
        // Tokens first: from here on nothing can act for the admin. Then the profile: every
        // write of the admin's data that could race with this deletion (a friend sync, a new
        // meeting) is conditional on it, so none lands after the rest is deleted.
        self.delete_item("DeleteItem tokens", key(&pk, SK_TOKENS), None)
            .await?;
        self.delete_item("DeleteItem admin", profile_key(id), None)
            .await?;
        let (classes, series) = (plan_sk(ClassPlan::KIND, &""), plan_sk(SeriesPlan::KIND, &""));
        self.delete_prefixed(&pk, &[FRIEND_PREFIX, &classes, &series])
            .await?;
        self.delete_item("DeleteItem sync report", key(&pk, SK_SYNC), None)
            .await?;
        self.delete_item("DeleteItem preferences", key(&pk, SK_PREFS), None)
            .await?;
        // The Zoom accounts bound to the admin are free again.
        let zoom_notes = self
            .query_all(
                "Query zoom accounts for unlink",
                Query::prefix(&pk, ZOOM_ACCOUNT_PREFIX),
            )
            .await?;
        for note in &zoom_notes {
            if let Some(account) = note
                .get("account")
                .and_then(|v| v.as_s().ok())
                .and_then(|a| crate::model::ZoomAccountId::parse(a).ok())
            {
                self.delete_item(
                    "DeleteItem zoom account",
                    super::keys::zoom_account_key(&account),
                    None,
                )
                .await?;
            }
            if let (Some(pk), Some(sk)) = (
                note.get(PK).and_then(|v| v.as_s().ok()),
                note.get(SK).and_then(|v| v.as_s().ok()),
            ) {
                self.delete_item("DeleteItem zoom account note", key(pk, sk), None)
                    .await?;
            }
        }
        let meetings = self
            .query_all("Query meetings for unlink", Query::prefix(&pk, MEETING_PREFIX))
            .await?;
        for meeting in &meetings {
            let Some(mid) = meeting
                .get(SK)
                .and_then(|v| v.as_s().ok())
                .and_then(|sk| meeting_from_sk(sk))
            else {
                continue;
            };
            // Invitees and attendance hold names and match keys; deliveries hold only uuids and
            // states, and stay so a relinking admin's reminders are not sent twice.
            self.delete_meeting_links(id, mid).await?;
            self.delete_prefixed(
                &meeting_pk(id, mid),
                &[INVITEE_PREFIX, JOINED_PREFIX, SEEN_PREFIX],
            )
            .await?;
            // Deleting the meeting drops its due and Zoom index entries with it; its Zoom hint
            // (another partition) goes too.
            if let Some(zoom) = meeting.get("zoom_id").and_then(|v| v.as_s().ok()) {
                self.delete_item(
                    "DeleteItem zoom hint",
                    key(zoom_hint_pk(zoom), zoom_hint_sk(id, mid)),
                    None,
                )
                .await?;
            }
            self.delete_item("DeleteItem meeting", super::keys::meeting_key(id, mid), None)
                .await?;
        }
        self.delete_item("DeleteItem pending deletion", deletion_key(id), None)
            .await?;
        tracing::info!(admin = %id, meetings = meetings.len(), at = %now, "deleted the admin's personal data");
        Ok(())
    }

    async fn note_pending_deletion(&self, id: KakaoUserId, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut pending = Update::new();
        pending
            .set("kind", s("pending_deletion"))
            .set("admin_id", n(id.get()))
            .set_if_absent("since", time(now));
        self.update_item("UpdateItem pending deletion", deletion_key(id), &pending)
            .await
            .map(|_| ())
    }

    async fn pending_admin_deletions(&self, limit: usize) -> Result<Vec<PendingDeletion>, StoreError> {
        let mut query = Query::partition(DELETIONS_PK);
        query.limit = Some(i32::try_from(limit.clamp(1, 100)).unwrap_or(100));
        let (items, _) = self.query_page("Query pending deletions", &query).await?;
        items.iter().map(pending_from_item).collect()
    }

    async fn pending_admin_deletion(&self, id: KakaoUserId) -> Result<Option<PendingDeletion>, StoreError> {
        self.get_item("GetItem pending deletion", deletion_key(id))
            .await?
            .as_ref()
            .map(pending_from_item)
            .transpose()
    }
}
