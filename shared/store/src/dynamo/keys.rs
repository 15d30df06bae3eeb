//! Key and index-key layout of the single table, in one place (docs/data-model.md mirrors it).
//!
//! Every admin-owned item lives under a partition key that starts with `ADMIN#{admin}`, so no
//! access pattern can reach another admin's data by a meeting, friend or delivery id alone.
//! Timestamps inside keys use [`sortable_time`], a fixed-width UTC form that sorts as it reads.

use chrono::{DateTime, Utc};
use domain::delivery::Round;
use domain::{FriendUuid, KakaoUserId, KstDay, MeetingId};

use super::due_shards::DueShard;
use super::item::{Item, s, sortable_time};
use crate::model::{DeliveryKey, LinkToken, QuotaSubject, StateNonce, ZoomAccountId};

pub(crate) const PK: &str = "PK";
pub(crate) const SK: &str = "SK";

pub(crate) const DUE_INDEX: &str = "due";
pub(crate) const ACTIVE_ADMINS_INDEX: &str = "active_admins";
pub(crate) const ZOOM_INDEX: &str = "zoom";
pub(crate) const FRIEND_SENDS_INDEX: &str = "friend_sends";

/// The one partition of the `active_admins` index (see docs/data-model.md for why one is enough).
pub(crate) const ACTIVE_ADMINS_PK: &str = "ADMINS#ACTIVE";

pub(crate) const SK_PROFILE: &str = "PROFILE";
pub(crate) const SK_TOKENS: &str = "TOKENS";
pub(crate) const SK_SYNC: &str = "SYNC";
pub(crate) const SK_PREFS: &str = "PREFS";
pub(crate) const SK_STATE: &str = "STATE";
pub(crate) const SK_COUNT: &str = "COUNT";
pub(crate) const FRIEND_PREFIX: &str = "FRIEND#";
pub(crate) const MEETING_PREFIX: &str = "MEETING#";
pub(crate) const INVITEE_PREFIX: &str = "INVITEE#";
pub(crate) const JOINED_PREFIX: &str = "JOINED#";
pub(crate) const SEND_PREFIX: &str = "SEND#";
pub(crate) const LINK_PREFIX: &str = "LINK#";
pub(crate) const SEEN_PREFIX: &str = "SEEN#";
pub(crate) const OPT_OUT_PREFIX: &str = "OPTOUT#";
pub(crate) const SK_LINK: &str = "LINK";
pub(crate) const ZOOM_ACCOUNT_PREFIX: &str = "ZOOMACCOUNT#";

/// The app-wide partition: what concerns every admin at once (Kakao stopping the app).
pub(crate) const APP_PK: &str = "APP";
pub(crate) const SK_KAKAO_STOP: &str = "KAKAO_STOP";
/// Unfinished deletions of admins' data, one item per admin (`DELETIONS` / `{admin}`).
pub(crate) const DELETIONS_PK: &str = "DELETIONS";

/// `ADMIN#{id}`: the admin's profile, tokens, sync report, friends and meetings.
pub(crate) fn admin_pk(admin: KakaoUserId) -> String {
    format!("ADMIN#{admin}")
}

/// `ADMIN#{admin}#MEETING#{id}`: one meeting's invitees, attendance and deliveries.
pub(crate) fn meeting_pk(admin: KakaoUserId, meeting: MeetingId) -> String {
    format!("ADMIN#{admin}#MEETING#{meeting}")
}

/// The note in the admin's partition (`ADMIN#{admin}` / `ZOOMACCOUNT#{account}`).
pub(crate) fn zoom_account_note_sk(account: &ZoomAccountId) -> String {
    format!("{ZOOM_ACCOUNT_PREFIX}{}", account.as_str())
}

pub(crate) fn friend_sk(friend: &FriendUuid) -> String {
    format!("{FRIEND_PREFIX}{friend}")
}

pub(crate) fn meeting_sk(meeting: MeetingId) -> String {
    format!("{MEETING_PREFIX}{meeting}")
}

pub(crate) fn invitee_sk(friend: &FriendUuid) -> String {
    format!("{INVITEE_PREFIX}{friend}")
}

pub(crate) fn joined_sk(friend: &FriendUuid) -> String {
    format!("{JOINED_PREFIX}{friend}")
}

