//! The sweep's reads give exactly what the separate reads give (one meeting's state; one admin's
//! due meetings with what the planner needs about the admin), and nothing of other meetings or
//! admins; a round's finish records its outcomes and moves the due entry, both or (when the
//! outcomes cannot be written) neither.

use domain::KakaoUserId;
use domain::delivery::KakaoErrorCode;
use domain::friends::FriendProfile;
use store::model::{
    AdminPreferences, DeliveryOutcome, DueMeeting, JoinSource, NextRound, OptOutSource, UnmatchedParticipant,
};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn the_meeting_state_is_the_lists_and_only_them(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let other = meeting(s, admin(1)).await;
    for (friend, name) in [("f2", "지영"), ("f1", "민수"), ("f3", "서준")] {
        s.put_invitee(admin(1), m.id, &invitee(friend, name))
            .await
            .unwrap();
    }
    s.put_invitee(admin(1), other.id, &invitee("f9", "다른"))
        .await
        .unwrap();
    s.record_join(admin(1), m.id, &uuid("f2"), t0() + minutes(1), JoinSource::Zoom)
        .await
        .unwrap();
    s.record_join(admin(1), other.id, &uuid("f9"), t0(), JoinSource::Link)
        .await
        .unwrap();
    s.reserve(&batch(admin(1), m.id, 1, &["f1", "f3"]), t0())
        .await
        .unwrap();
    s.reserve(&batch(admin(1), other.id, 1, &["f9"]), t0())
        .await
        .unwrap();
    let link = s
        .ensure_link_token(admin(1), m.id, &uuid("f1"), t0() + minutes(600), t0())
        .await
        .unwrap();
    // An item of the same partition that is none of the lists.
    let stranger = UnmatchedParticipant::new("낯선 사람", None, None, t0()).unwrap();
    s.note_unmatched_participant(admin(1), m.id, &stranger)
        .await
        .unwrap();

    let state = s.meeting_state(admin(1), m.id, t0()).await.unwrap();

    assert_eq!(state.invitees, s.list_invitees(admin(1), m.id).await.unwrap());
    assert_eq!(state.attendance, s.list_attendance(admin(1), m.id).await.unwrap());
    assert_eq!(
        state.deliveries,
        s.list_meeting_deliveries(admin(1), m.id).await.unwrap()
    );
    assert_eq!(state.invitees.len(), 3);
    assert_eq!(state.attendance.len(), 1);
    assert_eq!(state.deliveries.len(), 2);
    assert_eq!(state.links, [(uuid("f1"), link)]);
}

async fn another_admins_meeting_state_is_empty(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    login(s, admin(2)).await;
    let m = meeting(s, admin(1)).await;
    s.put_invitee(admin(1), m.id, &invitee("f1", "민수"))
        .await
        .unwrap();

    let state = s.meeting_state(admin(2), m.id, t0()).await.unwrap();

    assert!(
        state.invitees.is_empty()
            && state.attendance.is_empty()
            && state.deliveries.is_empty()
            && state.links.is_empty()
    );
}

fn friend_with_id(uuid_text: &str, nickname: &str, id: i64) -> FriendProfile {
    FriendProfile {
        kakao_id: Some(KakaoUserId::new(id).unwrap()),
        ..friend(uuid_text, nickname)
    }
}

fn due(m: &store::model::Meeting) -> DueMeeting {
    DueMeeting {
        admin: m.admin,
        meeting: m.id,
        next: m.draft.next_round.expect("a due round"),
    }
}

