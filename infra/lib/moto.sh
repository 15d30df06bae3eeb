# moto_start / moto_stop: a DynamoDB- and KMS-compatible server (moto) on loopback, for tests.
#
# Sourced by infra/test.sh, or by hand:
#   source infra/lib/moto.sh && moto_start && cargo test -p store; moto_stop
#
# moto_start installs moto (pinned) into .venv/moto if needed, starts it on 127.0.0.1 on a free
# port, waits until it answers, and exports DYNAMODB_ENDPOINT plus dummy AWS credentials and
# region so the AWS SDK talks to it and nothing else. moto_stop stops that one process by its
# PID. Functions return non-zero on failure instead of exiting, so sourcing into an interactive
# shell is safe. Sourcing this file has no side effects.
#
# The server is infra/lib/dynamo_server.py: moto behind a middleware that serialises moto's
# calls (its backend takes no locks) and adds what real DynamoDB does and moto does not
# (ClientRequestToken idempotency, transaction conflicts, and faults switched per table through
# a control endpoint at $DYNAMODB_ENDPOINT/_faults/...). Its docstring documents that API.

# Pinned; bump deliberately (`pip index versions moto`).
MOTO_VERSION=5.2.5

_moto_root() {
  (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
}

_moto_log() {
  printf 'moto: %s\n' "$*" >&2
}

# Prints a port the kernel considers free on 127.0.0.1 right now.
_moto_free_port() {
  "$1" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Succeeds once something answers HTTP on the port.
_moto_answers() {
  "$1" - "$2" <<'PY' 2>/dev/null
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=1)
except urllib.error.HTTPError:
    pass  # any HTTP answer means the server is up
PY
}

moto_start() {
  if [ -n "${MOTO_PID:-}" ] && kill -0 "$MOTO_PID" 2>/dev/null; then
    _moto_log "already running (pid $MOTO_PID) at $DYNAMODB_ENDPOINT"
    return 0
  fi
  local root venv
  root=$(_moto_root) || return 1
  venv="$root/.venv/moto"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || { _moto_log "could not create $venv (is python3-venv installed?)"; return 1; }
  fi
  if [ "$(cat "$venv/.pins" 2>/dev/null)" != "moto[server]==$MOTO_VERSION" ]; then
    _moto_log "installing moto[server]==$MOTO_VERSION into $venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" ||
      { _moto_log "pip could not install moto[server]==$MOTO_VERSION"; return 1; }
    printf '%s' "moto[server]==$MOTO_VERSION" >"$venv/.pins"
  fi

  # A free port can be taken between the probe and the bind: try a few times.
  local attempt port pid waited
  for attempt in 1 2 3; do
    port=$(_moto_free_port "$venv/bin/python") || return 1
    "$venv/bin/python" "$root/infra/lib/dynamo_server.py" 127.0.0.1 "$port" >"$venv/server.log" 2>&1 &
    pid=$!
    for waited in $(seq 1 150); do
      if ! kill -0 "$pid" 2>/dev/null; then
        break
      fi
      if _moto_answers "$venv/bin/python" "$port"; then
        export MOTO_PID=$pid
        export DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
        export AWS_ACCESS_KEY_ID=testing
        export AWS_SECRET_ACCESS_KEY=testing
        export AWS_SESSION_TOKEN=testing
        export AWS_REGION=ap-northeast-2
        export AWS_DEFAULT_REGION=ap-northeast-2
        export AWS_EC2_METADATA_DISABLED=true
        _moto_log "moto $MOTO_VERSION listening at $DYNAMODB_ENDPOINT (pid $pid, log $venv/server.log)"
        return 0
      fi
      sleep 0.2
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    _moto_log "attempt $attempt: server on port $port did not answer (see $venv/server.log)"
  done
  return 1
}

moto_stop() {
  if [ -z "${MOTO_PID:-}" ]; then
    return 0
  fi
  # `|| true`: a killed child's non-zero status must not abort a `set -e` caller's EXIT trap.
  if kill "$MOTO_PID" 2>/dev/null; then
    wait "$MOTO_PID" 2>/dev/null || true
  fi
  _moto_log "stopped (pid $MOTO_PID)"
  unset MOTO_PID DYNAMODB_ENDPOINT
  return 0
}
