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

# Pinned; bump deliberately (`pip index versions moto`).
MOTO_VERSION=5.2.5

# moto's server, one request at a time. moto's in-memory DynamoDB takes no locks: on its threaded
# server two TransactWriteItems can interleave their condition checks and writes (and a failed
# one rolls back by restoring a copy of the whole table, erasing a neighbour's write). Real
# DynamoDB applies each request atomically, so the store's concurrency tests are only meaningful
# if requests are serialised. Connections stay concurrent (threaded, keep-alive); handling is not.
_MOTO_SERVER_PY='
import logging, os, sys, threading
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app

host, port = sys.argv[1], int(sys.argv[2])
os.environ.setdefault("MOTO_PORT", str(port))
app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()

# moto backs up a table before a TransactWriteItems by deep-copying it once per item of the
# transaction (a 28-item reservation copies the table 28 times), all before any item is written,
# so every copy is the same. Copying each table once gives the same rollback in a fraction of the
# time and memory; nothing else about the transaction changes.
import copy as _copy
import moto.dynamodb.models as _dynamodb_models
from moto.dynamodb.models.table import Table as _Table

class _TablesCopiedOnce:
    def __init__(self):
        self.tables = {}

    def deepcopy(self, obj, *args, **kwargs):
        if not isinstance(obj, _Table):
            return _copy.deepcopy(obj, *args, **kwargs)
        if id(obj) not in self.tables:
            self.tables[id(obj)] = _copy.deepcopy(obj, *args, **kwargs)
        return self.tables[id(obj)]

    def __getattr__(self, name):
        return getattr(_copy, name)

_transact_write_items = _dynamodb_models.DynamoDBBackend.transact_write_items

def _transact_write_items_copying_once(self, transact_items):
    # Requests are served one at a time (below), so swapping the module global `copy` is safe.
    _dynamodb_models.copy = _TablesCopiedOnce()
    try:
        return _transact_write_items(self, transact_items)
    finally:
        _dynamodb_models.copy = _copy

_dynamodb_models.DynamoDBBackend.transact_write_items = _transact_write_items_copying_once
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

def one_at_a_time(environ, start_response):
    with lock:
        return list(app(environ, start_response))

run_simple(host, port, one_at_a_time, threaded=True, request_handler=MotoRequestHandler)
'

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
    "$venv/bin/python" -c "$_MOTO_SERVER_PY" 127.0.0.1 "$port" >"$venv/server.log" 2>&1 &
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
