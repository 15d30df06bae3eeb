//! Secrets read once at cold start from AWS Secrets Manager, with plain environment variables as
//! the fallback for local runs and tests.
//!
//! In AWS the template never puts a secret in a function's environment. It sets
//! `{VAR}_SECRET_ARN` instead (`KAKAO_ADMIN_KEY_SECRET_ARN`, `WEB_SECRET_SECRET_ARN`, ...), and
//! [`load_once`] fetches each named secret's current value before anything reads its settings.
//! [`lookup`] then answers a variable from the loaded secrets first and from the environment
//! otherwise, so the settings read (`Services::from_env`, through [`lookup`]) sees one view.
//!
//! | variable | holds the secret for |
//! |---|---|
//! | `KAKAO_REST_API_KEY_SECRET_ARN` | `KAKAO_REST_API_KEY` |
//! | `KAKAO_CLIENT_SECRET_SECRET_ARN` | `KAKAO_CLIENT_SECRET` (optional: an empty secret means none) |
//! | `KAKAO_ADMIN_KEY_SECRET_ARN` | `KAKAO_ADMIN_KEY` |
//! | `WEB_SECRET_SECRET_ARN` | `WEB_SECRET` (the session and link key) |
//! | `ZOOM_WEBHOOK_SECRET_TOKEN_SECRET_ARN` | `ZOOM_WEBHOOK_SECRET_TOKEN` |
//!
//! A secret is the plain `SecretString` of its current version (`AWSCURRENT`), trimmed. A secret
//! created empty (the template does that for values only the operator has) or holding only
//! whitespace counts as unset, so an optional value such as the client secret can stay empty and
//! a required one is reported missing by the settings reader, by name.
//!
//! Setting both `VAR` and `VAR_SECRET_ARN` is refused: which one wins would be a guess.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

/// Every variable that may come from Secrets Manager.
pub const SECRET_VARS: [&str; 5] = [
    "KAKAO_REST_API_KEY",
    "KAKAO_CLIENT_SECRET",
    "KAKAO_ADMIN_KEY",
    "WEB_SECRET",
    "ZOOM_WEBHOOK_SECRET_TOKEN",
];

/// `{VAR}{ARN_SUFFIX}` names the secret holding `VAR`.
pub const ARN_SUFFIX: &str = "_SECRET_ARN";

/// One secret to fetch: the variable it stands for and where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRef {
    pub var: &'static str,
    pub arn: String,
}

/// Where secret values come from: Secrets Manager in AWS, a map in tests.
#[async_trait]
pub trait SecretSource: Send + Sync {
    /// The current value of the secret at `arn`; `None` when it has no value yet.
    async fn current_value(&self, arn: &str) -> Result<Option<SecretString>, SourceError>;
}

/// A source could not give a secret's value.
#[derive(Debug, thiserror::Error)]
#[error("{operation} failed")]
pub struct SourceError {
    pub operation: &'static str,
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

/// Why secrets could not be loaded. Names variables and ARNs, never values.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("{var} and {var}{ARN_SUFFIX} are both set; set one")]
    Ambiguous { var: &'static str },
    #[error("could not read {var} from Secrets Manager ({arn})")]
    Fetch {
        var: &'static str,
        arn: String,
        #[source]
        source: SourceError,
    },
}

/// The values loaded at cold start, by variable. `Debug` shows the variables only.
#[derive(Clone, Default)]
pub struct Secrets {
    values: HashMap<&'static str, SecretString>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut vars: Vec<&str> = self.values.keys().copied().collect();
        vars.sort_unstable();
        f.debug_struct("Secrets").field("loaded", &vars).finish()
    }
}

impl Secrets {
    /// Which secrets `lookup` asks for (pure): each `{VAR}_SECRET_ARN` that is set, in
    /// [`SECRET_VARS`] order. A variable also set in plain is an error.
    pub fn requested(lookup: impl Fn(&str) -> Option<String>) -> Result<Vec<SecretRef>, SecretsError> {
        let present = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut refs = Vec::new();
        for var in SECRET_VARS {
            if let Some(arn) = present(&format!("{var}{ARN_SUFFIX}")) {
                if present(var).is_some() {
                    return Err(SecretsError::Ambiguous { var });
                }
                refs.push(SecretRef { var, arn });
            }
        }
        Ok(refs)
    }

    /// Fetches every requested secret from `source`, all at once.
    pub async fn load(refs: &[SecretRef], source: &dyn SecretSource) -> Result<Self, SecretsError> {
        let fetches = refs.iter().map(|r| async move {
            let value = source
                .current_value(&r.arn)
                .await
                .map_err(|source| SecretsError::Fetch {
                    var: r.var,
                    arn: r.arn.clone(),
                    source,
                })?;
            Ok::<_, SecretsError>((r, value))
        });
        let mut values = HashMap::new();
        for result in futures::future::join_all(fetches).await {
            let (r, value) = result?;
            let value = value
                .map(|v| v.expose_secret().trim().to_owned())
                .filter(|v| !v.is_empty());
            match value {
                Some(v) => {
                    values.insert(r.var, SecretString::from(v));
                }
                None => {
                    tracing::warn!(var = r.var, arn = %r.arn, "secret has no value yet; treated as unset")
                }
            }
        }
        Ok(Self { values })
    }

