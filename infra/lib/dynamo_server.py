"""moto's DynamoDB (and KMS) server for tests, made as unkind as real DynamoDB.

Run by infra/lib/moto.sh (`moto_start`): `python dynamo_server.py 127.0.0.1 PORT`. moto's WSGI app
answers every request; a middleware in front of it, in the same process, adds what moto lacks.

Always on, for every table
  * ClientRequestToken on TransactWriteItems: the same token with the same request (minus the
    token) within 10 minutes of its first success answers 200 `{}` and changes nothing; with a
    different request, IdempotentParameterMismatchException; while its first use is still in
    flight, TransactionInProgressException. A cancelled or failed attempt does not use the token.
  * Transaction conflicts: a TransactWriteItems claims the keys of all its items, without waiting,
    when its turn at moto comes, and holds them until it answers, which is at the earliest
    COMMIT_SECONDS (10 ms, about what a DynamoDB transaction takes) after that turn. If another
    transaction holds one of them, it is cancelled (TransactionCanceledException, reason
    TransactionConflict for each such item, None for the others, nothing applied); a
    PutItem/UpdateItem/DeleteItem on a claimed item answers TransactionConflictException.
    Requests are served on threads; only moto itself runs one request at a time (its in-memory
    backend takes no locks). Claims start at the turn, not at arrival, because DynamoDB holds a
    transaction's items for the transaction's own duration: time spent queueing for moto, which
    DynamoDB does not have, would otherwise make every hot item conflict all the time.

Faults, switched per table (the TableName a request names; for TransactWriteItems the first
item's table; for BatchWriteItem/BatchGetItem the first RequestItems key), all off by default.
They apply only to the data operations (GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan,
BatchGetItem, BatchWriteItem, TransactGetItems, TransactWriteItems) of a table that has a config,
never to the control endpoint or to CreateTable, DescribeTable, UpdateTimeToLive, DeleteTable,
ListTables and the other control-plane operations. A fault that answers an error applies nothing.

Control endpoint, on the same port (JSON in and out; 400 `{"error": "..."}` on a bad request):
  PUT    /_faults/tables/{table}      body = config (below); replaces the table's config, reseeds
                                      its random generator; answers like GET.
  GET    /_faults/tables/{table}      {"config": <config or null>, "injected": {fault: n},
                                       "requests": {Operation: n}}; "requests" counts every
                                      request that names the table, faulted or not; counters
                                      run from the server's start or the last DELETE (a PUT
                                      keeps them); config shows what is left of
                                      lost_responses_next.
  DELETE /_faults/tables/{table}      switches every fault off and zeroes the counters; `{}`.
  POST   /_faults/tables/{table}/ttl  optional body {"now": epoch seconds, default the clock};
                                      deletes now every item whose TTL attribute (the table's
                                      TimeToLiveSpecification, when enabled) is a number below
                                      `now`; answers {"deleted": n}. (Real DynamoDB deletes
                                      expired items up to days late, moto never: tests decide.)

Config fields, all optional:
  seed (int)                    seeds the table's random generator (deterministic tests).
  rates {fault: probability}    per eligible request:
    throttle              any operation: ThrottlingException or ProvisionedThroughputExceeded-
                          Exception at random (real DynamoDB throttles hot partitions and
                          on-demand tables that grow faster than it scales).
    lost_response         any operation: applied, then the answer is lost (a 500 or a dropped
                          connection after a successful write: the client cannot tell). Only
                          an answer to a request that was carried out is lost, never an
                          injected error or a conflict.
    item_conflict         PutItem/UpdateItem/DeleteItem: TransactionConflictException (a
                          transaction of someone else's is touching the item).
    transaction_conflict  TransactWriteItems: TransactionCanceledException with a
                          TransactionConflict reason on one random item (a concurrent write).
    in_progress           TransactWriteItems with a ClientRequestToken: TransactionInProgress-
                          Exception (a retry overtook its own first attempt).
    unprocessed           BatchWriteItem/BatchGetItem: each item/key is left out with this
                          probability and returned in UnprocessedItems/UnprocessedKeys in the
                          request's shape, the rest applied or read (partial batches under load).
                          All of them may be left. Counted once per item/key left.
  fault_ops ([names])           every fault of the table applies only to these operations
                                (e.g. ["DeleteItem"]: a store whose deletes fail, the rest
                                working); all data operations when absent.
  lost_response_mode            "500" (InternalServerError), "drop" (the connection is closed
                                with no answer) or "mixed" (either at random); default "mixed".
  lost_responses_next (int N)   the next N data requests (only those whose operation is in
  lost_response_ops ([names])   lost_response_ops, if given) are applied and their answer lost;
                                deterministic, independent of rates; N counts down.
  index_lag_seconds (float)     Query/Scan on a global secondary index answer from the table as
                                it was that many seconds ago (GSIs are eventually consistent);
                                base-table and LSI reads stay current. PartiQL writes are not
                                tracked.
  hold_ms (int)                 a TransactWriteItems on the table holds its claims at least
                                this long after its turn, and answers then (widens the window
                                for conflicts in tests).
Fault names in "injected": throttle, lost_response, item_conflict, transaction_conflict,
in_progress, unprocessed.
"""

