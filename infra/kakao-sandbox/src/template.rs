//! Validation of a default-template `template_object` (`docs/kakao.md#templates`). Kakao answers `-2` for a
//! bad template; the message here names the field so a failing test says what to fix.

use serde_json::{Map, Value};

/// Kakao's text template limit, in characters.
pub(crate) const MAX_TEXT_CHARS: usize = 200;
/// At most two buttons on any default template.
pub(crate) const MAX_BUTTONS: usize = 2;

/// The link fields Kakao knows; each must be a string when present.
const LINK_FIELDS: [&str; 4] = [
    "web_url",
    "mobile_web_url",
    "android_execution_params",
    "ios_execution_params",
];

/// Parses `raw` (the form field) and checks it as Kakao would; the JSON object on success.
pub(crate) fn validate(raw: Option<&str>) -> Result<Value, String> {
    let raw = raw.ok_or_else(|| "The Parameter [template_object] cannot be null.".to_owned())?;
    let value: Value =
        serde_json::from_str(raw).map_err(|e| format!("template_object is not a valid JSON object: {e}"))?;
    let object = value
        .as_object()
        .ok_or_else(|| "template_object must be a JSON object.".to_owned())?;
    let object_type = object
        .get("object_type")
        .and_then(Value::as_str)
        .ok_or_else(|| "template_object.object_type is required.".to_owned())?;
    match object_type {
        "text" => validate_text(object)?,
        "feed" => validate_feed(object)?,
        "list" => validate_list(object)?,
        "location" => validate_location(object)?,
        "commerce" => validate_commerce(object)?,
        other => return Err(format!("template_object.object_type {other:?} is not supported.")),
    }
    validate_buttons(object)?;
    if let Some(title) = object.get("button_title")
        && !title.is_string()
    {
        return Err("template_object.button_title must be a string.".to_owned());
    }
    Ok(value)
}

fn validate_text(object: &Map<String, Value>) -> Result<(), String> {
    let text = required_str(object, "template_object.text", "text")?;
    let chars = text.chars().count();
    if chars == 0 || chars > MAX_TEXT_CHARS {
        return Err(format!(
            "template_object.text must be 1 to {MAX_TEXT_CHARS} characters, got {chars}."
        ));
    }
    validate_link(object.get("link"), "template_object.link")
}

fn validate_feed(object: &Map<String, Value>) -> Result<(), String> {
    validate_content(object.get("content"), "template_object.content")
}

fn validate_list(object: &Map<String, Value>) -> Result<(), String> {
    let title = required_str(object, "template_object.header_title", "header_title")?;
    let chars = title.chars().count();
    if chars == 0 || chars > MAX_TEXT_CHARS {
        return Err(format!(
            "template_object.header_title must be 1 to {MAX_TEXT_CHARS} characters, got {chars}."
        ));
    }
    validate_link(object.get("header_link"), "template_object.header_link")?;
    let contents = object
        .get("contents")
        .and_then(Value::as_array)
        .ok_or_else(|| "template_object.contents is required.".to_owned())?;
    if !(2..=3).contains(&contents.len()) {
        return Err(format!(
            "template_object.contents must have 2 to 3 items, got {}.",
            contents.len()
        ));
    }
    for (i, content) in contents.iter().enumerate() {
        validate_content(Some(content), &format!("template_object.contents[{i}]"))?;
    }
    Ok(())
}

fn validate_location(object: &Map<String, Value>) -> Result<(), String> {
    required_str(object, "template_object.address", "address")?;
    validate_content(object.get("content"), "template_object.content")
}

fn validate_commerce(object: &Map<String, Value>) -> Result<(), String> {
    validate_content(object.get("content"), "template_object.content")?;
    let commerce = object
        .get("commerce")
        .and_then(Value::as_object)
        .ok_or_else(|| "template_object.commerce is required.".to_owned())?;
    if !commerce.get("regular_price").is_some_and(Value::is_i64) {
        return Err("template_object.commerce.regular_price must be a whole number.".to_owned());
    }
    Ok(())
}