    /// The loaded value of `var`, if any.
    pub fn get(&self, var: &str) -> Option<&SecretString> {
        self.values.get(var)
    }

    /// The variables that were loaded.
    pub fn loaded(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.values.keys().copied()
    }

    /// A lookup answering from these secrets first, then from `fallback`; blank values are unset.
    pub fn overlay<'a>(
        &'a self,
        fallback: impl Fn(&str) -> Option<String> + 'a,
    ) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| match self.get(name) {
            Some(value) => Some(value.expose_secret().to_owned()),
            None => fallback(name).filter(|v| !v.trim().is_empty()),
        }
    }
}

/// Secrets Manager's `GetSecretValue`, current version.
#[derive(Debug, Clone)]
pub struct SecretsManagerSource {
    client: aws_sdk_secretsmanager::Client,
}

impl SecretsManagerSource {
    pub fn new(client: aws_sdk_secretsmanager::Client) -> Self {
        Self { client }
    }
}

#[async_trait]
impl SecretSource for SecretsManagerSource {
    async fn current_value(&self, arn: &str) -> Result<Option<SecretString>, SourceError> {
        use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueError;
        match self.client.get_secret_value().secret_id(arn).send().await {
            Ok(out) => Ok(out.secret_string.map(SecretString::from)),
            // A secret created without a value has no AWSCURRENT version yet.
            Err(e)
                if matches!(
                    e.as_service_error(),
                    Some(GetSecretValueError::ResourceNotFoundException(_))
                ) && secret_exists(&self.client, arn).await =>
            {
                Ok(None)
            }
            Err(e) => Err(SourceError {
                operation: "GetSecretValue",
                source: Box::new(e),
            }),
        }
    }
}

/// Whether the secret itself exists (its value may not). Errors count as "no": the caller then
/// reports the original not-found error.
async fn secret_exists(client: &aws_sdk_secretsmanager::Client, arn: &str) -> bool {
    client.describe_secret().secret_id(arn).send().await.is_ok()
}

static LOADED: OnceLock<Secrets> = OnceLock::new();

/// Loads the secrets the environment names, once per process (cold start). Later calls return
/// the first result without asking again. With no `*_SECRET_ARN` set, no AWS client is built.
pub async fn load_once() -> Result<&'static Secrets, SecretsError> {
    if let Some(loaded) = LOADED.get() {
        return Ok(loaded);
    }
    let refs = Secrets::requested(|name| std::env::var(name).ok())?;
    let secrets = if refs.is_empty() {
        Secrets::default()
    } else {
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .load()
            .await;
        let source = SecretsManagerSource::new(aws_sdk_secretsmanager::Client::new(&sdk));
        let secrets = Secrets::load(&refs, &source).await?;
        let loaded: Vec<&str> = secrets.loaded().collect();
        tracing::info!(count = loaded.len(), vars = ?loaded, "secrets loaded from Secrets Manager");
        secrets
    };
    // Two racing first calls both load; either result is the same, the first one stays.
    Ok(LOADED.get_or_init(|| secrets))
}

