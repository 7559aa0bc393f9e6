"""Where flow state is kept, so a flow survives the death of its process.

Every run is a TaskFlow FlowDetail in one LogBook per backend (service
host), whose ``meta`` holds the operation name and the plain request --
enough to rebuild the flow from :mod:`vmax_flows.registry` after a crash
(:mod:`vmax_flows.recovery`) -- plus, once the run ends, its timings (the
run history, ``vmax-flows history``).

Two kinds of backend:

* the default, :class:`SqliteBackend`: a SQLite file under the state path
  reached through one ``sqlite3`` connection in WAL mode.  TaskFlow's own
  SQLAlchemy backend rebuilds its table metadata on every connection and
  costs about 40 ms per task (taskflow-and-cinder.md, A.8); this one
  implements TaskFlow's path-based backend interface over a single
  key/value table and costs well under a millisecond per write.
  ``synchronous=NORMAL`` survives the death of the process (what a crash
  of cinder-volume is); only a power loss may lose the last commits.
* any TaskFlow persistence URL (``mysql+pymysql://...``,
  ``postgresql://...``, ``sqlite:///file``, ``memory://``): TaskFlow's own
  backends, schema upgraded once at open.
"""

import contextlib
import datetime
import json
import os
import posixpath
import sqlite3
import threading
import uuid

from taskflow import exceptions as tf_exceptions
from taskflow.persistence import backends
from taskflow.persistence import models
from taskflow.persistence import path_based
from taskflow import states

STATE_FILE = 'vmax-flows.sqlite'
# Flow states a living process leaves behind only while it runs.
UNFINISHED_STATES = (states.PENDING, states.RUNNING, states.RESUMING,
                     states.REVERTING, states.SUSPENDING, states.SUSPENDED)
BUSY_TIMEOUT_MS = 30000


class SqliteBackend(path_based.PathBasedBackend):
    """TaskFlow persistence in one SQLite file, one connection, WAL.

    ``conf``: ``{'path': '/var/lib/cinder/vmax/vmax-flows.sqlite'}``.  The
    connection is shared by every engine of the process and serialised by
    a lock (a commit takes microseconds).
    """

    def __init__(self, conf):
        super().__init__(conf)
        if not self._path:
            raise ValueError('SqliteBackend needs a file path')
        directory = os.path.dirname(os.path.abspath(self._path))
        os.makedirs(directory, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self._path, timeout=BUSY_TIMEOUT_MS / 1e3,
                                   isolation_level=None,
                                   check_same_thread=False)
        self._db.execute('PRAGMA journal_mode=WAL')
        self._db.execute('PRAGMA synchronous=NORMAL')
        self._db.execute('PRAGMA busy_timeout=%d' % BUSY_TIMEOUT_MS)
        self._db.execute('CREATE TABLE IF NOT EXISTS items ('
                         'path TEXT PRIMARY KEY, parent TEXT NOT NULL, '
                         'value TEXT)')
        self._db.execute('CREATE INDEX IF NOT EXISTS items_parent '
                         'ON items (parent)')

    @property
    def db(self):
        return self._db

    @property
    def lock(self):
        return self._lock

    def get_connection(self):
        return SqliteConnection(self)

    def close(self):
        with self._lock:
            self._db.close()


class SqliteConnection(path_based.PathBasedConnection):
    """Paths are rows: ``/books/<uuid>`` holds a logbook, and a link
    ``/books/<book>/<flow>`` is a row without value whose parent is the
    book's path (the same for flow -> atom links)."""

    def __init__(self, backend):
        super().__init__(backend)
        self._db = backend.db
        self._lock = backend.lock

    def _join_path(self, *parts):
        return posixpath.join('/', *parts)

    def _get_item(self, path):
        with self._lock:
            row = self._db.execute('SELECT value FROM items WHERE path = ?',
                                   (path,)).fetchone()
        if row is None or row[0] is None:
            raise tf_exceptions.NotFound('Item %s not found' % path)
        return json.loads(row[0])

    def _set_item(self, path, value, transaction):
        self._db.execute('INSERT OR REPLACE INTO items (path, parent, value) '
                         'VALUES (?, ?, ?)',
                         (path, posixpath.dirname(path), json.dumps(value)))

    def _del_tree(self, path, transaction):
        self._db.execute("DELETE FROM items WHERE path = ? OR path LIKE ? "
                         "ESCAPE '\\'", (path, _like_prefix(path)))

    def _get_children(self, path):
        with self._lock:
            rows = self._db.execute('SELECT path FROM items WHERE parent = ?'
                                    ' ORDER BY rowid', (path,)).fetchall()
        return [posixpath.basename(row[0]) for row in rows]

    def _ensure_path(self, path):
        """Nothing to create: parents are implied by the rows."""

    def _create_link(self, src_path, dest_path, transaction):
        self._db.execute('INSERT OR IGNORE INTO items (path, parent, value) '
                         'VALUES (?, ?, NULL)',
                         (dest_path, posixpath.dirname(dest_path)))

    def _do_update_flow_details(self, flow_detail, transaction,
                                ignore_missing=False):
        """Save the flow detail; add only the atom details not stored yet.

        TaskFlow saves every atom change itself (``update_atom_details``),
        so rewriting each atom at every flow state change -- what the
        path-based base class does -- only costs writes (about half of
        all of them in a short flow).
        """
        flow_path = self._get_obj_path(flow_detail)
        self._update_object(flow_detail, transaction,
                            ignore_missing=ignore_missing)
        for atom_detail in flow_detail:
            atom_path = self._get_obj_path(atom_detail)
            self._create_link(atom_path, self._join_path(
                flow_path, atom_detail.uuid), transaction)
            exists = self._db.execute('SELECT 1 FROM items WHERE path = ?',
                                      (atom_path,)).fetchone()
            if exists is None:
                self._set_item(atom_path, self._serialize(atom_detail),
                               transaction)
        return flow_detail

    @contextlib.contextmanager
    def _transaction(self):
        with self._lock:
            self._db.execute('BEGIN IMMEDIATE')
            try:
                yield None
            except BaseException:
                self._db.execute('ROLLBACK')
                raise
            self._db.execute('COMMIT')

    def validate(self):
        with self._lock:
            self._db.execute('SELECT 1').fetchone()


