//! The sweep as the admin function holds it: the same settings the sweep function reads
//! (`REMINDER_LINKS`, `REMINDER_LINK_BASE`, ...), read at start-up, with the site's own public URL.

use app::sweep::{Approval, PreparedBatch, SweepError, SweepSettings, Sweeper};
use domain::delivery::Round;
use domain::{KakaoUserId, MeetingId};
use web::WebState;

/// A sweeper over the app's services (cheap: it clones shared handles).
pub fn sweeper(state: &WebState) -> Sweeper {
    let services = state.services();
    let settings = SweepSettings::new(state.site().public_url.clone(), &services.settings.sweep);
    Sweeper::new(services.clone(), settings)
}

/// Approves a prepared round ([`Sweeper::approve`]) and counts the reminders it sent, which the
/// quota alarm adds to the sweep's.
pub async fn approve(
    state: &WebState,
    admin: KakaoUserId,
    meeting: MeetingId,
    round: Round,
) -> Result<(PreparedBatch, Approval), SweepError> {
    let approved = sweeper(state).approve(admin, meeting, round).await?;
    crate::metrics::count_sent(state, approved.1.sent.len());
    Ok(approved)
}
