//! Syncs admins' Kakao friends: after login, daily, and on demand.
