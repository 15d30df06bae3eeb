//! The reminder message: the admin's text with variables, filled in per invitee.
//!
//! | variable | also | becomes |
//! |---|---|---|
//! | `{이름}` | `{name}` | the invitee's name (their Kakao nickname unless the admin changed it) |
//! | `{모임}` | `{meeting}` | the meeting's title |
//! | `{시작}` | `{start}` | the start, `HH:MM` in the meeting's time zone |
//! | `{경과}` | `{minutes_late}` | whole minutes since the start |
//!
//! `{{` and `}}` write literal braces. Kakao's text template allows 200 characters
//! (`docs/kakao.md#templates`), counted
//! after filling in, so a meeting is checked with its longest invitee name
//! ([`MessageTemplate::check_fits`]) and the sweep renders with [`MessageTemplate::render_fitted`],
//! which shortens a name that grew since.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::MeetingProblem;
use crate::TemplateText;

/// A variable a template may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variable {
    Name,
    Meeting,
    Start,
    MinutesLate,
}

impl Variable {
    pub const ALL: [Variable; 4] = [
        Variable::Name,
        Variable::Meeting,
        Variable::Start,
        Variable::MinutesLate,
    ];

    /// Korean and English spellings.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Name => ("이름", "name"),
            Self::Meeting => ("모임", "meeting"),
            Self::Start => ("시작", "start"),
            Self::MinutesLate => ("경과", "minutes_late"),
        }
    }

    fn parse(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL.into_iter().find(|v| {
            let (ko, en) = v.names();
            name == ko || name == en
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Segment {
    Text(String),
    Var(Variable),
}

/// What the variables become for one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateVars<'a> {
    pub name: &'a str,
    pub meeting: &'a str,
    pub start: &'a str,
    pub minutes_late: u32,
}

/// A message template: 1 to 200 characters as written, every `{...}` a known variable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MessageTemplate {
    source: String,
    segments: Vec<Segment>,
}

impl MessageTemplate {
    /// As written, before filling in (the stored form must also fit Kakao's limit).
    pub const MAX_CHARS: usize = TemplateText::MAX_CHARS;

    /// The text new meetings start with.
    pub const DEFAULT_KO: &'static str =
        "{이름}님, '{모임}' 모임이 {시작}에 시작했어요 ({경과}분 지남). 아래 버튼으로 바로 참여해 주세요.";

    pub fn parse(s: &str) -> Result<Self, MeetingProblem> {
        if s.trim().is_empty() {
            return Err(MeetingProblem::TemplateEmpty);
        }
        let chars = s.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(MeetingProblem::TemplateTooLong {
                chars,
                max: Self::MAX_CHARS,
            });
        }
        let mut segments = Vec::new();
        let mut text = String::new();
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            let after = &rest[c.len_utf8()..];
            match c {
                '{' if after.starts_with('{') => {
                    text.push('{');
                    rest = &after[1..];
                }
                '}' if after.starts_with('}') => {
                    text.push('}');
                    rest = &after[1..];
                }
                '{' => {
                    let Some(close) = after.find('}') else {
                        return Err(MeetingProblem::TemplateUnclosedBrace);
                    };
                    let name = &after[..close];
                    if name.contains('{') {
                        return Err(MeetingProblem::TemplateUnclosedBrace);
                    }
                    let var = Variable::parse(name)
                        .ok_or_else(|| MeetingProblem::TemplateUnknownVariable(name.to_owned()))?;
                    if !text.is_empty() {
                        segments.push(Segment::Text(std::mem::take(&mut text)));
                    }
                    segments.push(Segment::Var(var));
                    rest = &after[close + 1..];
                }
                other => {
                    text.push(other);
                    rest = after;
                }
            }
        }
        if !text.is_empty() {
            segments.push(Segment::Text(text));
        }
        Ok(Self {
            source: s.to_owned(),
            segments,
        })
    }

    /// The text as the admin wrote it.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the template uses `var`.
    pub fn uses(&self, var: Variable) -> bool {
        self.segments.contains(&Segment::Var(var))
    }

    /// The filled-in text, however long.
    pub fn fill(&self, vars: &TemplateVars<'_>) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Text(t) => out.push_str(t),
                Segment::Var(Variable::Name) => out.push_str(vars.name),
                Segment::Var(Variable::Meeting) => out.push_str(vars.meeting),
                Segment::Var(Variable::Start) => out.push_str(vars.start),
                Segment::Var(Variable::MinutesLate) => out.push_str(&vars.minutes_late.to_string()),
            }
        }
        out
    }

    /// The filled-in text as Kakao accepts it.
    pub fn render(&self, vars: &TemplateVars<'_>) -> Result<TemplateText, crate::InvalidValue> {
        TemplateText::parse(&self.fill(vars))
    }

    /// Checks that the message fits Kakao's 200 characters for every invitee: filled in with
    /// the longest of `names` (by characters) and the largest `{경과}` the meeting can show.
    /// Returns that worst-case message, which is also a fair preview.
    pub fn check_fits<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
        meeting: &str,
        start: &str,
        max_minutes_late: u32,
    ) -> Result<TemplateText, MeetingProblem> {
        let longest = names.into_iter().max_by_key(|n| n.chars().count()).unwrap_or("");
        let vars = TemplateVars {
            name: longest,
            meeting,
            start,
            minutes_late: max_minutes_late,
        };
        let filled = self.fill(&vars);
        let chars = filled.chars().count();
        TemplateText::parse(&filled).map_err(|_| {
            if filled.trim().is_empty() {
                MeetingProblem::TemplateEmpty
            } else {
                MeetingProblem::TemplateTooLongAfterSubstitution {
                    chars,
                    max: TemplateText::MAX_CHARS,
                    longest_name: longest.to_owned(),
                }
            }
        })
    }

    /// Renders for sending, never failing on length: if the message is too long (a nickname
    /// grew since the meeting was checked), the name is shortened with `…`, then the title,
    /// and as a last resort the text itself. Fails only if the result would be empty.
    pub fn render_fitted(&self, vars: &TemplateVars<'_>) -> Result<TemplateText, crate::InvalidValue> {
        let max = TemplateText::MAX_CHARS;
        let full = self.fill(vars);
        let over = full.chars().count().saturating_sub(max);
        if over == 0 {
            return TemplateText::parse(&full);
        }
        let uses_name = self
            .segments
            .iter()
            .filter(|s| **s == Segment::Var(Variable::Name))
            .count();
        let uses_title = self
            .segments
            .iter()
            .filter(|s| **s == Segment::Var(Variable::Meeting))
            .count();
        let mut name = vars.name.to_owned();
        let mut meeting = vars.meeting.to_owned();
        if uses_name > 0 {
            let keep = name.chars().count().saturating_sub(over.div_ceil(uses_name) + 1);
            name = shorten(&name, keep);
        }
        let filled = self.fill(&TemplateVars {
            name: &name,
            meeting: &meeting,
            ..vars.clone()
        });
        let over = filled.chars().count().saturating_sub(max);
        if over > 0 && uses_title > 0 {
            let keep = meeting
                .chars()
                .count()
                .saturating_sub(over.div_ceil(uses_title) + 1);
            meeting = shorten(&meeting, keep);
        }
        let filled = self.fill(&TemplateVars {
            name: &name,
            meeting: &meeting,
            ..vars.clone()
        });
        let text = if filled.chars().count() > max {
            shorten(&filled, max - 1)
        } else {
            filled
        };
        TemplateText::parse(&text)
    }
}

