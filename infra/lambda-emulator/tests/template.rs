//! template.yaml against the code it deploys: what the functions document they need from the
//! template, and the least-privilege promises of the roles. No AWS, no moto: the template only.

mod common;

use std::cell::RefCell;
use std::collections::BTreeSet;

use app::config::{ConfigProblem, Part};
use lambda_emulator::binaries::FUNCTIONS;
use serde_yaml::Value;

fn tagged_argument(value: &Value) -> Option<String> {
    match value {
        Value::Tagged(t) => t.value.as_str().map(str::to_owned),
        _ => None,
    }
}

/// Logical ids a role's statement with `sid` lists as resources (`!Ref X`, `!GetAtt X.Arn`).
fn statement_resources(template: &Value, role: &str, sid: &str) -> BTreeSet<String> {
    statement(template, role, sid)
        .map(|s| match &s["Resource"] {
            Value::Sequence(items) => items.iter().filter_map(tagged_argument).collect(),
            single => tagged_argument(single).into_iter().collect(),
        })
        .unwrap_or_default()
}

fn statement(template: &Value, role: &str, sid: &str) -> Option<Value> {
    let policies = template["Resources"][role]["Properties"]["Policies"].as_sequence()?;
    policies
        .iter()
        .flat_map(|p| {
            p["PolicyDocument"]["Statement"]
                .as_sequence()
                .cloned()
                .unwrap_or_default()
        })
        .find(|s| s["Sid"].as_str() == Some(sid))
}

fn role_of(template: &Value, function: &str) -> String {
    let id = common::function_resource(template, function);
    tagged_argument(&template["Resources"][id.as_str()]["Properties"]["Role"])
        .and_then(|arn| arn.strip_suffix(".Arn").map(str::to_owned))
        .unwrap_or_else(|| panic!("{id} has no role of its own (Role: !GetAtt X.Arn)"))
}

/// The environment variables the function gets (Globals and its own), names only.
fn variables(template: &Value, function: &str) -> BTreeSet<String> {
    let id = common::function_resource(template, function);
    [
        &template["Globals"]["Function"]["Environment"]["Variables"],
        &template["Resources"][id.as_str()]["Properties"]["Environment"]["Variables"],
    ]
    .into_iter()
    .flat_map(|v| v.as_mapping().cloned().unwrap_or_default())
    .filter_map(|(k, _)| k.as_str().map(str::to_owned))
    .collect()
}

/// Reads the shared settings and `P` as a function does at start-up, given a value for every
/// variable in `given` (a secret counts as given through its ARN). Returns the variables the read
/// asked for and those it reported missing.
fn read_as_deployed<P: Part>(given: &BTreeSet<String>) -> (BTreeSet<String>, Vec<&'static str>) {
    let asked = RefCell::new(BTreeSet::new());
    let result = app::Settings::from_lookup_with::<P>(|name| {
        asked.borrow_mut().insert(name.to_owned());
        let set = given.contains(name) || given.contains(&format!("{name}{}", app::secrets::ARN_SUFFIX));
        match name {
            "STORE" => Some("dynamo".to_owned()),
            _ => set.then(|| "x".to_owned()),
        }
    });
    let missing = match result {
        Ok(_) => Vec::new(),
        Err(error) => error
            .problems
            .iter()
            .filter(|p| matches!(p, ConfigProblem::Missing { .. }))
            .map(ConfigProblem::var)
            .collect(),
    };
    (asked.into_inner(), missing)
}