import copy as _copy
import hashlib
import io
import json
import logging
import os
import random
import socket
import sys
import threading
import time
import uuid
import zlib
from collections import Counter, OrderedDict, deque
from decimal import Decimal, InvalidOperation
from http import HTTPStatus

from werkzeug.serving import run_simple
from werkzeug.wsgi import get_current_url, get_input_stream
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app

import moto.dynamodb.models as _dynamodb_models
from moto.core.responses import BaseResponse
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table as _Table

# moto's in-memory DynamoDB takes no locks: on a threaded server two TransactWriteItems could
# interleave their condition checks and writes (and a failed one rolls back by restoring a copy of
# the whole table, erasing a neighbour's write). Real DynamoDB applies each request atomically, so
# every call into moto's app, and every direct use of its backend objects, holds this lock.
# Connections are served concurrently on threads; only moto's part is one at a time.
moto_lock = threading.Lock()


# moto backs up a table before a TransactWriteItems by deep-copying it once per item of the
# transaction (a 28-item reservation copies the table 28 times), all before any item is written,
# so every copy is the same. Copying each table once gives the same rollback in a fraction of the
# time and memory; nothing else about the transaction changes.
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
    # moto runs under moto_lock, one request at a time, so swapping the module global is safe.
    _dynamodb_models.copy = _TablesCopiedOnce()
    try:
        return _transact_write_items(self, transact_items)
    finally:
        _dynamodb_models.copy = _copy


_dynamodb_models.DynamoDBBackend.transact_write_items = _transact_write_items_copying_once


# ---------------------------------------------------------------------------------------------
# Wire format

TARGET_PREFIX = "DynamoDB_20120810."
DDB = "com.amazonaws.dynamodb.v20120810#"
JSON_CT = "application/x-amz-json-1.0"

# Operations faults apply to; everything else (CreateTable, DescribeTable, ...) is never touched.
DATA_OPS = {
    "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
    "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems",
}
SINGLE_WRITES = {"PutItem", "UpdateItem", "DeleteItem"}

RATE_NAMES = ("throttle", "lost_response", "item_conflict", "transaction_conflict", "in_progress", "unprocessed")
CONFIG_FIELDS = {"seed", "rates", "fault_ops", "lost_response_mode", "lost_responses_next", "lost_response_ops",
                 "index_lag_seconds", "hold_ms"}
TOKEN_TTL_SECONDS = 600
# How long a transaction holds its items at least, from its turn at moto.
COMMIT_SECONDS = 0.010
CONFLICT_MESSAGE = "Transaction is ongoing for the item"


class Answer:
    """A complete HTTP answer: status code, header list, body bytes. `done` is True when the
    request was carried out (by moto, or as an idempotent replay): only such an answer can be
    lost; an injected error or a conflict already means that nothing happened."""

    def __init__(self, status, headers, body, done=False):
        self.status = status
        self.headers = headers
        self.body = body
        self.done = done


def _status_line(code):
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def json_answer(status, obj, content_type=JSON_CT, done=False):
    body = json.dumps(obj).encode()
    headers = [
        ("Content-Type", content_type),
        ("x-amzn-RequestId", uuid.uuid4().hex.upper()),
        ("x-amz-crc32", str(zlib.crc32(body) & 0xFFFFFFFF)),
        ("Content-Length", str(len(body))),
    ]
    return Answer(status, headers, body, done)


def ddb_error(code, message, status=400, namespace=DDB, message_key="message"):
    return json_answer(status, {"__type": namespace + code, message_key: message})


def throttling_exception():
    return ddb_error("ThrottlingException", "Rate of requests exceeds the allowed throughput.",
                     namespace="com.amazon.coral.availability#")


def provisioned_throughput_exceeded():
    return ddb_error("ProvisionedThroughputExceededException",
                     "The level of configured provisioned throughput for the table was exceeded. "
                     "Consider increasing your provisioning level with the UpdateTable API.")


def internal_server_error():
    return ddb_error("InternalServerError", "Internal server error", status=500)


def transaction_conflict_exception():
    return ddb_error("TransactionConflictException", CONFLICT_MESSAGE)


