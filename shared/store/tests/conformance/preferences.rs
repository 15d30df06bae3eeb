//! Admin preferences: defaults until chosen, replaced as a whole, gone with the admin's data.

use store::model::AdminPreferences;

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn preferences_default_until_chosen_and_are_kept_per_admin(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    login(s, admin(2)).await;
    assert_eq!(
        s.get_preferences(admin(1)).await.unwrap(),
        AdminPreferences::default()
    );
    let on = AdminPreferences {
        round_summary: Some(true),
        ..Default::default()
    };
    s.set_preferences(admin(1), &on, t0()).await.unwrap();
    assert_eq!(s.get_preferences(admin(1)).await.unwrap(), on);
    assert_eq!(
        s.get_preferences(admin(2)).await.unwrap(),
        AdminPreferences::default(),
        "one admin's choice is not another's"
    );
    let off = AdminPreferences {
        round_summary: Some(false),
        ..Default::default()
    };
    s.set_preferences(admin(1), &off, t0() + minutes(1))
        .await
        .unwrap();
    assert_eq!(s.get_preferences(admin(1)).await.unwrap(), off);
}

async fn preferences_need_the_admin_and_go_with_the_admins_data(h: Harness) {
    let s = &*h.store;
    let on = AdminPreferences {
        round_summary: Some(true),
        ..Default::default()
    };
    let err = s.set_preferences(admin(9), &on, t0()).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    login(s, admin(3)).await;
    s.set_preferences(admin(3), &on, t0()).await.unwrap();
    s.delete_admin_data(admin(3), t0()).await.unwrap();
    assert_eq!(
        s.get_preferences(admin(3)).await.unwrap(),
        AdminPreferences::default()
    );
}

conformance!(
    preferences_default_until_chosen_and_are_kept_per_admin,
    preferences_need_the_admin_and_go_with_the_admins_data,
);