/// `SEND#{recipient}#{round:02}`: sorts by recipient, then round (rounds are 1..=99).
pub(crate) fn send_sk(recipient: &FriendUuid, round: Round) -> String {
    format!("{SEND_PREFIX}{recipient}#{:02}", round.get())
}

/// `friend_sends` index: `ADMIN#{admin}#FRIEND#{uuid}` / `{meeting}#{round:02}`.
pub(crate) fn friend_sends_pk(admin: KakaoUserId, friend: &FriendUuid) -> String {
    format!("ADMIN#{admin}#FRIEND#{friend}")
}

pub(crate) fn friend_sends_sk(meeting: MeetingId, round: Round) -> String {
    format!("{meeting}#{:02}", round.get())
}

/// `ZOOM#{number}` / `{admin}#{meeting}`: a meeting that was given this Zoom number (a hint,
/// read strongly consistent so a join just after the number was set is not missed while the
/// `zoom` index catches up; the meeting itself is always re-read).
pub(crate) fn zoom_hint_pk(zoom: &str) -> String {
    format!("ZOOM#{zoom}")
}

pub(crate) fn zoom_hint_sk(admin: KakaoUserId, meeting: MeetingId) -> String {
    format!("{admin}#{meeting}")
}

/// The admin and meeting a Zoom hint names.
pub(crate) fn from_zoom_hint_sk(sk: &str) -> Option<(KakaoUserId, MeetingId)> {
    let (admin, meeting) = sk.split_once('#')?;
    Some((
        KakaoUserId::new(admin.parse().ok()?).ok()?,
        MeetingId::parse(meeting).ok()?,
    ))
}

/// `LINK#{token}` / `LINK`: whom a tracked-link token is for.
pub(crate) fn link_pk(token: &LinkToken) -> String {
    format!("{LINK_PREFIX}{}", token.as_str())
}

/// `LINK#{uuid}` under the meeting's partition: the invitee's token (one per invitee).
pub(crate) fn link_pointer_sk(friend: &FriendUuid) -> String {
    format!("{LINK_PREFIX}{friend}")
}

/// `SEEN#{display name}` under the meeting's partition: an unmatched participant.
pub(crate) fn seen_sk(display_name: &str) -> String {
    format!("{SEEN_PREFIX}{display_name}")
}

/// `OPTOUT#{uuid}` under the admin's partition.
pub(crate) fn opt_out_sk(friend: &FriendUuid) -> String {
    format!("{OPT_OUT_PREFIX}{friend}")
}

/// `CLIENT#{id}`: a client who joined through an invite link, or the mark of one who unlinked.
pub(crate) fn client_pk(client: KakaoUserId) -> String {
    format!("CLIENT#{client}")
}

/// `STATE#{nonce}`.
pub(crate) fn state_pk(nonce: &StateNonce) -> String {
    format!("STATE#{}", nonce.as_str())
}

/// `due` index: `DUE#{shard}`.
pub(crate) fn due_pk(shard: DueShard) -> String {
    format!("DUE#{shard}")
}

/// `due` index: `{due_at}#{meeting}`; due_at in [`sortable_time`], so a range query on
/// `due_sk <= {now}#~` finds everything due by `now`.
pub(crate) fn due_sk(due_at: DateTime<Utc>, meeting: MeetingId) -> String {
    format!("{}#{meeting}", sortable_time(due_at))
}

/// The upper bound of "due by `now`": `~` sorts after every character of a meeting id.
pub(crate) fn due_sk_upper(now: DateTime<Utc>) -> String {
    format!("{}#~", sortable_time(now))
}

/// `active_admins` index sort key: the admin id zero-padded to 20 digits, so it sorts numerically.
pub(crate) fn active_sk(admin: KakaoUserId) -> String {
    format!("{:020}", admin.get())
}

/// `QUOTA#{kind}#{subject}#{day}`; subjects never contain `#` (ids are digits, UUIDs are
/// `[A-Za-z0-9_-]`), so keys cannot collide.
pub(crate) fn quota_pk(day: KstDay, subject: &QuotaSubject) -> String {
    match subject {
        QuotaSubject::App => format!("QUOTA#app#{day}"),
        QuotaSubject::Sender(sender) => format!("QUOTA#sender#{sender}#{day}"),
        QuotaSubject::Recipient(friend) => format!("QUOTA#recipient#{friend}#{day}"),
        QuotaSubject::Pair(sender, friend) => format!("QUOTA#pair#{sender}#{friend}#{day}"),
    }
}

