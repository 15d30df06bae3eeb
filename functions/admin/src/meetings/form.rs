//! A meeting as the admin submits it: an HTML form (repeated `invitees` fields, so read as
//! pairs) or a JSON body, both turned into the domain's [`MeetingForm`] for checking. And the
//! other way: a stored meeting back into a form to edit.

use domain::FriendUuid;
use domain::meeting::MeetingForm;
use serde::Deserialize;
use store::model::{Invitee, Meeting};

/// What a form or JSON body said, plus the version an edit was made from.
#[derive(Debug, Clone, Default)]
pub struct Submitted {
    pub form: MeetingForm,
    /// Invitee ids that are not even well-formed (never one of the admin's friends).
    pub bad_invitees: Vec<String>,
    pub version: Option<u64>,
}

/// Reads a urlencoded form: `title`, `start`, `time_zone`, `duration_minutes`, `join_url`,
/// `confirm_join_host` (a checkbox), `zoom_meeting_id`, `invitees` (repeated), `reminder_offsets`, `quiet_from`, `quiet_until`,
/// `quiet_off` (a checkbox), `send_mode`, `template`, `version`.
pub fn from_form_pairs(pairs: &[(String, String)]) -> Submitted {
    let mut out = Submitted::default();
    let (mut quiet_from, mut quiet_until, mut quiet_off) = (None, None, false);
    let mut offsets = None;
    for (name, value) in pairs {
        let f = &mut out.form;
        match name.as_str() {
            "title" => f.title = value.clone(),
            "start" => f.start = value.clone(),
            "time_zone" => f.time_zone = value.clone(),
            "duration_minutes" => f.duration_minutes = value.clone(),
            "join_url" => f.join_url = value.clone(),
            "confirm_join_host" => f.confirm_join_host = !value.is_empty(),
            "zoom_meeting_id" => f.zoom_meeting_id = value.clone(),
            "invitees" => match FriendUuid::parse(value.trim()) {
                Ok(uuid) => f.invitees.push(uuid),
                Err(_) => out.bad_invitees.push(value.clone()),
            },
            "reminder_offsets" => offsets = Some(value.clone()),
            "quiet_from" => quiet_from = Some(value.clone()),
            "quiet_until" => quiet_until = Some(value.clone()),
            "quiet_off" => quiet_off = !value.is_empty(),
            "send_mode" => f.send_mode = value.clone(),
            "template" => f.template = value.clone(),
            "version" => out.version = value.trim().parse().ok(),
            _ => {}
        }
    }
    out.form.reminder_offsets = offsets;
    out.form.quiet_hours = if quiet_off {
        Some((String::new(), String::new()))
    } else {
        match (quiet_from, quiet_until) {
            (None, None) => None,
            (from, until) => Some((from.unwrap_or_default(), until.unwrap_or_default())),
        }
    };
    out
}

/// Quiet hours in JSON: `{"from": "22:00", "until": "08:00"}`; both empty means none.
#[derive(Debug, Clone, Deserialize)]
pub struct QuietJson {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub until: String,
}

/// A meeting in JSON. Absent fields take the defaults (time zone Asia/Seoul, 60 minutes,
/// reminders +5 and +15, quiet 22:00-08:00, automatic, the default message).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingJson {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub time_zone: String,
    pub duration_minutes: Option<i64>,
    #[serde(default)]
    pub join_url: String,
    /// Required `true` for a join link on a host that is not a known meeting service.
    #[serde(default)]
    pub confirm_join_host: bool,
    #[serde(default)]
    pub zoom_meeting_id: Option<String>,
    #[serde(default)]
    pub invitees: Vec<String>,
    pub reminder_offsets: Option<Vec<i64>>,
    pub quiet_hours: Option<QuietJson>,
    #[serde(default)]
    pub send_mode: String,
    #[serde(default)]
    pub template: String,
    /// Required to update: the version the edit was made from.
    pub version: Option<u64>,
}

