"""Portable SQL transforms and the one way they are written to the warehouse.

Every transform is a ``SELECT`` in a ``.sql`` file beside the phase that owns it, parameterised by
``$start`` and ``$end`` (game dates). It is written once, in the DuckDB dialect restricted to what
also compiles to BigQuery (``tests/test_portability.py`` transpiles every file with sqlglot and fails
on anything unsupported). Writing is always *replace the date range*: the output is staged, its
declared key is checked for duplicates (a duplicate fails the step as ``validation_failed`` and
writes nothing), then the rows of ``[start, end]`` are deleted and the new ones inserted in one
transaction — re-running a range is idempotent. Derived tables carry no PRIMARY KEY (index upkeep
made rebuilds several times slower); the check here is the guard instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from nbaprops.pipeline.categories import ValidationFailed
from nbaprops.warehouse.db import Warehouse

TRANSFORM_PACKAGES = ("nbaprops.analytics", "nbaprops.features", "nbaprops.grading")


@dataclass(frozen=True)
class Transform:
    """A SQL file that fills one table, by date range."""

    package: str
    sql_file: str
    table: str
    key: tuple[str, ...]
    date_column: str = "game_date"
    tail: Callable[[], str] | None = None  # generated SQL appended to the file (the feature contract)

    def sql(self) -> str:
        text = resources.files(self.package).joinpath(self.sql_file).read_text(encoding="utf-8")
        return text + self.tail() if self.tail is not None else text

    def run(self, wh: Warehouse, start: date, end: date, **extra: Any) -> int:
        """Replace the table's rows in [start, end] with the transform's output; return rows written."""
        window = {"start": start, "end": end}
        staged = "_staged_" + self.table.replace(".", "_")
        wh.execute(f"CREATE OR REPLACE TEMP TABLE {staged} AS {self.sql()}", {**window, **extra})
        try:
            key = ", ".join(self.key)
            duplicates = wh.execute(
                f"SELECT {key}, count(*) AS n FROM {staged} GROUP BY {key} HAVING count(*) > 1 LIMIT 3"
            ).fetchall()
            if duplicates:
                raise ValidationFailed(
                    f"{self.sql_file} produced duplicate {self.table} keys ({key}), e.g. {duplicates}; nothing written"
                )
            with wh.transaction():
                wh.execute(f"DELETE FROM {self.table} WHERE {self.date_column} BETWEEN $start AND $end", window)
                wh.execute(f"INSERT INTO {self.table} BY NAME SELECT * FROM {staged}")
            return wh.count(staged)
        finally:
            wh.execute(f"DROP TABLE IF EXISTS {staged}")
