//! The table's definition, read from the `Table` resource of the SAM template, so tests and local
//! runs create exactly the table that is deployed (one source of truth, no drift).
//!
//! CloudFormation tags (`!Ref`, `!GetAtt`, `!Sub`) parse as tagged values and are only an error
//! where this code needs a plain value. Encryption, point-in-time recovery and deletion
//! protection are deployment concerns: [`TableSchema::create`] leaves them out (a test table
//! must be deletable, and DynamoDB-compatible test servers ignore or refuse them).

use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TableStatus, TimeToLiveSpecification,
};
use serde_yaml::Value;

use crate::StoreError;

/// The logical id of the table resource in template.yaml.
pub const TABLE_RESOURCE: &str = "Table";

/// Why the template's table could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TableSchemaError {
    #[error("could not read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("template is not YAML")]
    Yaml(#[from] serde_yaml::Error),
    #[error("template: {0}")]
    Shape(String),
}

fn shape(detail: impl Into<String>) -> TableSchemaError {
    TableSchemaError::Shape(detail.into())
}

/// A key element: attribute name and HASH or RANGE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyElement {
    pub attribute: String,
    pub hash: bool,
}

/// One global secondary index as the template declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSchema {
    pub name: String,
    pub key: Vec<KeyElement>,
    /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
    pub projection: String,
    pub non_key_attributes: Vec<String>,
}

/// What CreateTable needs, taken from the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSchema {
    /// Attribute name and type (`S`, `N` or `B`).
    pub attributes: Vec<(String, String)>,
    pub key: Vec<KeyElement>,
    pub indexes: Vec<IndexSchema>,
    pub ttl_attribute: Option<String>,
}

/// The repository's template.yaml (for tests, benchmarks and local tools built from this
/// checkout).
pub fn workspace_template_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../template.yaml")
}

fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.as_mapping().and_then(|m| m.get(key))
}

fn plain_str<'a>(value: &'a Value, what: &str) -> Result<&'a str, TableSchemaError> {
    value
        .as_str()
        .ok_or_else(|| shape(format!("{what} must be a plain string (no CloudFormation tag)")))
}

fn key_schema(value: Option<&Value>, what: &str) -> Result<Vec<KeyElement>, TableSchemaError> {
    let elements = value
        .and_then(Value::as_sequence)
        .ok_or_else(|| shape(format!("{what}: KeySchema missing")))?;
    elements
        .iter()
        .map(|e| {
            let attribute = plain_str(get(e, "AttributeName").unwrap_or(&Value::Null), "AttributeName")?;
            let hash = match plain_str(get(e, "KeyType").unwrap_or(&Value::Null), "KeyType")? {
                "HASH" => true,
                "RANGE" => false,
                other => return Err(shape(format!("{what}: unknown KeyType {other}"))),
            };
            Ok(KeyElement {
                attribute: attribute.to_owned(),
                hash,
            })
        })
        .collect()
}

