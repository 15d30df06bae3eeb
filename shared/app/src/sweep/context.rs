//! [`Ctx`]: what every step of a sweep shares. The bottom layer: it imports no other step.

use super::settings::SweepSettings;
use crate::delivery::CrashHook;
use crate::services::Services;

/// What every step of a sweep shares.
pub(crate) struct Ctx<'a> {
    pub services: &'a Services,
    pub settings: &'a SweepSettings,
    pub crash: &'a CrashHook,
}
