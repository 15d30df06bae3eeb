//! [`ClientStore`] on SQLite: one row per client; adding an inviter reads and writes inside one
//! `BEGIN IMMEDIATE` transaction, so concurrent joins never lose one.

use std::collections::BTreeSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::KakaoUserId;
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::codec::{from_json, parse_ts, sql, stored, to_json, ts};
use crate::StoreError;
use crate::api::ClientStore;
use crate::model::{ClientRecord, ClientStatus, ScopeId, check_item_size};

fn load(conn: &Connection, id: KakaoUserId) -> Result<Option<ClientRecord>, StoreError> {
    let row: Option<(String, String, String, String)> = conn
        .query_row(
            "SELECT status, scopes, invited_by, updated_at FROM clients WHERE id = ?1",
            [id.get()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
        .map_err(sql("read client"))?;
    row.map(|(status, scopes, invited_by, updated_at)| {
        Ok(ClientRecord {
            id,
            status: stored("client status", ClientStatus::parse(&status))?,
            scopes: from_json::<BTreeSet<ScopeId>>("client scopes", &scopes)?,
            invited_by: from_json::<BTreeSet<KakaoUserId>>("client inviters", &invited_by)?,
            updated_at: parse_ts("client updated_at", &updated_at)?,
        })
    })
    .transpose()
}

#[async_trait]
impl ClientStore for SqliteStore {
    async fn record_client(
        &self,
        client: KakaoUserId,
        admin: KakaoUserId,
        scopes: &BTreeSet<ScopeId>,
        now: DateTime<Utc>,
    ) -> Result<ClientRecord, StoreError> {
        let scopes = scopes.clone();
        self.write("record client", move |tx| {
            let mut invited_by = match load(tx, client)? {
                Some(known) if known.status == ClientStatus::Joined => known.invited_by,
                _ => BTreeSet::new(),
            };
            invited_by.insert(admin);
            let scopes_json = to_json("client scopes", &scopes)?;
            let inviters_json = to_json("client inviters", &invited_by)?;
            check_item_size("client", scopes_json.len() + inviters_json.len() + 64)?;
            tx.execute(
                "INSERT INTO clients (id, status, scopes, invited_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET status = excluded.status, scopes = excluded.scopes,
                     invited_by = excluded.invited_by, updated_at = excluded.updated_at",
                params![
                    client.get(),
                    ClientStatus::Joined.as_str(),
                    scopes_json,
                    inviters_json,
                    ts(now)
                ],
            )?;
            load(tx, client)?.ok_or_else(|| StoreError::not_found(format!("client {client}")).into())
        })
        .await
    }

    async fn get_client(&self, client: KakaoUserId) -> Result<Option<ClientRecord>, StoreError> {
        self.read("get client", move |conn| Ok(load(conn, client)?)).await
    }

    async fn mark_client_unlinked(&self, client: KakaoUserId, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.write("mark client unlinked", move |tx| {
            tx.execute(
                "INSERT INTO clients (id, status, scopes, invited_by, updated_at) VALUES (?1, ?2, '[]', '[]', ?3)
                 ON CONFLICT (id) DO UPDATE SET status = excluded.status, scopes = '[]', invited_by = '[]',
                     updated_at = excluded.updated_at",
                params![client.get(), ClientStatus::Unlinked.as_str(), ts(now)],
            )?;
            Ok(())
        })
        .await
    }
}
