"""Tenant-scoped record store on SQLite.

One SQLite database per tenant (in memory, or a file under the persistence directory so
that a restarted simulator keeps its data). Records are JSON documents in one table keyed
by (type, id) with an index on modstamp; external-id fields get expression indexes on
demand, so lookups by id, external id and modstamp stay indexed at a million records.
Dialects' query languages (SOQL, SuiteQL, list filters) compile to SQL on this table.

Every write goes through this class and is reported to ``listener`` as a ``Change``;
that is how change events stay complete without each dialect remembering to emit them.

A dialect whose records hold every field of their type (nulls included, in a fixed order)
supplies ``templates``: the store then keeps such a record without its null fields and
completes it on every read, so a mostly-empty record costs its values, not its schema.
Rows written whole (before this layout) read the same; SQL filters see no difference
(``json_extract`` of a missing key is NULL, like a JSON null).
"""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import orjson

from ._errors import ConfigError
from ._readcache import ReadCache

Op = Literal["create", "update", "delete", "undelete"]
_new_object = object.__new__

# A rowid table with a unique (type, id) key rather than WITHOUT ROWID: a WITHOUT ROWID row
# keeps at most about 1 KB in its b-tree page and spills the rest to an overflow page of its
# own, so a realistic 1 KB record cost 4-5 KB; in a rowid table it shares a leaf page.
_RECORDS = """
CREATE TABLE IF NOT EXISTS {name} (
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  modstamp TEXT NOT NULL,
  data TEXT NOT NULL,
  keys TEXT,
  UNIQUE (type, id)
);
"""
_SCHEMA = (
    _RECORDS.format(name="records")
    + """
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""
)

#: the index that keeps a type's records in modstamp order, for the vendor queries that read
#: them so (Salesforce's getUpdated and recently viewed). Every write of every row pays for its
#: upkeep (7k instructions of a 1 KB row's insert), so a dialect whose API never asks for that
#: order goes without it (``Dialect.modstamp_index``); its admin reads sort instead.
MODSTAMP_INDEX = "records_modstamp"


def apply_modstamp_index(conn: sqlite3.Connection, wanted: bool) -> None:
    """Make or drop the modstamp index, as the dialect wants it (a tenant file or snapshot
    of another layout is brought to this one)."""
    if wanted:
        conn.execute(f"CREATE INDEX IF NOT EXISTS {MODSTAMP_INDEX} ON records(type, modstamp)")
    else:
        conn.execute(f"DROP INDEX IF EXISTS {MODSTAMP_INDEX}")


def migrate_records_layout(conn: sqlite3.Connection) -> bool:
    """Move a records table of the earlier WITHOUT ROWID layout to the rowid layout, keeping
    every row and every index on it; True when it did. Idempotent, in one transaction."""
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'records'"
    ).fetchone()
    if row is None or "WITHOUT ROWID" not in row[0].upper():
        return False
    indexes = [
        r[0]
        for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records'"
            " AND sql IS NOT NULL"
        )
    ]
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(_RECORDS.format(name="records_rowid"))
        conn.execute(
            "INSERT INTO records_rowid(type, id, deleted, modstamp, data)"
            " SELECT type, id, deleted, modstamp, data FROM records ORDER BY type, id"
        )
        conn.execute("DROP TABLE records")
        conn.execute("ALTER TABLE records_rowid RENAME TO records")
        for sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return True


def add_keys_column(conn: sqlite3.Connection) -> bool:
    """Give a records table of an earlier layout its ``keys`` column (NULL in every row: the
    key indexes fill it when they are made); True when it did."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(records)")}
    if "keys" in columns:
        return False
    conn.execute("ALTER TABLE records ADD COLUMN keys TEXT")
    return True


#: page size of in-memory stores unless the dialect chooses another (``Dialect.memory_page_size``).
#: SQLite's default suits a write of several rows in one transaction: each page it touches is
#: copied into the rollback journal, so larger pages make such writes dearer (16 KB pages cost
#: NetSuite's, Kantata's and Workday's creates 10-25% more CPU). A dialect whose records are
#: large and written one per statement packs them better on 16 KB pages: a realistic Account
#: (about 1.2 KB as stored) fills a 4 KB page three times and leaves a quarter of it empty, and
#: 13 fill a 16 KB page. Files keep SQLite's default, so a tenant file and its snapshots always
#: share one page size (the backup API cannot copy between page sizes into a WAL or in-memory
#: database).
MEMORY_PAGE_SIZE = 4096
#: journal modes of an in-memory store: none for a write of one row outside a transaction (it
#: either happens whole or, refused by a constraint, not at all, and an in-memory database has
#: no crash to survive), the in-memory rollback journal inside ``transaction``. Copying every
#: page a write touches into the journal cost more than the write itself. The mode is switched
#: only when the kind of write changes (a transaction after single writes or the reverse), not
#: around every transaction: the two PRAGMAs cost NetSuite's create 6-8% of its CPU.
_UNJOURNALED, _JOURNALED = "PRAGMA journal_mode=OFF", "PRAGMA journal_mode=MEMORY"
_SEQ_BLOCK = 64
#: statements per type kept (type names are few; a client inventing types cannot grow it)
_SQL_CACHE_MAX = 4096
_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(slots=True)
class Change:
    """One committed change to one record."""

    tenant: str
    type: str
    id: str
    op: Op
    data: dict[str, Any]
    previous: dict[str, Any] | None = None
    #: names of the fields the write changed; a create's or undelete's are every field of
    #: ``data`` (its live key view: no list built per write that is seldom read)
    changed_fields: Collection[str] = field(default_factory=list)
    at: float = 0.0
    origin: str = ""
    seq: int = 0


