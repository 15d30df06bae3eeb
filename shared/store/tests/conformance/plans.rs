//! Classes and series: versioned documents per admin, kept apart between admins, refused when
//! too large, gone with the admin's data.

use chrono::NaiveDateTime;
use domain::class::{ClassName, Invitation};
use domain::meeting::{JoinLink, MeetingDuration, MeetingTitle, ReminderPlan, SendMode};
use domain::series::{Change, Ends, Repeat, RepeatRule, Series, SeriesPattern};
use domain::{ClassId, SeriesId};
use store::model::{ClassDraft, SeriesDraft, Version};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

fn class(name: &str, members: &[&str]) -> ClassDraft {
    ClassDraft {
        name: ClassName::parse(name).unwrap(),
        members: uuids(members),
        archived: false,
    }
}

fn series_draft(classes: Vec<ClassId>) -> SeriesDraft {
    SeriesDraft {
        series: Series::new(SeriesPattern {
            title: MeetingTitle::parse("수학").unwrap(),
            first_start: NaiveDateTime::parse_from_str("2026-11-24 19:00", "%Y-%m-%d %H:%M").unwrap(),
            time_zone: "Asia/Seoul".into(),
            duration: MeetingDuration::DEFAULT,
            join_link: JoinLink::parse("https://zoom.us/j/123456789").unwrap(),
            zoom_meeting_id: None,
            invitation: Invitation {
                classes,
                friends: uuids(&["f9"]),
            },
            plan: ReminderPlan::default(),
            mode: SendMode::default(),
            template: None,
            rule: RepeatRule {
                repeat: Repeat::Weekly {
                    every: 1,
                    on: vec![chrono::Weekday::Tue, chrono::Weekday::Thu],
                },
                ends: Ends::Never,
            },
        }),
        cancelled: false,
        window_until: None,
    }
}

async fn a_class_is_created_edited_under_its_version_and_listed(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let (maths, art) = (ClassId::new_v7(), ClassId::new_v7());
    let created = s
        .create_class(admin(1), maths, &class("2학년 수학반", &["f1", "f2"]), t0())
        .await
        .unwrap();
    assert_eq!(created.version, Version::INITIAL);
    assert_eq!(created.draft.members, uuids(&["f1", "f2"]));
    s.create_class(admin(1), art, &class("미술", &[]), t0())
        .await
        .unwrap();

    let renamed = class("2학년 수학 심화반", &["f1", "f2", "f3"]);
    let updated = s
        .update_class(admin(1), maths, Version::INITIAL, &renamed, t0() + minutes(1))
        .await
        .unwrap();
    assert_eq!(updated.version, Version::INITIAL.next());
    assert_eq!(updated.draft, renamed);
    assert_eq!(updated.created_at, t0());
    assert_eq!(updated.updated_at, t0() + minutes(1));

    let stale = s
        .update_class(
            admin(1),
            maths,
            Version::INITIAL,
            &class("옛 이름", &[]),
            t0() + minutes(2),
        )
        .await
        .unwrap_err();
    assert!(stale.is_conflict(), "{stale:?}");
    assert_eq!(
        s.get_class(admin(1), maths).await.unwrap().draft,
        renamed,
        "the stale edit wrote nothing"
    );

    let listed = s.list_classes(admin(1)).await.unwrap();
    assert_eq!(listed.iter().map(|c| c.id).collect::<Vec<_>>(), vec![maths, art]);
}

async fn creating_an_existing_class_is_a_conflict_unless_it_is_the_same(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let id = ClassId::new_v7();
    let draft = class("수학", &["f1"]);
    s.create_class(admin(1), id, &draft, t0()).await.unwrap();
    let again = s
        .create_class(admin(1), id, &draft, t0() + minutes(1))
        .await
        .unwrap();
    assert_eq!(
        again.version,
        Version::INITIAL,
        "a retried create finds the first"
    );
    let other = s
        .create_class(admin(1), id, &class("영어", &[]), t0())
        .await
        .unwrap_err();
    assert!(other.is_conflict(), "{other:?}");
}

async fn plans_belong_to_their_admin_only(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    login(s, admin(2)).await;
    let id = ClassId::new_v7();
    s.create_class(admin(1), id, &class("수학", &["f1"]), t0())
        .await
        .unwrap();
    let series = SeriesId::new_v7();
    s.create_series(admin(1), series, &series_draft(vec![id]), t0())
        .await
        .unwrap();

    assert!(s.get_class(admin(2), id).await.unwrap_err().is_not_found());
    assert!(s.get_series(admin(2), series).await.unwrap_err().is_not_found());
    assert!(s.list_classes(admin(2)).await.unwrap().is_empty());
    assert!(s.list_series(admin(2)).await.unwrap().is_empty());
    let err = s
        .update_class(admin(2), id, Version::INITIAL, &class("가로채기", &[]), t0())
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    let err = s
        .create_class(admin(9), ClassId::new_v7(), &class("수학", &[]), t0())
        .await
        .unwrap_err();
    assert!(
        err.is_not_found(),
        "an admin who does not exist has no classes: {err:?}"
    );
}

async fn a_series_reads_back_whole_with_its_exceptions(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let id = SeriesId::new_v7();
    let mut draft = series_draft(vec![ClassId::new_v7()]);
    s.create_series(admin(1), id, &draft, t0()).await.unwrap();
    let holiday = t0() + chrono::Duration::days(7);
    draft.series.set_change(holiday, Some(Change::Skip));
    draft.window_until = Some(t0() + chrono::Duration::days(28));
    let updated = s
        .update_series(admin(1), id, Version::INITIAL, &draft, t0() + minutes(1))
        .await
        .unwrap();
    assert_eq!(updated.draft, draft);
    assert_eq!(s.get_series(admin(1), id).await.unwrap().draft, draft);
    assert_eq!(s.list_series(admin(1)).await.unwrap().len(), 1);
}

async fn a_plan_too_large_to_store_is_refused_and_nothing_is_written(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let id = SeriesId::new_v7();
    let mut draft = series_draft(Vec::new());
    for day in 0..12_000 {
        draft
            .series
            .set_change(t0() + chrono::Duration::hours(day), Some(Change::Skip));
    }
    let err = s.create_series(admin(1), id, &draft, t0()).await.unwrap_err();
    assert!(matches!(err, store::StoreError::InvalidInput(_)), "{err:?}");
    assert!(s.get_series(admin(1), id).await.unwrap_err().is_not_found());
}

async fn plans_go_with_the_admins_data(h: Harness) {
    let s = &*h.store;
    login(s, admin(3)).await;
    s.create_class(admin(3), ClassId::new_v7(), &class("수학", &["f1"]), t0())
        .await
        .unwrap();
    s.create_series(admin(3), SeriesId::new_v7(), &series_draft(Vec::new()), t0())
        .await
        .unwrap();
    s.delete_admin_data(admin(3), t0()).await.unwrap();
    assert!(s.list_classes(admin(3)).await.unwrap().is_empty());
    assert!(s.list_series(admin(3)).await.unwrap().is_empty());
}

conformance!(
    a_class_is_created_edited_under_its_version_and_listed,
    creating_an_existing_class_is_a_conflict_unless_it_is_the_same,
    plans_belong_to_their_admin_only,
    a_series_reads_back_whole_with_its_exceptions,
    a_plan_too_large_to_store_is_refused_and_nothing_is_written,
    plans_go_with_the_admins_data,
);
