//! Who a meeting platform's participant is: the match rules of the attendance sources, and the
//! name suggestions the admin's mapping page offers.
//!
//! Order (Zoom's participant fields, `docs/zoom.md#participant-fields-and-identity`):
//! the registrant id (the one id that
//! survives leaving and rejoining, present only with registration), then the email (a guest's
//! may be empty or masked), then the display name, normalised. Within names, a name the admin
//! mapped beats a Kakao nickname. A rule that finds two invitees decides nothing: a reminder
//! wrongly withheld is worse than one sent, so an ambiguous participant stays unmatched.

use std::collections::BTreeSet;

/// What a participant event tells us about someone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParticipantIdentity<'a> {
    pub registrant_id: Option<&'a str>,
    pub email: Option<&'a str>,
    pub display_name: Option<&'a str>,
}

/// What we know about an invitee to match on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InviteeIdentity<'a> {
    pub registrant_id: Option<&'a str>,
    pub email: Option<&'a str>,
    /// The display name the admin mapped for this invitee.
    pub mapped_name: Option<&'a str>,
    /// Their Kakao nickname (or the name the meeting calls them).
    pub nickname: &'a str,
}

/// The rule that decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchRule {
    RegistrantId,
    Email,
    MappedName,
    Nickname,
}

impl MatchRule {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RegistrantId => "registrant_id",
            Self::Email => "email",
            Self::MappedName => "mapped_name",
            Self::Nickname => "nickname",
        }
    }
}

/// What matching found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOutcome {
    /// The invitee at this index.
    Found {
        index: usize,
        by: MatchRule,
    },
    /// This rule found several invitees; nobody is credited.
    Ambiguous {
        by: MatchRule,
        count: usize,
    },
    NotFound,
}