Listener = Callable[[Change], None]
#: a record type's every field as None, in the order records hold them; None: stored as given
Templates = Callable[[str], Mapping[str, None] | None]


def type_literal(type_: str) -> str:
    """A record type as an SQL string literal (partial indexes need literals, not parameters)."""
    return "'" + type_.replace("'", "''") + "'"


def index_name(field_name: str, type_: str | None = None) -> str:
    if not _FIELD_RE.match(field_name) or (type_ is not None and not _FIELD_RE.match(type_)):
        raise ConfigError(f"invalid index on {type_!r}.{field_name!r}")
    return (
        f"ix_{field_name.lower()}" if type_ is None else f"ix_{type_.lower()}__{field_name.lower()}"
    )


def key_path(field_name: str) -> str:
    """The expression of a key index (``RecordStore.ensure_key_index``) and of its lookups."""
    if not _FIELD_RE.match(field_name):
        raise ConfigError(f"invalid field name {field_name!r}")
    return f"json_extract(keys, '$.{field_name}')"


def json_path(field_name: str) -> str:
    """The json_extract expression for a field; used identically by indexes and queries."""
    if not _FIELD_RE.match(field_name):
        raise ConfigError(f"invalid field name {field_name!r}")
    return f"json_extract(data, '$.{field_name}')"


