//! The Zoom webhook: signature ([`signature`]), bodies ([`event`]), which meeting and invitee a
//! participant is ([`credit`]), and the route itself ([`webhook`]).

pub mod credit;
pub mod event;
pub mod signature;
pub mod webhook;
