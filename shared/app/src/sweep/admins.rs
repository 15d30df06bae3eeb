//! What one sweep knows about each admin it visits, read once per sweep however many of the
//! admin's meetings are due (seeded from the sweep's batched read, or loaded on first use by an
//! approval): whether ttokttok can act for them, who opted out of their reminders, where each
//! friend stands, and quota learned from refusals along the way.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use domain::sweep::{AdminReadiness, ClientStanding, FriendStanding, QuotaLeft};
use domain::{FriendUuid, KakaoAppStop, KakaoUserId, QuotaKind};
use store::api::AdminSweepRead;
use store::model::{AdminPreferences, AdminProfile, AdminStatus, ClientRecord, FriendRecord, OptOut};
use store::{Store, StoreError};
use tokio::sync::OnceCell;

use super::settings::RoundSummaryPolicy;

/// One admin, as this sweep sees them.
#[derive(Debug)]
pub(crate) struct AdminContext {
    readiness: Mutex<AdminReadiness>,
    /// Full counters learned this sweep (from refusals), so later batches skip without asking.
    sender_full: Mutex<bool>,
    pub opted_out: BTreeSet<FriendUuid>,
    /// Each friend's standing in the last sync, and their Kakao user id when Kakao gave it.
    pub friends: HashMap<FriendUuid, (FriendStanding, Option<KakaoUserId>)>,
    /// The admin's choice, or the service's default when they never chose.
    pub round_summary: bool,
    /// The access token, read once per sweep (`TokenKeeper::call_remembering`).
    pub(crate) token: crate::tokens::TokenSlot,
}