/// `s` cut to `keep` characters plus `…` (unchanged if it already fits).
fn shorten(s: &str, keep: usize) -> String {
    if s.chars().count() <= keep {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(keep).collect();
    out.push('…');
    out
}

/// How a meeting's stored text reads: the one rule the edit form and the sweep both follow.
///
/// - none stored: the default template;
/// - a text that parses: that template;
/// - a text that no longer parses (braces written before variables existed): the admin's text
///   stays theirs. The form shows it as written with [`StoredTemplate::problem`] so the admin
///   fixes it (never the default in its place, which a save would write over it), and the
///   sweep sends it as written, every brace literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTemplate {
    /// What the sweep fills in.
    template: MessageTemplate,
    /// The stored text and why it cannot be used as a template, if it cannot.
    broken: Option<(TemplateText, MeetingProblem)>,
}

impl StoredTemplate {
    pub fn read(stored: Option<&TemplateText>) -> Self {
        let Some(text) = stored else {
            return Self {
                template: MessageTemplate::default(),
                broken: None,
            };
        };
        match MessageTemplate::parse(text.as_str()) {
            Ok(template) => Self {
                template,
                broken: None,
            },
            Err(problem) => Self {
                template: MessageTemplate::parse(&text.as_str().replace('{', "{{").replace('}', "}}"))
                    .unwrap_or_default(),
                broken: Some((text.clone(), problem)),
            },
        }
    }