def transaction_in_progress():
    # The SDKs' model names this member "Message" (capital M), as for the two below.
    return ddb_error("TransactionInProgressException",
                     "Transaction with the given request token is already in progress", message_key="Message")


def idempotent_parameter_mismatch():
    return ddb_error("IdempotentParameterMismatchException",
                     "The request uses the same client request token as a previous, but non-identical request",
                     message_key="Message")


def transaction_canceled(n_items, conflicting):
    reasons = [{"Code": "TransactionConflict", "Message": CONFLICT_MESSAGE} if i in conflicting else {"Code": "None"}
               for i in range(n_items)]
    codes = ", ".join(r["Code"] for r in reasons)
    return json_answer(400, {
        "__type": DDB + "TransactionCanceledException",
        "CancellationReasons": reasons,
        "Message": f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
    })


def with_body(answer, obj):
    """moto's answer with a new JSON body (headers that describe the body recomputed)."""
    body = json.dumps(obj).encode()
    skip = {"content-length", "x-amz-crc32"}
    headers = [(k, v) for k, v in answer.headers if k.lower() not in skip]
    headers += [("x-amz-crc32", str(zlib.crc32(body) & 0xFFFFFFFF)), ("Content-Length", str(len(body)))]
    return Answer(answer.status, headers, body, answer.done)


# ---------------------------------------------------------------------------------------------
# Per-table fault state (under state_lock)

state_lock = threading.Lock()


class TableFaults:
    def __init__(self):
        self.config = None
        self.rng = random.Random()
        self.lost_next = 0
        self.injected = Counter()
        self.requests = Counter()

    def rate(self, name):
        return float(((self.config or {}).get("rates") or {}).get(name, 0) or 0)

    def draw(self, name):
        """Under state_lock: True with the configured probability (no draw when the rate is 0)."""
        rate = self.rate(name)
        return rate > 0 and self.rng.random() < rate

    def report(self):
        config = None
        if self.config is not None:
            config = dict(self.config)
            if "lost_responses_next" in config:
                config["lost_responses_next"] = self.lost_next
        return {"config": config, "injected": dict(self.injected), "requests": dict(self.requests)}


tables = {}  # table name -> TableFaults


def faults_of(name):
    tf = tables.get(name)
    if tf is None:
        tf = tables[name] = TableFaults()
    return tf


def active_faults(name, op):
    """Under state_lock: the table's faults if they apply to this operation, else None."""
    if op not in DATA_OPS or name is None:
        return None
    tf = tables.get(name)
    if tf is None or tf.config is None:
        return None
    only = tf.config.get("fault_ops")
    return tf if only is None or op in only else None


def validate_config(cfg):
    if not isinstance(cfg, dict):
        raise ValueError("config must be a JSON object")
    unknown = set(cfg) - CONFIG_FIELDS
    if unknown:
        raise ValueError(f"unknown config fields: {sorted(unknown)}")
    if "seed" in cfg and (not isinstance(cfg["seed"], int) or isinstance(cfg["seed"], bool)):
        raise ValueError("seed must be an integer")
    rates = cfg.get("rates", {})
    if not isinstance(rates, dict):
        raise ValueError("rates must be an object")
    for name, value in rates.items():
        if name not in RATE_NAMES:
            raise ValueError(f"unknown rate {name!r} (known: {', '.join(RATE_NAMES)})")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError(f"rate {name} must be a number from 0 to 1")
    if cfg.get("lost_response_mode", "mixed") not in ("500", "drop", "mixed"):
        raise ValueError('lost_response_mode must be "500", "drop" or "mixed"')
    for name in ("lost_responses_next", "hold_ms"):
        v = cfg.get(name, 0)
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"{name} must be a non-negative integer")
    only = cfg.get("fault_ops")
    if only is not None and (not isinstance(only, list) or not all(isinstance(o, str) for o in only)):
        raise ValueError("fault_ops must be a list of operation names")
    ops = cfg.get("lost_response_ops")
    if ops is not None and (not isinstance(ops, list) or not all(isinstance(o, str) for o in ops)):
        raise ValueError("lost_response_ops must be a list of operation names")
    lag = cfg.get("index_lag_seconds", 0)
    if isinstance(lag, bool) or not isinstance(lag, (int, float)) or lag < 0:
        raise ValueError("index_lag_seconds must be a non-negative number")


# ---------------------------------------------------------------------------------------------
# Which backend, table and keys a request is about

def request_account(environ):
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if environ.get("HTTP_X_MOTO_ACCOUNT_ID"):
        return environ["HTTP_X_MOTO_ACCOUNT_ID"]
    match = BaseResponse.access_key_regex.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not match:
        return DEFAULT_ACCOUNT_ID  # moto's fallback key is in no IAM backend either
    from moto.iam.models import get_account_id_from
    with moto_lock:
        return get_account_id_from(match.group(1))


