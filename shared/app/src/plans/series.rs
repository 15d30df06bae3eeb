//! Saving a series and its exceptions, then rolling the window so the meetings follow.
//!
//! Every write here is under the series' version; a lost race is retried on what is stored
//! now (an exception is one occurrence's, so re-applying it to a newer series is what the
//! admin meant).

use chrono::{DateTime, Utc};
use domain::KakaoUserId;
use domain::meeting::MeetingSpec;
use domain::series::{Change, OccurrenceEdit, OccurrenceOf, Series};
use store::StoreError;
use store::api::Store;

use super::roll::{Rolled, roll_admin};

/// How often a change is re-applied after losing a race with another writer of the series.
const ATTEMPTS: usize = 3;

/// Applies `change` to the series (read fresh, written under its version, retried on
/// conflicts), then rolls the window.
pub async fn change_series(
    store: &dyn Store,
    admin: KakaoUserId,
    series: domain::SeriesId,
    now: DateTime<Utc>,
    change: impl Fn(&mut store::model::SeriesDraft),
) -> Result<(store::model::SeriesRecord, Rolled), StoreError> {
    let mut last = None;
    for _ in 0..ATTEMPTS {
        let record = store.get_series(admin, series).await?;
        let mut draft = record.draft.clone();
        change(&mut draft);
        if draft == record.draft {
            let rolled = roll_admin(store, admin, now).await?;
            return Ok((record, rolled));
        }
        match store
            .update_series(admin, series, record.version, &draft, now)
            .await
        {
            Ok(saved) => {
                let rolled = roll_admin(store, admin, now).await?;
                return Ok((saved, rolled));
            }
            Err(e @ StoreError::Conflict { .. }) => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| StoreError::conflict(format!("series {series} keeps changing"))))
}

/// One occurrence's change ([`Change::Skip`], an edit, or `None` to undo), kept on its series.
pub async fn change_occurrence(
    store: &dyn Store,
    admin: KakaoUserId,
    of: OccurrenceOf,
    change: Option<Change>,
    now: DateTime<Utc>,
) -> Result<Rolled, StoreError> {
    change_series(store, admin, of.series, now, |draft| {
        draft.series.set_change(of.original, change.clone());
    })
    .await
    .map(|(_, rolled)| rolled)
}

/// What an edit of an occurrence's meeting changed, as that occurrence's exception: each value
/// that differs from the series', and the invitees picked by hand when they changed (the
/// occurrence then no longer follows its classes).
pub fn edit_of(
    series: &Series,
    original: DateTime<Utc>,
    spec: &MeetingSpec,
    invitees_before: &[domain::FriendUuid],
) -> OccurrenceEdit {
    let p = &series.pattern;
    let starts_at = spec.schedule.starts_at();
    let invitees: Vec<_> = spec.invitees.uuids().cloned().collect();
    OccurrenceEdit {
        starts_at: (starts_at != original).then_some(starts_at),
        title: (spec.title != p.title).then(|| spec.title.clone()),
        join_link: (spec.join_link != p.join_link).then(|| spec.join_link.clone()),
        invitation: (invitees.as_slice() != invitees_before)
            .then(|| domain::class::Invitation::of_friends(invitees)),
        plan: (spec.plan != p.plan).then(|| spec.plan.clone()),
    }
}