/// Splits `ADMIN#{id}` back into the id.
pub(crate) fn admin_from_pk(pk: &str) -> Option<KakaoUserId> {
    pk.strip_prefix("ADMIN#")
        .and_then(|id| KakaoUserId::parse(id).ok())
}

/// Splits `MEETING#{id}` back into the id.
pub(crate) fn meeting_from_sk(sk: &str) -> Option<MeetingId> {
    sk.strip_prefix(MEETING_PREFIX)
        .and_then(|id| MeetingId::parse(id).ok())
}

// Whole keys of the table's items, as DynamoDB takes them.

/// A table key from its two parts.
pub(crate) fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    [(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))].into()
}

/// `{KIND}#{id}`: a class (`CLASS#`) or series (`SERIES#`) in the admin's partition.
pub(crate) fn plan_sk(kind: &str, id: &impl std::fmt::Display) -> String {
    format!("{kind}#{id}")
}

pub(crate) fn profile_key(admin: KakaoUserId) -> Item {
    key(admin_pk(admin), SK_PROFILE)
}

/// `DELETIONS` / `{admin}`: a deletion of the admin's data that has not finished.
pub(crate) fn deletion_key(admin: KakaoUserId) -> Item {
    key(DELETIONS_PK, admin.to_string())
}

/// `ZOOMACCOUNT#{account}` / `OWNER`: which admin a Zoom account's events belong to.
pub(crate) fn zoom_account_key(account: &ZoomAccountId) -> Item {
    key(format!("{ZOOM_ACCOUNT_PREFIX}{}", account.as_str()), "OWNER")
}

pub(crate) fn client_key(client: KakaoUserId) -> Item {
    key(client_pk(client), SK_PROFILE)
}

pub(crate) fn delivery_key(k: &DeliveryKey) -> Item {
    key(meeting_pk(k.admin, k.meeting), send_sk(&k.recipient, k.round))
}

pub(crate) fn stop_key() -> Item {
    key(APP_PK, SK_KAKAO_STOP)
}

pub(crate) fn meeting_key(admin: KakaoUserId, meeting: MeetingId) -> Item {
    key(admin_pk(admin), meeting_sk(meeting))
}

pub(crate) fn invitee_key(admin: KakaoUserId, meeting: MeetingId, friend: &FriendUuid) -> Item {
    key(meeting_pk(admin, meeting), invitee_sk(friend))
}

/// `ADMIN#{admin}` / `PREFS`.
pub(crate) fn preferences_key(admin: KakaoUserId) -> Item {
    key(admin_pk(admin), SK_PREFS)
}

pub(crate) fn counter_key(day: KstDay, subject: &QuotaSubject) -> Item {
    key(quota_pk(day, subject), SK_COUNT)
}

pub(crate) fn tokens_key(admin: KakaoUserId) -> Item {
    key(admin_pk(admin), SK_TOKENS)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn due_keys_at_or_before_now_sort_below_the_upper_bound() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 9, 5, 0).unwrap();
        let meeting = MeetingId::parse("0190f3a0-0000-7000-8000-000000000001").unwrap();
        assert!(due_sk(now, meeting) <= due_sk_upper(now));
        assert!(due_sk(now + chrono::Duration::nanoseconds(1), meeting) > due_sk_upper(now));
    }

    #[test]
    fn delivery_keys_sort_by_recipient_then_round() {
        let a = FriendUuid::parse("a").unwrap();
        let b = FriendUuid::parse("b").unwrap();
        let r = |n| Round::new(n).unwrap();
        let mut keys = [send_sk(&b, r(1)), send_sk(&a, r(10)), send_sk(&a, r(2))];
        keys.sort();
        assert_eq!(keys, ["SEND#a#02", "SEND#a#10", "SEND#b#01"]);
    }

    #[test]
    fn active_admin_keys_sort_numerically() {
        let small = KakaoUserId::new(9).unwrap();
        let big = KakaoUserId::new(10).unwrap();
        assert!(active_sk(small) < active_sk(big));
        assert_eq!(admin_from_pk(&admin_pk(big)), Some(big));
        assert_eq!(admin_from_pk("ADMIN#x"), None);
    }
}
