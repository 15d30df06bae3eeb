//! [`Store`]: every concern in one object, what handlers hold as `Arc<dyn Store>`.

use super::{
    AdminStore, AttendanceStore, ClassStore, ClientStore, DeliveryStore, FloodStore, FriendStore,
    KakaoAppStore, LinkStore, MeetingStateStore, MeetingStore, OAuthStateStore, OptOutStore, PreferenceStore,
    QuotaStore, SeriesStore, TokenStore,
};

/// All of the store. Implemented automatically for anything that implements every concern.
/// An `Arc<dyn Store>` coerces to any one concern (`Arc<dyn MeetingStore>`) when a component
/// should see less.
pub trait Store:
    AdminStore
    + TokenStore
    + OAuthStateStore
    + FriendStore
    + MeetingStore
    + MeetingStateStore
    + AttendanceStore
    + DeliveryStore
    + QuotaStore
    + LinkStore
    + OptOutStore
    + ClientStore
    + PreferenceStore
    + KakaoAppStore
    + FloodStore
    + ClassStore
    + SeriesStore
{
}

impl<T> Store for T where
    T: ?Sized
        + AdminStore
        + TokenStore
        + OAuthStateStore
        + FriendStore
        + MeetingStore
        + MeetingStateStore
        + AttendanceStore
        + DeliveryStore
        + QuotaStore
        + LinkStore
        + OptOutStore
        + ClientStore
        + PreferenceStore
        + KakaoAppStore
        + FloodStore
        + ClassStore
        + SeriesStore
{
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    // Handlers hold `Arc<dyn Store>` and hand narrower views to components; this must compile.
    #[allow(dead_code)]
    fn narrows(store: Arc<dyn Store>) -> (Arc<dyn MeetingStore>, Arc<dyn QuotaStore>) {
        (store.clone(), store)
    }
}
