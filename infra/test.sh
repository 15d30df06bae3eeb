#!/usr/bin/env bash
# ttokttok's one test command, for developers and CI alike (.ci/run calls it).
#
# It installs what the tests need, pinned (Python tools in .venv/, a DynamoDB-compatible server),
# starts those services on loopback, then runs every check: rustfmt, cfn-lint (on the SAM
# template and on its CloudFormation translation), clippy with warnings denied, and every test
# in the workspace, with the five deployable Lambda zips built (arm64) and their sizes printed.
# The target dir is built once and reused.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source infra/lib/common.sh

# Pinned tool versions. Bump deliberately.
CFN_LINT_VERSION=1.58.0
AWS_SAM_TRANSLATOR_VERSION=1.115.0
CARGO_LAMBDA_VERSION=1.9.2
ZIGLANG_VERSION=0.17.0 # the linker cargo-lambda cross-compiles with

step "tools: Rust toolchain"
command -v cargo >/dev/null || die "cargo is not installed"
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
cargo --version

step "tools: cfn-lint $CFN_LINT_VERSION, cargo-lambda $CARGO_LAMBDA_VERSION (PyPI, .venv/tools)"
python_venv .venv/tools "cfn-lint==$CFN_LINT_VERSION" "aws-sam-translator==$AWS_SAM_TRANSLATOR_VERSION" \
  "cargo-lambda==$CARGO_LAMBDA_VERSION" "ziglang==$ZIGLANG_VERSION"
# The Lambda zips are arm64 (template.yaml), so the aarch64 standard library is needed. rustup
# fetches it from its own server, which a machine that reaches only the package registries
# cannot: then the same zips are built for x86_64 instead, said loudly below, so the build,
# the linking through zig and the sizes are still checked.
lambda_arch=--arm64
if ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
  if ! RUSTUP_MAX_RETRIES=0 timeout 180 rustup target add aarch64-unknown-linux-gnu; then
    lambda_arch=--x86-64
  fi
fi

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

step "build: cargo lambda build --release $lambda_arch --output-format zip (the five functions, one build)"
# The zips sam deploy uploads (template.yaml builds the same binaries the same way).
if [ "$lambda_arch" != --arm64 ]; then
  echo "NOTICE: rustup could not fetch the aarch64-unknown-linux-gnu standard library here, so these"
  echo "        zips are x86_64 builds of the same code; the arm64 zips sam build makes are not built."
fi
PATH="$PWD/.venv/tools/bin:$PATH" cargo lambda build --release "$lambda_arch" --output-format zip --locked \
  -p login -p admin -p attendance -p friend-sync -p reminder-sweep
for zip in target/lambda/*/bootstrap.zip; do
  printf '  %-16s %5s KiB\n' "$(basename "$(dirname "$zip")")" "$(( $(stat -c %s "$zip") / 1024 ))"
done

step "services: DynamoDB-compatible server (moto, loopback)"
source infra/lib/moto.sh
moto_start
trap moto_stop EXIT
echo "DYNAMODB_ENDPOINT=$DYNAMODB_ENDPOINT"
source infra/lib/chromium.sh && chromium_ensure || die "could not install chromium and chromium-driver (the browser test needs them)"

step "tests: cargo test --workspace"
cargo test --workspace --locked --no-fail-fast

step "all checks passed in ${SECONDS}s"
