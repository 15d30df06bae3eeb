//! The admin web app and its JSON API.