/// Finds the invitee a participant is, by the rules in order.
pub fn match_participant(
    participant: &ParticipantIdentity<'_>,
    invitees: &[InviteeIdentity<'_>],
) -> MatchOutcome {
    if let Some(id) = participant.registrant_id.map(str::trim).filter(|s| !s.is_empty()) {
        let found = find(invitees, |i| i.registrant_id.map(str::trim) == Some(id));
        if let Some(outcome) = decide(found, MatchRule::RegistrantId) {
            return outcome;
        }
    }
    if let Some(email) = participant.email.and_then(usable_email) {
        let found = find(invitees, |i| {
            i.email.and_then(usable_email).as_deref() == Some(email.as_str())
        });
        if let Some(outcome) = decide(found, MatchRule::Email) {
            return outcome;
        }
    }
    if let Some(name) = participant
        .display_name
        .map(normalise_display_name)
        .filter(|n| !n.is_empty())
    {
        let mapped = find(invitees, |i| {
            i.mapped_name.map(normalise_display_name).as_deref() == Some(name.as_str())
        });
        if let Some(outcome) = decide(mapped, MatchRule::MappedName) {
            return outcome;
        }
        let by_nickname = find(invitees, |i| normalise_display_name(i.nickname) == name);
        if let Some(outcome) = decide(by_nickname, MatchRule::Nickname) {
            return outcome;
        }
    }
    MatchOutcome::NotFound
}

fn find(invitees: &[InviteeIdentity<'_>], pred: impl Fn(&InviteeIdentity<'_>) -> bool) -> Vec<usize> {
    invitees
        .iter()
        .enumerate()
        .filter(|(_, i)| pred(i))
        .map(|(n, _)| n)
        .collect()
}

fn decide(found: Vec<usize>, by: MatchRule) -> Option<MatchOutcome> {
    match found.as_slice() {
        [] => None,
        [index] => Some(MatchOutcome::Found { index: *index, by }),
        many => Some(MatchOutcome::Ambiguous {
            by,
            count: many.len(),
        }),
    }
}

/// An email as matching compares it (trimmed, lower-case), or `None` if it cannot identify
/// anyone: empty, no `@`, or masked by the platform (`j***@example.com`).
pub fn usable_email(email: &str) -> Option<String> {
    let e = email.trim().to_lowercase();
    let ok = e
        .split_once('@')
        .is_some_and(|(local, host)| !local.is_empty() && !host.is_empty())
        && !e.contains('*');
    ok.then_some(e)
}

/// A display name reduced to what identifies a person: Hangul jamo composed into syllables
/// (macOS clients send them decomposed), full-width letters made plain, lower case, bracketed
/// remarks dropped (`민지 (iPad)`, `[학생] 민지`), and only letters and digits kept (so spacing
/// and punctuation differences do not matter).
pub fn normalise_display_name(name: &str) -> String {
    let composed = compose_hangul(name);
    let mut out = String::new();
    let mut depth = 0usize;
    for c in composed.chars() {
        let c = fullwidth_to_ascii(c);
        match c {
            '(' | '[' | '{' | '（' | '【' => depth += 1,
            ')' | ']' | '}' | '）' | '】' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    if out.is_empty() && depth == 0 && composed.chars().any(char::is_alphanumeric) {
        // Everything was bracketed ("(민지)"): keep the letters rather than match nothing.
        return composed
            .chars()
            .map(fullwidth_to_ascii)
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
    }
    out
}

fn fullwidth_to_ascii(c: char) -> char {
    match u32::from(c) {
        cp @ 0xFF01..=0xFF5E => char::from_u32(cp - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Unicode's Hangul composition (the arithmetic part of NFC): L+V(+T) jamo into a syllable,
/// and LV syllable + T into an LVT syllable.
fn compose_hangul(s: &str) -> String {
    const S_BASE: u32 = 0xAC00;
    const L_BASE: u32 = 0x1100;
    const V_BASE: u32 = 0x1161;
    const T_BASE: u32 = 0x11A7;
    const L_COUNT: u32 = 19;
    const V_COUNT: u32 = 21;
    const T_COUNT: u32 = 28;
    const S_COUNT: u32 = L_COUNT * V_COUNT * T_COUNT;
    let mut out: Vec<char> = Vec::with_capacity(s.len());
    for c in s.chars() {
        let cp = u32::from(c);
        if let Some(&last) = out.last() {
            let lp = u32::from(last);
            // L + V -> LV
            if (L_BASE..L_BASE + L_COUNT).contains(&lp) && (V_BASE..V_BASE + V_COUNT).contains(&cp) {
                let s = S_BASE + ((lp - L_BASE) * V_COUNT + (cp - V_BASE)) * T_COUNT;
                if let Some(syllable) = char::from_u32(s) {
                    out.pop();
                    out.push(syllable);
                    continue;
                }
            }
            // LV + T -> LVT
            let s_index = lp.wrapping_sub(S_BASE);
            if s_index < S_COUNT
                && s_index % T_COUNT == 0
                && (T_BASE + 1..T_BASE + T_COUNT).contains(&cp)
                && let Some(syllable) = char::from_u32(lp + (cp - T_BASE))
            {
                out.pop();
                out.push(syllable);
                continue;
            }
        }
        out.push(c);
    }
    out.into_iter().collect()
}

/// How alike two names are, 0 to 100, after normalising both: 100 equal, 80 one contains
/// the other, otherwise the Dice coefficient of their character pairs.
pub fn name_similarity(a: &str, b: &str) -> u8 {
    let (a, b) = (normalise_display_name(a), normalise_display_name(b));
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a == b {
        return 100;
    }
    let shorter = a.chars().count().min(b.chars().count());
    if shorter >= 2 && (a.contains(&b) || b.contains(&a)) {
        return 80;
    }
    let pairs = |s: &str| -> BTreeSet<(char, char)> {
        let chars: Vec<char> = s.chars().collect();
        chars.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (pa, pb) = (pairs(&a), pairs(&b));
    if pa.is_empty() || pb.is_empty() {
        return 0;
    }
    let common = pa.intersection(&pb).count();
    u8::try_from(200 * common / (pa.len() + pb.len())).unwrap_or(0)
}

/// The names in `seen` that may be `nickname`, best first, at least `min_score` alike.
pub fn suggest_names<'a>(
    nickname: &str,
    seen: impl IntoIterator<Item = &'a str>,
    min_score: u8,
) -> Vec<(&'a str, u8)> {
    let mut scored: Vec<(&str, u8)> = seen
        .into_iter()
        .map(|name| (name, name_similarity(nickname, name)))
        .filter(|(_, s)| *s >= min_score)
        .collect();
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    scored.dedup_by(|a, b| a.0 == b.0);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invitee<'a>(nickname: &'a str) -> InviteeIdentity<'a> {
        InviteeIdentity {
            nickname,
            ..Default::default()
        }
    }

    #[test]
    fn the_registrant_id_wins_over_everything_else() {
        let invitees = [
            InviteeIdentity {
                registrant_id: Some("reg-A"),
                ..invitee("민지")
            },
            InviteeIdentity {
                email: Some("junho@example.com"),
                ..invitee("준호")
            },
        ];
        let p = ParticipantIdentity {
            registrant_id: Some("reg-A"),
            email: Some("junho@example.com"),
            display_name: Some("준호"),
        };
        assert_eq!(
            match_participant(&p, &invitees),
            MatchOutcome::Found {
                index: 0,
                by: MatchRule::RegistrantId
            }
        );
    }

    #[test]
    fn an_unknown_registrant_id_falls_through_to_the_email() {
        let invitees = [
            invitee("민지"),
            InviteeIdentity {
                email: Some("Junho@Example.com "),
                ..invitee("준호")
            },
        ];
        let p = ParticipantIdentity {
            registrant_id: Some("reg-Z"),
            email: Some("JUNHO@example.com"),
            display_name: Some("민지"),
        };
        assert_eq!(
            match_participant(&p, &invitees),
            MatchOutcome::Found {
                index: 1,
                by: MatchRule::Email
            }
        );
    }

    #[test]
    fn a_masked_or_empty_email_is_skipped_for_the_display_name() {
        let invitees = [InviteeIdentity {
            email: Some("minji@example.com"),
            ..invitee("김민지")
        }];
        for email in ["m***@example.com", "", "  "] {
            let p = ParticipantIdentity {
                email: Some(email),
                display_name: Some("김 민지 (iPhone)"),
                ..Default::default()
            };
            assert_eq!(
                match_participant(&p, &invitees),
                MatchOutcome::Found {
                    index: 0,
                    by: MatchRule::Nickname
                }
            );
        }
    }

    #[test]
    fn a_mapped_name_beats_a_nickname_that_looks_the_same() {
        let invitees = [
            invitee("Gildong"),
            InviteeIdentity {
                mapped_name: Some("gildong"),
                ..invitee("홍길동")
            },
        ];
        let p = ParticipantIdentity {
            display_name: Some("GILDONG"),
            ..Default::default()
        };
        assert_eq!(
            match_participant(&p, &invitees),
            MatchOutcome::Found {
                index: 1,
                by: MatchRule::MappedName
            }
        );
    }

    #[test]
    fn two_invitees_with_the_same_name_credit_nobody() {
        let invitees = [invitee("민지"), invitee("민 지")];
        let p = ParticipantIdentity {
            display_name: Some("민지"),
            ..Default::default()
        };
        assert_eq!(
            match_participant(&p, &invitees),
            MatchOutcome::Ambiguous {
                by: MatchRule::Nickname,
                count: 2
            }
        );
        let nobody = ParticipantIdentity {
            display_name: Some("Guest 1"),
            ..Default::default()
        };
        assert_eq!(match_participant(&nobody, &invitees), MatchOutcome::NotFound);
        assert_eq!(
            match_participant(&ParticipantIdentity::default(), &invitees),
            MatchOutcome::NotFound
        );
    }

    #[test]
    fn display_names_are_normalised_for_matching() {
        // Decomposed jamo (as macOS sends them) compose into the same syllables.
        let decomposed = "\u{1100}\u{1175}\u{11B7}\u{1106}\u{1175}\u{11AB}\u{110C}\u{1175}"; // 김민지
        assert_eq!(normalise_display_name(decomposed), "김민지");
        assert_eq!(normalise_display_name(" 김 민지 (iPad) "), "김민지");
        assert_eq!(normalise_display_name("[학생] Kim, Min-Ji"), "kimminji");
        assert_eq!(
            normalise_display_name("ＫＩＭ　민지"),
            "kim민지",
            "full-width letters and spaces"
        );
        assert_eq!(
            normalise_display_name("(민지)"),
            "민지",
            "all bracketed keeps the letters"
        );
        assert_eq!(normalise_display_name("🙂 !!"), "");
    }

    #[test]
    fn suggestions_rank_alike_names_first() {
        let seen = ["김민지 iPhone", "Guest", "김민준", "민지"];
        let suggested = suggest_names("김민지", seen, 50);
        assert_eq!(suggested.first().map(|s| s.0), Some("김민지 iPhone"));
        assert!(suggested.iter().any(|s| s.0 == "민지"));
        assert!(!suggested.iter().any(|s| s.0 == "Guest"));
        assert_eq!(name_similarity("민지", "민지"), 100);
        assert_eq!(name_similarity("", "민지"), 0);
    }
}
