//! Every minute: due reminders -> quota -> Kakao -> outcomes, at most once.
