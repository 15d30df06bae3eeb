//! [`Services`]: everything a handler needs, built once at start-up from [`Settings`].
//!
//! Lambda functions call [`Services::from_env`] in `main`, naming the settings parts they need
//! ([`crate::config::Part`]); `infra/local` and tests build
//! [`Settings`] in code and call [`Services::from_settings`], or [`Services::with_store`] to
//! bring a store of their own.

use std::sync::Arc;

use domain::{Clock, SystemClock};
use kakao::{KakaoClient, KakaoError};
#[cfg(feature = "sqlite")]
use store::SqliteStore;
use store::crypto::{CryptoError, FileKeyProvider, KeyProvider, KmsKeyProvider};
use store::dynamo::{DynamoConfig, DynamoStore};
use store::{Store, StoreError};

use crate::config::{ConfigError, Part, Settings, StoreSettings, TokenKeys, TriggerSettings};
use crate::sync::{DailyRun, FriendSync, LambdaSyncTrigger, LocalSyncTrigger, SyncTrigger};
use crate::tokens::TokenKeeper;

/// The shared parts of every function. Cheap to clone: every field is an `Arc`.
#[derive(Clone)]
pub struct Services {
    pub settings: Arc<Settings>,
    pub store: Arc<dyn Store>,
    pub kakao: Arc<KakaoClient>,
    pub clock: Arc<dyn Clock>,
    pub tokens: Arc<TokenKeeper>,
    pub sync: Arc<dyn SyncTrigger>,
    /// The in-process trigger, when that is what `sync` is (to wait for it in tests/shutdown).
    local_sync: Option<Arc<LocalSyncTrigger>>,
}

/// Why the services could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("could not open the store")]
    Store(#[from] StoreError),
    #[error("could not load the token key")]
    Keys(#[from] CryptoError),
    #[error("could not build the Kakao client")]
    Kakao(#[from] KakaoError),
    #[error("could not load the secrets")]
    Secrets(#[from] crate::secrets::SecretsError),
    /// Lambda builds leave SQLite out (feature `sqlite`), so `STORE=sqlite` cannot start there.
    #[error("STORE=sqlite, but this build has no SQLite support (it is for Lambda): use STORE=dynamo")]
    SqliteNotBuilt,
}

impl Services {
    /// Secrets (once per process), then every setting this function uses read at once from the
    /// environment: the shared ones and the parts `P` it declares (`()` for none), which are
    /// returned beside the services. Then the system clock, and the store the settings name.
    pub async fn from_env<P: Part>() -> Result<(Self, P), StartupError> {
        crate::secrets::load_once().await?;
        let (settings, part) = Settings::from_lookup_with::<P>(crate::secrets::lookup)?;
        let services = Self::from_settings(settings, Arc::new(SystemClock)).await?;
        Ok((services, part))
    }

    /// Opens the store the settings name and builds everything else.
    pub async fn from_settings(settings: Settings, clock: Arc<dyn Clock>) -> Result<Self, StartupError> {
        let store = open_store(&settings.store).await?;
        Self::with_store(settings, store, clock).await
    }

    /// Builds the services around a store opened by the caller.
    pub async fn with_store(
        settings: Settings,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartupError> {
        let kakao = Arc::new(KakaoClient::new(settings.kakao.client_config(), clock.clone())?);
        let tokens = Arc::new(TokenKeeper::new(store.clone(), kakao.clone(), clock.clone()));
        let friend_sync = FriendSync::new(store.clone(), kakao.clone(), tokens.clone(), clock.clone());
        let (sync, local_sync): (Arc<dyn SyncTrigger>, _) = match &settings.sync.trigger {
            TriggerSettings::InProcess => {
                let local = Arc::new(LocalSyncTrigger::new(friend_sync));
                (local.clone(), Some(local))
            }
            TriggerSettings::Lambda { function_name } => {
                let client = aws_sdk_lambda::Client::new(&aws_config().await);
                (Arc::new(LambdaSyncTrigger::new(client, function_name)), None)
            }
        };
        Ok(Self {
            settings: Arc::new(settings),
            store,
            kakao,
            clock,
            tokens,
            sync,
            local_sync,
        })
    }

    /// Replaces the sync trigger (e.g. a recording one in tests).
    pub fn with_sync_trigger(mut self, sync: Arc<dyn SyncTrigger>) -> Self {
        self.sync = sync;
        self.local_sync = None;
        self
    }

    /// The friend-sync core over these services.
    pub fn friend_sync(&self) -> FriendSync {
        FriendSync::new(
            self.store.clone(),
            self.kakao.clone(),
            self.tokens.clone(),
            self.clock.clone(),
        )
    }

    /// The daily run, paced by the sync settings.
    pub fn daily_run(&self) -> DailyRun {
        DailyRun::new(
            self.friend_sync(),
            self.store.clone(),
            self.settings.sync.concurrency,
            self.settings.sync.admin_timeout,
        )
    }

    /// The in-process trigger, when syncs run in this process.
    pub fn local_sync(&self) -> Option<&Arc<LocalSyncTrigger>> {
        self.local_sync.as_ref()
    }
}

async fn aws_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .load()
        .await
}

/// Opens the store the settings name.
pub async fn open_store(settings: &StoreSettings) -> Result<Arc<dyn Store>, StartupError> {
    match settings {
        #[cfg(not(feature = "sqlite"))]
        StoreSettings::Sqlite { .. } => Err(StartupError::SqliteNotBuilt),
        #[cfg(feature = "sqlite")]
        StoreSettings::Sqlite { path, keys } => {
            let keys = key_provider(keys, None).await?;
            let path = path.clone();
            // Opening migrates the schema: blocking work, off the async threads.
            let store = tokio::task::spawn_blocking(move || SqliteStore::open(path, keys))
                .await
                .map_err(|e| StoreError::backend("open sqlite", e))??;
            Ok(Arc::new(store))
        }
        StoreSettings::Dynamo {
            table_name,
            endpoint,
            keys,
        } => {
            let sdk = aws_config().await;
            let keys = key_provider(keys, Some(&sdk)).await?;
            let mut builder = aws_sdk_dynamodb::config::Builder::from(&sdk);
            if let Some(endpoint) = endpoint {
                builder = builder.endpoint_url(endpoint.as_str().trim_end_matches('/'));
            }
            let client = aws_sdk_dynamodb::Client::from_conf(builder.build());
            Ok(Arc::new(DynamoStore::new(
                client,
                table_name.clone(),
                keys,
                DynamoConfig::default(),
            )))
        }
    }
}

async fn key_provider(
    keys: &TokenKeys,
    sdk: Option<&aws_config::SdkConfig>,
) -> Result<Arc<dyn KeyProvider>, StartupError> {
    match keys {
        TokenKeys::File(path) => Ok(Arc::new(FileKeyProvider::open_or_create(path)?)),
        TokenKeys::Kms { key_id } => {
            let sdk = match sdk {
                Some(sdk) => sdk.clone(),
                None => aws_config().await,
            };
            Ok(Arc::new(KmsKeyProvider::new(
                aws_sdk_kms::Client::new(&sdk),
                key_id.clone(),
            )))
        }
    }
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The store has no Debug of its own; it is named, not shown.
        f.debug_struct("Services")
            .field("settings", &self.settings)
            .field("kakao", &self.kakao)
            .field("clock", &self.clock)
            .field("tokens", &self.tokens)
            .field("sync", &self.sync)
            .finish_non_exhaustive()
    }
}
