//! Token encryption at rest (owned by the store-dynamo helper).