impl AdminContext {
    pub fn readiness(&self) -> AdminReadiness {
        *self.readiness.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Kakao or the token keeper said so mid-sweep: the admin's later meetings skip at once.
    pub fn set_readiness(&self, readiness: AdminReadiness) {
        *self.readiness.lock().unwrap_or_else(PoisonError::into_inner) = readiness;
    }

    pub fn standing(&self, friend: &FriendUuid) -> FriendStanding {
        self.friends
            .get(friend)
            .map_or(FriendStanding::NotListed, |(standing, _)| *standing)
    }

    pub fn kakao_id(&self, friend: &FriendUuid) -> Option<KakaoUserId> {
        self.friends.get(friend).and_then(|(_, id)| *id)
    }

    fn sender_full(&self) -> bool {
        *self.sender_full.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Every admin this sweep has met, loaded on first use (concurrent visits of one admin's
/// meetings wait for one load), plus what is learned about the app as a whole: its daily
/// counter, and whether Kakao has stopped it.
pub(crate) struct AdminCache {
    store: Arc<dyn Store>,
    summary: RoundSummaryPolicy,
    admins: Mutex<HashMap<KakaoUserId, Arc<OnceCell<Arc<AdminContext>>>>>,
    /// Client records (invite-link joins, unlink marks) of the people this sweep may message.
    clients: Mutex<HashMap<KakaoUserId, Arc<OnceCell<ClientStanding>>>>,
    app_full: Mutex<bool>,
    /// Kakao has stopped the app: recorded at the start, or learned from a refusal (the
    /// delivery records it in the store).
    app_stop: Mutex<Option<KakaoAppStop>>,
}

impl AdminCache {
    pub fn new(store: Arc<dyn Store>, summary: RoundSummaryPolicy) -> Self {
        Self {
            store,
            summary,
            admins: Mutex::new(HashMap::new()),
            clients: Mutex::new(HashMap::new()),
            app_full: Mutex::new(false),
            app_stop: Mutex::new(None),
        }
    }

    pub async fn get(&self, admin: KakaoUserId) -> Result<Arc<AdminContext>, StoreError> {
        let cell = {
            let mut admins = self.admins.lock().unwrap_or_else(PoisonError::into_inner);
            admins.entry(admin).or_default().clone()
        };
        cell.get_or_try_init(|| self.load(admin)).await.cloned()
    }

    async fn load(&self, admin: KakaoUserId) -> Result<Arc<AdminContext>, StoreError> {
        let profile = match self.store.get_admin(admin).await {
            Ok(profile) => Some(profile),
            Err(StoreError::NotFound { .. }) => None,
            Err(error) => return Err(error),
        };
        let opt_outs = self.store.list_opt_outs(admin).await?;
        let friends = self.store.list_friends(admin, true).await?;
        let preferences = self.store.get_preferences(admin).await?;
        Ok(Arc::new(self.context(
            profile.as_ref(),
            &opt_outs,
            &friends,
            &preferences,
            None,
        )))
    }

    /// Takes what [`Store::admin_sweep_read`](store::api::MeetingStateStore::admin_sweep_read)
    /// read about `admin` (and their invitees' client records) as this sweep's view of them.
    /// `token`: a working access token from the tokens read along, if any.
    pub fn seed(
        &self,
        admin: KakaoUserId,
        read: &AdminSweepRead,
        token: Option<kakao::AccessToken>,
    ) -> Arc<AdminContext> {
        let context = Arc::new(self.context(
            read.profile.as_ref(),
            &read.opt_outs,
            &read.friends,
            &read.preferences,
            token,
        ));
        {
            let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
            for id in read.friends.iter().filter_map(|f| f.profile.kakao_id) {
                let record = read.clients.iter().find(|c| c.id == id);
                let cell = clients.entry(id).or_default();
                // A cell another visit is filling keeps its own answer.
                let _ = cell.set(record.map_or(ClientStanding::Unknown, ClientRecord::standing));
            }
        }
        // The sweep reads each admin once, so this is the admin's first view this sweep.
        let cell = Arc::new(OnceCell::new_with(Some(context.clone())));
        self.admins
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(admin, cell);
        context
    }

    fn context(
        &self,
        profile: Option<&AdminProfile>,
        opt_outs: &[OptOut],
        friends: &[FriendRecord],
        preferences: &AdminPreferences,
        token: Option<kakao::AccessToken>,
    ) -> AdminContext {
        let readiness = match profile.map(|p| p.status) {
            Some(AdminStatus::Active) => AdminReadiness::Ready,
            Some(AdminStatus::NeedsConsent) => AdminReadiness::NeedsConsent,
            Some(AdminStatus::NeedsLogin) => AdminReadiness::NeedsLogin,
            // Unlinked (profile deleted): nothing can be sent for them.
            None => AdminReadiness::NeedsLogin,
        };
        let friends = friends
            .iter()
            .map(|f| (f.profile.uuid.clone(), (f.standing(), f.profile.kakao_id)))
            .collect();
        AdminContext {
            readiness: Mutex::new(readiness),
            sender_full: Mutex::new(false),
            opted_out: opt_outs.iter().map(|o| o.friend.clone()).collect(),
            friends,
            round_summary: preferences
                .round_summary
                .unwrap_or(self.summary == RoundSummaryPolicy::On),
            token: tokio::sync::Mutex::new(token),
        }
    }

    /// What ttokttok knows about the person with this Kakao id as a client (read once per
    /// sweep). Someone whose id Kakao did not give is `Unknown`.
    pub async fn client(&self, id: Option<KakaoUserId>) -> Result<ClientStanding, StoreError> {
        let Some(id) = id else {
            return Ok(ClientStanding::Unknown);
        };
        let cell = {
            let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
            clients.entry(id).or_default().clone()
        };
        cell.get_or_try_init(|| async {
            let record = self.store.get_client(id).await?;
            Ok(record.map_or(ClientStanding::Unknown, |c| c.standing()))
        })
        .await
        .copied()
    }

    /// The quota known to be left for `admin` (zero for a counter found full this sweep).
    pub fn quota_left(&self, admin: &AdminContext) -> QuotaLeft {
        QuotaLeft {
            app: (*self.app_full.lock().unwrap_or_else(PoisonError::into_inner)).then_some(0),
            sender: admin.sender_full().then_some(0),
        }
    }

    /// Kakao has stopped the app: every later round skips everyone.
    pub fn app_stopped(&self, stop: KakaoAppStop) {
        *self.app_stop.lock().unwrap_or_else(PoisonError::into_inner) = Some(stop);
    }

    pub fn is_app_stopped(&self) -> bool {
        self.app_stop
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    /// A reservation or Kakao said this counter is full.
    pub fn counter_full(&self, admin: &AdminContext, kind: QuotaKind) {
        match kind {
            QuotaKind::App => *self.app_full.lock().unwrap_or_else(PoisonError::into_inner) = true,
            QuotaKind::Sender => *admin.sender_full.lock().unwrap_or_else(PoisonError::into_inner) = true,
            // One recipient's counters say nothing about the others.
            QuotaKind::Recipient | QuotaKind::Pair => {}
        }
    }
}
