//! [`ClassStore`] and [`SeriesStore`] on DynamoDB: `ADMIN#{admin}` / `{CLASS|SERIES}#{id}`, the
//! document as JSON in `doc`, under a `version`.

use chrono::{DateTime, Utc};
use domain::KakaoUserId;

use super::DynamoStore;
use super::expr::{Condition, Update};
use super::item::{Item, Reader, n, s, time};
use super::keys::{PK, SK, admin_pk, key, plan_sk, profile_key};
use super::requests::{Query, Tx, Written};
use crate::StoreError;
use crate::model::plans::plan_body;
use crate::model::{PlanDocument, Version, Versioned};

fn plan_from_item<P: PlanDocument>(item: &Item) -> Result<Versioned<P::Id, P::Draft>, StoreError> {
    let r = Reader::new(P::WHAT, item);
    let sk = r.s(SK)?;
    let id = sk
        .strip_prefix(P::KIND)
        .and_then(|rest| rest.strip_prefix('#'))
        .and_then(P::parse_id)
        .ok_or_else(|| StoreError::corrupt(P::WHAT, format!("bad SK {sk:?}")))?;
    Ok(Versioned {
        id,
        draft: r.json("doc")?,
        version: Version::new(r.n::<u64>("version")?)
            .map_err(|e| StoreError::corrupt(P::WHAT, e.to_string()))?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

fn not_found<P: PlanDocument>(admin: KakaoUserId, id: P::Id) -> StoreError {
    StoreError::not_found(format!("{} {id} of admin {admin}", P::WHAT))
}

impl DynamoStore {
    async fn create_plan<P: PlanDocument>(
        &self,
        admin: KakaoUserId,
        id: P::Id,
        draft: &P::Draft,
        now: DateTime<Utc>,
    ) -> Result<Versioned<P::Id, P::Draft>, StoreError> {
        let body = plan_body::<P>(draft)?;
        let mut item = key(admin_pk(admin), plan_sk(P::KIND, &id));
        item.insert("kind".into(), s(P::WHAT));
        item.insert("doc".into(), s(body));
        item.insert("version".into(), n(Version::INITIAL.get()));
        item.insert("created_at".into(), time(now));
        item.insert("updated_at".into(), time(now));
        let created = plan_from_item::<P>(&item)?;
        let mut tx = Tx::new(self);
        tx.check(profile_key(admin), Condition::exists())?;
        tx.put(item, Some(Condition::not_exists()))?;
        match self.transact("TransactWriteItems create plan", &tx).await? {
            Ok(()) => Ok(created),
            Err(c) if c.failed(0) => Err(StoreError::not_found(format!("admin {admin}"))),
            Err(_) => match self.get_plan::<P>(admin, id).await {
                Ok(existing) if existing.draft == *draft => Ok(existing),
                _ => Err(StoreError::conflict(format!(
                    "{} {id} of admin {admin} already exists",
                    P::WHAT
                ))),
            },
        }
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
        let mut update = Update::new();
        update
            .set("doc", s(body))
            .set("version", n(expected.next().get()))
            .set("updated_at", time(now));
        update.condition(|e| format!("attribute_exists({})", e.name(PK)));
        update.condition(|e| format!("{} = {}", e.name("version"), e.value(n(expected.get()))));
        let written = self
            .update_item(
                "UpdateItem plan",
                key(admin_pk(admin), plan_sk(P::KIND, &id)),
                &update,
            )
            .await?;
        match written {
            Written::Done(Some(item)) => plan_from_item::<P>(&item),
            Written::Done(None) => Err(StoreError::backend(
                "UpdateItem plan",
                "no attributes returned".to_owned(),
            )),
            Written::ConditionFailed(None) => Err(not_found::<P>(admin, id)),
            Written::ConditionFailed(Some(_)) => Err(StoreError::conflict(format!(
                "{} {id} is no longer at version {expected}",
                P::WHAT
            ))),
        }
    }

    async fn get_plan<P: PlanDocument>(
        &self,
        admin: KakaoUserId,
        id: P::Id,
    ) -> Result<Versioned<P::Id, P::Draft>, StoreError> {
        match self
            .get_item("GetItem plan", key(admin_pk(admin), plan_sk(P::KIND, &id)))
            .await?
        {
            Some(item) => plan_from_item::<P>(&item),
            None => Err(not_found::<P>(admin, id)),
        }
    }

    async fn list_plans<P: PlanDocument>(
        &self,
        admin: KakaoUserId,
    ) -> Result<Vec<Versioned<P::Id, P::Draft>>, StoreError> {
        let prefix = format!("{}#", P::KIND);
        let items = self
            .query_all("Query plans", Query::prefix(&admin_pk(admin), &prefix))
            .await?;
        let mut plans = items
            .iter()
            .map(plan_from_item::<P>)
            .collect::<Result<Vec<_>, _>>()?;
        plans.sort_by_key(|p| p.id);
        Ok(plans)
    }
}

crate::api::delegate_plan_stores!(DynamoStore);
