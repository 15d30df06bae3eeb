//! Classes and series: documents an admin edits whole, each under a version.
//!
//! Both traits keep the same rules: every call is keyed by the admin (another admin's id is
//! `NotFound`); a create of an id that exists with the same contents succeeds (a retried create
//! whose answer was lost), with other contents it is `Conflict`; an update applies only at the
//! `expected` version (`Conflict` otherwise, unless the stored document is already this very
//! update: a retried update whose answer was lost); documents over 400 KB are `InvalidInput`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{ClassId, KakaoUserId, SeriesId};

use crate::StoreError;
use crate::model::{ClassDraft, ClassRecord, SeriesDraft, SeriesRecord, Version};

#[async_trait]
pub trait ClassStore: Send + Sync {
    /// Errors: `NotFound` if the admin does not exist; `Conflict`; `InvalidInput`; `Backend`.
    async fn create_class(
        &self,
        admin: KakaoUserId,
        id: ClassId,
        draft: &ClassDraft,
        now: DateTime<Utc>,
    ) -> Result<ClassRecord, StoreError>;

    /// Errors: `NotFound`; `Conflict` if the version moved; `InvalidInput`; `Backend`.
    async fn update_class(
        &self,
        admin: KakaoUserId,
        id: ClassId,
        expected: Version,
        draft: &ClassDraft,
        now: DateTime<Utc>,
    ) -> Result<ClassRecord, StoreError>;

    /// Errors: `NotFound` (also for another admin's); `Corrupt`; `Backend`.
    async fn get_class(&self, admin: KakaoUserId, id: ClassId) -> Result<ClassRecord, StoreError>;

    /// The admin's classes in id (creation) order, archived ones included.
    ///
    /// Errors: `Corrupt`; `Backend`. An unknown admin has none.
    async fn list_classes(&self, admin: KakaoUserId) -> Result<Vec<ClassRecord>, StoreError>;
}

#[async_trait]
pub trait SeriesStore: Send + Sync {
    /// Errors: `NotFound` if the admin does not exist; `Conflict`; `InvalidInput`; `Backend`.
    async fn create_series(
        &self,
        admin: KakaoUserId,
        id: SeriesId,
        draft: &SeriesDraft,
        now: DateTime<Utc>,
    ) -> Result<SeriesRecord, StoreError>;

    /// Errors: `NotFound`; `Conflict` if the version moved; `InvalidInput`; `Backend`.
    async fn update_series(
        &self,
        admin: KakaoUserId,
        id: SeriesId,
        expected: Version,
        draft: &SeriesDraft,
        now: DateTime<Utc>,
    ) -> Result<SeriesRecord, StoreError>;

    /// Errors: `NotFound` (also for another admin's); `Corrupt`; `Backend`.
    async fn get_series(&self, admin: KakaoUserId, id: SeriesId) -> Result<SeriesRecord, StoreError>;

    /// The admin's series in id (creation) order, cancelled ones included.
    ///
    /// Errors: `Corrupt`; `Backend`. An unknown admin has none.
    async fn list_series(&self, admin: KakaoUserId) -> Result<Vec<SeriesRecord>, StoreError>;
}

/// Implements [`ClassStore`] and [`SeriesStore`] for a backend whose inherent
/// `create_plan`, `update_plan`, `get_plan` and `list_plans` are generic over the document
/// ([`crate::model::plans::PlanDocument`]): both documents keep one set of rules, written once
/// per backend.
macro_rules! delegate_plan_stores {
    ($backend:ty) => {
        $crate::api::delegate_plan_store!(
            $backend,
            ClassStore,
            ClassPlan,
            ClassId,
            ClassDraft,
            ClassRecord,
            create_class,
            update_class,
            get_class,
            list_classes
        );
        $crate::api::delegate_plan_store!(
            $backend,
            SeriesStore,
            SeriesPlan,
            SeriesId,
            SeriesDraft,
            SeriesRecord,
            create_series,
            update_series,
            get_series,
            list_series
        );
    };
}
pub(crate) use delegate_plan_stores;

/// One of the two traits of [`delegate_plan_stores`].
macro_rules! delegate_plan_store {
    ($backend:ty, $store:ident, $plan:ident, $id:ident, $draft:ident, $record:ident,
     $create:ident, $update:ident, $get:ident, $list:ident) => {
        #[async_trait::async_trait]
        impl $crate::api::$store for $backend {
            async fn $create(
                &self,
                admin: domain::KakaoUserId,
                id: domain::$id,
                draft: &$crate::model::$draft,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<$crate::model::$record, $crate::StoreError> {
                self.create_plan::<$crate::model::plans::$plan>(admin, id, draft, now)
                    .await
            }

            async fn $update(
                &self,
                admin: domain::KakaoUserId,
                id: domain::$id,
                expected: $crate::model::Version,
                draft: &$crate::model::$draft,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<$crate::model::$record, $crate::StoreError> {
                self.update_plan::<$crate::model::plans::$plan>(admin, id, expected, draft, now)
                    .await
            }

            async fn $get(
                &self,
                admin: domain::KakaoUserId,
                id: domain::$id,
            ) -> Result<$crate::model::$record, $crate::StoreError> {
                self.get_plan::<$crate::model::plans::$plan>(admin, id)
                    .await
            }

            async fn $list(
                &self,
                admin: domain::KakaoUserId,
            ) -> Result<Vec<$crate::model::$record>, $crate::StoreError> {
                self.list_plans::<$crate::model::plans::$plan>(admin).await
            }
        }
    };
}
pub(crate) use delegate_plan_store;