async fn the_admin_sweep_read_is_what_the_separate_reads_give(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    login(s, admin(2)).await;
    s.save_tokens(admin(1), &tokens("one", t0()), t0()).await.unwrap();
    s.set_preferences(
        admin(1),
        &AdminPreferences {
            round_summary: Some(true),
            ..Default::default()
        },
        t0(),
    )
    .await
    .unwrap();
    s.replace_friends(
        admin(1),
        &[
            friend_with_id("f1", "민수", 901),
            friend_with_id("f2", "지영", 902),
            friend_with_id("f3", "서준", 903),
            friend_with_id("f8", "초대 안 됨", 908),
        ],
        t0(),
    )
    .await
    .unwrap();
    s.record_client(
        KakaoUserId::new(902).unwrap(),
        admin(1),
        &scopes("talk_message"),
        t0(),
    )
    .await
    .unwrap();
    s.record_opt_out(admin(1), &uuid("f3"), OptOutSource::ReminderLink, t0())
        .await
        .unwrap();
    let first = meeting(s, admin(1)).await;
    let second = meeting(s, admin(1)).await;
    let not_due = meeting(s, admin(1)).await;
    let others = meeting(s, admin(2)).await;
    for (m, friends) in [
        (&first, &["f1", "f2", "f3", "f4"][..]),
        (&second, &["f2"][..]),
        (&not_due, &["f8"][..]),
    ] {
        for f in friends {
            s.put_invitee(admin(1), m.id, &invitee(f, f)).await.unwrap();
        }
    }
    // An invitee removed again is gone from the read too.
    assert!(s.remove_invitee(admin(1), first.id, &uuid("f4")).await.unwrap());
    s.put_invitee(admin(2), others.id, &invitee("f1", "남의"))
        .await
        .unwrap();
    s.record_join(
        admin(1),
        first.id,
        &uuid("f2"),
        t0() + minutes(1),
        JoinSource::Zoom,
    )
    .await
    .unwrap();
    s.reserve(&batch(admin(1), first.id, 1, &["f1", "f3"]), t0())
        .await
        .unwrap();
    s.record_outcomes(
        admin(1),
        first.id,
        round(1),
        &[(uuid("f1"), DeliveryOutcome::Sent)],
        t0(),
    )
    .await
    .unwrap();
    s.ensure_link_token(admin(1), first.id, &uuid("f1"), t0() + minutes(600), t0())
        .await
        .unwrap();
    // Round 2 is now due for `first`: its round-1 deliveries must still be read.
    let moved = advance_round(
        s,
        admin(1),
        first.id,
        due(&first).next,
        Some(NextRound {
            round: round(2),
            due_at: t0() + minutes(15),
        }),
        t0(),
    )
    .await
    .unwrap();
    let gone = DueMeeting {
        meeting: domain::MeetingId::new_v7(),
        ..due(&second)
    };

    let read = s
        .admin_sweep_read(
            admin(1),
            &[due(&second), due(&moved), gone, due(&others)],
            true,
            t0(),
        )
        .await
        .unwrap();

    let ids: Vec<_> = read.meetings.iter().map(|(m, _)| m.id).collect();
    assert_eq!(
        ids,
        [second.id, first.id],
        "asked order; gone and other admins' left out"
    );
    for (m, state) in &read.meetings {
        assert_eq!(m, &s.get_meeting(admin(1), m.id).await.unwrap());
        assert_eq!(state, &s.meeting_state(admin(1), m.id, t0()).await.unwrap());
    }
    let (_, first_state) = &read.meetings[1];
    assert_eq!(first_state.invitees.len(), 3);
    assert_eq!(first_state.attendance.len(), 1);
    assert_eq!(first_state.deliveries.len(), 2);
    assert_eq!(first_state.links.len(), 1);
    assert_eq!(read.profile, Some(s.get_admin(admin(1)).await.unwrap()));
    assert_eq!(read.preferences.round_summary, Some(true));
    {
        use secrecy::ExposeSecret;
        let read = read.tokens.as_ref().expect("the stored tokens, read along");
        let stored = s.get_tokens(admin(1)).await.unwrap();
        assert_eq!(read.version, stored.version);
        assert_eq!(
            read.tokens.access_token.expose_secret(),
            stored.tokens.access_token.expose_secret()
        );
    }
    for f in ["f1", "f2", "f3"] {
        let record = s.get_friend(admin(1), &uuid(f)).await.unwrap();
        assert!(read.friends.contains(&record), "{f}");
    }
    let opted: Vec<_> = read.opt_outs.iter().map(|o| o.friend.as_str()).collect();
    assert!(opted.contains(&"f3"), "{opted:?}");
    let client = s
        .get_client(KakaoUserId::new(902).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.clients, [client]);
}

async fn an_admin_sweep_read_of_an_unlinked_admin_has_no_profile(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.delete_admin_data(admin(1), t0()).await.unwrap();

    let read = s
        .admin_sweep_read(admin(1), &[due(&m)], false, t0())
        .await
        .unwrap();

    assert_eq!(read.profile, None);
    assert!(read.tokens.is_none());
    assert!(read.meetings.is_empty());
}

