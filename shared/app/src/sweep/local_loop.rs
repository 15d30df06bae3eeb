//! The sweep in the one-process local run: an in-process timer that sweeps once a minute until
//! told to stop.

use tokio::sync::watch;

use super::run::Sweeper;
use super::settings::SweepSettings;
use crate::services::Services;

/// Sweeps every `settings.interval` (a minute) until `stop` turns true (or its sender is
/// dropped). A failed sweep is logged; the next minute tries again.
///
/// ```no_run
/// # async fn demo(services: app::Services, public_url: app::config::PublicUrl) {
/// let (stop, stopped) = tokio::sync::watch::channel(false);
/// let settings = app::sweep::SweepSettings::for_public_url(public_url);
/// tokio::spawn(app::sweep::run_sweep_loop(services, settings, stopped));
/// // ... later
/// let _ = stop.send(true);
/// # }
/// ```
pub async fn run_sweep_loop(services: Services, settings: SweepSettings, mut stop: watch::Receiver<bool>) {
    let sweeper = Sweeper::new(services, settings);
    let mut tick = tokio::time::interval(sweeper.settings().interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tracing::info!(every = ?sweeper.settings().interval, "local reminder sweep started");
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|stop| *stop) => break,
        }
        if let Err(error) = sweeper.run_once().await {
            tracing::error!(%error, "the reminder sweep failed; trying again next minute");
        }
    }
    tracing::info!("local reminder sweep stopped");
}
