//! [`AttendanceState`]: what every attendance route holds. Cheap to clone.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::Clock;
use store::Store;

use crate::metrics::Metrics;
use crate::settings::AttendanceSettings;

#[derive(Clone)]
pub struct AttendanceState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: AttendanceSettings,
    metrics: Metrics,
}

impl std::fmt::Debug for AttendanceState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttendanceState")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

impl AttendanceState {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, settings: AttendanceSettings) -> Self {
        let metrics = Metrics::new(settings.emit_metrics);
        Self {
            inner: Arc::new(Inner {
                store,
                clock,
                settings,
                metrics,
            }),
        }
    }

    /// The store and clock of the app's services.
    pub fn from_services(services: &app::Services, settings: AttendanceSettings) -> Self {
        Self::new(services.store.clone(), services.clock.clone(), settings)
    }

    pub fn store(&self) -> &dyn Store {
        &*self.inner.store
    }

    pub fn settings(&self) -> &AttendanceSettings {
        &self.inner.settings
    }

    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }
}