/// A content object: a title (list items) or some of title/description/image, and a link.
fn validate_content(content: Option<&Value>, at: &str) -> Result<(), String> {
    let content = content
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{at} is required."))?;
    for field in ["title", "description", "image_url"] {
        if content.get(field).is_some_and(|v| !v.is_string()) {
            return Err(format!("{at}.{field} must be a string."));
        }
    }
    if !["title", "description", "image_url"]
        .iter()
        .any(|f| content.get(*f).is_some())
    {
        return Err(format!("{at} needs a title, description or image_url."));
    }
    validate_link(content.get("link"), &format!("{at}.link"))
}

fn validate_buttons(object: &Map<String, Value>) -> Result<(), String> {
    let Some(buttons) = object.get("buttons") else {
        return Ok(());
    };
    let buttons = buttons
        .as_array()
        .ok_or_else(|| "template_object.buttons must be an array.".to_owned())?;
    if buttons.len() > MAX_BUTTONS {
        return Err(format!(
            "template_object.buttons can have at most {MAX_BUTTONS} buttons, got {}.",
            buttons.len()
        ));
    }
    for (i, button) in buttons.iter().enumerate() {
        let at = format!("template_object.buttons[{i}]");
        let button = button
            .as_object()
            .ok_or_else(|| format!("{at} must be an object."))?;
        let title = required_str(button, &format!("{at}.title"), "title")?;
        if title.trim().is_empty() {
            return Err(format!("{at}.title must not be empty."));
        }
        validate_link(button.get("link"), &format!("{at}.link"))?;
    }
    Ok(())
}

fn validate_link(link: Option<&Value>, at: &str) -> Result<(), String> {
    let link = link.ok_or_else(|| format!("{at} is required."))?;
    let link = link
        .as_object()
        .ok_or_else(|| format!("{at} must be an object."))?;
    for field in LINK_FIELDS {
        if link.get(field).is_some_and(|v| !v.is_string()) {
            return Err(format!("{at}.{field} must be a string."));
        }
    }
    Ok(())
}

fn required_str<'a>(object: &'a Map<String, Value>, at: &str, field: &str) -> Result<&'a str, String> {
    match object.get(field) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("{at} must be a string.")),
        None => Err(format!("{at} is required.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(template: &str) -> Result<(), String> {
        validate(Some(template)).map(|_| ())
    }

    #[test]
    fn a_text_template_with_a_link_is_accepted() {
        assert_eq!(
            check(r#"{"object_type":"text","text":"안녕하세요","link":{"web_url":"http://a"}}"#),
            Ok(())
        );
    }

    #[test]
    fn two_hundred_characters_fit_and_two_hundred_and_one_do_not() {
        let t = |n: usize| {
            format!(
                r#"{{"object_type":"text","text":"{}","link":{{}}}}"#,
                "가".repeat(n)
            )
        };
        assert_eq!(check(&t(200)), Ok(()));
        assert!(check(&t(201)).is_err_and(|e| e.contains("200")));
        assert!(check(&t(0)).is_err_and(|e| e.contains("text")));
    }

    #[test]
    fn problems_are_named() {
        let cases = [
            (
                r#"{"object_type":"text","text":"hi"}"#,
                "template_object.link is required",
            ),
            (
                r#"{"object_type":"text","text":"hi","link":{},"buttons":[{},{},{}]}"#,
                "at most 2",
            ),
            (
                r#"{"object_type":"text","text":"hi","link":{},"buttons":[{"link":{}}]}"#,
                "buttons[0].title",
            ),
            (
                r#"{"object_type":"list","header_title":"h","header_link":{},"contents":[]}"#,
                "2 to 3",
            ),
            (r#"{"object_type":"carousel"}"#, "not supported"),
            (r#"{"object_type":"text","#, "not a valid JSON"),
        ];
        for (template, expected) in cases {
            let result = check(template);
            assert!(
                result.as_ref().is_err_and(|e| e.contains(expected)),
                "{template} -> {result:?}"
            );
        }
    }
}