async fn finishing_a_round_records_its_outcomes_and_moves_it_on(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.reserve(&batch(admin(1), m.id, 1, &["f1", "f2"]), t0())
        .await
        .unwrap();
    let refused = KakaoErrorCode::new(-532).unwrap();
    let outcomes = [
        (uuid("f1"), DeliveryOutcome::Sent),
        (
            uuid("f2"),
            DeliveryOutcome::Failed {
                code: refused,
                release_quota: true,
            },
        ),
    ];
    let to = NextRound {
        round: round(2),
        due_at: t0() + minutes(15),
    };

    let finished = s
        .finish_round(
            admin(1),
            m.id,
            due(&m).next,
            Some(to),
            &outcomes,
            t0() + minutes(5),
        )
        .await
        .unwrap();

    assert!(finished.advanced.is_ok(), "{:?}", finished.advanced);
    let states: Vec<String> = finished.recorded.iter().map(|d| d.state.to_string()).collect();
    assert_eq!(states.len(), 2);
    assert_eq!(
        s.get_meeting(admin(1), m.id).await.unwrap().draft.next_round,
        Some(to)
    );
    let stored = s.list_meeting_deliveries(admin(1), m.id).await.unwrap();
    assert_eq!(stored, finished.recorded);
    // The refused one's slots went back: only f1 counts against the pair.
    let pair = |f: &str| store::model::QuotaSubject::Pair(admin(1), uuid(f));
    assert_eq!(s.quota_used(today(), &pair("f1")).await.unwrap(), 1);
    assert_eq!(s.quota_used(today(), &pair("f2")).await.unwrap(), 0);
}

async fn a_round_moved_on_by_someone_else_still_gets_its_outcomes(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.reserve(&batch(admin(1), m.id, 1, &["f1"]), t0()).await.unwrap();
    let elsewhere = NextRound {
        round: round(2),
        due_at: t0() + minutes(20),
    };
    advance_round(s, admin(1), m.id, due(&m).next, Some(elsewhere), t0())
        .await
        .unwrap();

    let finished = s
        .finish_round(
            admin(1),
            m.id,
            due(&m).next,
            None,
            &[(uuid("f1"), DeliveryOutcome::Sent)],
            t0() + minutes(5),
        )
        .await
        .unwrap();

    assert!(
        matches!(&finished.advanced, Err(e) if e.is_conflict()),
        "{:?}",
        finished.advanced
    );
    assert_eq!(
        s.get_meeting(admin(1), m.id).await.unwrap().draft.next_round,
        Some(elsewhere)
    );
    let stored = s.list_meeting_deliveries(admin(1), m.id).await.unwrap();
    assert_eq!(stored[0].state.to_string(), "sent");
}

async fn a_round_whose_outcomes_cannot_be_written_does_not_move_on(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.reserve(&batch(admin(1), m.id, 1, &["f1"]), t0()).await.unwrap();
    // Declared lost by someone else first: no longer `sending`.
    s.record_outcomes(
        admin(1),
        m.id,
        round(1),
        &[(uuid("f1"), DeliveryOutcome::Unknown)],
        t0(),
    )
    .await
    .unwrap();

    let result = s
        .finish_round(
            admin(1),
            m.id,
            due(&m).next,
            None,
            &[(uuid("f1"), DeliveryOutcome::Sent)],
            t0() + minutes(5),
        )
        .await;

    assert!(matches!(&result, Err(e) if e.is_conflict()), "{result:?}");
    assert_eq!(
        s.get_meeting(admin(1), m.id).await.unwrap().draft.next_round,
        due(&m).next.into()
    );
    let stored = s.list_meeting_deliveries(admin(1), m.id).await.unwrap();
    assert_eq!(stored[0].state.to_string(), "unknown");
}

conformance!(
    the_meeting_state_is_the_lists_and_only_them,
    another_admins_meeting_state_is_empty,
    the_admin_sweep_read_is_what_the_separate_reads_give,
    an_admin_sweep_read_of_an_unlinked_admin_has_no_profile,
    finishing_a_round_records_its_outcomes_and_moves_it_on,
    a_round_moved_on_by_someone_else_still_gets_its_outcomes,
    a_round_whose_outcomes_cannot_be_written_does_not_move_on,
);