def request_region(environ):
    # The same order as moto's BaseResponse.get_region_from_url: host name, user agent, SigV4 scope.
    url_match = BaseResponse.region_regex.search(get_current_url(environ))
    ua_match = BaseResponse.region_from_useragent_regex.search(environ.get("HTTP_USER_AGENT", ""))
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if url_match:
        return url_match.group(1)
    if ua_match:
        return ua_match.group(1)
    if "AWS4" in auth:
        try:
            return auth.split(",")[0].split("/")[2]
        except IndexError:
            pass
    return BaseResponse.default_region


def request_table(op, body):
    """The table a request's faults are looked up by (None if it names none)."""
    if op == "TransactWriteItems" or op == "TransactGetItems":
        items = body.get("TransactItems") or []
        if items and isinstance(items[0], dict) and items[0]:
            inner = next(iter(items[0].values()))
            if isinstance(inner, dict):
                return inner.get("TableName")
        return None
    if op in ("BatchWriteItem", "BatchGetItem"):
        request_items = body.get("RequestItems")
        if isinstance(request_items, dict) and request_items:
            return next(iter(request_items))
        return None
    name = body.get("TableName")
    return name if isinstance(name, str) else None


def find_table(backend, name):
    """moto's table by name or ARN, or None. Plain dict reads: safe without the lock."""
    table = backend.tables.get(name)
    if table is not None:
        return table
    for candidate in list(backend.tables.values()):
        if candidate.table_arn == name:
            return candidate
    return None


def _canonical(value):
    if isinstance(value, dict) and len(value) == 1 and "N" in value:
        try:
            return {"N": str(Decimal(value["N"]).normalize())}
        except (InvalidOperation, TypeError):
            return value
    return value


def key_of(table, op_type, op):
    """The primary key (attribute -> DynamoDB JSON value) an item request is about, or None."""
    attrs = op.get("Item") if op_type in ("Put", "PutRequest", "PutItem") else op.get("Key")
    if not isinstance(attrs, dict):
        return None
    key = {}
    for name in table.table_key_attrs:
        if name not in attrs:
            return None
        key[name] = attrs[name]
    return key


def claim_id(account, region, table, key):
    canonical = json.dumps({k: _canonical(v) for k, v in key.items()}, sort_keys=True)
    return (account, region, table.name, canonical)


def dynamo_keys(table, key):
    """(hash, range) DynamoTypes of a key, as moto indexes items."""
    hash_key = DynamoType(key[table.hash_key_attr])
    range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    return hash_key, range_key


# ---------------------------------------------------------------------------------------------
# Index lag: a shadow copy of the table that writes reach `index_lag_seconds` late.
# Everything here runs under moto_lock.

class LagState:
    def __init__(self, table):
        self.created_at = table.created_at
        self.shadow = _copy.deepcopy(table)
        self.shadow.stream_shard = None  # the shadow writes no stream records
        self.log = deque()  # (time, hash, range, item copy or None), oldest first

    def catch_up(self, upto):
        while self.log and self.log[0][0] <= upto:
            _, hash_key, range_key, item = self.log.popleft()
            items = self.shadow.items
            if item is None:
                if range_key is not None:
                    items.get(hash_key, {}).pop(range_key, None)
                else:
                    items.pop(hash_key, None)
            elif range_key is not None:
                items[hash_key][range_key] = item
            else:
                items[hash_key] = item


lag_states = {}  # (account, region, table name) -> LagState


def lag_seconds(name):
    with state_lock:
        tf = tables.get(name)
        if tf is None or tf.config is None:
            return 0.0
        return float(tf.config.get("index_lag_seconds", 0) or 0)


def lag_state(account, region, table, create):
    """The table's shadow, rebuilt if the table was recreated since (moto's transaction rollback
    swaps in a copy of the table object, so identity cannot tell)."""
    k = (account, region, table.name)
    state = lag_states.get(k)
    if state is not None and state.created_at != table.created_at:
        state = None
        del lag_states[k]
    if state is None and create:
        state = lag_states[k] = LagState(table)
    return state


def drop_lag_states(name):
    with moto_lock:
        for k in [k for k in lag_states if k[2] == name]:
            del lag_states[k]


