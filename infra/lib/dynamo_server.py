"""moto's DynamoDB (and KMS) server for tests: run by infra/lib/moto.sh as
`python dynamo_server.py 127.0.0.1 PORT`.

moto's server, one request at a time. moto's in-memory DynamoDB takes no locks: on its threaded
server two TransactWriteItems can interleave their condition checks and writes (and a failed
one rolls back by restoring a copy of the whole table, erasing a neighbour's write). Real
DynamoDB applies each request atomically, so the store's concurrency tests are only meaningful
if requests are serialised. Connections stay concurrent (threaded); handling is not.
"""
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
