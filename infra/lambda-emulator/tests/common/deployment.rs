//! [`Deployment`]: what `sam deploy` creates, in miniature, for the function binaries: a fresh
//! table created from template.yaml, a KMS key and the secrets in moto (the DynamoDB-, KMS- and
//! Secrets Manager-compatible server infra/test.sh starts), and each function's environment
//! resolved from template.yaml itself, so a variable missing from the template fails here as it
//! would in AWS. [`HttpResponse`] reads an API Gateway HTTP API (payload v2) answer.
//!
//! Without `DYNAMODB_ENDPOINT` (moto not started) [`Deployment::create`] says so and returns
//! `None`; under `CI=true` it fails instead.
//!
//! Test support (the tests and the cold-start benchmark include it): a setup failure panics
//! with what went wrong, as a failing test should.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use lambda_emulator::binaries::{self, Profile};
use lambda_emulator::{FunctionProcess, InvokeError, Outcome, RuntimeApi};
use serde_json::Value;
use serde_yaml::value::TaggedValue;

/// The stand-in parameter values, as an operator would give them to `sam deploy`.
pub const DOMAIN: &str = "ttokttok.example.com";
pub const KAKAO_APP_ID: &str = "100001";
pub const STACK: &str = "ttokttok";
pub const REGION: &str = "ap-northeast-2";
pub const ACCOUNT: &str = "123456789012";

/// The secret values the tests put in Secrets Manager.
pub const REST_API_KEY: &str = "e2e0c1d2b3a4f5e6d7c8b9a0f1e2d3c4";
pub const ADMIN_KEY: &str = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
pub const ZOOM_SECRET_TOKEN: &str = "zoom-secret-token-for-tests";
/// 48 bytes of base64, like the template's generated session key.
pub const WEB_SECRET: &str = "Q2hhbmdlTWVOb3RJblByb2R1Y3Rpb25Ub2trb2tUZXN0U2VjcmV0S2V5MDEyMzQ1";

/// Where Kakao would be: nothing listens there, so any call to Kakao fails loudly (none of these
/// invocations should reach Kakao).
pub const KAKAO_BASE: &str = "http://127.0.0.1:9";

/// How long a function may take to ask for its first event (a debug build on a busy machine).
pub const READY_LIMIT: Duration = Duration::from_secs(30);

/// A committed fixture of this crate, as JSON.
pub fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    read_json(path)
}

/// A committed fixture of another crate of the workspace (e.g. a function's Scheduler input).
pub fn workspace_fixture(relative: &str) -> Value {
    read_json(binaries::workspace_root().join(relative))
}

