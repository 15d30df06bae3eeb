//! The Zoom webhook: signature ([`signature`]), bodies ([`event`]), which meeting and invitee a
//! participant is ([`credit`]), and the route itself ([`webhook`]). The Zoom facts they rely on,
//! with their sources: `docs/zoom.md`.

pub mod credit;
pub mod event;
pub mod signature;
pub mod webhook;
