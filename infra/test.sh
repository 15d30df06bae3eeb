#!/usr/bin/env bash
# ttokttok's one test command, for developers and CI alike (.ci/run calls it).
#
# It installs what the tests need, pinned (Python tools in .venv/, a DynamoDB-compatible server),
# starts those services on loopback, then runs every check: rustfmt, cfn-lint (on the SAM
# template and on its CloudFormation translation), clippy with warnings denied, and every test
# in the workspace. The target dir is built once and reused.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source infra/lib/common.sh

# Pinned tool versions. Bump deliberately.
CFN_LINT_VERSION=1.58.0
AWS_SAM_TRANSLATOR_VERSION=1.115.0

step "tools: Rust toolchain"
command -v cargo >/dev/null || die "cargo is not installed"
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
cargo --version

step "tools: cfn-lint $CFN_LINT_VERSION (PyPI, .venv/tools)"
python_venv .venv/tools "cfn-lint==$CFN_LINT_VERSION" "aws-sam-translator==$AWS_SAM_TRANSLATOR_VERSION"

step "format: cargo fmt --check"
cargo fmt --all -- --check

step "template: cfn-lint template.yaml, then on its offline CloudFormation translation"
# cfn-lint alone does not expand SAM resources, so broken event, schedule and runtime properties
# only show in the template SAM produces (aws-sam-translator, offline, no AWS account).
.venv/tools/bin/cfn-lint template.yaml
.venv/tools/bin/python infra/sam_translate.py template.yaml target/cfn/template.json
.venv/tools/bin/cfn-lint target/cfn/template.json

step "lint: cargo clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "services: DynamoDB-compatible server (moto, loopback)"
source infra/lib/moto.sh
moto_start
trap moto_stop EXIT
echo "DYNAMODB_ENDPOINT=$DYNAMODB_ENDPOINT"
source infra/lib/chromium.sh && chromium_ensure || die "could not install chromium and chromium-driver (the browser test needs them)"

step "tests: cargo test --workspace"
cargo test --workspace --locked --no-fail-fast

step "all checks passed in ${SECONDS}s"