def _like_prefix(path):
    escaped = path.replace('\\', '\\\\').replace('%', '\\%').replace(
        '_', '\\_')
    return escaped.rstrip('/') + '/%'


def open_backend(connection=None, state_path=None):
    """The persistence backend for a configuration.

    ``connection``: a TaskFlow persistence URL; when empty, a SQLite file
    :data:`STATE_FILE` under ``state_path`` through :class:`SqliteBackend`.
    """
    if connection:
        backend = backends.fetch({'connection': connection})
        with contextlib.closing(backend.get_connection()) as conn:
            conn.upgrade()
        return backend
    if not state_path:
        raise ValueError('flow persistence needs a state path or a '
                         'connection URL')
    return SqliteBackend({'path': os.path.join(state_path, STATE_FILE)})


def for_backend(config, owner=None):
    """The :class:`FlowStore` of a backend's settings
    (:class:`vmax_flows.config.BackendConfig`), or None when neither a
    state path nor a connection is set (runs kept in memory only).

    :raises InvalidSetting: when the store cannot be opened.
    """
    from vmax_flows import exceptions
    connection = config.flow_persistence_connection
    if not connection and not config.state_path:
        return None
    owner = owner or config.backend_name
    try:
        return FlowStore.open(owner, connection=connection,
                              state_path=config.state_path)
    except Exception as exc:
        if connection:
            # The URL may carry a password: name only its scheme.
            raise exceptions.InvalidSetting(
                'vmax_flow_persistence_connection',
                connection.split(':', 1)[0] + '://...',
                reason='cannot open the flow store: %s'
                       % type(exc).__name__)
        raise exceptions.InvalidSetting(
            'vmax_state_path', config.state_path,
            reason='cannot keep the flow state there: %s' % exc)


def subjects_of(request):
    """Ids of the Cinder objects a request is about (history lookups):
    every item's ``id`` and ``name_id`` among the request's values."""
    found = []
    for value in (request or {}).values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, dict):
                continue
            for key in ('id', 'name_id'):
                ident = item.get(key)
                if isinstance(ident, str) and ident not in found:
                    found.append(ident)
    return found


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