fn read_json(path: PathBuf) -> Value {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The template, parsed (CloudFormation tags kept as YAML tags).
pub fn template() -> serde_yaml::Value {
    let path = binaries::workspace_root().join("template.yaml");
    let text = std::fs::read_to_string(&path).expect("read template.yaml");
    serde_yaml::from_str(&text).expect("template.yaml is YAML")
}

/// `Resources.{name}` of the template.
pub fn resource(template: &serde_yaml::Value, name: &str) -> serde_yaml::Value {
    template["Resources"][name].clone()
}

/// The logical id of the function whose binary is `binary`.
pub fn function_resource(template: &serde_yaml::Value, binary: &str) -> String {
    let resources = template["Resources"].as_mapping().expect("Resources");
    resources
        .iter()
        .find(|(_, r)| r["Metadata"]["BuildProperties"]["Binary"].as_str() == Some(binary))
        .and_then(|(id, _)| id.as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("template.yaml has no function built from binary {binary}"))
}

/// The build the tests use (the benchmark switches to release before starting anything).
static PROFILE: OnceLock<Profile> = OnceLock::new();

/// Uses `profile`'s binaries from now on in this process (first call wins).
pub fn use_profile(profile: Profile) {
    let _ = PROFILE.set(profile);
}

/// Builds the five binaries once per process, and returns `function`'s.
pub fn binary(function: &str) -> PathBuf {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let profile = *PROFILE.get_or_init(|| Profile::Debug);
    let built = BUILT.get_or_init(|| {
        binaries::ensure_built(profile, &binaries::FUNCTIONS)
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    if let Err(e) = built {
        panic!("the function binaries could not be built: {e}");
    }
    binaries::path(profile, function)
}

/// Moto's endpoint, or `None` (with a notice) when it is not running. Under `CI=true` a missing
/// endpoint is a failure: nothing skips silently.
pub fn moto_endpoint() -> Option<String> {
    match std::env::var("DYNAMODB_ENDPOINT") {
        Ok(endpoint) if !endpoint.trim().is_empty() => Some(endpoint.trim().to_owned()),
        _ => {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "CI=true but DYNAMODB_ENDPOINT is unset: start moto (source infra/lib/moto.sh; moto_start)"
            );
            eprintln!(
                "NOTICE: skipping the Lambda emulator tests: DYNAMODB_ENDPOINT is unset \
                 (source infra/lib/moto.sh; moto_start)"
            );
            None
        }
    }
}

/// What `sam deploy` would have created, in moto: the table, the key, the secrets.
pub struct Deployment {
    pub endpoint: String,
    pub table: String,
    pub key_arn: String,
    /// Secret logical id -> ARN.
    pub secrets: HashMap<&'static str, String>,
    pub dynamodb: aws_sdk_dynamodb::Client,
}

async fn sdk(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new(REGION))
        .load()
        .await
}

impl Deployment {
    /// A fresh deployment, or `None` without moto (see [`moto_endpoint`]).
    pub async fn create() -> Option<Deployment> {
        let endpoint = moto_endpoint()?;
        let sdk = sdk(&endpoint).await;
        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
        let suffix = uuid::Uuid::new_v4().simple().to_string()[..16].to_owned();
        let table = format!("{STACK}-emulator-{suffix}");
        store::dynamo::TableSchema::from_workspace_template()
            .expect("template.yaml has the table")
            .create(&dynamodb, &table)
            .await
            .expect("create the table in moto");

        let kms = aws_sdk_kms::Client::new(&sdk);
        let key = kms.create_key().send().await.expect("create a KMS key in moto");
        let key_arn = key
            .key_metadata()
            .and_then(|m| m.arn())
            .expect("the new key has an ARN")
            .to_owned();

        let secretsmanager = aws_sdk_secretsmanager::Client::new(&sdk);
        let mut secrets = HashMap::new();
        // As the operator leaves them after following the README: three with values, the client
        // secret left empty (this app has none), the session key generated.
        let values: [(&'static str, Option<&str>); 5] = [
            ("KakaoRestApiKeySecret", Some(REST_API_KEY)),
            ("KakaoClientSecretSecret", None),
            ("KakaoAdminKeySecret", Some(ADMIN_KEY)),
            ("WebSessionSecret", Some(WEB_SECRET)),
            ("ZoomWebhookSecret", Some(ZOOM_SECRET_TOKEN)),
        ];
        for (logical_id, value) in values {
            let mut request = secretsmanager
                .create_secret()
                .name(format!("{STACK}-{suffix}/{logical_id}"))
                .kms_key_id(&key_arn);
            if let Some(value) = value {
                request = request.secret_string(value);
            }
            let created = request.send().await.expect("create a secret in moto");
            secrets.insert(logical_id, created.arn().expect("the secret's ARN").to_owned());
        }
        Some(Deployment {
            endpoint,
            table,
            key_arn,
            secrets,
            dynamodb,
        })
    }

    /// The function's environment as the template defines it (Globals, then the function's
    /// own), every `!Ref`, `!GetAtt` and `!Sub` resolved against this deployment, plus what the
    /// Lambda service adds (credentials, region) and moto's endpoint.
    pub fn environment(&self, binary: &str) -> Vec<(String, String)> {
        let template = template();
        let id = function_resource(&template, binary);
        let mut env: Vec<(String, String)> = Vec::new();
        for variables in [
            &template["Globals"]["Function"]["Environment"]["Variables"],
            &template["Resources"][id.as_str()]["Properties"]["Environment"]["Variables"],
        ] {
            for (name, value) in variables.as_mapping().into_iter().flatten() {
                let name = name.as_str().expect("variable names are strings").to_owned();
                let value = self.resolve(value);
                env.retain(|(n, _)| *n != name);
                env.push((name, value));
            }
        }
        env.extend(
            [
                ("AWS_REGION", REGION),
                ("AWS_DEFAULT_REGION", REGION),
                ("AWS_ACCESS_KEY_ID", "testing"),
                ("AWS_SECRET_ACCESS_KEY", "testing"),
                ("AWS_SESSION_TOKEN", "testing"),
                ("KAKAO_AUTH_BASE", KAKAO_BASE),
                ("KAKAO_API_BASE", KAKAO_BASE),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        // Moto stands in for every AWS endpoint (Secrets Manager, KMS, Lambda) and DynamoDB.
        env.push(("AWS_ENDPOINT_URL".into(), self.endpoint.clone()));
        env.push(("DYNAMODB_ENDPOINT".into(), self.endpoint.clone()));
        env
    }

    fn reference(&self, name: &str) -> String {
        match name {
            "Table" => self.table.clone(),
            "DataKey" | "DataKey.Arn" => self.key_arn.clone(),
            "DomainName" => DOMAIN.into(),
            "KakaoAppId" => KAKAO_APP_ID.into(),
            "ReminderLinks" => "tracked".into(),
            "AWS::StackName" => STACK.into(),
            "AWS::Region" => REGION.into(),
            "AWS::AccountId" => ACCOUNT.into(),
            "AWS::Partition" => "aws".into(),
            "FriendSyncFunction" => format!("{STACK}-friend-sync"),
            secret if self.secrets.contains_key(secret) => self.secrets[secret].clone(),
            other => panic!("the emulator tests do not know how to resolve {other} (template.yaml)"),
        }
    }

    fn resolve(&self, value: &serde_yaml::Value) -> String {
        match value {
            serde_yaml::Value::String(s) => s.clone(),
            serde_yaml::Value::Number(n) => n.to_string(),
            serde_yaml::Value::Bool(b) => b.to_string(),
            serde_yaml::Value::Tagged(tagged) => self.resolve_tag(tagged),
            other => panic!("unexpected environment value in template.yaml: {other:?}"),
        }
    }

    fn resolve_tag(&self, tagged: &TaggedValue) -> String {
        let argument = tagged.value.as_str().unwrap_or_else(|| {
            panic!(
                "template.yaml: {} takes a string here, got {:?}",
                tagged.tag, tagged.value
            )
        });
        match tagged.tag.to_string().as_str() {
            "!Ref" | "!GetAtt" => self.reference(argument),
            "!Sub" => {
                let mut out = String::new();
                let mut rest = argument;
                while let Some(start) = rest.find("${") {
                    out.push_str(&rest[..start]);
                    let end = rest[start..].find('}').expect("a closed ${...}") + start;
                    out.push_str(&self.reference(&rest[start + 2..end]));
                    rest = &rest[end + 1..];
                }
                out.push_str(rest);
                out
            }
            other => panic!("template.yaml: the emulator tests do not resolve {other}"),
        }
    }

    /// Starts `binary` under a fresh runtime API with `env`, and waits until it asks for work.
    pub async fn start_with(&self, binary: &str, env: Vec<(String, String)>) -> Running {
        let api = RuntimeApi::start().await.expect("start the runtime API emulator");
        let path = self::binary(binary);
        let process = FunctionProcess::spawn(&path, &format!("{STACK}-{binary}"), &api, &env)
            .unwrap_or_else(|e| panic!("start {}: {e}", path.display()));
        match api.wait_until_ready(READY_LIMIT).await {
            Ok(at) => Running {
                ready_after: at.saturating_duration_since(process.started()),
                api,
                process,
            },
            Err(report) => panic!(
                "{binary} did not ask for work (init error: {report:?}); its output:\n{}",
                process.output_text()
            ),
        }
    }

    /// Starts `binary` with its template environment.
    pub async fn start(&self, binary: &str) -> Running {
        self.start_with(binary, self.environment(binary)).await
    }
}

/// A function binary running under the emulator.
pub struct Running {
    pub api: RuntimeApi,
    pub process: FunctionProcess,
    /// Process start to its first request for work.
    pub ready_after: Duration,
}

impl Running {
    /// Invokes the function with `event` (a 30-second deadline) and returns what it posted.
    pub async fn invoke(&self, event: Value) -> Outcome {
        let started = Instant::now();
        match self.api.invoke(event, Duration::from_secs(30)).await {
            Ok(outcome) => outcome,
            Err(InvokeError::Timeout(limit)) => panic!(
                "{} did not answer within {limit:?} (after {:?}); its output:\n{}",
                self.process.name(),
                started.elapsed(),
                self.process.output_text()
            ),
            Err(e) => panic!(
                "{}: {e}; its output:\n{}",
                self.process.name(),
                self.process.output_text()
            ),
        }
    }

    /// Invokes and expects a JSON response.
    pub async fn invoke_json(&self, event: Value) -> Value {
        let outcome = self.invoke(event).await;
        outcome.json().unwrap_or_else(|e| {
            panic!(
                "{}: {e}; its output:\n{}",
                self.process.name(),
                self.process.output_text()
            )
        })
    }
}

/// An API Gateway HTTP API (payload v2) response, read.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub cookies: Vec<String>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn from_json(value: &Value) -> HttpResponse {
        use base64::Engine;
        let status = value["statusCode"].as_u64().expect("statusCode") as u16;
        let headers = value["headers"]
            .as_object()
            .map(|h| {
                h.iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let cookies = value["cookies"]
            .as_array()
            .map(|c| c.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let raw = value["body"].as_str().unwrap_or_default();
        let body = if value["isBase64Encoded"].as_bool() == Some(true) {
            base64::engine::general_purpose::STANDARD
                .decode(raw)
                .expect("a base64 body")
        } else {
            raw.as_bytes().to_vec()
        };
        HttpResponse {
            status,
            headers,
            cookies,
            body,
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// Replaces `{{NAME}}` placeholders in every string of a fixture.
pub fn fill(value: &mut Value, name: &str, with: &str) {
    let placeholder = format!("{{{{{name}}}}}");
    match value {
        Value::String(s) if s.contains(&placeholder) => *s = s.replace(&placeholder, with),
        Value::Array(items) => items.iter_mut().for_each(|v| fill(v, name, with)),
        Value::Object(fields) => fields.values_mut().for_each(|v| fill(v, name, with)),
        _ => {}
    }
}