class WriteLog:
    """Keys a write request touches, for the index-lag log: before moto applies it, make sure the
    lagged tables have a shadow; after, log each key's post-image (read under the same lock)."""

    def __init__(self, account, region, backend):
        self.account, self.region, self.backend = account, region, backend
        self.touched = []  # (table, lag, key)
        self.lags = {}

    def add(self, table_name, op_type, op):
        if table_name not in self.lags:
            self.lags[table_name] = lag_seconds(table_name)
        lag = self.lags[table_name]
        if lag <= 0:
            return
        table = find_table(self.backend, table_name)
        if table is None:
            return
        key = key_of(table, op_type, op)
        if key is not None:
            self.touched.append((table.name, lag, key))

    def before(self):
        for name, _, _ in self.touched:
            table = self.backend.tables.get(name)
            if table is not None:
                lag_state(self.account, self.region, table, create=True)

    def after(self):
        now = time.time()
        for name, lag, key in self.touched:
            table = self.backend.tables.get(name)
            if table is None:
                continue
            state = lag_state(self.account, self.region, table, create=False)
            if state is None:
                continue
            try:
                hash_key, range_key = dynamo_keys(table, key)
                item = table.get_item(hash_key, range_key)
            except Exception:
                continue
            state.log.append((now, hash_key, range_key, _copy.deepcopy(item) if item is not None else None))
            state.catch_up(now - lag)


# ---------------------------------------------------------------------------------------------
# Calling moto

app = DomainDispatcherApplication(create_backend_app)


def moto_environ(environ, body):
    env = dict(environ)
    env["wsgi.input"] = io.BytesIO(body)
    env["CONTENT_LENGTH"] = str(len(body))
    env.pop("HTTP_TRANSFER_ENCODING", None)
    env.pop("wsgi.input_terminated", None)
    return env


def call_moto(environ, body, before=None, after=None, around=None):
    """moto's answer to the request with this body. before/after run under the same lock hold;
    `around` is a context manager factory entered inside the lock."""
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = int(status.split(None, 1)[0])
        captured["headers"] = list(headers)
        return lambda data: captured.setdefault("written", []).append(data)

    env = moto_environ(environ, body)
    with moto_lock:
        if before is not None:
            before()
        try:
            if around is not None:
                with around():
                    chunks = _run_app(env, start_response)
            else:
                chunks = _run_app(env, start_response)
        finally:
            if after is not None:
                after()
    return Answer(captured["status"], captured["headers"], b"".join(captured.get("written", []) + chunks), True)


def _run_app(env, start_response):
    result = app(env, start_response)
    try:
        return [bytes(c) for c in result]
    finally:
        if hasattr(result, "close"):
            result.close()


# ---------------------------------------------------------------------------------------------
# Idempotency tokens and claims (under state_lock)

tokens_in_flight = {}  # (account, region, token) -> request hash
tokens_done = OrderedDict()  # (account, region, token) -> (request hash, time of success), oldest first
claims = {}  # claim id -> (transaction, None)


def claimed_by_other(cid, txn):
    """Under state_lock: whether another transaction holds `cid`."""
    held = claims.get(cid)
    return held is not None and held[0] is not txn


class Refused(Exception):
    """Raised by a `before` hook under moto_lock: answer this instead of calling moto."""

    def __init__(self, answer):
        super().__init__("refused")
        self.answer = answer


def prune_tokens(now):
    while tokens_done:
        k, (_, done_at) = next(iter(tokens_done.items()))
        if done_at > now - TOKEN_TTL_SECONDS:
            break
        tokens_done.popitem(last=False)