    /// The template the reminders are filled in from.
    pub fn template(&self) -> &MessageTemplate {
        &self.template
    }

    /// The text as the admin wrote and stored it (the default's text when none is stored).
    pub fn as_written(&self) -> &str {
        match &self.broken {
            Some((text, _)) => text.as_str(),
            None => self.template.as_str(),
        }
    }

    /// Why the stored text needs fixing before the meeting can be saved again.
    pub fn problem(&self) -> Option<&MeetingProblem> {
        self.broken.as_ref().map(|(_, problem)| problem)
    }
}

impl Default for MessageTemplate {
    fn default() -> Self {
        // The default text is a constant that parses (a test checks it).
        Self::parse(Self::DEFAULT_KO).unwrap_or_else(|_| Self {
            source: Self::DEFAULT_KO.to_owned(),
            segments: vec![Segment::Text(Self::DEFAULT_KO.to_owned())],
        })
    }
}

impl TryFrom<String> for MessageTemplate {
    type Error = MeetingProblem;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<MessageTemplate> for String {
    fn from(t: MessageTemplate) -> String {
        t.source
    }
}

impl fmt::Display for MessageTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_text_reads_as_the_admins_own_even_when_it_no_longer_parses() {
        let none = StoredTemplate::read(None);
        assert_eq!(none.template(), &MessageTemplate::default());
        assert_eq!(none.as_written(), MessageTemplate::DEFAULT_KO);
        assert_eq!(none.problem(), None);

        let good = TemplateText::parse("{이름}님, 시작했어요").unwrap();
        let read = StoredTemplate::read(Some(&good));
        assert_eq!(read.as_written(), "{이름}님, 시작했어요");
        assert_eq!(read.problem(), None);
        assert!(read.template().uses(Variable::Name));

        let old = TemplateText::parse("{숙제} 가져오세요").unwrap();
        let read = StoredTemplate::read(Some(&old));
        assert_eq!(
            read.as_written(),
            "{숙제} 가져오세요",
            "never the default in its place"
        );
        assert_eq!(
            read.problem(),
            Some(&MeetingProblem::TemplateUnknownVariable("숙제".into()))
        );
        assert_eq!(
            read.template().render(&vars("민지")).unwrap().as_str(),
            "{숙제} 가져오세요",
            "sent as written, braces literal"
        );
    }

