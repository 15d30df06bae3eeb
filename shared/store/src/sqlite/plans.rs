//! [`ClassStore`] and [`SeriesStore`] on SQLite: one `admin_plans` row per document, keyed by
//! admin, kind and id, the document as JSON.

use chrono::{DateTime, Utc};
use domain::KakaoUserId;
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::admins::require_admin;
use super::codec::{from_json, parse_ts, ts};
use crate::StoreError;
use crate::model::plans::plan_body;
use crate::model::{PlanDocument, Version, Versioned};

const SELECT: &str = "SELECT id, body, version, created_at, updated_at FROM admin_plans";

type Row = (String, String, i64, String, String);

/// A stored plan of kind `P`.
type Plan<P> = Versioned<<P as PlanDocument>::Id, <P as PlanDocument>::Draft>;

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn decode<P: PlanDocument>(
    (id, body, version, created, updated): Row,
) -> Result<Versioned<P::Id, P::Draft>, StoreError> {
    Ok(Versioned {
        id: P::parse_id(&id).ok_or_else(|| StoreError::corrupt(P::WHAT, format!("bad id {id:?}")))?,
        draft: from_json(P::WHAT, &body)?,
        version: u64::try_from(version)
            .ok()
            .and_then(|v| Version::new(v).ok())
            .ok_or_else(|| StoreError::corrupt(P::WHAT, format!("bad version {version}")))?,
        created_at: parse_ts(P::WHAT, &created)?,
        updated_at: parse_ts(P::WHAT, &updated)?,
    })
}

fn load<P: PlanDocument>(
    conn: &Connection,
    admin: KakaoUserId,
    id: P::Id,
) -> Result<Option<Plan<P>>, super::TxError> {
    let found = conn
        .query_row(
            &format!("{SELECT} WHERE admin = ?1 AND kind = ?2 AND id = ?3"),
            params![admin.get(), P::KIND, id.to_string()],
            row,
        )
        .optional()?;
    Ok(found.map(decode::<P>).transpose()?)
}

fn not_found<P: PlanDocument>(admin: KakaoUserId, id: P::Id) -> StoreError {
    StoreError::not_found(format!("{} {id} of admin {admin}", P::WHAT))
}

impl SqliteStore {
    async fn create_plan<P: PlanDocument>(
        &self,
        admin: KakaoUserId,
        id: P::Id,
        draft: &P::Draft,
        now: DateTime<Utc>,
    ) -> Result<Versioned<P::Id, P::Draft>, StoreError> {
        let body = plan_body::<P>(draft)?;
        let draft = draft.clone();
        let now = ts(now);
        self.write("create plan", move |tx| {
            require_admin(tx, admin)?;
            if let Some(existing) = load::<P>(tx, admin, id)? {
                return if existing.draft == draft {
                    Ok(existing)
                } else {
                    Err(
                        StoreError::conflict(format!("{} {id} of admin {admin} already exists", P::WHAT))
                            .into(),
                    )
                };
            }
            tx.execute(
                "INSERT INTO admin_plans (admin, kind, id, body, version, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                params![
                    admin.get(),
                    P::KIND,
                    id.to_string(),
                    body,
                    Version::INITIAL.get(),
                    now
                ],
            )?;
            load::<P>(tx, admin, id)?.ok_or_else(|| not_found::<P>(admin, id).into())
        })
        .await
    }

    async fn update_plan<P: PlanDocument>(
        &self,
        admin: KakaoUserId,
        id: P::Id,
        expected: Version,
        draft: &P::Draft,
        now: DateTime<Utc>,
    ) -> Result<Versioned<P::Id, P::Draft>, StoreError> {
        let body = plan_body::<P>(draft)?;
        let now = ts(now);
        self.write("update plan", move |tx| {
            let current = load::<P>(tx, admin, id)?.ok_or_else(|| not_found::<P>(admin, id))?;
            if current.version != expected {
                return Err(StoreError::conflict(format!(
                    "{} {id} is at version {}, not {expected}",
                    P::WHAT,
                    current.version
                ))
                .into());
            }
            tx.execute(
                "UPDATE admin_plans SET body = ?4, version = ?5, updated_at = ?6
                 WHERE admin = ?1 AND kind = ?2 AND id = ?3",
                params![
                    admin.get(),
                    P::KIND,
                    id.to_string(),
                    body,
                    expected.next().get(),
                    now
                ],
            )?;
            load::<P>(tx, admin, id)?.ok_or_else(|| not_found::<P>(admin, id).into())
        })
        .await
    }

    async fn get_plan<P: PlanDocument>(
        &self,
        admin: KakaoUserId,
        id: P::Id,
    ) -> Result<Versioned<P::Id, P::Draft>, StoreError> {
        self.read("get plan", move |conn| {
            load::<P>(conn, admin, id)?.ok_or_else(|| not_found::<P>(admin, id).into())
        })
        .await
    }

    async fn list_plans<P: PlanDocument>(
        &self,
        admin: KakaoUserId,
    ) -> Result<Vec<Versioned<P::Id, P::Draft>>, StoreError> {
        self.read("list plans", move |conn| {
            let mut stmt = conn.prepare(&format!("{SELECT} WHERE admin = ?1 AND kind = ?2 ORDER BY id"))?;
            let rows = stmt
                .query_map(params![admin.get(), P::KIND], row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows.into_iter().map(decode::<P>).collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}

crate::api::delegate_plan_stores!(SqliteStore);
