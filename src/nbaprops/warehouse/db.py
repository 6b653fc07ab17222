"""The DuckDB warehouse: one connection per process, versioned migrations applied on open.

DuckDB admits one writer process per file, so every command opens the warehouse once and passes
the ``Warehouse`` down; parallel work inside a process uses cursors, not new connections.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

MIGRATIONS_PACKAGE = "nbaprops.warehouse.migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class WarehouseError(RuntimeError):
    """A warehouse operation failed in a way the caller should report, not crash on."""


def utcnow() -> datetime:
    """Naive UTC timestamp, the warehouse's convention for *_utc columns."""
    return datetime.now(UTC).replace(tzinfo=None)


class Warehouse:
    """A DuckDB database with the project schema applied."""

    def __init__(self, path: str = ":memory:", wait_s: float = 0.0) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.con = self._connect(wait_s)
        self.migrate()

    def _connect(self, wait_s: float) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting up to `wait_s` while another process holds DuckDB's write lock."""
        deadline = time.monotonic() + wait_s
        while True:
            try:
                con = duckdb.connect(self.path)
                break
            except duckdb.IOException as exc:  # another process holds the write lock
                if time.monotonic() >= deadline:
                    raise WarehouseError(f"cannot open warehouse {self.path}: {exc}") from exc
                time.sleep(0.2)
        con.execute("SET TimeZone = 'UTC'")
        return con

    @property
    def shareable(self) -> bool:
        """Whether another process can open this warehouse (an in-memory one cannot)."""
        return self.path != ":memory:"

    @contextmanager
    def released(self, wait_s: float = 600.0) -> Iterator[None]:
        """Close the connection for a while, so child processes can write; reconnect afterwards."""
        if not self.shareable:
            yield
            return
        self.con.close()
        try:
            yield
        finally:
            self.con = self._connect(wait_s)

    # ------------------------------------------------------------------ migrations
    def migrate(self) -> list[str]:
        """Apply every migration not yet applied, in version order; return the names applied.

        Opening an up-to-date warehouse only reads: steps open it in their own processes, so a
        write on every open would cost a checkpoint per step.
        """
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'meta' AND table_name = 'reference'"
        ).fetchone()[0]
        if not exists:
            self.con.execute(
                "CREATE SCHEMA IF NOT EXISTS meta;"
                "CREATE TABLE IF NOT EXISTS meta.schema_migrations ("
                " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_utc TIMESTAMP NOT NULL);"
                "CREATE TABLE IF NOT EXISTS meta.reference (name VARCHAR PRIMARY KEY, checksum VARCHAR NOT NULL)"
            )
        done = {row[0] for row in self.con.execute("SELECT version FROM meta.schema_migrations").fetchall()}
        applied = []
        for version, name, sql in available_migrations():
            if version in done:
                continue
            with self.transaction():
                self.con.execute(sql)
                self.con.execute("INSERT INTO meta.schema_migrations VALUES (?, ?, ?)", [version, name, utcnow()])
            applied.append(name)
        self._seed_reference()
        return applied

    def _seed_reference(self) -> None:
        """Keep ref.teams and ref.team_aliases equal to the shipped reference (written only on change)."""
        from nbaprops.reference.teams import team_alias_map, teams_frame

        teams = teams_frame()[self.table_columns("ref.teams")]
        aliases = pd.DataFrame(sorted(team_alias_map().items()), columns=["alias_key", "tricode"])
        checksum = hashlib.sha256((teams.to_csv() + aliases.to_csv()).encode()).hexdigest()
        stored = self.con.execute("SELECT checksum FROM meta.reference WHERE name = 'teams'").fetchone()
        if stored is not None and stored[0] == checksum:
            return
        with self.transaction():
            self.con.register("_teams", teams)
            self.con.register("_team_aliases", aliases)
            self.con.execute("DELETE FROM ref.teams; INSERT INTO ref.teams BY NAME SELECT * FROM _teams")
            self.con.execute("DELETE FROM ref.team_aliases; INSERT INTO ref.team_aliases SELECT * FROM _team_aliases")
            self.con.execute("INSERT OR REPLACE INTO meta.reference VALUES ('teams', ?)", [checksum])
            self.con.unregister("_teams")
            self.con.unregister("_team_aliases")

    def schema_version(self) -> int:
        row = self.con.execute("SELECT max(version) FROM meta.schema_migrations").fetchone()
        return int(row[0] or 0) if row else 0

    # ------------------------------------------------------------------ queries
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing block: on any exception nothing written inside it remains."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def df(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        return self.execute(sql, params).df()

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def count(self, table: str, where: str = "", params: Sequence[Any] | dict[str, Any] | None = None) -> int:
        sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(self.scalar(sql, params))

    def table_columns(self, table: str) -> list[str]:
        schema, name = table.split(".")
        rows = self.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [schema, name],
        ).fetchall()
        return [r[0] for r in rows]

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def available_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration shipped with the package, in order."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)
