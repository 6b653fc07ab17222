"""Portable SQL transforms and the one way they are written to the warehouse.

Every transform is a ``SELECT`` in a ``.sql`` file beside the phase that owns it, parameterised by
``$start`` and ``$end`` (game dates). It is written once, in the DuckDB dialect restricted to what
also compiles to BigQuery (``tests/test_portability.py`` transpiles every file with sqlglot and fails
on anything unsupported). Writing is always *replace the date range*: delete the rows of
``[start, end]`` and insert the new ones in one transaction, so re-running a range is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from nbaprops.warehouse.db import Warehouse

TRANSFORM_PACKAGES = ("nbaprops.analytics", "nbaprops.features", "nbaprops.grading")


@dataclass(frozen=True)
class Transform:
    """A SQL file that fills one table, by date range."""

    package: str
    sql_file: str
    table: str
    date_column: str = "game_date"

    def sql(self) -> str:
        return resources.files(self.package).joinpath(self.sql_file).read_text(encoding="utf-8")

    def run(self, wh: Warehouse, start: date, end: date, **extra: Any) -> int:
        """Replace the table's rows in [start, end] with the transform's output; return rows written."""
        select = self.sql()
        window = {"start": start, "end": end}
        with wh.transaction():
            wh.execute(f"DELETE FROM {self.table} WHERE {self.date_column} BETWEEN $start AND $end", window)
            wh.execute(f"INSERT INTO {self.table} BY NAME ({select})", {**window, **extra})
            written = wh.count(self.table, f"{self.date_column} BETWEEN $start AND $end", window)
        return written


def all_sql_files() -> list[tuple[str, str, str]]:
    """(package, file name, sql) of every transform file shipped, for the portability test."""
    found = []
    for package in TRANSFORM_PACKAGES:
        for entry in sorted(resources.files(package).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".sql"):
                found.append((package, entry.name, entry.read_text(encoding="utf-8")))
    return found
