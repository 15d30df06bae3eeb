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
}