#[test]
fn the_template_gives_each_function_every_variable_its_settings_need_and_none_they_do_not_read() {
    let template = common::template();
    let vars = |function: &str| variables(&template, function);
    let reads = [
        ("login", read_as_deployed::<login::SettingsParts>(&vars("login"))),
        ("admin", read_as_deployed::<admin::SettingsParts>(&vars("admin"))),
        (
            "attendance",
            read_as_deployed::<attendance::SettingsParts>(&vars("attendance")),
        ),
        (
            "friend-sync",
            read_as_deployed::<friend_sync::SettingsParts>(&vars("friend-sync")),
        ),
        (
            "reminder-sweep",
            read_as_deployed::<reminder_sweep::SettingsParts>(&vars("reminder-sweep")),
        ),
    ];
    assert_eq!(reads.each_ref().map(|(function, _)| *function), FUNCTIONS);
    // RUST_LOG is the log filter, read by the log set-up.
    let read = |asked: &BTreeSet<String>, var: &str| {
        var == "RUST_LOG" || asked.contains(var.strip_suffix(app::secrets::ARN_SUFFIX).unwrap_or(var))
    };
    let names = |variables: &Value| -> Vec<String> {
        variables
            .as_mapping()
            .map(|m| m.keys().filter_map(|k| k.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    for (function, (asked, missing)) in &reads {
        assert!(
            missing.is_empty(),
            "{function} would not start: {missing:?} not set"
        );
        let id = common::function_resource(&template, function);
        for var in names(&template["Resources"][id.as_str()]["Properties"]["Environment"]["Variables"]) {
            assert!(
                read(asked, &var),
                "the template gives {function} {var}, which its settings never read"
            );
        }
    }
    // Every function gets the global ones; some function must read each.
    for var in names(&template["Globals"]["Function"]["Environment"]["Variables"]) {
        assert!(
            reads.iter().any(|(_, (asked, _))| read(asked, &var)),
            "the template gives every function {var}, which no function's settings read"
        );
    }
}

#[test]
fn every_function_is_built_by_cargo_lambda_from_its_binary_for_arm64_al2023() {
    let template = common::template();
    let globals = &template["Globals"]["Function"];
    assert_eq!(globals["Runtime"].as_str(), Some("provided.al2023"));
    assert_eq!(globals["Handler"].as_str(), Some("bootstrap"));
    assert_eq!(globals["Architectures"][0].as_str(), Some("arm64"));
    assert_eq!(
        globals["CodeUri"].as_str(),
        Some("."),
        "one workspace build at the root"
    );
    for function in FUNCTIONS {
        let id = common::function_resource(&template, function);
        let resource = &template["Resources"][id.as_str()];
        assert_eq!(
            resource["Metadata"]["BuildMethod"].as_str(),
            Some("rust-cargolambda"),
            "{id}"
        );
    }
}

#[test]
fn the_schedules_send_the_inputs_the_functions_parse_verbatim() {
    let template = common::template();
    let input = |resource: &str, event: &str| {
        template["Resources"][resource]["Properties"]["Events"][event]["Properties"]["Input"]
            .as_str()
            .unwrap_or_else(|| panic!("{resource}.{event} has no Input"))
            .to_owned()
    };
    assert_eq!(
        input("ReminderSweepFunction", "EveryMinute"),
        reminder_sweep::SCHEDULE_INPUT
    );
    assert_eq!(input("FriendSyncFunction", "Daily"), friend_sync::SCHEDULE_INPUT);
    assert_eq!(
        input("FriendSyncFunction", "FinishDeletions"),
        friend_sync::DELETIONS_SCHEDULE_INPUT
    );

    let sweep =
        &template["Resources"]["ReminderSweepFunction"]["Properties"]["Events"]["EveryMinute"]["Properties"];
    assert_eq!(sweep["ScheduleExpression"].as_str(), Some("rate(1 minute)"));
    let daily = &template["Resources"]["FriendSyncFunction"]["Properties"]["Events"]["Daily"]["Properties"];
    assert_eq!(daily["ScheduleExpressionTimezone"].as_str(), Some("Asia/Seoul"));
    for schedule in [sweep, daily] {
        assert!(schedule["RetryPolicy"]["MaximumRetryAttempts"].is_number());
        assert!(
            schedule["DeadLetterConfig"]["Arn"].is_tagged(),
            "a dead-letter queue"
        );
    }
}

trait IsTagged {
    fn is_tagged(&self) -> bool;
}

impl IsTagged for Value {
    fn is_tagged(&self) -> bool {
        matches!(self, Value::Tagged(_))
    }
}

#[test]
fn the_friend_sync_gets_what_its_crate_docs_ask_for() {
    let template = common::template();
    let sync = &template["Resources"]["FriendSyncFunction"]["Properties"];
    assert_eq!(sync["Timeout"].as_u64(), Some(900));
    // It continues itself, and the login and admin functions request syncs from it.
    for role in ["FriendSyncRole", "LoginRole", "AdminRole"] {
        let invoke = match role {
            "FriendSyncRole" => statement(&template, role, "ContinueItself"),
            _ => statement(&template, role, "RequestFriendSync"),
        }
        .unwrap_or_else(|| panic!("{role} cannot invoke the friend sync"));
        assert_eq!(invoke["Action"].as_str(), Some("lambda:InvokeFunction"));
    }
    for function in ["login", "admin"] {
        assert!(
            variables(&template, function).contains("FRIEND_SYNC_FUNCTION"),
            "{function}"
        );
    }
}

#[test]
fn secrets_reach_functions_only_as_arns_each_readable_by_its_role() {
    let template = common::template();
    let plain_secrets = app::secrets::SECRET_VARS;
    for function in FUNCTIONS {
        let vars = variables(&template, function);
        for secret in plain_secrets {
            assert!(!vars.contains(secret), "{function} gets {secret} in plain");
        }
        let role = role_of(&template, function);
        let readable = statement_resources(&template, &role, "Secrets");
        let id = common::function_resource(&template, function);
        for (name, value) in [
            &template["Globals"]["Function"]["Environment"]["Variables"],
            &template["Resources"][id.as_str()]["Properties"]["Environment"]["Variables"],
        ]
        .into_iter()
        .flat_map(|v| v.as_mapping().cloned().unwrap_or_default())
        {
            let name = name.as_str().unwrap_or_default();
            if name.ends_with(app::secrets::ARN_SUFFIX) {
                let secret = tagged_argument(&value).expect("a !Ref to a secret");
                assert!(readable.contains(&secret), "{role} cannot read {secret} ({name})");
            }
        }
    }
}

#[test]
fn the_webhook_cannot_open_tokens_and_the_sweep_cannot_touch_logins() {
    let template = common::template();
    // Tokens are sealed under data keys with encryption context purpose=ttokttok-token; only a
    // role with the TokenKeys statement may ask KMS for them.
    assert!(statement(&template, "AttendanceRole", "TokenKeys").is_none());
    for role in ["LoginRole", "AdminRole", "FriendSyncRole", "ReminderSweepRole"] {
        let tokens = statement(&template, role, "TokenKeys").unwrap_or_else(|| panic!("{role}"));
        assert_eq!(
            tokens["Condition"]["StringEquals"]["kms:EncryptionContext:purpose"].as_str(),
            Some("ttokttok-token"),
            "{role}"
        );
    }
    // The table's key is usable by every role only through DynamoDB.
    for function in FUNCTIONS {
        let role = role_of(&template, function);
        let key = statement(&template, &role, "TableKey").unwrap_or_else(|| panic!("{role}"));
        assert!(
            key["Condition"]["StringEquals"]["kms:ViaService"].is_tagged(),
            "{role}"
        );
    }
    // Sessions are sealed with the session key: the sweep, the sync and the webhook cannot read
    // it. OAuth states are the login function's alone.
    for function in ["reminder-sweep", "friend-sync", "attendance"] {
        let role = role_of(&template, function);
        assert!(
            !statement_resources(&template, &role, "Secrets").contains("WebSessionSecret"),
            "{role} can read the session key"
        );
        let deny = statement(&template, &role, "NoOAuthStates").unwrap_or_else(|| panic!("{role}"));
        assert_eq!(deny["Effect"].as_str(), Some("Deny"));
    }
    assert!(statement(&template, "LoginRole", "NoOAuthStates").is_none());
}

#[test]
fn the_http_api_throttles_and_the_outputs_give_every_url_to_paste() {
    let template = common::template();
    let api = &template["Resources"]["HttpApi"]["Properties"];
    assert!(api["DefaultRouteSettings"]["ThrottlingRateLimit"].is_tagged());
    assert!(api["DefaultRouteSettings"]["ThrottlingBurstLimit"].is_tagged());
    assert!(
        api.get("StageName").is_none(),
        "the $default stage: no stage name in paths"
    );
    for output in [
        "AdminUrl",
        "KakaoRedirectUri",
        "KakaoUnlinkWebhookUrl",
        "ZoomWebhookUrl",
    ] {
        assert!(template["Outputs"][output]["Value"].is_tagged(), "{output}");
    }
    for parameter in ["DomainName", "KakaoAppId"] {
        assert!(template["Parameters"][parameter].is_mapping(), "{parameter}");
    }
}

#[test]
fn every_log_group_has_a_retention_and_every_function_logs_to_its_own() {
    let template = common::template();
    for function in FUNCTIONS {
        let id = common::function_resource(&template, function);
        let group =
            tagged_argument(&template["Resources"][id.as_str()]["Properties"]["LoggingConfig"]["LogGroup"])
                .unwrap_or_else(|| panic!("{id} has no log group of its own"));
        assert!(
            template["Resources"][group.as_str()]["Properties"]["RetentionInDays"].is_tagged(),
            "{group}"
        );
    }
}

#[test]
fn the_quota_alarm_counts_every_function_that_sends_reminders() {
    let template = common::template();
    let alarm = &template["Resources"]["QuotaNearExhaustionAlarm"]["Properties"];
    let metrics = alarm["Metrics"].as_sequence().expect("a metric-math alarm");
    let counted: BTreeSet<&str> = metrics
        .iter()
        .filter_map(|m| {
            let metric = &m["MetricStat"]["Metric"];
            (metric["MetricName"].as_str() == Some("RemindersSent"))
                .then(|| metric["Dimensions"][0]["Value"].as_str())
                .flatten()
        })
        .collect();
    // The functions that print a RemindersSent line: the sweep (its report) and the admin
    // function (manual sends and approved rounds).
    assert_eq!(
        counted,
        BTreeSet::from(["reminder-sweep", admin::metrics::FUNCTION])
    );
    let summed: Vec<&Value> = metrics
        .iter()
        .filter(|m| m["ReturnData"].as_bool() == Some(true))
        .collect();
    assert_eq!(summed.len(), 1, "one series is compared with the threshold");
    let expression = summed[0]["Expression"].as_str().expect("an expression");
    for id in ["sweep", "admin"] {
        assert!(expression.contains(id), "{expression}");
    }
}
