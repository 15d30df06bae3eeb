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
        #[async_trait::async_trait]
        impl $crate::api::ClassStore for $backend {
            async fn create_class(
                &self,
                admin: domain::KakaoUserId,
                id: domain::ClassId,
                draft: &$crate::model::ClassDraft,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<$crate::model::ClassRecord, $crate::StoreError> {
                self.create_plan::<$crate::model::plans::ClassPlan>(admin, id, draft, now)
                    .await
            }

            async fn update_class(
                &self,
                admin: domain::KakaoUserId,
                id: domain::ClassId,
                expected: $crate::model::Version,
                draft: &$crate::model::ClassDraft,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<$crate::model::ClassRecord, $crate::StoreError> {
                self.update_plan::<$crate::model::plans::ClassPlan>(admin, id, expected, draft, now)
                    .await
            }

            async fn get_class(
                &self,
                admin: domain::KakaoUserId,
                id: domain::ClassId,
            ) -> Result<$crate::model::ClassRecord, $crate::StoreError> {
                self.get_plan::<$crate::model::plans::ClassPlan>(admin, id)
                    .await
            }

            async fn list_classes(
                &self,
                admin: domain::KakaoUserId,
            ) -> Result<Vec<$crate::model::ClassRecord>, $crate::StoreError> {
                self.list_plans::<$crate::model::plans::ClassPlan>(admin)
                    .await
            }
        }

        #[async_trait::async_trait]
        impl $crate::api::SeriesStore for $backend {
            async fn create_series(
                &self,
                admin: domain::KakaoUserId,
                id: domain::SeriesId,
                draft: &$crate::model::SeriesDraft,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<$crate::model::SeriesRecord, $crate::StoreError> {
                self.create_plan::<$crate::model::plans::SeriesPlan>(admin, id, draft, now)
                    .await
            }

            async fn update_series(
                &self,
                admin: domain::KakaoUserId,
                id: domain::SeriesId,
                expected: $crate::model::Version,
                draft: &$crate::model::SeriesDraft,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<$crate::model::SeriesRecord, $crate::StoreError> {
                self.update_plan::<$crate::model::plans::SeriesPlan>(admin, id, expected, draft, now)
                    .await
            }

            async fn get_series(
                &self,
                admin: domain::KakaoUserId,
                id: domain::SeriesId,
            ) -> Result<$crate::model::SeriesRecord, $crate::StoreError> {
                self.get_plan::<$crate::model::plans::SeriesPlan>(admin, id)
                    .await
            }

            async fn list_series(
                &self,
                admin: domain::KakaoUserId,
            ) -> Result<Vec<$crate::model::SeriesRecord>, $crate::StoreError> {
                self.list_plans::<$crate::model::plans::SeriesPlan>(admin)
                    .await
            }
        }
    };
}
pub(crate) use delegate_plan_stores;
