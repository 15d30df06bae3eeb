//! The store's error type (owned by the store-core helper; extend as needed).