class FlowStore(object):
    """The run records of one service (``owner``) in a backend.

    :param backend: a TaskFlow persistence backend (:func:`open_backend`).
    :param owner: who owns the flows, e.g. the service host
        ``cinder-volume@vmax1``; recovery only touches the owner's flows.
    """

    def __init__(self, backend, owner):
        self.backend = backend
        self.owner = owner
        self.book_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL,
                                        'vmax-flows:%s' % owner))
        self.book_name = 'vmax-flows:%s' % owner
        with self._connection() as conn:
            try:
                conn.get_logbook(self.book_uuid, lazy=True)
            except tf_exceptions.NotFound:
                conn.save_logbook(self._empty_book())

    @classmethod
    def open(cls, owner, connection=None, state_path=None):
        return cls(open_backend(connection, state_path), owner)

    def _empty_book(self):
        return models.LogBook(self.book_name, uuid=self.book_uuid)

    @contextlib.contextmanager
    def _connection(self):
        conn = self.backend.get_connection()
        try:
            yield conn
        finally:
            conn.close()

    # -- one run --------------------------------------------------------------

    def begin(self, operation, request, extra_meta=None):
        """A new FlowDetail for a run of ``operation`` on ``request``;
        returns ``(book, flow_detail)`` for ``taskflow.engines.load``."""
        detail = models.FlowDetail(operation, str(uuid.uuid4()))
        detail.state = states.PENDING
        detail.meta.update({'operation': operation,
                            'request': request,
                            'subjects': subjects_of(request),
                            'owner': self.owner,
                            'started_at': _now()})
        detail.meta.update(extra_meta or {})
        book = self._empty_book()
        book.add(detail)
        with self._connection() as conn:
            conn.save_logbook(book)
        return book, detail

    def record(self, flow_detail, **meta):
        """Add ``meta`` (plain data) to a run's record, e.g. its timings
        and outcome when it ends."""
        flow_detail.meta.update(meta)
        with self._connection() as conn:
            flow_detail.update(conn.update_flow_details(flow_detail))

    def end(self, flow_detail, timings, error=None):
        """Record how a run ended: each task's final state, seconds and
        SMI-S calls, and the error text when it failed."""
        self.record(flow_detail, ended_at=_now(), error=error,
                    timings=[{'task': name, 'state': state,
                              'seconds': round(seconds, 4), 'calls': calls}
                             for name, state, seconds, calls in timings])

    # -- queries --------------------------------------------------------------

    def flows(self):
        """Every run of the owner, oldest first (atoms loaded)."""
        with self._connection() as conn:
            details = list(conn.get_flows_for_book(self.book_uuid))
        return sorted(details, key=lambda d: d.meta.get('started_at') or '')

    def unfinished(self):
        """Runs a dead process left in a running state, oldest first."""
        return [d for d in self.flows() if d.state in UNFINISHED_STATES]

    def history(self, object_id=None):
        """Runs that touched the Cinder object ``object_id`` (all runs
        without it), oldest first, as plain dicts (see :func:`describe`)."""
        return [describe(d) for d in self.flows()
                if object_id is None or
                object_id in (d.meta.get('subjects') or ())]

    def forget_finished(self, before):
        """Delete the records of runs that ended before ``before`` (an ISO
        timestamp); returns how many.  Unfinished runs are kept."""
        old = [d for d in self.flows()
               if d.state not in UNFINISHED_STATES and
               (d.meta.get('ended_at') or d.meta.get('started_at') or '')
               < before]
        if not old:
            return 0
        # Rebuild the book without them: every backend supports that.
        with self._connection() as conn:
            book = conn.get_logbook(self.book_uuid)
            conn.destroy_logbook(self.book_uuid)
            kept = self._empty_book()
            gone = {d.uuid for d in old}
            for detail in book:
                if detail.uuid not in gone:
                    kept.add(detail)
            conn.save_logbook(kept)
        return len(old)

    def close(self):
        self.backend.close()


def history(backend, object_id=None, owner=None):
    """Runs recorded in ``backend`` for every owner (or ``owner``) that
    touched ``object_id`` (all runs without it), oldest first, as
    :func:`describe` dicts with their ``owner``."""
    runs = []
    with contextlib.closing(backend.get_connection()) as conn:
        books = list(conn.get_logbooks(lazy=True))
    for book in books:
        if not book.name.startswith('vmax-flows:'):
            continue
        store_owner = book.name[len('vmax-flows:'):]
        if owner is not None and store_owner != owner:
            continue
        for run in FlowStore(backend, store_owner).history(object_id):
            run['owner'] = store_owner
            runs.append(run)
    return sorted(runs, key=lambda run: run['started_at'] or '')


def describe(detail):
    """A run as plain data: operation, subjects, state, times, and per task
    its state, intention, seconds and SMI-S calls."""
    meta = detail.meta or {}
    timings = {}
    for entry in meta.get('timings') or ():
        # The last entry of a task wins: a reverted task's time is that
        # of its revert.
        timings.setdefault(entry['task'], []).append(entry)
    for entry in (meta.get('recovery') or {}).get('timings') or ():
        timings.setdefault(entry['task'], []).append(entry)
    tasks = []
    for atom in detail:
        if atom.name.startswith('_'):
            continue     # TaskFlow's injector holding the store
        runs = timings.get(atom.name, [])
        tasks.append({'task': atom.name, 'state': atom.state,
                      'intention': atom.intention,
                      'seconds': round(sum(r['seconds'] for r in runs), 4),
                      'calls': sum(r['calls'] for r in runs),
                      'failure': atom.failure.exception_str
                      if atom.failure else None})
    return {'uuid': detail.uuid, 'operation': meta.get('operation',
                                                       detail.name),
            'subjects': list(meta.get('subjects') or ()),
            'state': detail.state, 'started_at': meta.get('started_at'),
            'ended_at': meta.get('ended_at'), 'error': meta.get('error'),
            'recovery': meta.get('recovery'), 'tasks': tasks}
