//! Default message templates (`docs/kakao.md#templates`), built so that what Kakao would refuse cannot
//! be built: text over 200 characters, more than two buttons, a missing link, a link that is
//! not https.
//!
//! Only the `text` and `feed` types are modelled; ttokttok sends nothing else. Limits Kakao
//! does not publish (button title length, feed title/description length) are not enforced.

use serde::{Serialize, Serializer};
use url::Url;

use domain::TemplateText;

/// Why a template part was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("a message link must be an https URL, got {0:?}")]
    NotHttps(String),
    #[error("a link needs a web_url or a mobile_web_url")]
    NoLink,
    #[error("a message has at most 2 buttons, not {0}")]
    TooManyButtons(usize),
    #[error("{0} must not be empty")]
    Empty(&'static str),
}

/// An absolute https URL, kept exactly as written (Kakao compares link domains with the ones
/// registered for the app, and REST is https only).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebLink(String);

impl WebLink {
    pub fn parse(s: &str) -> Result<Self, TemplateError> {
        match Url::parse(s) {
            Ok(url) if url.scheme() == "https" && url.host_str().is_some_and(|h| !h.is_empty()) => {
                Ok(Self(s.to_owned()))
            }
            _ => Err(TemplateError::NotHttps(s.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for WebLink {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Where tapping the message (or a button) goes. Never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    #[serde(skip_serializing_if = "Option::is_none")]
    web_url: Option<WebLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mobile_web_url: Option<WebLink>,
}

impl Link {
    /// The same page on PC and mobile: the usual case.
    pub fn to(url: WebLink) -> Self {
        Self {
            web_url: Some(url.clone()),
            mobile_web_url: Some(url),
        }
    }

    /// Separate PC and mobile pages; at least one is needed.
    pub fn new(web_url: Option<WebLink>, mobile_web_url: Option<WebLink>) -> Result<Self, TemplateError> {
        if web_url.is_none() && mobile_web_url.is_none() {
            return Err(TemplateError::NoLink);
        }
        Ok(Self {
            web_url,
            mobile_web_url,
        })
    }

    pub fn web_url(&self) -> Option<&WebLink> {
        self.web_url.as_ref()
    }

    pub fn mobile_web_url(&self) -> Option<&WebLink> {
        self.mobile_web_url.as_ref()
    }
}

/// A button under the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Button {
    title: String,
    link: Link,
}

impl Button {
    pub fn new(title: &str, link: Link) -> Result<Self, TemplateError> {
        Ok(Self {
            title: non_empty(title, "a button title")?,
            link,
        })
    }
}

/// Zero, one or two buttons: Kakao shows at most two (`docs/kakao.md#templates`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Buttons(Vec<Button>);

impl Buttons {
    pub const MAX: usize = 2;

    pub fn new(buttons: Vec<Button>) -> Result<Self, TemplateError> {
        if buttons.len() > Self::MAX {
            return Err(TemplateError::TooManyButtons(buttons.len()));
        }
        Ok(Self(buttons))
    }

    pub fn none() -> Self {
        Self(Vec::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn non_empty(s: &str, what: &'static str) -> Result<String, TemplateError> {
    if s.trim().is_empty() {
        Err(TemplateError::Empty(what))
    } else {
        Ok(s.to_owned())
    }
}

fn serialize_text<S: Serializer>(text: &TemplateText, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text.as_str())
}

/// `object_type: "text"`: up to 200 characters and a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextTemplate {
    #[serde(serialize_with = "serialize_text")]
    text: TemplateText,
    link: Link,
    #[serde(skip_serializing_if = "Option::is_none")]
    button_title: Option<String>,
    #[serde(skip_serializing_if = "Buttons::is_empty")]
    buttons: Buttons,
}

impl TextTemplate {
    pub fn new(text: TemplateText, link: Link) -> Self {
        Self {
            text,
            link,
            button_title: None,
            buttons: Buttons::none(),
        }
    }

    /// Renames Kakao's single default button ("자세히 보기").
    pub fn with_button_title(mut self, title: &str) -> Result<Self, TemplateError> {
        self.button_title = Some(non_empty(title, "a button title")?);
        Ok(self)
    }

    pub fn with_buttons(mut self, buttons: Buttons) -> Self {
        self.buttons = buttons;
        self
    }

    pub fn text(&self) -> &TemplateText {
        &self.text
    }
}

/// The `content` block of a feed message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedContent {
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_url: Option<WebLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_height: Option<u32>,
    link: Link,
}

impl FeedContent {
    pub fn new(title: &str, link: Link) -> Result<Self, TemplateError> {
        Ok(Self {
            title: non_empty(title, "a feed title")?,
            description: None,
            image_url: None,
            image_width: None,
            image_height: None,
            link,
        })
    }

    pub fn with_description(mut self, description: &str) -> Result<Self, TemplateError> {
        self.description = Some(non_empty(description, "a feed description")?);
        Ok(self)
    }

    /// An https image; width and height (pixels) are hints Kakao uses for the aspect ratio.
    pub fn with_image(mut self, url: WebLink, width: Option<u32>, height: Option<u32>) -> Self {
        self.image_url = Some(url);
        self.image_width = width;
        self.image_height = height;
        self
    }
}

/// `object_type: "feed"`: a title, description, optional image, and up to two buttons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedTemplate {
    content: FeedContent,
    #[serde(skip_serializing_if = "Option::is_none")]
    button_title: Option<String>,
    #[serde(skip_serializing_if = "Buttons::is_empty")]
    buttons: Buttons,
}

impl FeedTemplate {
    pub fn new(content: FeedContent) -> Self {
        Self {
            content,
            button_title: None,
            buttons: Buttons::none(),
        }
    }

    pub fn with_button_title(mut self, title: &str) -> Result<Self, TemplateError> {
        self.button_title = Some(non_empty(title, "a button title")?);
        Ok(self)
    }

    pub fn with_buttons(mut self, buttons: Buttons) -> Self {
        self.buttons = buttons;
        self
    }
}

/// A default template, serialised to Kakao's `template_object` JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "object_type", rename_all = "lowercase")]
pub enum Template {
    Text(TextTemplate),
    Feed(FeedTemplate),
}

impl Template {
    /// The `template_object` form value.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

impl From<TextTemplate> for Template {
    fn from(t: TextTemplate) -> Self {
        Template::Text(t)
    }
}

impl From<FeedTemplate> for Template {
    fn from(t: FeedTemplate) -> Self {
        Template::Feed(t)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn link(s: &str) -> WebLink {
        WebLink::parse(s).unwrap()
    }

    fn as_value(template: impl Into<Template>) -> Value {
        serde_json::from_str(&template.into().to_json().unwrap()).unwrap()
    }

    #[test]
    fn a_text_message_serialises_exactly_as_kakaos_example() {
        let template = TextTemplate::new(
            TemplateText::parse("내일 14:00 예약 알림입니다.").unwrap(),
            Link::to(link("https://admin.example.com")),
        )
        .with_button_title("예약 확인")
        .unwrap();
        let expected = json!({"object_type":"text","text":"내일 14:00 예약 알림입니다.",
            "link":{"web_url":"https://admin.example.com","mobile_web_url":"https://admin.example.com"},
            "button_title":"예약 확인"});
        assert_eq!(as_value(template), expected);
    }

    #[test]
    fn a_feed_message_serialises_exactly_as_kakaos_example() {
        let content = FeedContent::new("예약 알림", Link::to(link("https://admin.example.com")))
            .unwrap()
            .with_description("내일 14:00")
            .unwrap()
            .with_image(link("https://img.example.com/a.jpg"), Some(640), Some(640));
        let button = Button::new(
            "확인",
            Link::new(Some(link("https://admin.example.com")), None).unwrap(),
        )
        .unwrap();
        let template = FeedTemplate::new(content).with_buttons(Buttons::new(vec![button]).unwrap());
        let expected = json!({"object_type":"feed",
            "content":{"title":"예약 알림","description":"내일 14:00","image_url":"https://img.example.com/a.jpg",
                       "image_width":640,"image_height":640,
                       "link":{"web_url":"https://admin.example.com","mobile_web_url":"https://admin.example.com"}},
            "buttons":[{"title":"확인","link":{"web_url":"https://admin.example.com"}}]});
        assert_eq!(as_value(template), expected);
    }

    #[test]
    fn links_must_be_https_with_a_host() {
        assert!(WebLink::parse("https://meet.example.com/j/abc?x=1").is_ok());
        for bad in [
            "http://admin.example.com",
            "javascript:alert(1)",
            "admin.example.com",
            "https://",
            "",
        ] {
            assert!(WebLink::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(
            link("https://a.example.com").as_str(),
            "https://a.example.com",
            "kept as written"
        );
    }

    #[test]
    fn a_link_with_nowhere_to_go_is_refused() {
        assert_eq!(Link::new(None, None), Err(TemplateError::NoLink));
        assert!(Link::new(None, Some(link("https://m.example.com"))).is_ok());
    }

    #[test]
    fn three_buttons_or_a_blank_title_are_refused() {
        let button = || Button::new("열기", Link::to(link("https://a.example.com"))).unwrap();
        assert!(Buttons::new(vec![button(), button()]).is_ok());
        assert_eq!(
            Buttons::new(vec![button(), button(), button()]),
            Err(TemplateError::TooManyButtons(3))
        );
        assert_eq!(
            Button::new("  ", Link::to(link("https://a.example.com"))),
            Err(TemplateError::Empty("a button title"))
        );
    }

    #[test]
    fn two_buttons_serialise_in_order() {
        let a = Button::new("참여", Link::to(link("https://a.example.com/join"))).unwrap();
        let b = Button::new("취소", Link::to(link("https://a.example.com/cancel"))).unwrap();
        let template = TextTemplate::new(
            TemplateText::parse("곧 시작해요").unwrap(),
            Link::to(link("https://a.example.com")),
        )
        .with_buttons(Buttons::new(vec![a, b]).unwrap());
        let value = as_value(template);
        assert_eq!(value["buttons"][0]["title"], "참여");
        assert_eq!(
            value["buttons"][1]["link"]["web_url"],
            "https://a.example.com/cancel"
        );
        assert!(value.get("button_title").is_none());
    }
}
