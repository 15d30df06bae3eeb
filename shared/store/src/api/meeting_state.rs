//! [`MeetingStateStore`]: what the reminder sweep reads and writes around one round, in as few
//! requests as the backend allows. On DynamoDB: a meeting's invitees, attendance and deliveries
//! in one query, one admin's due meetings and everything the planner needs about the admin in
//! batched key reads, and a batch's outcomes with the round's advance in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};

use crate::StoreError;
use crate::model::{
    AdminPreferences, AdminProfile, Attendance, ClientRecord, DeliveryOutcome, DeliveryRecord, DueMeeting,
    FriendRecord, Invitee, LinkToken, Meeting, NextRound, OptOut, StoredTokens,
};

/// A meeting's invitees, who has joined, every delivery and the invitees' link tokens, read
/// together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeetingState {
    /// In friend order, as [`crate::api::MeetingStore::list_invitees`] gives them.
    pub invitees: Vec<Invitee>,
    /// As [`crate::api::AttendanceStore::list_attendance`] gives it.
    pub attendance: Vec<(FriendUuid, Attendance)>,
    /// As [`crate::api::DeliveryStore::list_meeting_deliveries`] gives them.
    pub deliveries: Vec<DeliveryRecord>,
    /// The tracked-link token of each invitee who has one (as
    /// [`crate::api::LinkStore::ensure_link_token`] would return it), in friend order.
    pub links: Vec<(FriendUuid, LinkToken)>,
}

/// What one sweep reads about one admin and the admin's due meetings, together.
#[derive(Debug, Clone, Default)]
pub struct AdminSweepRead {
    /// `None`: the admin's profile is gone (they unlinked).
    pub profile: Option<AdminProfile>,
    pub preferences: AdminPreferences,
    /// The admin's stored Kakao tokens (`None`: none stored, or they could not be opened; the
    /// token keeper reads them itself then, and says why).
    pub tokens: Option<StoredTokens>,
    /// The admin-wide opt-outs of (at least) these meetings' invitees.
    pub opt_outs: Vec<OptOut>,
    /// The friend records (listed or gone) of (at least) these meetings' invitees; an invitee
    /// without one is not among the admin's friends.
    pub friends: Vec<FriendRecord>,
    /// The client records of those friends whose Kakao id is known (absent: no record).
    pub clients: Vec<ClientRecord>,
    /// Each asked-for meeting that is still stored, with its state, in the order asked.
    pub meetings: Vec<(Meeting, MeetingState)>,
}

/// What [`MeetingStateStore::finish_round`] did.
#[derive(Debug)]
pub struct RoundFinished {
    /// The batch's deliveries as recorded.
    pub recorded: Vec<DeliveryRecord>,
    /// Whether the meeting moved on, or why it did not (`Conflict`: its round is no longer
    /// `from`: another sweep moved it first, or it was edited or cancelled; `NotFound`: the
    /// meeting is gone). The answers are recorded either way.
    pub advanced: Result<(), StoreError>,
}

#[async_trait]
pub trait MeetingStateStore: Send + Sync {
    /// The same lists the separate reads give (an unknown meeting has empty lists). Link
    /// tokens past their expiry at `now` are left out, deleted or not.
    async fn meeting_state(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        now: DateTime<Utc>,
    ) -> Result<MeetingState, StoreError>;

    /// One admin's due meetings (entries of other admins are ignored) with their state, and
    /// what the sweep's planner needs about the admin and those meetings' invitees. The states'
    /// `links` are read only `with_links` (only tracked reminders need them); otherwise, and for a
    /// meeting due for its first round, they may be empty (a token made by a sweep that already
    /// began that round is found by the reservation that would make one: see
    /// [`crate::model::ReservationRequest::links`]).
    async fn admin_sweep_read(
        &self,
        admin: KakaoUserId,
        due: &[DueMeeting],
        with_links: bool,
        now: DateTime<Utc>,
    ) -> Result<AdminSweepRead, StoreError>;

    /// The round `from` is over: records its last answers (possibly none) exactly as
    /// [`crate::api::QuotaStore::record_outcomes`] does, then moves the meeting on to `to` (out
    /// of the due index when `None`); version + 1. Two sweeps finishing the same round get one
    /// winner. An `Err` means the answers were not recorded (and the round not moved on).
    async fn finish_round(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        from: NextRound,
        to: Option<NextRound>,
        answers: &[(FriendUuid, DeliveryOutcome)],
        now: DateTime<Utc>,
    ) -> Result<RoundFinished, StoreError>;
}