/// A variable's value: from the secrets [`load_once`] loaded, else from the environment. Blank
/// values are unset. Before [`load_once`] (or without ARNs) this is the environment alone.
pub fn lookup(name: &str) -> Option<String> {
    let env = |name: &str| std::env::var(name).ok();
    match LOADED.get() {
        Some(secrets) => secrets.overlay(env)(name),
        None => env(name).filter(|v| !v.trim().is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    /// Secret values by ARN; `None` for a secret without a value; records what was asked.
    #[derive(Default)]
    struct FakeSource {
        values: HashMap<String, Option<String>>,
        asked: Mutex<Vec<String>>,
    }

    impl FakeSource {
        fn with(pairs: &[(&str, Option<&str>)]) -> Self {
            Self {
                values: pairs
                    .iter()
                    .map(|(arn, v)| (arn.to_string(), v.map(str::to_owned)))
                    .collect(),
                asked: Mutex::default(),
            }
        }
    }

    #[async_trait]
    impl SecretSource for FakeSource {
        async fn current_value(&self, arn: &str) -> Result<Option<SecretString>, SourceError> {
            self.asked.lock().unwrap().push(arn.to_owned());
            match self.values.get(arn) {
                Some(v) => Ok(v.clone().map(SecretString::from)),
                None => Err(SourceError {
                    operation: "GetSecretValue",
                    source: "AccessDeniedException".into(),
                }),
            }
        }
    }

    const ADMIN_ARN: &str =
        "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:ttokttok/kakao-admin-key-AbCdEf";
    const REST_ARN: &str =
        "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:ttokttok/kakao-rest-api-key-GhIjKl";
    const CLIENT_ARN: &str =
        "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:ttokttok/kakao-client-secret-MnOpQr";

    #[test]
    fn only_variables_with_an_arn_are_requested() {
        let refs = Secrets::requested(env(&[
            ("KAKAO_ADMIN_KEY_SECRET_ARN", ADMIN_ARN),
            ("KAKAO_REST_API_KEY", "plain-rest-key"),
            ("WEB_SECRET_SECRET_ARN", "  "),
        ]))
        .unwrap();
        assert_eq!(
            refs,
            [SecretRef {
                var: "KAKAO_ADMIN_KEY",
                arn: ADMIN_ARN.into()
            }]
        );
    }

    #[test]
    fn a_variable_set_both_ways_is_refused_by_name() {
        let err = Secrets::requested(env(&[
            ("KAKAO_ADMIN_KEY_SECRET_ARN", ADMIN_ARN),
            ("KAKAO_ADMIN_KEY", "admin-key-value"),
        ]))
        .unwrap_err();
        assert!(matches!(
            err,
            SecretsError::Ambiguous {
                var: "KAKAO_ADMIN_KEY"
            }
        ));
        let message = err.to_string();
        assert!(message.contains("KAKAO_ADMIN_KEY_SECRET_ARN"), "{message}");
        assert!(!message.contains("admin-key-value"), "{message}");
    }

    #[tokio::test]
    async fn loaded_secrets_answer_before_the_environment_and_empty_ones_count_as_unset() {
        let source = FakeSource::with(&[
            (ADMIN_ARN, Some("admin-key-value\n")),
            (REST_ARN, Some("rest-key-value")),
            (CLIENT_ARN, None),
        ]);
        let lookup_env = env(&[
            ("KAKAO_ADMIN_KEY_SECRET_ARN", ADMIN_ARN),
            ("KAKAO_REST_API_KEY_SECRET_ARN", REST_ARN),
            ("KAKAO_CLIENT_SECRET_SECRET_ARN", CLIENT_ARN),
            ("KAKAO_APP_ID", "100001"),
            ("STORE", "dynamo"),
            ("TABLE_NAME", "ttokttok"),
            ("TOKEN_KMS_KEY_ID", "alias/ttokttok"),
        ]);
        let refs = Secrets::requested(&lookup_env).unwrap();
        let secrets = Secrets::load(&refs, &source).await.unwrap();
        assert_eq!(source.asked.lock().unwrap().len(), 3);

        let lookup = secrets.overlay(&lookup_env);
        assert_eq!(lookup("KAKAO_ADMIN_KEY").as_deref(), Some("admin-key-value"));
        assert_eq!(lookup("KAKAO_CLIENT_SECRET"), None);
        assert_eq!(lookup("KAKAO_APP_ID").as_deref(), Some("100001"));

        let settings = crate::Settings::from_lookup(lookup).unwrap();
        assert_eq!(
            settings.kakao.admin_key.as_ref().unwrap().expose_secret(),
            "admin-key-value"
        );
        assert_eq!(settings.kakao.rest_api_key, "rest-key-value");
        assert!(settings.kakao.client_secret.is_none());
    }

    #[tokio::test]
    async fn a_secret_that_cannot_be_read_fails_the_start_naming_variable_and_arn_only() {
        let source = FakeSource::with(&[(REST_ARN, Some("rest-key-value"))]);
        let refs = Secrets::requested(env(&[
            ("KAKAO_REST_API_KEY_SECRET_ARN", REST_ARN),
            ("KAKAO_ADMIN_KEY_SECRET_ARN", ADMIN_ARN),
        ]))
        .unwrap();
        let err = Secrets::load(&refs, &source).await.unwrap_err();
        let message = err.to_string();
        assert!(message.contains("KAKAO_ADMIN_KEY"), "{message}");
        assert!(message.contains(ADMIN_ARN), "{message}");
        assert!(!message.contains("rest-key-value"), "{message}");
    }

    #[tokio::test]
    async fn debug_output_names_the_loaded_variables_and_never_their_values() {
        let source = FakeSource::with(&[(ADMIN_ARN, Some("admin-key-value"))]);
        let refs = Secrets::requested(env(&[("KAKAO_ADMIN_KEY_SECRET_ARN", ADMIN_ARN)])).unwrap();
        let secrets = Secrets::load(&refs, &source).await.unwrap();
        let printed = format!("{secrets:?}");
        assert!(printed.contains("KAKAO_ADMIN_KEY"), "{printed}");
        assert!(!printed.contains("admin-key-value"), "{printed}");
    }
}
