//! Building condition and update expressions without hand-numbering placeholders: every
//! attribute goes through a `#name` alias (so reserved words like `status` are safe) and every
//! value through a fresh `:vN`.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::item::item_size;

#[derive(Debug, Default, Clone)]
pub(crate) struct Expr {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Expr {
    /// `#attr`, registered. Attribute names here are `[A-Za-z_]`, valid in a placeholder.
    pub(crate) fn name(&mut self, attr: &str) -> String {
        let alias = format!("#{attr}");
        self.names.insert(alias.clone(), attr.to_owned());
        alias
    }

    /// A fresh `:vN` bound to `value`.
    pub(crate) fn value(&mut self, value: AttributeValue) -> String {
        let alias = format!(":v{}", self.values.len());
        self.values.insert(alias.clone(), value);
        alias
    }

    pub(crate) fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    pub(crate) fn values(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }

    /// Bytes of names and values (an upper-bound hint for write-unit accounting of updates).
    pub(crate) fn payload_size(&self) -> usize {
        self.names.values().map(String::len).sum::<usize>() + item_size(&self.values)
    }
}

/// An UpdateExpression under construction (SET, REMOVE and ADD clauses) with its condition.
#[derive(Debug, Default, Clone)]
pub(crate) struct Update {
    pub(crate) expr: Expr,
    set: Vec<String>,
    remove: Vec<String>,
    add: Vec<String>,
    delete: Vec<String>,
    condition: Vec<String>,
}

impl Update {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn set(&mut self, attr: &str, value: AttributeValue) -> &mut Self {
        let (n, v) = (self.expr.name(attr), self.expr.value(value));
        self.set.push(format!("{n} = {v}"));
        self
    }

    /// Sets `attr` only if the item does not have it yet (creation times).
    pub(crate) fn set_if_absent(&mut self, attr: &str, value: AttributeValue) -> &mut Self {
        let (n, v) = (self.expr.name(attr), self.expr.value(value));
        self.set.push(format!("{n} = if_not_exists({n}, {v})"));
        self
    }

    /// `attr = value` when `Some`, removed when `None`.
    pub(crate) fn set_or_remove(&mut self, attr: &str, value: Option<AttributeValue>) -> &mut Self {
        match value {
            Some(v) => self.set(attr, v),
            None => self.remove(attr),
        }
    }

    pub(crate) fn remove(&mut self, attr: &str) -> &mut Self {
        let n = self.expr.name(attr);
        self.remove.push(n);
        self
    }

    /// Atomic add (creates the attribute at `value` if absent).
    pub(crate) fn add(&mut self, attr: &str, value: AttributeValue) -> &mut Self {
        let (n, v) = (self.expr.name(attr), self.expr.value(value));
        self.add.push(format!("{n} {v}"));
        self
    }

    /// Removes `value`'s elements from the set `attr` (the attribute goes when the set empties).
    pub(crate) fn delete(&mut self, attr: &str, value: AttributeValue) -> &mut Self {
        let (n, v) = (self.expr.name(attr), self.expr.value(value));
        self.delete.push(format!("{n} {v}"));
        self
    }

    /// ANDs a condition; `build` gets the expression so it can alias names and values.
    pub(crate) fn condition(&mut self, build: impl FnOnce(&mut Expr) -> String) -> &mut Self {
        let c = build(&mut self.expr);
        self.condition.push(format!("({c})"));
        self
    }

    pub(crate) fn update_expression(&self) -> String {
        let mut parts = Vec::new();
        if !self.set.is_empty() {
            parts.push(format!("SET {}", self.set.join(", ")));
        }
        if !self.remove.is_empty() {
            parts.push(format!("REMOVE {}", self.remove.join(", ")));
        }
        if !self.add.is_empty() {
            parts.push(format!("ADD {}", self.add.join(", ")));
        }
        if !self.delete.is_empty() {
            parts.push(format!("DELETE {}", self.delete.join(", ")));
        }
        parts.join(" ")
    }

    pub(crate) fn condition_expression(&self) -> Option<String> {
        (!self.condition.is_empty()).then(|| self.condition.join(" AND "))
    }
}

/// A condition alone (for Put, Delete and ConditionCheck).
#[derive(Debug, Default)]
pub(crate) struct Condition {
    pub(crate) expr: Expr,
    parts: Vec<String>,
}

impl Condition {
    pub(crate) fn new(build: impl FnOnce(&mut Expr) -> String) -> Self {
        let mut c = Self::default();
        c.and(build);
        c
    }

    /// The item exists (checked on the partition key).
    pub(crate) fn exists() -> Self {
        Self::new(|e| format!("attribute_exists({})", e.name(super::keys::PK)))
    }

    /// No item with this key exists yet.
    pub(crate) fn not_exists() -> Self {
        Self::new(|e| format!("attribute_not_exists({})", e.name(super::keys::PK)))
    }

    /// No item with this key exists, or the one there is past its TTL at `now`: an expired item
    /// that DynamoDB has not deleted yet (it may take days) counts as deleted.
    pub(crate) fn absent_or_expired(now: chrono::DateTime<chrono::Utc>) -> Self {
        Self::new(|e| {
            let (pk, ttl) = (e.name(super::keys::PK), e.name(super::TTL_ATTRIBUTE));
            let now = e.value(super::item::n(now.timestamp()));
            format!("attribute_not_exists({pk}) OR {ttl} <= {now}")
        })
    }

    pub(crate) fn and(&mut self, build: impl FnOnce(&mut Expr) -> String) -> &mut Self {
        let c = build(&mut self.expr);
        self.parts.push(format!("({c})"));
        self
    }

    pub(crate) fn expression(&self) -> String {
        self.parts.join(" AND ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamo::item::{n, s};

    #[test]
    fn updates_alias_every_name_and_value() {
        let mut u = Update::new();
        u.set("status", s("active"))
            .remove("active_pk")
            .add("version", n(1));
        u.condition(|e| format!("{} = {}", e.name("version"), e.value(n(3))));
        assert_eq!(
            u.update_expression(),
            "SET #status = :v0 REMOVE #active_pk ADD #version :v1"
        );
        assert_eq!(u.condition_expression().unwrap(), "(#version = :v2)");
        assert_eq!(
            u.expr.names().unwrap().get("#status").map(String::as_str),
            Some("status")
        );
    }
}
