//! Meetings, invitees, the due index and the Zoom lookup.

use chrono::{TimeZone, Utc};
use domain::MeetingId;
use domain::TemplateText;
use domain::meeting::SendMode;
use store::StoreError;
use store::model::{MeetingStatus, NextRound, ZoomMeetingId};

use crate::admins::all_due;
use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn a_meeting_is_created_read_and_listed(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let mut d = draft(t0());
    d.settings.mode = SendMode::ConfirmFirst;
    d.settings.template = Some(TemplateText::parse("{name}님, 수업이 시작되었어요!").unwrap());
    let id = MeetingId::new_v7();
    let created = s.create_meeting(admin(1), id, &d, t0()).await.unwrap();
    assert_eq!(
        (created.admin, created.id, created.version.get()),
        (admin(1), id, 1)
    );
    assert_eq!(created.draft, d);
    assert_eq!((created.created_at, created.updated_at), (t0(), t0()));
    assert_eq!(s.get_meeting(admin(1), id).await.unwrap(), created);
    let second = meeting(s, admin(1)).await;
    let listed: Vec<_> = s
        .list_meetings(admin(1))
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    let mut expected = vec![id, second.id];
    expected.sort();
    assert_eq!(listed, expected, "in id order");
}

async fn creating_a_meeting_twice_or_for_an_unknown_admin_fails(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    assert!(matches!(
        s.create_meeting(admin(1), m.id, &draft(t0()), t0()).await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(
        s.create_meeting(admin(404), MeetingId::new_v7(), &draft(t0()), t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        s.get_meeting(admin(1), MeetingId::new_v7())
            .await
            .unwrap_err()
            .is_not_found()
    );
}

async fn impossible_meetings_are_invalid_input(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let mut backwards = draft(t0());
    backwards.ends_at = t0() - minutes(1);
    let mut cancelled_but_due = draft(t0());
    cancelled_but_due.status = MeetingStatus::Cancelled;
    let mut untitled = draft(t0());
    untitled.title = "  ".into();
    for d in [backwards, cancelled_but_due, untitled] {
        let result = s.create_meeting(admin(1), MeetingId::new_v7(), &d, t0()).await;
        assert!(matches!(result, Err(StoreError::InvalidInput(_))), "{result:?}");
    }
    assert!(s.list_meetings(admin(1)).await.unwrap().is_empty());
}

async fn an_edit_carrying_a_stale_version_conflicts(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let mut edit = m.draft.clone();
    edit.title = "회화 수업 (변경)".into();
    let edited = s
        .update_meeting(admin(1), m.id, m.version, &edit, t0() + minutes(1))
        .await
        .unwrap();
    assert_eq!(edited.version.get(), 2);
    assert_eq!(edited.draft.title, "회화 수업 (변경)");
    assert_eq!((edited.created_at, edited.updated_at), (t0(), t0() + minutes(1)));
    let stale = s.update_meeting(admin(1), m.id, m.version, &m.draft, t0()).await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{stale:?}");
    assert_eq!(s.get_meeting(admin(1), m.id).await.unwrap(), edited);
    assert!(
        s.update_meeting(admin(1), MeetingId::new_v7(), m.version, &m.draft, t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
}

async fn the_due_index_holds_only_meetings_with_a_round_due(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let early = meeting(s, admin(1)).await; // due t0+5
    let late = s
        .create_meeting(admin(1), MeetingId::new_v7(), &draft(t0() + minutes(60)), t0())
        .await
        .unwrap();
    let mut no_round = draft(t0());
    no_round.next_round = None;
    s.create_meeting(admin(1), MeetingId::new_v7(), &no_round, t0())
        .await
        .unwrap();

    assert!(all_due(s, t0() + minutes(4)).await.is_empty());
    assert_eq!(
        all_due(s, t0() + minutes(5)).await,
        vec![early.id],
        "due at exactly now counts"
    );
    let mut both = all_due(s, t0() + minutes(65)).await;
    both.sort();
    let mut expected = vec![early.id, late.id];
    expected.sort();
    assert_eq!(both, expected);

    let entry = s.due_meetings(t0() + minutes(5), 10).await.unwrap().due;
    assert_eq!(entry.len(), 1);
    assert_eq!(
        (entry[0].admin, entry[0].next),
        (admin(1), early.draft.next_round.unwrap())
    );

    let mut cancel = early.draft.clone();
    cancel.status = MeetingStatus::Cancelled;
    cancel.next_round = None;
    s.update_meeting(admin(1), early.id, early.version, &cancel, t0())
        .await
        .unwrap();
    assert_eq!(
        all_due(s, t0() + minutes(65)).await,
        vec![late.id],
        "a cancelled meeting leaves the index"
    );
}

async fn due_meetings_come_earliest_first_up_to_the_limit(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let mut created = Vec::new();
    for i in 0..12 {
        created.push(
            s.create_meeting(admin(1), MeetingId::new_v7(), &draft(t0() + minutes(i)), t0())
                .await
                .unwrap(),
        );
    }
    let due = s.due_meetings(t0() + minutes(100), 1000).await.unwrap().due;
    assert!(
        due.windows(2).all(|w| w[0].next.due_at <= w[1].next.due_at),
        "earliest first"
    );
    assert_eq!(
        s.due_meetings(t0() + minutes(100), 1).await.unwrap().due,
        due[..1].to_vec()
    );
    assert_eq!(
        s.due_meetings(t0() + minutes(100), 5).await.unwrap().due,
        due[..5].to_vec(),
        "the earliest five of all"
    );
    assert_eq!(all_due(s, t0() + minutes(100)).await.len(), 12);
}

async fn advancing_a_round_is_conditional_on_the_round_read(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let first = m.draft.next_round.unwrap();
    let second = NextRound {
        round: round(2),
        due_at: first.due_at + minutes(10),
    };
    let advanced = advance_round(s, admin(1), m.id, first, Some(second), t0() + minutes(5))
        .await
        .unwrap();
    assert_eq!(advanced.draft.next_round, Some(second));
    assert_eq!(advanced.version.get(), 2);
    let again = advance_round(s, admin(1), m.id, first, Some(second), t0() + minutes(5)).await;
    assert!(matches!(again, Err(StoreError::Conflict { .. })), "{again:?}");
    assert!(
        all_due(s, t0() + minutes(10)).await.is_empty(),
        "round 2 is not due yet"
    );
    assert_eq!(all_due(s, t0() + minutes(15)).await, vec![m.id]);

    let done = advance_round(s, admin(1), m.id, second, None, t0() + minutes(15))
        .await
        .unwrap();
    assert_eq!(done.draft.next_round, None);
    assert!(
        all_due(s, t0() + minutes(999)).await.is_empty(),
        "no round left: out of the index"
    );
    assert!(
        advance_round(s, admin(1), MeetingId::new_v7(), first, None, t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
}

async fn an_edit_moving_the_due_time_makes_a_stale_advance_conflict(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let read = m.draft.next_round.unwrap();
    let mut moved = m.draft.clone();
    moved.next_round = Some(NextRound {
        round: read.round,
        due_at: read.due_at + minutes(30),
    });
    s.update_meeting(admin(1), m.id, m.version, &moved, t0())
        .await
        .unwrap();
    let stale = advance_round(s, admin(1), m.id, read, None, t0()).await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{stale:?}");
}

async fn meetings_are_found_by_zoom_id_with_their_admin(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    login(s, admin(2)).await;
    let zoom = ZoomMeetingId::parse("812 3456 7890").unwrap();
    let mut d = draft(t0());
    d.zoom_meeting_id = Some(zoom.clone());
    let a = s
        .create_meeting(admin(1), MeetingId::new_v7(), &d, t0())
        .await
        .unwrap();
    let b = s
        .create_meeting(admin(2), MeetingId::new_v7(), &d, t0())
        .await
        .unwrap();
    meeting(s, admin(1)).await; // no Zoom id

    let mut found: Vec<_> = s
        .find_meetings_by_zoom_id(&zoom)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.admin, m.id))
        .collect();
    found.sort();
    assert_eq!(found, vec![(admin(1), a.id), (admin(2), b.id)]);

    let mut unlinked = a.draft.clone();
    unlinked.zoom_meeting_id = None;
    s.update_meeting(admin(1), a.id, a.version, &unlinked, t0())
        .await
        .unwrap();
    let found: Vec<_> = s
        .find_meetings_by_zoom_id(&zoom)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(found, vec![b.id]);
    assert!(
        s.find_meetings_by_zoom_id(&ZoomMeetingId::parse("1").unwrap())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn invitees_are_added_opted_out_and_removed(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let mut jiyoung = invitee("f2", "지영");
    jiyoung.match_keys.email = Some(store::model::Email::parse("JY@example.com").unwrap());
    jiyoung.match_keys.zoom_registrant_id = Some("reg-123".into());
    s.put_invitee(admin(1), m.id, &invitee("f1", "민수"))
        .await
        .unwrap();
    s.put_invitee(admin(1), m.id, &jiyoung).await.unwrap();
    assert_eq!(
        s.list_invitees(admin(1), m.id).await.unwrap(),
        vec![invitee("f1", "민수"), jiyoung.clone()]
    );

    let opted = s
        .set_invitee_opted_out(admin(1), m.id, &uuid("f1"), true)
        .await
        .unwrap();
    assert!(opted.opted_out);
    assert!(s.list_invitees(admin(1), m.id).await.unwrap()[0].opted_out);

    assert!(s.remove_invitee(admin(1), m.id, &uuid("f1")).await.unwrap());
    assert!(
        !s.remove_invitee(admin(1), m.id, &uuid("f1")).await.unwrap(),
        "idempotent"
    );
    assert_eq!(s.list_invitees(admin(1), m.id).await.unwrap(), vec![jiyoung]);
    assert!(
        s.set_invitee_opted_out(admin(1), m.id, &uuid("f1"), true)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        s.put_invitee(admin(1), MeetingId::new_v7(), &invitee("f1", "민수"))
            .await
            .unwrap_err()
            .is_not_found()
    );
}

/// One tenant's row that does not read back (a due time of `+10000-...`, which sorts before every
/// real time) is skipped and counted; it neither fails the read nor fills its page, so another
/// admin's meeting is still found.
async fn an_unreadable_due_row_is_skipped_counted_and_hides_nothing(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    login(s, admin(2)).await;
    let real = meeting(s, admin(2)).await;
    for _ in 0..3 {
        let id = MeetingId::new_v7();
        s.create_meeting(admin(1), id, &draft(t0()), t0()).await.unwrap();
        h.damage_due_time(admin(1), id).await;
    }

    let found = s.due_meetings(t0() + minutes(5), 2).await.unwrap();
    assert_eq!(
        found.due.iter().map(|d| (d.admin, d.meeting)).collect::<Vec<_>>(),
        [(admin(2), real.id)],
        "the other admin's meeting is found past the damaged rows"
    );
    assert_eq!(found.unreadable, 3);
}

/// A time the store could not read back is refused on the way in, with nothing written.
async fn a_meeting_in_the_year_10000_is_invalid_input(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let far = Utc.with_ymd_and_hms(10000, 1, 3, 1, 0, 0).unwrap();
    for d in [
        draft(far),
        draft(Utc.with_ymd_and_hms(1969, 12, 31, 0, 0, 0).unwrap()),
    ] {
        let id = MeetingId::new_v7();
        let refused = s.create_meeting(admin(1), id, &d, t0()).await;
        assert!(matches!(refused, Err(StoreError::InvalidInput(_))), "{refused:?}");
        assert!(s.get_meeting(admin(1), id).await.unwrap_err().is_not_found());
    }
    let m = meeting(s, admin(1)).await;
    let mut moved = m.draft.clone();
    moved.starts_at = far;
    moved.ends_at = far + minutes(60);
    moved.next_round = None;
    let refused = s.update_meeting(admin(1), m.id, m.version, &moved, t0()).await;
    assert!(matches!(refused, Err(StoreError::InvalidInput(_))), "{refused:?}");
    assert_eq!(
        s.get_meeting(admin(1), m.id).await.unwrap().draft,
        m.draft,
        "unchanged"
    );
}

conformance!(
    an_unreadable_due_row_is_skipped_counted_and_hides_nothing,
    a_meeting_in_the_year_10000_is_invalid_input,
    a_meeting_is_created_read_and_listed,
    creating_a_meeting_twice_or_for_an_unknown_admin_fails,
    impossible_meetings_are_invalid_input,
    an_edit_carrying_a_stale_version_conflicts,
    the_due_index_holds_only_meetings_with_a_round_due,
    due_meetings_come_earliest_first_up_to_the_limit,
    advancing_a_round_is_conditional_on_the_round_read,
    an_edit_moving_the_due_time_makes_a_stale_advance_conflict,
    meetings_are_found_by_zoom_id_with_their_admin,
    invitees_are_added_opted_out_and_removed,
);
