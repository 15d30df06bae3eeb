//! The web layer shared by the HTTP functions: sessions, CSRF, CSP, pages, languages.
