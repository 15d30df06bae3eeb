//! Reading pages without a parser: ttokttok's pages give every element a test looks for a
//! stable `id`, and maud writes attributes in one predictable form (`name="value"`).

/// Undoes maud's (and the sandbox's) escaping of text and attribute values.
pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Whether an element with this id is on the page.
pub fn has_id(html: &str, id: &str) -> bool {
    html.contains(&format!("id=\"{id}\""))
}

/// The opening tag of the element with this id.
pub fn tag_with_id<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    Some(&html[start..=end])
}

/// Attribute `name` of a tag (unescaped).
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = start + tag[start..].find('"')?;
    Some(unescape(&tag[start..end]))
}

/// Attribute `name` of the element with this id.
pub fn attr_of(html: &str, id: &str, name: &str) -> Option<String> {
    tag_with_id(html, id).and_then(|tag| attr(tag, name))
}

/// The value of the first `<input name="...">`.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\"");
    let at = html.find(&needle)?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    attr(&html[start..=end], "value")
}

/// The session's CSRF token, from `<meta name="csrf-token">`.
pub fn csrf(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf-token\"")?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    attr(&html[start..=end], "content")
}

/// The text inside the element with this id (tags stripped, unescaped), for short elements.
pub fn text_of(html: &str, id: &str) -> Option<String> {
    let tag = tag_with_id(html, id)?;
    let open_end = html.find(tag)? + tag.len();
    let name: String = tag[1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let close = format!("</{name}>");
    let mut depth = 0usize;
    let mut i = open_end;
    let open = format!("<{name}");
    while i < html.len() {
        let rest = &html[i..];
        if rest.starts_with(&close) {
            if depth == 0 {
                return Some(strip_tags(&html[open_end..i]));
            }
            depth -= 1;
            i += close.len();
        } else if rest.starts_with(&open) {
            depth += 1;
            i += open.len();
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    None
}

/// What a browser submits for the form with this id, unchanged: every named input with its
/// value (checkboxes and radios only when ticked), each select's chosen option (else its first),
/// each textarea's text; in page order. Buttons are left out.
pub fn form_fields(html: &str, id: &str) -> Vec<(String, String)> {
    let Some(tag) = tag_with_id(html, id) else {
        return Vec::new();
    };
    let Some(start) = html.find(tag) else {
        return Vec::new();
    };
    let body = &html[start..];
    let body = &body[..body.find("</form>").unwrap_or(body.len())];
    let ticked = |tag: &str| tag.contains(" checked") || tag.contains(" selected");
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let Some(end) = rest.find('>') else { break };
        let open = &rest[..=end];
        let element: String = open[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        match (element.as_str(), attr(open, "name")) {
            ("input", Some(name)) => {
                let kind = attr(open, "type").unwrap_or_else(|| "text".into());
                let value = attr(open, "value").unwrap_or_default();
                match kind.as_str() {
                    "checkbox" | "radio" if ticked(open) => {
                        out.push((name, if value.is_empty() { "on".into() } else { value }))
                    }
                    "checkbox" | "radio" | "submit" | "button" | "file" => {}
                    _ => out.push((name, value)),
                }
            }
            ("textarea", Some(name)) => {
                let text_end = rest.find("</textarea>").unwrap_or(end + 1);
                out.push((name, unescape(&rest[end + 1..text_end])));
            }
            ("select", Some(name)) => {
                let select_end = rest.find("</select>").unwrap_or(rest.len());
                let options: Vec<&str> = rest[..select_end]
                    .match_indices("<option")
                    .filter_map(|(i, _)| rest[i..].find('>').map(|e| &rest[i..=i + e]))
                    .collect();
                let chosen = options.iter().find(|o| ticked(o)).or(options.first());
                if let Some(value) = chosen.and_then(|o| attr(o, "value")) {
                    out.push((name, value));
                }
            }
            _ => {}
        }
        rest = &rest[end + 1..];
    }
    out
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(out.split_whitespace().collect::<Vec<_>>().join(" ").as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_attributes_and_text_are_found() {
        let html = r#"<div id="a" data-x="1&amp;2"><p id="t">Hi <b>there</b> &lt;3</p></div><meta name="csrf-token" content="tok">"#;
        assert!(has_id(html, "a"));
        assert_eq!(attr_of(html, "a", "data-x").as_deref(), Some("1&2"));
        assert_eq!(text_of(html, "t").as_deref(), Some("Hi there <3"));
        assert_eq!(csrf(html).as_deref(), Some("tok"));
    }

    #[test]
    fn a_form_is_read_as_a_browser_submits_it() {
        let html = r#"<form id="f"><input type="hidden" name="v" value="3"><input type="checkbox" name="d" value="tue" checked><input type="checkbox" name="d" value="wed"><select name="s"><option value="a">A</option><option value="b" selected>B</option></select><textarea name="t">x &amp; y</textarea><button type="submit">Go</button></form><input name="outside" value="no">"#;
        let fields = form_fields(html, "f");
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("v", "3"), ("d", "tue"), ("s", "b"), ("t", "x & y")]);
    }
}
