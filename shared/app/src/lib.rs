//! Configuration, service wiring, Kakao token care and the friend-sync core shared by every function.