class RecordStore:
    """The records of one tenant."""

    def __init__(
        self,
        tenant: str,
        path: Path | None = None,
        *,
        memory_page_size: int = MEMORY_PAGE_SIZE,
        modstamp_index: bool = True,
    ) -> None:
        self.tenant = tenant
        self.path = path
        #: whether the (type, modstamp) index is kept (``MODSTAMP_INDEX``)
        self.modstamp_index = modstamp_index
        self.listener: Listener | None = None
        #: set by the dialect: which types are stored without their null fields (see module doc)
        self.templates: Templates | None = None
        self._indexed: set[str] = set()
        #: type -> its fields with a key index: their values are kept in column ``keys``
        self._keyed: dict[str, tuple[str, ...]] = {}
        #: (type, field) kept in ``keys`` for an index of the dialect's own (``keep_keys``)
        self._kept: set[tuple[str, str]] = set()
        #: type -> its key fields whose index is made on first use (``ensure_key_index``)
        self._on_use: dict[str, tuple[str, ...]] = {}
        # indexes created inside the open transaction: a ROLLBACK drops them again
        self._tx_indexes: list[str] = []
        self._pending: list[Change] | None = None
        self._seq_cache: dict[str, list[int]] = {}
        self._sql_cache: dict[tuple[str, str], str] = {}
        #: answers built from one record (GET bodies), dropped by every write below
        self.read_cache = ReadCache()
        #: an in-memory store's rollback journal is on (see ``_UNJOURNALED``)
        self._journal_on = False
        self.conn = self._open(path, memory_page_size)
        #: the cursor single-row inserts run on: ``conn.execute`` makes and frees one per call
        self._writer = self.conn.cursor()
        #: per type, its single-row INSERT with the type as a literal (see ``_sql``): the
        #: per-type partial indexes' conditions then cost less than with a bound type
        self._insert_sql: dict[str, str] = {}
        self._migrate()

    def _migrate(self) -> None:
        """Bring a database of an earlier layout (a tenant file, a snapshot) to this one."""
        with self._journaled():
            migrate_records_layout(self.conn)
            add_keys_column(self.conn)
            apply_modstamp_index(self.conn, self.modstamp_index)

    @staticmethod
    def _open(path: Path | None, memory_page_size: int) -> sqlite3.Connection:
        if path is None:
            conn = sqlite3.connect(
                ":memory:", isolation_level=None, check_same_thread=False, cached_statements=512
            )
            conn.execute(f"PRAGMA page_size={int(memory_page_size)}")
            conn.execute(_UNJOURNALED)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                str(path), isolation_level=None, check_same_thread=False, cached_statements=512
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_SCHEMA)
        return conn

    def _sql(self, template: str, type_: str) -> str:
        """``template`` with ``{t}`` replaced by the type as an SQL literal.

        A bound ``type = ?`` next to the partial per-type indexes makes SQLite re-prepare
        the statement on every execution (the bound value might select a partial index), which
        costs more than the query; with the literal the prepared statement is reused.
        """
        key = (template, type_)
        sql = self._sql_cache.get(key)
        if sql is None:
            if len(self._sql_cache) >= _SQL_CACHE_MAX:
                self._sql_cache.clear()
            sql = self._sql_cache[key] = template.replace("{t}", type_literal(type_))
        return sql

    # -- stored form -----------------------------------------------------------------

    def _template(self, type_: str) -> Mapping[str, None] | None:
        return None if self.templates is None else self.templates(type_)

    def pack(self, type_: str, data: dict[str, Any]) -> str:
        """The stored JSON of a record: without the null fields its type's template restores."""
        t = self._template(type_)
        if t is not None:
            data = {k: v for k, v in data.items() if v is not None or k not in t}
        return orjson.dumps(data).decode()

    def load(self, type_: str, raw: str | bytes) -> dict[str, Any]:
        """A record as written, from its stored JSON (compact or whole)."""
        data: dict[str, Any] = orjson.loads(raw)
        if self.decoders and type_ in self.decoders:
            return self.decoders[type_](data)
        t = self._template(type_)
        # the template's fields first, in its order, then any others as stored: the order
        # the record was written in, since writers start from the template
        return data if t is None else {**t, **data}

    # -- indexes ---------------------------------------------------------------------

    def ensure_index(self, field_name: str, type_: str | None = None) -> str:
        """An expression index so lookups by ``field_name`` stay fast; returns its name.

        With ``type_`` the index is partial (``WHERE type = '<type_>' AND <field> IS NOT
        NULL``): only that type's rows with a value pay for it on insert (an Account without an
        external id costs the index nothing), and queries must compare ``type`` with the
        literal (``type_literal``) and the field with a value for SQLite to use it. Indexes
        made before the ``IS NOT NULL`` keep working under the same name.
        """
        name = index_name(field_name, type_)
        if name in self._indexed:
            return name
        if type_ is not None and field_name in self._keyed.get(type_, ()):
            return self.ensure_key_index(field_name, type_)
        expr = json_path(field_name)
        if type_ is None:
            self.conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON records(type, {expr})")
        else:
            self.conn.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON records({expr})"
                f" WHERE type = {type_literal(type_)} AND {expr} IS NOT NULL"
            )
        if self.conn.in_transaction:
            self._tx_indexes.append(name)
        self._indexed.add(name)
        return name

    def ensure_key_index(self, field_name: str, type_: str, *, on_use: bool = False) -> str:
        """A key index on ``type_``'s ``field_name`` (an external id); returns its name.

        The store keeps the values of a type's key fields in the row's ``keys`` column, a small
        JSON object (NULL when the record has none), and the partial index is on that column,
        not on ``data``: an index on ``json_extract(data, ...)`` makes SQLite parse the whole
        record on every insert of the type, with or without the field, while this one looks at
        a NULL or a few bytes. ``find_ids`` and queries compare ``key_path(field)`` with the
        value to use it. An index of the same name on ``data`` (a tenant file or snapshot of an
        earlier layout) is replaced and the column filled from the records, in one transaction.

        ``on_use``: a missing index is made by the first lookup that needs it (``find_ids``,
        ``index_on_use``) or the first write of a record with a key value, whichever comes
        first: until then an insert of the type pays for no index (an Account without an
        external id), and a late index fills the column from ``data`` first.
        """
        name = index_name(field_name, type_)
        self._kept.discard((type_, field_name))
        fields = self._keyed.get(type_, ())
        if field_name not in fields:
            self._keyed[type_] = (*fields, field_name)
        if on_use and field_name not in self._on_use.get(type_, ()):
            self._on_use[type_] = (*self._on_use.get(type_, ()), field_name)
        if name in self._indexed:
            return name
        row = self.conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
        ).fetchone()
        if on_use and row is None:
            return name
        if row is None or "json_extract(keys," not in (row[0] or ""):
            expr, t = key_path(field_name), type_literal(type_)
            with self.transaction():
                if row is not None:
                    self.conn.execute(f"DROP INDEX {name}")
                self.conn.execute(
                    f"UPDATE records SET keys = json_set(coalesce(keys, '{{}}'), '$.{field_name}',"
                    f" {json_path(field_name)}) WHERE type = {t}"
                    f" AND {json_path(field_name)} IS NOT NULL"
                )
                self.conn.execute(
                    f"CREATE INDEX {name} ON records({expr}) WHERE type = {t} AND {expr} IS NOT NULL"
                )
                self._tx_indexes.append(name)
        self._indexed.add(name)
        return name

    def index_on_use(self, field_name: str, type_: str) -> None:
        """Make the key index of ``type_``'s ``field_name`` if it is one not made yet (see
        ``ensure_key_index``'s ``on_use``): a query about to filter on the field uses it."""
        if (
            field_name in self._keyed.get(type_, ())
            and (type_, field_name) not in self._kept
            and index_name(field_name, type_) not in self._indexed
        ):
            self.ensure_key_index(field_name, type_)

    def keyed_fields(self, type_: str) -> tuple[str, ...]:
        """The fields of ``type_`` with a key index (``ensure_key_index``)."""
        return self._keyed.get(type_, ())

    def _keys(self, type_: str, data: Mapping[str, Any] | str) -> str | None:
        """The ``keys`` column of a record: its key fields' values, None when it has none."""
        fields = self._keyed.get(type_)
        if not fields:
            return None
        values: Mapping[str, Any] = orjson.loads(data) if isinstance(data, str) else data
        got = {f: v for f in fields if (v := values.get(f)) is not None}
        if not got:
            return None
        if type_ in self._on_use:  # the first key value of the type makes its indexes
            self._index_all_on_use(type_)
        return orjson.dumps(got).decode()

    def _index_all_on_use(self, type_: str) -> None:
        """Make ``type_``'s key indexes not made yet (``ensure_key_index``'s ``on_use``)."""
        for f in self._on_use.get(type_, ()):
            self.index_on_use(f, type_)

    # -- reads -----------------------------------------------------------------------

    def get(self, type_: str, id_: str, *, include_deleted: bool = False) -> dict[str, Any] | None:
        row = self.conn.execute(
            self._sql("SELECT data, deleted FROM records WHERE type = {t} AND id = ?", type_),
            (id_,),
        ).fetchone()
        if row is None or (row[1] and not include_deleted):
            return None
        return self.load(type_, row[0])

    def get_raw(self, type_: str, id_: str) -> tuple[str, bool] | None:
        """(JSON text of the whole record, deleted); parsed only when stored compact."""
        row = self.conn.execute(
            self._sql("SELECT data, deleted FROM records WHERE type = {t} AND id = ?", type_),
            (id_,),
        ).fetchone()
        if row is None:
            return None
        if self._template(type_) is None and type_ not in self.decoders:
            return row[0], bool(row[1])
        return orjson.dumps(self.load(type_, row[0])).decode(), bool(row[1])

    def is_deleted(self, type_: str, id_: str) -> bool | None:
        row = self.conn.execute(
            self._sql("SELECT deleted FROM records WHERE type = {t} AND id = ?", type_), (id_,)
        ).fetchone()
        return None if row is None else bool(row[0])

    def find_ids(
        self, type_: str, field_name: str, value: Any, *, include_deleted: bool = False
    ) -> list[str]:
        """Ids of records whose field equals ``value``, through a partial expression index."""
        name = self.ensure_index(field_name, type_)
        path = key_path if field_name in self._keyed.get(type_, ()) else json_path
        # without ANALYZE statistics SQLite would rather scan the (type, id) key
        sql = (
            f"SELECT id FROM records INDEXED BY {name} WHERE type = {type_literal(type_)}"
            f" AND {path(field_name)} = ?"
        )
        if not include_deleted:
            sql += " AND deleted = 0"
        return [r[0] for r in self.conn.execute(sql + " LIMIT 1000", (value,))]

    def find(
        self,
        type_: str,
        match: dict[str, Any] | None = None,
        *,
        include_deleted: bool = False,
        limit: int = 1000,
    ) -> list[dict[str, Any]]:
        """Records of a type whose fields equal ``match`` (admin inspection, wait-for)."""
        if match and type_ in self.decoders:
            return self._find_decoded(type_, match, include_deleted, limit)
        sql = self._sql("SELECT data FROM records WHERE type = {t}", type_)
        params: list[Any] = []
        for k, v in (match or {}).items():
            if isinstance(v, bool):
                v = int(v)
            sql += f" AND {json_path(k)} = ?" if v is not None else f" AND {json_path(k)} IS NULL"
            if v is not None:
                params.append(v)
        if not include_deleted:
            sql += " AND deleted = 0"
        sql += " ORDER BY modstamp, id LIMIT ?"
        params.append(limit)
        return [self.load(type_, r[0]) for r in self.conn.execute(sql, params)]

    def _find_decoded(
        self, type_: str, match: dict[str, Any], include_deleted: bool, limit: int
    ) -> list[dict[str, Any]]:
        """``find`` for a type stored in a shorter form: a field may be absent from the stored
        JSON and rebuilt when read, so records are matched as read, with SQL's equality (a
        boolean equals 1 or 0; None matches a missing field)."""
        for k in match:
            json_path(k)  # the same refusal of a bad field name as SQL matching gives
        sql = self._sql("SELECT data FROM records WHERE type = {t}", type_)
        sql += ("" if include_deleted else " AND deleted = 0") + " ORDER BY modstamp, id"
        out: list[dict[str, Any]] = []
        for (raw,) in self.conn.execute(sql):
            if len(out) >= limit:
                break
            rec = self.load(type_, raw)
            if all(rec.get(k) == v for k, v in match.items()):
                out.append(rec)
        return out

    def count(self, type_: str | None = None, *, include_deleted: bool = False) -> int:
        sql = "SELECT count(*) FROM records"
        clauses, params = [], []
        if type_ is not None:
            clauses.append("type = ?")
            params.append(type_)
        if not include_deleted:
            clauses.append("deleted = 0")
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return int(self.conn.execute(sql, params).fetchone()[0])

    def counts_by_type(self) -> dict[str, int]:
        return dict(
            self.conn.execute("SELECT type, count(*) FROM records WHERE deleted = 0 GROUP BY type")
        )

    def ids_modified_between(
        self, type_: str, start: str, end: str, *, deleted: bool = False
    ) -> list[tuple[str, str]]:
        """(id, modstamp) of records whose modstamp lies in [start, end)."""
        return list(
            self.conn.execute(
                self._sql(
                    "SELECT id, modstamp FROM records WHERE type = {t} AND modstamp >= ?"
                    " AND modstamp < ? AND deleted = ? ORDER BY modstamp, id",
                    type_,
                ),
                (start, end, int(deleted)),
            )
        )

    def iter_type(self, type_: str, *, include_deleted: bool = False) -> Iterator[dict[str, Any]]:
        sql = "SELECT data FROM records WHERE type = {t}" + (
            "" if include_deleted else " AND deleted = 0"
        )
        for (data,) in self.conn.execute(self._sql(sql + " ORDER BY id", type_)):
            yield self.load(type_, data)

    # -- writes ----------------------------------------------------------------------

    def next_sequence(self, name: str, start: int = 1) -> int:
        """The next value of a named sequence (first value ``start``).

        Values are reserved from the table in blocks, so most calls cost no SQL; after
        a restart numbering resumes past the last reserved block (gaps, never reuse).
        """
        block = self._seq_cache.get(name)
        if block is not None:
            value = block[0]
            if value <= block[1]:
                block[0] = value + 1
                return value
        row = self.conn.execute(
            "INSERT INTO sequences(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + ?"
            " RETURNING value",
            (name, start + _SEQ_BLOCK - 1, _SEQ_BLOCK),
        ).fetchone()
        ceiling = int(row[0])
        first = ceiling - _SEQ_BLOCK + 1
        self._seq_cache[name] = [first + 1, ceiling]
        return first

    def drop_reserved_sequences(self) -> None:
        """Forget the blocks reserved ahead, as a rolled-back transaction does: each sequence's
        next value starts a new block (for a refused write outside a transaction that numbers
        on as if it had run in one)."""
        self._seq_cache.clear()

    def bump_sequence(self, name: str, at_least: int) -> None:
        """Make sure ``next_sequence(name)`` never hands out ``at_least`` or below again.

        For loads that bring their own ids: the block cache is respected, so a value
        already handed out or cached cannot come back.
        """
        block = self._seq_cache.get(name)
        if block is not None:
            if block[0] > at_least:
                return
            if at_least < block[1]:  # skip ahead inside the reserved block
                block[0] = at_least + 1
                return
            del self._seq_cache[name]
        self.conn.execute(
            "INSERT INTO sequences(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET"
            " value = max(value, excluded.value)",
            (name, at_least),
        )

    def reserve_sequence(self, name: str, n: int, start: int = 1) -> int:
        """Reserve ``n`` consecutive values; returns the first."""
        row = self.conn.execute(
            "INSERT INTO sequences(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + ?"
            " RETURNING value",
            (name, start + n - 1, n),
        ).fetchone()
        return int(row[0]) - n + 1

    def insert(
        self,
        type_: str,
        id_: str,
        data: dict[str, Any],
        modstamp: str,
        *,
        at: float = 0.0,
        origin: str = "",
        emit: bool = True,
        compact: bool = False,
        stored: str | None = None,
    ) -> Change:
        """A new record. ``compact``: ``data`` already holds no null field (the dialect built
        it in the stored form), so it is stored as given, not filtered against its template;
        the change then carries it compact too (``{**template, **data}`` is the whole record).
        ``stored``: the JSON text to keep, when the writer has serialised ``data`` already.

        No read cache entry is dropped: one exists only for a stored row, and a stored row of
        this (type, id) refuses the insert; every path that removes a row drops its entry.
        """
        if self._journal_on:  # a single write after a transaction
            self._single_write()
        if stored is None:
            stored = orjson.dumps(data).decode() if compact else self.pack(type_, data)
        keys = None
        keyed = self._keyed.get(type_)
        if keyed is not None:  # most records of a keyed type have no key value
            for f in keyed:
                if data.get(f) is not None:
                    keys = self._keys(type_, data)
                    break
        try:
            if keys is None:
                sql = self._insert_sql.get(type_)
                if sql is None:
                    sql = self._sql(
                        "INSERT INTO records(type, id, deleted, modstamp, data)"
                        " VALUES ({t}, ?, 0, ?, ?)",
                        type_,
                    )
                    if len(self._insert_sql) < _SQL_CACHE_MAX:
                        self._insert_sql[type_] = sql
                self._writer.execute(sql, (id_, modstamp, stored))
            else:
                self.conn.execute(
                    "INSERT INTO records(type, id, deleted, modstamp, data, keys)"
                    " VALUES (?, ?, 0, ?, ?, ?)",
                    (type_, id_, modstamp, stored, keys),
                )
        except sqlite3.IntegrityError:
            raise ConfigError(f"{type_} {id_} already exists") from None
        # ``Change(self.tenant, type_, id_, "create", data, None, data.keys(), at, origin)``,
        # made without the class call (its generated ``__init__`` cost more than the fields)
        change = _new_object(Change)
        change.tenant = self.tenant
        change.type = type_
        change.id = id_
        change.op = "create"
        change.data = data
        change.previous = None
        change.changed_fields = data.keys()
        change.at = at
        change.origin = origin
        change.seq = 0
        if emit:  # ``_emit``, inline on the create's path
            if self._pending is not None:
                self._pending.append(change)
            elif self.listener is not None:
                self.listener(change)
        return change

    def update(
        self,
        type_: str,
        id_: str,
        data: dict[str, Any],
        previous: dict[str, Any],
        modstamp: str,
        *,
        changed_fields: list[str],
        at: float = 0.0,
        origin: str = "",
        emit: bool = True,
    ) -> Change:
        if self._journal_on:  # a single write after a transaction
            self._single_write()
        if type_ in self._keyed:
            self.conn.execute(
                self._sql(
                    "UPDATE records SET data = ?, modstamp = ?, keys = ? WHERE type = {t} AND id = ?",
                    type_,
                ),
                (self.pack(type_, data), modstamp, self._keys(type_, data), id_),
            )
        else:
            self.conn.execute(
                self._sql(
                    "UPDATE records SET data = ?, modstamp = ? WHERE type = {t} AND id = ?", type_
                ),
                (self.pack(type_, data), modstamp, id_),
            )
        self.read_cache.drop(type_, id_)
        change = Change(
            self.tenant, type_, id_, "update", data, previous, changed_fields, at, origin
        )
        if emit:
            self._emit(change)
        return change

    def delete(
        self,
        type_: str,
        id_: str,
        data: dict[str, Any],
        modstamp: str,
        *,
        at: float = 0.0,
        origin: str = "",
        hard: bool = False,
    ) -> Change:
        """Soft delete (kept for queryAll and the deleted feed) unless ``hard``."""
        if self._journal_on:  # a single write after a transaction
            self._single_write()
        self.read_cache.drop(type_, id_)
        if hard:
            self.conn.execute(
                self._sql("DELETE FROM records WHERE type = {t} AND id = ?", type_), (id_,)
            )
        else:
            self.conn.execute(
                self._sql(
                    "UPDATE records SET deleted = 1, modstamp = ?, data = ?, keys = ?"
                    " WHERE type = {t} AND id = ?",
                    type_,
                ),
                (modstamp, self.pack(type_, data), self._keys(type_, data), id_),
            )
        change = Change(self.tenant, type_, id_, "delete", data, None, [], at, origin)
        self._emit(change)
        return change

    def undelete(
        self,
        type_: str,
        id_: str,
        data: dict[str, Any],
        modstamp: str,
        *,
        at: float = 0.0,
        origin: str = "",
    ) -> Change:
        if self._journal_on:  # a single write after a transaction
            self._single_write()
        self.conn.execute(
            self._sql(
                "UPDATE records SET deleted = 0, modstamp = ?, data = ?, keys = ?"
                " WHERE type = {t} AND id = ?",
                type_,
            ),
            (modstamp, self.pack(type_, data), self._keys(type_, data), id_),
        )
        self.read_cache.drop(type_, id_)
        change = Change(self.tenant, type_, id_, "undelete", data, None, data.keys(), at, origin)
        self._emit(change)
        return change

    def bulk_insert(self, type_: str, rows: Iterable[tuple[str, str, dict[str, Any]]]) -> int:
        """Insert (id, modstamp, data) rows in one transaction, without change events."""
        n = 0
        drop, pack, keys = self.read_cache.drop, self.pack, self._keys
        self._index_all_on_use(type_)  # not while the rows below are being written

        def gen() -> Iterator[tuple[str, str, str, str, str | None]]:
            nonlocal n
            for id_, modstamp, data in rows:
                n += 1
                drop(type_, id_)
                yield (type_, id_, modstamp, pack(type_, data), keys(type_, data))

        with self.transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO records(type, id, deleted, modstamp, data, keys)"
                " VALUES (?, ?, 0, ?, ?, ?)",
                gen(),
            )
        return n

    def _emit(self, change: Change) -> None:
        if self._pending is not None:
            self._pending.append(change)
        elif self.listener is not None:
            self.listener(change)

    def _journal_on_now(self) -> None:
        """The rollback journal on for a transaction (left on for the next one)."""
        if not self._journal_on and self.path is None:
            self.conn.execute(_JOURNALED)
            self._journal_on = True

    def _single_write(self) -> None:
        """A write of one row outside a transaction runs without the journal."""
        if self._journal_on and not self.conn.in_transaction:
            self.conn.execute(_UNJOURNALED)
            self._journal_on = False

    @contextlib.contextmanager
    def _journaled(self) -> Iterator[None]:
        """The rollback journal on for what runs inside (an in-memory store runs without)."""
        self._journal_on_now()
        try:
            yield
        finally:
            self._single_write()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN/COMMIT around a group of writes, ROLLBACK on error (allOrNone).

        Change events of the writes inside are held back and published only on commit,
        so a rolled-back transaction never announces changes that did not happen.
        """
        if self.conn.in_transaction:
            yield
            return
        self._journal_on_now()
        self.conn.execute("BEGIN")
        self._pending = []
        self._tx_indexes = []
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:  # an interrupted write may have rolled back already
                self.conn.execute("ROLLBACK")
            self._pending = None
            self.read_cache.clear()  # it may hold what a rolled-back write left to read
            self._seq_cache.clear()  # reservations made inside were rolled back too
            self._indexed.difference_update(self._tx_indexes)  # and so were new indexes
            self._tx_indexes = []
            raise
        else:
            self.conn.execute("COMMIT")
            self._tx_indexes = []
            pending, self._pending = self._pending, None
            for change in pending or ():
                if self.listener is not None:
                    self.listener(change)

    def clear(self) -> None:
        self.conn.executescript("DELETE FROM records; DELETE FROM sequences; DELETE FROM meta;")
        self._seq_cache.clear()
        self.read_cache.clear()

    # -- meta ------------------------------------------------------------------------

    def meta_get(self, key: str) -> Any:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return orjson.loads(row[0]) if row else None

    def meta_set(self, key: str, value: Any) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, orjson.dumps(value).decode()),
        )

    # -- snapshots -------------------------------------------------------------------

    def snapshot_to(self, target: Path | None) -> sqlite3.Connection | None:
        """Copy the database with SQLite's backup API: to a file, or to a new in-memory db."""
        if target is None:
            dst = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            self.conn.backup(dst)
            return dst
        target.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(str(target))
        try:
            self.conn.backup(dst)
        finally:
            dst.close()
        return None

    def restore_from(self, source: sqlite3.Connection | Path) -> None:
        if isinstance(source, Path):
            src = sqlite3.connect(str(source))
            try:
                src.backup(self.conn)
            finally:
                src.close()
        else:
            source.backup(self.conn)
        self._migrate()  # a snapshot taken before the rowid layout or the keys column
        self.read_cache.clear()
        self._indexed.clear()
        self._seq_cache.clear()
        # a snapshot of an earlier layout has its key indexes on ``data``: replaced here (the
        # fields a dialect indexes itself are its to restore)
        for type_, fields in list(self._keyed.items()):
            for f in fields:
                if (type_, f) not in self._kept:
                    self.ensure_key_index(f, type_, on_use=True)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def approx_bytes(self) -> int:
        page_count = self.conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = self.conn.execute("PRAGMA page_size").fetchone()[0]
        return int(page_count) * int(page_size)

    # -- a record and the rows written with it, in one statement ----------------------

    def insert_with(
        self,
        type_: str,
        id_: str,
        data: dict[str, Any] | str,
        modstamp: str,
        beside: list[tuple[str, str, dict[str, Any] | str, str]],
        *,
        at: float = 0.0,
        origin: str = "",
        emit: bool = True,
    ) -> Change | None:
        """Insert a record and the rows that go with it (``(type, id, data, modstamp)``, such
        as its change feed entry) in one INSERT, all or none without a transaction: the
        statement runs under the rollback journal, so a refused row undoes the others. Data
        given as text is the stored JSON, written as is. The change of the record, announced
        unless ``emit`` is off (None for a record given as text)."""
        self._journal_on_now()
        params: list[Any] = []
        rows = [(type_, id_, data, modstamp), *beside]
        if self._keyed and any(r[0] in self._keyed for r in rows):
            for t, i, d, m in rows:
                params += (t, i, m, d if isinstance(d, str) else self.pack(t, d), self._keys(t, d))
            values = ", ".join(["(?, ?, 0, ?, ?, ?)"] * len(rows))
            columns = "type, id, deleted, modstamp, data, keys"
        else:
            for t, i, d, m in rows:
                params += (t, i, m, d if isinstance(d, str) else self.pack(t, d))
            values = ", ".join(["(?, ?, 0, ?, ?)"] * len(rows))
            columns = "type, id, deleted, modstamp, data"
        try:
            self.conn.execute(f"INSERT INTO records({columns}) VALUES {values}", params)
        except sqlite3.IntegrityError:
            raise ConfigError(f"{type_} {id_} already exists") from None
        # no read cache entry to drop, as for ``insert``: one exists only for a stored row
        if isinstance(data, str):
            return None
        change = Change(self.tenant, type_, id_, "create", data, None, data.keys(), at, origin)
        if emit:
            self._emit(change)
        return change

    # -- a record kept beside a re-stamp of another --------------------------------------

    def insert_restamping(
        self,
        type_: str,
        id_: str,
        data: dict[str, Any],
        modstamp: str,
        stamped: tuple[str, str, dict[str, Any]],
        *,
        at: float = 0.0,
        origin: str = "",
    ) -> Change:
        """Insert a record (no change event of its own) and move another's modstamp to
        ``modstamp`` without rewriting its JSON; ``stamped`` is (type, id, data as stored), and
        the change announced is its update with no changed fields (a Workday process: the
        event kept, the worker it changed).

        An in-memory store outside a transaction needs none for the two statements: the
        insert is the only one that can fail (a duplicate key), before anything is written,
        and re-stamping a row cannot. A file store runs both in one transaction, so a crash
        between them keeps neither.
        """
        if self.path is not None and not self.conn.in_transaction:
            with self.transaction():
                return self.insert_restamping(
                    type_, id_, data, modstamp, stamped, at=at, origin=origin
                )
        if self._journal_on:  # a single write after a transaction
            self._single_write()
        try:  # ``insert`` without the change no one is told of
            # the type as a literal: the per-type partial indexes' conditions cost less
            self.conn.execute(
                self._sql(
                    "INSERT INTO records(type, id, deleted, modstamp, data, keys)"
                    " VALUES ({t}, ?, 0, ?, ?, ?)",
                    type_,
                ),
                (id_, modstamp, self.pack(type_, data), self._keys(type_, data)),
            )
        except sqlite3.IntegrityError:
            raise ConfigError(f"{type_} {id_} already exists") from None
        s_type, s_id, s_data = stamped
        self.conn.execute(
            self._sql("UPDATE records SET modstamp = ? WHERE type = {t} AND id = ?", s_type),
            (modstamp, s_id),
        )
        self.read_cache.drop(s_type, s_id)
        change = Change(self.tenant, s_type, s_id, "update", s_data, s_data, [], at, origin)
        self._emit(change)
        return change

    # -- a record and the rows written with it, without the rollback journal --------------

    def _unkeyed(self, *types: str) -> None:
        """For the one-statement writes below that store rows without the ``keys`` column:
        refuse a type with a key index (``ensure_key_index``), whose lookups would miss them."""
        keyed = [t for t in types if t in self._keyed]
        if keyed:
            raise ConfigError(
                f"{', '.join(keyed)} has key indexes: write it with insert or insert_with,"
                " which keep its key values"
            )

    def insert_with_unjournaled(
        self,
        type_: str,
        id_: str,
        data: dict[str, Any],
        modstamp: str,
        beside: list[tuple[str, str, dict[str, Any] | str, str]],
        *,
        at: float = 0.0,
        origin: str = "",
        stored: str | None = None,
        change: Change | None = None,
    ) -> Change:
        """``insert_with`` for an in-memory store outside a transaction, all or none without
        the rollback journal (copying each page the statement touches into it cost a tenth of
        a Kantata create): ``INSERT OR IGNORE`` writes every row whose key is free and, should
        a key be taken, the rows it did write (the newest rowids) are deleted again before the
        insert is refused. A file store, or one inside a transaction, takes ``insert_with``.
        ``stored``: the record's JSON as ``pack`` makes it, when its writer has it already;
        ``change``: the create's ``Change`` (the one this makes), when its writer made it."""
        if self.path is not None or self.conn.in_transaction:
            change = self.insert_with(type_, id_, data, modstamp, beside, at=at, origin=origin)
            assert change is not None
            return change
        if self._keyed:
            self._unkeyed(type_, *(b[0] for b in beside))
        if self._journal_on:  # a single write after a transaction
            self._single_write()
        params: list[Any] = [id_, modstamp, self.pack(type_, data) if stored is None else stored]
        types = [type_]
        for t, i, d, m in beside:
            types.append(t)
            params += (i, m, d if isinstance(d, str) else self.pack(t, d))
        rows = len(types)
        before = self.conn.total_changes
        cur = self._writer.execute(_insert_rows_sql(tuple(types)), params)
        written = self.conn.total_changes - before
        if written != rows:
            if written:
                last = int(cur.lastrowid or 0)
                self.conn.execute(
                    "DELETE FROM records WHERE rowid BETWEEN ? AND ?", (last - written + 1, last)
                )
            raise ConfigError(f"{type_} {id_} already exists")
        if change is None:
            change = Change(self.tenant, type_, id_, "create", data, None, data.keys(), at, origin)
        self._emit(change)
        return change

    # -- one-statement insert with a re-stamp ------------------------------------------

    def insert_and_restamp(
        self,
        type_: str,
        id_: str,
        data: dict[str, Any] | str,
        modstamp: str,
        stamped: tuple[str, str, dict[str, Any]],
        *,
        at: float = 0.0,
        origin: str = "",
        keep_cached: bool = False,
    ) -> Change:
        """``insert_restamping`` in one SQL statement, so it needs no transaction on any
        store: an upsert of two rows, the new record first (a duplicate key fails the
        statement before anything is written: its conflict sets a NOT NULL column to NULL),
        then the stamped record's modstamp. The stamped row must exist: the caller has just
        read it, in the same step (a NOT NULL check comes before the upsert's conflict, so
        the row cannot be made to fail when missing). ``data``: the new record, or the JSON
        text ``pack`` makes of it, when the caller has it already. ``keep_cached``: the
        stamped record's read cache entry stays (its caller knows it holds nothing a
        modstamp changes).
        """
        if self._keyed:
            self._unkeyed(type_)
        if self._journal_on:  # a single write after a transaction
            self._single_write()
        s_type, s_id, s_data = stamped
        sql = self._sql_cache.get(("insert_and_restamp", type_ + "\0" + s_type))
        if sql is None:
            sql = self._sql_cache[("insert_and_restamp", type_ + "\0" + s_type)] = (
                "INSERT INTO records(type, id, deleted, modstamp, data)"
                f" VALUES ({type_literal(type_)}, ?1, 0, ?2, ?3), ({type_literal(s_type)}, ?4, 0, ?2, '')"
                " ON CONFLICT(type, id) DO UPDATE SET modstamp ="
                f" CASE WHEN type = {type_literal(s_type)} AND id = ?4 THEN excluded.modstamp END"
            )
        try:
            packed = data if isinstance(data, str) else self.pack(type_, data)
            self.conn.execute(sql, (id_, modstamp, packed, s_id))
        except sqlite3.IntegrityError:
            raise ConfigError(f"{type_} {id_} already exists") from None
        if not keep_cached:
            self.read_cache.drop(s_type, s_id)
        change = Change(self.tenant, s_type, s_id, "update", s_data, s_data, [], at, origin)
        self._emit(change)
        return change

    # -- whether a sequence's next value is reserved already ---------------------------

    def sequence_cached(self, name: str) -> bool:
        """True when ``next_sequence(name)`` answers from the block reserved ahead, running no
        SQL. A write of one row that numbers from it then needs no transaction: refused, it
        calls ``drop_reserved_sequences`` and numbering goes on as after a rolled-back one."""
        block = self._seq_cache.get(name)
        return block is not None and block[0] <= block[1]

    # -- a record whose stored JSON its writer serialised ---------------------------------

    def insert_serialised(
        self,
        type_: str,
        id_: str,
        data: dict[str, Any],
        text: bytes,
        modstamp: str,
        *,
        at: float = 0.0,
        origin: str = "",
        emit: bool = True,
    ) -> Change:
        """``insert`` of ``data`` stored as ``text``, its JSON as the writer serialised it
        (``orjson.dumps(data)``, for a type without a template), so that a writer answering
        with the same JSON serialises the record once."""
        return self.insert(
            type_, id_, data, modstamp, at=at, origin=origin, emit=emit, stored=text.decode()
        )

    # -- key fields kept for a dialect's own indexes ------------------------------------

    def keep_keys(self, type_: str, fields: tuple[str, ...]) -> None:
        """Keep the values of ``type_``'s ``fields`` in the ``keys`` column from now on, for an
        index the dialect makes on that column itself (no per-type index is made here). Rows
        written before are the dialect's to fill (``json_set`` from ``data``)."""
        have = self._keyed.get(type_, ())
        self._keyed[type_] = (*have, *(f for f in fields if f not in have))
        self._kept.update((type_, f) for f in fields if f not in have)

    # -- types whose stored JSON their dialect decodes --------------------------------

    #: type -> the record as written, from its stored JSON parsed (``decode_with``)
    decoders: Mapping[str, Callable[[dict[str, Any]], dict[str, Any]]] = MappingProxyType({})

    def decode_with(self, type_: str, decode: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Records of ``type_`` are read through ``decode``: their dialect stores some of them
        in a shorter form and rebuilds the record as written from it (every read: ``get``,
        ``find``, ``iter_type``, ``get_raw``)."""
        self.decoders = {**self.decoders, type_: decode}


@functools.lru_cache(maxsize=256)
def _insert_rows_sql(types: tuple[str, ...]) -> str:
    """``RecordStore.insert_with_unjournaled``'s statement of one row of each of ``types`` (its
    text made once: the statement cache looks it up by its text). The types are literals, as in
    the single-row insert: the partial indexes' conditions cost less than with bound types
    (2k instructions of a two-row insert beside Kantata's roll-up index)."""
    return "INSERT OR IGNORE INTO records(type, id, deleted, modstamp, data) VALUES " + ", ".join(
        f"({type_literal(t)}, ?, 0, ?, ?)" for t in types
    )