impl MeetingJson {
    pub fn into_submitted(self) -> Submitted {
        let mut out = Submitted {
            version: self.version,
            ..Submitted::default()
        };
        for value in &self.invitees {
            match FriendUuid::parse(value.trim()) {
                Ok(uuid) => out.form.invitees.push(uuid),
                Err(_) => out.bad_invitees.push(value.clone()),
            }
        }
        out.form.title = self.title;
        out.form.start = self.start;
        out.form.time_zone = self.time_zone;
        out.form.duration_minutes = self.duration_minutes.map(|m| m.to_string()).unwrap_or_default();
        out.form.join_url = self.join_url;
        out.form.confirm_join_host = self.confirm_join_host;
        out.form.zoom_meeting_id = self.zoom_meeting_id.unwrap_or_default();
        out.form.reminder_offsets = self
            .reminder_offsets
            .map(|o| o.iter().map(i64::to_string).collect::<Vec<_>>().join(","));
        out.form.quiet_hours = self.quiet_hours.map(|q| (q.from, q.until));
        out.form.send_mode = self.send_mode;
        out.form.template = self.template;
        out
    }
}

/// A stored meeting as the edit form shows it.
pub fn from_stored(meeting: &Meeting, invitees: &[Invitee]) -> Submitted {
    let d = &meeting.draft;
    let schedule = d.schedule();
    let plan = &d.settings.plan;
    let quiet = match plan.quiet_hours.bounds_hhmm() {
        Some((from, until)) => (from, until),
        None => (String::new(), String::new()),
    };
    Submitted {
        form: MeetingForm {
            title: d.title.clone(),
            start: schedule.start_local_input(),
            time_zone: d.time_zone.name().to_owned(),
            duration_minutes: schedule.duration().minutes().to_string(),
            join_url: d.join_url.as_str().to_owned(),
            // Saved once, so confirmed once (the edit form shows the box ticked).
            confirm_join_host: true,
            zoom_meeting_id: d
                .zoom_meeting_id
                .as_ref()
                .map(|z| z.as_str().to_owned())
                .unwrap_or_default(),
            invitees: invitees.iter().map(|i| i.friend.clone()).collect(),
            reminder_offsets: Some(plan.offsets.to_string()),
            quiet_hours: Some(quiet),
            send_mode: d.settings.mode.as_str().to_owned(),
            // The admin's own text, even one that no longer parses (the page says it needs fixing).
            template: d.template().as_written().to_owned(),
        },
        bad_invitees: Vec::new(),
        version: Some(meeting.version.get()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_form_with_repeated_invitees_and_quiet_hours_reads_whole() {
        let s = from_form_pairs(&pairs(&[
            ("title", "수업"),
            ("invitees", "f1"),
            ("invitees", "f2"),
            ("invitees", "bad id"),
            ("reminder_offsets", "5, 10"),
            ("quiet_from", "23:00"),
            ("quiet_until", "07:00"),
            ("version", "3"),
        ]));
        assert_eq!(s.form.invitees.len(), 2);
        assert_eq!(s.bad_invitees, vec!["bad id".to_owned()]);
        assert_eq!(s.form.reminder_offsets.as_deref(), Some("5, 10"));
        assert_eq!(s.form.quiet_hours, Some(("23:00".into(), "07:00".into())));
        assert_eq!(s.version, Some(3));
    }

    #[test]
    fn the_quiet_hours_checkbox_turns_them_off_and_absence_means_default() {
        let off = from_form_pairs(&pairs(&[
            ("quiet_off", "on"),
            ("quiet_from", "22:00"),
            ("quiet_until", "08:00"),
        ]));
        assert_eq!(off.form.quiet_hours, Some((String::new(), String::new())));
        assert_eq!(from_form_pairs(&pairs(&[])).form.quiet_hours, None);
    }

    #[test]
    fn json_fills_the_same_form() {
        let json: MeetingJson = serde_json::from_str(
            r#"{"title":"t","start":"2026-11-21T19:00","duration_minutes":90,"join_url":"https://x.example/j",
                "invitees":["f1"],"reminder_offsets":[3,9],"quiet_hours":{"from":"","until":""},"version":2}"#,
        )
        .unwrap();
        let s = json.into_submitted();
        assert_eq!(s.form.duration_minutes, "90");
        assert_eq!(s.form.reminder_offsets.as_deref(), Some("3,9"));
        assert_eq!(s.form.quiet_hours, Some((String::new(), String::new())));
        assert_eq!(s.version, Some(2));
        assert!(
            serde_json::from_str::<MeetingJson>(r#"{"titel":"typo"}"#).is_err(),
            "unknown fields are refused"
        );
    }
}