    fn vars<'a>(name: &'a str) -> TemplateVars<'a> {
        TemplateVars {
            name,
            meeting: "수학 수업",
            start: "19:00",
            minutes_late: 5,
        }
    }

    #[test]
    fn korean_and_english_variables_fill_in_alike() {
        let ko = MessageTemplate::parse("{이름}님, {모임} ({시작}) {경과}분 지났어요").unwrap();
        let en = MessageTemplate::parse("{name}님, {meeting} ({start}) {minutes_late}분 지났어요").unwrap();
        let expected = "민지님, 수학 수업 (19:00) 5분 지났어요";
        assert_eq!(ko.render(&vars("민지")).unwrap().as_str(), expected);
        assert_eq!(en.render(&vars("민지")).unwrap().as_str(), expected);
        assert!(ko.uses(Variable::Start) && !MessageTemplate::parse("hi").unwrap().uses(Variable::Start));
    }

    #[test]
    fn braces_are_escaped_by_doubling_and_unknown_variables_are_named() {
        let t = MessageTemplate::parse("{{이름}} is {이름}").unwrap();
        assert_eq!(t.fill(&vars("민지")), "{이름} is 민지");
        assert_eq!(
            MessageTemplate::parse("{nmae}님"),
            Err(MeetingProblem::TemplateUnknownVariable("nmae".into()))
        );
        assert_eq!(
            MessageTemplate::parse("{이름"),
            Err(MeetingProblem::TemplateUnclosedBrace)
        );
        assert_eq!(
            MessageTemplate::parse("{a{이름}"),
            Err(MeetingProblem::TemplateUnclosedBrace)
        );
        assert_eq!(MessageTemplate::parse("   "), Err(MeetingProblem::TemplateEmpty));
        assert_eq!(
            MessageTemplate::parse(&"가".repeat(201)),
            Err(MeetingProblem::TemplateTooLong { chars: 201, max: 200 })
        );
    }

    #[test]
    fn the_default_text_parses_and_uses_every_variable() {
        let t = MessageTemplate::default();
        assert_eq!(t.as_str(), MessageTemplate::DEFAULT_KO);
        assert!(Variable::ALL.into_iter().all(|v| t.uses(v)));
    }

    #[test]
    fn the_limit_is_checked_after_filling_in_with_the_longest_name() {
        // 190 characters of text plus {이름}: fits a 10-character name, not an 11-character one.
        let t = MessageTemplate::parse(&format!("{}{{이름}}", "가".repeat(190))).unwrap();
        let short = ["민지", "0123456789"];
        assert_eq!(
            t.check_fits(short, "수업", "19:00", 5)
                .unwrap()
                .as_str()
                .chars()
                .count(),
            200
        );
        let long = ["민지", "0123456789", "01234567890"];
        assert_eq!(
            t.check_fits(long, "수업", "19:00", 5),
            Err(MeetingProblem::TemplateTooLongAfterSubstitution {
                chars: 201,
                max: 200,
                longest_name: "01234567890".into()
            })
        );
    }

    #[test]
    fn the_largest_minutes_late_counts_too() {
        // 97 + a 100-character title + the minutes: 999 fits exactly, 1000 does not.
        let t = MessageTemplate::parse(&format!("{}{{모임}}{{경과}}", "가".repeat(97))).unwrap();
        let title = "나".repeat(100);
        assert!(t.check_fits([], &title, "19:00", 999).is_ok());
        assert!(t.check_fits([], &title, "19:00", 1000).is_err());
    }

    #[test]
    fn sending_shortens_a_name_that_grew_since_the_check() {
        let t = MessageTemplate::parse(&format!("{}{{이름}}님", "가".repeat(180))).unwrap();
        let grown = "이름이아주아주아주아주아주아주길어진친구입니다"; // 23 characters
        let text = t.render_fitted(&vars(grown)).unwrap();
        assert_eq!(text.as_str().chars().count(), 200);
        assert!(text.as_str().ends_with("…님"), "{text}");
        assert_eq!(
            t.render_fitted(&vars("민지")).unwrap().as_str(),
            format!("{}민지님", "가".repeat(180))
        );
    }

    #[test]
    fn templates_round_trip_through_json_and_refuse_bad_ones() {
        let t = MessageTemplate::parse("{이름}님 {{ok}}").unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#""{이름}님 {{ok}}""#);
        assert_eq!(serde_json::from_str::<MessageTemplate>(&json).unwrap(), t);
        assert!(serde_json::from_str::<MessageTemplate>(r#""{oops}""#).is_err());
    }
}