def request_hash(body):
    rest = {k: v for k, v in body.items() if k != "ClientRequestToken"}
    return hashlib.sha256(json.dumps(rest, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class DroppedConnection(ConnectionAbortedError):
    """Raised to werkzeug after the client socket was shut: it treats it as a dropped connection."""


# ---------------------------------------------------------------------------------------------
# The middleware

class Request:
    def __init__(self, environ, op, body, account, region, backend):
        self.environ, self.op, self.body = environ, op, body
        self.account, self.region, self.backend = account, region, backend
        self.table_name = request_table(op, body)


def handle_dynamodb(environ, op, raw):
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        body = None
    account, region = request_account(environ), request_region(environ)
    try:
        backend = dynamodb_backends[account][region]
    except KeyError:
        backend = None  # a region moto does not know: let moto answer as it does
    if not isinstance(body, dict) or backend is None:
        return call_moto(environ, raw), None
    req = Request(environ, op, body, account, region, backend)
    with state_lock:
        if req.table_name is not None:
            faults_of(req.table_name).requests[op] += 1
        tf = active_faults(req.table_name, op)
        if tf is not None and tf.draw("throttle"):
            tf.injected["throttle"] += 1
            return (throttling_exception() if tf.rng.random() < 0.5 else provisioned_throughput_exceeded()), None

    if op == "TransactWriteItems":
        answer = transact_write_items(req, raw, tf)
    elif op in SINGLE_WRITES:
        answer = single_write(req, raw, tf)
    elif op == "BatchWriteItem":
        answer = batch_write_item(req, raw)
    elif op == "BatchGetItem":
        answer = batch_get_item(req, raw)
    elif op in ("Query", "Scan") and isinstance(body.get("IndexName"), str):
        answer = index_read(req, raw)
    else:
        answer = call_moto(environ, raw)
    return answer, tf


def lost_mode(tf, op):
    """Under state_lock: None, "500" or "drop" for an answer that is ready to go."""
    lost = False
    ops = tf.config.get("lost_response_ops")
    if tf.lost_next > 0 and (ops is None or op in ops):
        tf.lost_next -= 1
        lost = True
    elif tf.draw("lost_response"):
        lost = True
    if not lost:
        return None
    tf.injected["lost_response"] += 1
    mode = tf.config.get("lost_response_mode", "mixed")
    if mode == "mixed":
        mode = "500" if tf.rng.random() < 0.5 else "drop"
    return mode


def single_write(req, raw, tf):
    with state_lock:
        if tf is not None and tf.draw("item_conflict"):
            tf.injected["item_conflict"] += 1
            return transaction_conflict_exception()
    op_type = "PutItem" if req.op == "PutItem" else "Key"
    log = WriteLog(req.account, req.region, req.backend)
    log.add(req.table_name, op_type, req.body)

    def before():
        # Under moto_lock: a transaction that holds the item now refuses the write.
        table = find_table(req.backend, req.table_name)
        key = key_of(table, op_type, req.body) if table is not None else None
        if key is not None:
            with state_lock:
                if claimed_by_other(claim_id(req.account, req.region, table, key), None):
                    raise Refused(transaction_conflict_exception())
        log.before()

    try:
        return call_moto(req.environ, raw, before=before, after=log.after)
    except Refused as refused:
        return refused.answer


def transact_write_items(req, raw, tf):
    body = req.body
    items = body.get("TransactItems")
    if not isinstance(items, list):
        return call_moto(req.environ, raw)
    token = body.get("ClientRequestToken")
    token_key = (req.account, req.region, token) if isinstance(token, str) else None
    digest = request_hash(body) if token_key else None
    with state_lock:
        if tf is not None and token_key is not None and tf.draw("in_progress"):
            tf.injected["in_progress"] += 1
            return transaction_in_progress()
        if token_key is not None:
            prune_tokens(time.time())
            done = tokens_done.get(token_key)
            if done is not None:
                return json_answer(200, {}, done=True) if done[0] == digest else idempotent_parameter_mismatch()
            if token_key in tokens_in_flight:
                return transaction_in_progress()
            tokens_in_flight[token_key] = digest
    succeeded = False
    try:
        with state_lock:
            if tf is not None and items and tf.draw("transaction_conflict"):
                tf.injected["transaction_conflict"] += 1
                return transaction_canceled(len(items), {tf.rng.randrange(len(items))})
        # The keys this transaction claims, one per item (None where moto will reject the item).
        ids = []
        log = WriteLog(req.account, req.region, req.backend)
        for item in items:
            cid = None
            if isinstance(item, dict) and len(item) == 1:
                op_type, op = next(iter(item.items()))
                if isinstance(op, dict) and isinstance(op.get("TableName"), str):
                    table = find_table(req.backend, op["TableName"])
                    key = key_of(table, op_type, op) if table is not None else None
                    if key is not None:
                        cid = claim_id(req.account, req.region, table, key)
                    if op_type in ("Put", "Update", "Delete"):
                        log.add(op["TableName"], op_type, op)
            ids.append(cid)
        txn = object()

        def before():
            # Under moto_lock: the transaction's turn. It claims its items now, or is cancelled
            # by the transactions that hold some of them.
            turn = time.monotonic()
            with state_lock:
                conflicting = {i for i, cid in enumerate(ids) if cid is not None and claimed_by_other(cid, txn)}
                if conflicting:
                    raise Refused(transaction_canceled(len(items), conflicting))
                for cid in ids:
                    if cid is not None:
                        claims[cid] = (txn, None)
            held["turn"] = turn
            log.before()

        def release():
            with state_lock:
                for cid in ids:
                    if cid is not None and claims.get(cid, (None,))[0] is txn:
                        del claims[cid]
            held["released"] = True

        def after():
            log.after()
            # Still under moto_lock: a transaction whose time is up lets go of its items before
            # the next request's turn (else a thread switch would make it conflict with nothing).
            if time.monotonic() - held["turn"] >= max(COMMIT_SECONDS, hold_ms / 1000):
                release()

        hold_ms = 0
        if tf is not None:
            with state_lock:
                hold_ms = int((tf.config or {}).get("hold_ms", 0) or 0)
        held = {}
        try:
            try:
                answer = call_moto(req.environ, raw, before=before, after=after)
            except Refused as refused:
                return refused.answer
            # A transaction answers once it is committed, and holds its items until then.
            rest = held["turn"] + max(COMMIT_SECONDS, hold_ms / 1000) - time.monotonic()
            if rest > 0 and not held.get("released"):
                time.sleep(rest)
        finally:
            if "turn" in held and not held.get("released"):
                release()
        succeeded = answer.status == 200
        return answer
    finally:
        if token_key is not None:
            with state_lock:
                tokens_in_flight.pop(token_key, None)
                if succeeded:
                    tokens_done[token_key] = (digest, time.time())
                    tokens_done.move_to_end(token_key)


def split_batch(op, request_items, entries_of):
    """Under state_lock: (kept, left) request items, each entry left with its table's
    `unprocessed` probability."""
    kept, left = {}, {}
    for name, value in request_items.items():
        tf = active_faults(name, op)
        entries = entries_of(value)
        if tf is None or tf.rate("unprocessed") <= 0 or not isinstance(entries, list):
            kept[name] = value
            continue
        keep, leave = [], []
        for entry in entries:
            (leave if tf.draw("unprocessed") else keep).append(entry)
        tf.injected["unprocessed"] += len(leave)
        if keep:
            kept[name] = keep
        if leave:
            left[name] = leave
    return kept, left


def batch_write_item(req, raw):
    request_items = req.body.get("RequestItems")
    if not isinstance(request_items, dict):
        return call_moto(req.environ, raw)
    with state_lock:
        kept, left = split_batch("BatchWriteItem", request_items, lambda v: v)
    if not left:
        body_bytes = raw
    elif not kept:
        return json_answer(200, {"UnprocessedItems": left}, done=True)
    else:
        body_bytes = json.dumps({**req.body, "RequestItems": kept}).encode()
    log = WriteLog(req.account, req.region, req.backend)
    for name, entries in kept.items():
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and len(entry) == 1:
                op_type, op = next(iter(entry.items()))
                if isinstance(op, dict):
                    log.add(name, op_type, op)
    answer = call_moto(req.environ, body_bytes, before=log.before, after=log.after)
    if not left or answer.status != 200:
        return answer
    out = json.loads(answer.body)
    unprocessed = out.get("UnprocessedItems") or {}
    for name, entries in left.items():
        unprocessed.setdefault(name, []).extend(entries)
    out["UnprocessedItems"] = unprocessed
    return with_body(answer, out)


def batch_get_item(req, raw):
    request_items = req.body.get("RequestItems")
    if not isinstance(request_items, dict) or not all(isinstance(v, dict) for v in request_items.values()):
        return call_moto(req.environ, raw)
    with state_lock:
        kept_keys, left_keys = split_batch("BatchGetItem", request_items, lambda v: v.get("Keys"))
    left = {name: {**request_items[name], "Keys": keys} for name, keys in left_keys.items()}
    if not left:
        return call_moto(req.environ, raw)
    kept = {name: {**request_items[name], "Keys": keys} if isinstance(keys, list) else keys
            for name, keys in kept_keys.items()}
    if not kept:
        return json_answer(200, {"Responses": {}, "UnprocessedKeys": left}, done=True)
    answer = call_moto(req.environ, json.dumps({**req.body, "RequestItems": kept}).encode())
    if answer.status != 200:
        return answer
    out = json.loads(answer.body)
    unprocessed = out.get("UnprocessedKeys") or {}
    for name, request in left.items():
        if name in unprocessed:
            unprocessed[name]["Keys"].extend(request["Keys"])
        else:
            unprocessed[name] = request
    out["UnprocessedKeys"] = unprocessed
    return with_body(answer, out)


class _ShadowInPlace:
    """Under moto_lock: the table's lagging shadow stands in for it during one moto call."""

    def __init__(self, backend, name, shadow):
        self.backend, self.name, self.shadow = backend, name, shadow

    def __enter__(self):
        self.table = self.backend.tables[self.name]
        self.backend.tables[self.name] = self.shadow

    def __exit__(self, *exc):
        self.backend.tables[self.name] = self.table
        return False


def index_read(req, raw):
    lag = lag_seconds(req.table_name)
    if lag <= 0:
        return call_moto(req.environ, raw)
    holder = {}

    def before():
        table = find_table(req.backend, req.table_name)
        state = None
        if table is not None and req.body["IndexName"] in {i.name for i in table.global_indexes}:
            state = lag_state(req.account, req.region, table, create=False)
        if state is not None:
            state.catch_up(time.time() - lag)
            if state.log:  # otherwise the shadow equals the table
                holder["swap"] = _ShadowInPlace(req.backend, table.name, state.shadow)

    def around():
        return holder.get("swap") or _Nothing()

    return call_moto(req.environ, raw, before=before, around=around)


class _Nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


# ---------------------------------------------------------------------------------------------
# TTL and the control endpoint

def expire_ttl(name, now):
    deleted = 0
    lag = lag_seconds(name)
    with moto_lock:
        for account, region, backend in list(dynamodb_backends.iter_backends()):
            table = backend.tables.get(name)
            if table is None:
                continue
            ttl = table.ttl or {}
            attr = ttl.get("AttributeName")
            if ttl.get("TimeToLiveStatus") != "ENABLED" or not attr:
                continue
            state = lag_state(account, region, table, create=lag > 0)
            at = time.time()
            for item in table.all_items():
                value = item.attrs.get(attr)
                if value is None or value.type != "N":
                    continue
                try:
                    expired = Decimal(value.value) < now
                except (InvalidOperation, TypeError):
                    continue
                if expired:
                    table.delete_item(item.hash_key, item.range_key)
                    deleted += 1
                    if state is not None:
                        state.log.append((at, item.hash_key, item.range_key, None))
    return deleted


def control(environ):
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "")
    parts = path.split("/")  # "", "_faults", "tables", name[, "ttl"]
    if len(parts) not in (4, 5) or parts[1] != "_faults" or parts[2] != "tables" or not parts[3]:
        return json_answer(404, {"error": f"no such control path: {path}"}, "application/json")
    name = parts[3]
    raw = get_input_stream(environ).read()
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        return json_answer(400, {"error": "body is not JSON"}, "application/json")

    if len(parts) == 5:
        if parts[4] != "ttl":
            return json_answer(404, {"error": f"no such control path: {path}"}, "application/json")
        if method != "POST":
            return json_answer(405, {"error": "use POST"}, "application/json")
        now = time.time()
        if body is not None:
            if not isinstance(body, dict) or set(body) - {"now"}:
                return json_answer(400, {"error": 'body must be {"now": <epoch seconds>}'}, "application/json")
            if "now" in body:
                if isinstance(body["now"], bool) or not isinstance(body["now"], (int, float)):
                    return json_answer(400, {"error": "now must be a number"}, "application/json")
                now = body["now"]
        return json_answer(200, {"deleted": expire_ttl(name, Decimal(str(now)))}, "application/json")

    if method == "PUT":
        try:
            validate_config(body if body is not None else {})
        except ValueError as e:
            return json_answer(400, {"error": str(e)}, "application/json")
        config = body if body is not None else {}
        drop_lag_states(name)
        with state_lock:
            tf = faults_of(name)
            tf.config = config
            tf.rng = random.Random(config["seed"]) if "seed" in config else random.Random()
            tf.lost_next = config.get("lost_responses_next", 0)
            return json_answer(200, tf.report(), "application/json")
    if method == "GET":
        with state_lock:
            tf = tables.get(name) or TableFaults()
            return json_answer(200, tf.report(), "application/json")
    if method == "DELETE":
        with state_lock:
            tables.pop(name, None)
        drop_lag_states(name)
        return json_answer(200, {}, "application/json")
    return json_answer(405, {"error": "use GET, PUT or DELETE"}, "application/json")


def drop_connection(environ):
    sock = environ.get("werkzeug.socket")
    if sock is None:
        return False
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    # Closing the socket object leaves the descriptor to werkzeug's own file objects, which close
    # it when the handler finishes: nothing else is written to the client.
    sock.close()
    return True


def application(environ, start_response):
    if environ.get("PATH_INFO", "").startswith("/_faults/"):
        answer = control(environ)
        start_response(_status_line(answer.status), answer.headers)
        return [answer.body]

    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if environ.get("REQUEST_METHOD") != "POST" or not target.startswith(TARGET_PREFIX):
        with moto_lock:  # KMS, moto's own API, ...: as moto answers them
            return list(app(environ, start_response))

    op = target[len(TARGET_PREFIX):]
    raw = get_input_stream(environ).read()
    answer, tf = handle_dynamodb(environ, op, raw)
    if tf is not None and answer.done:
        with state_lock:
            mode = lost_mode(tf, op) if tf.config is not None else None
        if mode == "drop" and drop_connection(environ):
            raise DroppedConnection("answer dropped on purpose")
        if mode is not None:
            answer = internal_server_error()
    start_response(_status_line(answer.status), answer.headers)
    return [answer.body]


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    run_simple(host, port, application, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