impl TableSchema {
    /// Reads the `Table` resource of the template at `path`.
    pub fn from_template_file(path: impl AsRef<Path>) -> Result<Self, TableSchemaError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| TableSchemaError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_template_yaml(&text)
    }

    /// Reads the `Table` resource of the workspace's template.yaml.
    pub fn from_workspace_template() -> Result<Self, TableSchemaError> {
        Self::from_template_file(workspace_template_path())
    }

    /// Parses a SAM/CloudFormation template and extracts the `Table` resource.
    pub fn from_template_yaml(text: &str) -> Result<Self, TableSchemaError> {
        let template: Value = serde_yaml::from_str(text)?;
        let props = get(&template, "Resources")
            .and_then(|r| get(r, TABLE_RESOURCE))
            .and_then(|t| get(t, "Properties"))
            .ok_or_else(|| shape("Resources.Table.Properties missing"))?;

        let attributes = get(props, "AttributeDefinitions")
            .and_then(Value::as_sequence)
            .ok_or_else(|| shape("AttributeDefinitions missing"))?
            .iter()
            .map(|a| {
                let name = plain_str(get(a, "AttributeName").unwrap_or(&Value::Null), "AttributeName")?;
                let ty = plain_str(get(a, "AttributeType").unwrap_or(&Value::Null), "AttributeType")?;
                if !matches!(ty, "S" | "N" | "B") {
                    return Err(shape(format!("attribute {name}: unknown type {ty}")));
                }
                Ok((name.to_owned(), ty.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let key = key_schema(get(props, "KeySchema"), "table")?;

        let indexes = match get(props, "GlobalSecondaryIndexes").and_then(Value::as_sequence) {
            None => Vec::new(),
            Some(list) => list
                .iter()
                .map(|gsi| {
                    let name =
                        plain_str(get(gsi, "IndexName").unwrap_or(&Value::Null), "IndexName")?.to_owned();
                    let key = key_schema(get(gsi, "KeySchema"), &name)?;
                    let projection =
                        get(gsi, "Projection").ok_or_else(|| shape(format!("{name}: Projection")))?;
                    let projection_type = plain_str(
                        get(projection, "ProjectionType").unwrap_or(&Value::Null),
                        "ProjectionType",
                    )?;
                    let non_key_attributes = get(projection, "NonKeyAttributes")
                        .and_then(Value::as_sequence)
                        .map(|attrs| {
                            attrs
                                .iter()
                                .map(|a| plain_str(a, "NonKeyAttributes").map(str::to_owned))
                                .collect()
                        })
                        .transpose()?
                        .unwrap_or_default();
                    Ok(IndexSchema {
                        name,
                        key,
                        projection: projection_type.to_owned(),
                        non_key_attributes,
                    })
                })
                .collect::<Result<Vec<_>, TableSchemaError>>()?,
        };

        let ttl_attribute = match get(props, "TimeToLiveSpecification") {
            Some(ttl) if get(ttl, "Enabled").and_then(Value::as_bool) == Some(true) => Some(
                plain_str(
                    get(ttl, "AttributeName").unwrap_or(&Value::Null),
                    "TTL AttributeName",
                )?
                .to_owned(),
            ),
            _ => None,
        };

        let schema = Self {
            attributes,
            key,
            indexes,
            ttl_attribute,
        };
        schema.check()?;
        Ok(schema)
    }

    /// Every key attribute is defined, and every defined attribute is a key somewhere
    /// (CloudFormation refuses both mistakes at deploy time; catch them in tests instead).
    fn check(&self) -> Result<(), TableSchemaError> {
        let keys: Vec<&str> = self
            .key
            .iter()
            .chain(self.indexes.iter().flat_map(|i| i.key.iter()))
            .map(|k| k.attribute.as_str())
            .collect();
        for k in &keys {
            if !self.attributes.iter().any(|(a, _)| a == k) {
                return Err(shape(format!("key attribute {k} has no AttributeDefinition")));
            }
        }
        for (a, _) in &self.attributes {
            if !keys.contains(&a.as_str()) {
                return Err(shape(format!("attribute {a} is defined but not used in any key")));
            }
        }
        Ok(())
    }

    /// Creates `table_name` with this schema (on-demand billing, no SSE/PITR/deletion
    /// protection), waits until it is active, and enables TTL.
    pub async fn create(
        &self,
        client: &aws_sdk_dynamodb::Client,
        table_name: &str,
    ) -> Result<(), StoreError> {
        let build = |e: aws_sdk_dynamodb::error::BuildError| StoreError::backend("CreateTable (build)", e);
        let key_elements = |key: &[KeyElement]| -> Result<Vec<KeySchemaElement>, StoreError> {
            key.iter()
                .map(|k| {
                    KeySchemaElement::builder()
                        .attribute_name(&k.attribute)
                        .key_type(if k.hash { KeyType::Hash } else { KeyType::Range })
                        .build()
                        .map_err(build)
                })
                .collect()
        };
        let mut request = client
            .create_table()
            .table_name(table_name)
            .billing_mode(BillingMode::PayPerRequest);
        for (name, ty) in &self.attributes {
            request = request.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(name)
                    .attribute_type(ScalarAttributeType::from(ty.as_str()))
                    .build()
                    .map_err(build)?,
            );
        }
        request = request.set_key_schema(Some(key_elements(&self.key)?));
        for index in &self.indexes {
            let projection = Projection::builder()
                .projection_type(ProjectionType::from(index.projection.as_str()))
                .set_non_key_attributes(
                    (!index.non_key_attributes.is_empty()).then(|| index.non_key_attributes.clone()),
                )
                .build();
            request = request.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(&index.name)
                    .set_key_schema(Some(key_elements(&index.key)?))
                    .projection(projection)
                    .build()
                    .map_err(build)?,
            );
        }
        request
            .send()
            .await
            .map_err(|e| StoreError::backend("CreateTable", e))?;

        // Real DynamoDB creates tables asynchronously; test servers are ACTIVE at once.
        let mut delay = Duration::from_millis(50);
        loop {
            let described = client
                .describe_table()
                .table_name(table_name)
                .send()
                .await
                .map_err(|e| StoreError::backend("DescribeTable", e))?;
            if described.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
                break;
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(2));
        }

        if let Some(attribute) = &self.ttl_attribute {
            client
                .update_time_to_live()
                .table_name(table_name)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .attribute_name(attribute)
                        .enabled(true)
                        .build()
                        .map_err(build)?,
                )
                .send()
                .await
                .map_err(|e| StoreError::backend("UpdateTimeToLive", e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_template_defines_the_table_the_store_uses() {
        let schema = TableSchema::from_workspace_template().unwrap();
        let key: Vec<_> = schema
            .key
            .iter()
            .map(|k| (k.attribute.as_str(), k.hash))
            .collect();
        assert_eq!(key, [("PK", true), ("SK", false)]);
        let names: Vec<_> = schema.indexes.iter().map(|i| i.name.as_str()).collect();
        for index in [
            super::super::keys::DUE_INDEX,
            super::super::keys::ACTIVE_ADMINS_INDEX,
            super::super::keys::ZOOM_INDEX,
            super::super::keys::FRIEND_SENDS_INDEX,
        ] {
            assert!(names.contains(&index), "template lacks index {index}: {names:?}");
        }
        assert_eq!(schema.ttl_attribute.as_deref(), Some(super::super::TTL_ATTRIBUTE));
    }

    #[test]
    fn cloudformation_tags_do_not_break_parsing() {
        let yaml = r#"
Resources:
  Key:
    Type: AWS::KMS::Key
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      SSESpecification:
        KMSMasterKeyId: !Ref Key
      TableName: !Sub "${AWS::StackName}-table"
      AttributeDefinitions:
        - { AttributeName: PK, AttributeType: S }
      KeySchema:
        - { AttributeName: PK, KeyType: HASH }
Outputs:
  Arn:
    Value: !GetAtt Table.Arn
"#;
        let schema = TableSchema::from_template_yaml(yaml).unwrap();
        assert_eq!(
            schema.key,
            vec![KeyElement {
                attribute: "PK".into(),
                hash: true
            }]
        );
        assert!(schema.indexes.is_empty() && schema.ttl_attribute.is_none());
    }

    #[test]
    fn a_key_without_a_definition_is_refused() {
        let yaml = r#"
Resources:
  Table:
    Properties:
      AttributeDefinitions: [{ AttributeName: PK, AttributeType: S }]
      KeySchema: [{ AttributeName: PK, KeyType: HASH }, { AttributeName: SK, KeyType: RANGE }]
"#;
        assert!(matches!(
            TableSchema::from_template_yaml(yaml),
            Err(TableSchemaError::Shape(_))
        ));
        assert!(matches!(
            TableSchema::from_template_yaml("Resources: {}"),
            Err(TableSchemaError::Shape(_))
        ));
        assert!(TableSchema::from_template_yaml(": : :").is_err());
    }
}
