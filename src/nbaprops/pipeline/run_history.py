"""Run history: every run and every step, with its failure category, in SQLite (WAL).

Kept outside DuckDB on purpose: DuckDB admits one writer process, while run history must be
readable (``nbaprops runs``, health checks) while a run is writing the warehouse.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from nbaprops.pipeline.categories import Category

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id        TEXT PRIMARY KEY,
    command       TEXT NOT NULL,
    date_start    TEXT,
    date_end      TEXT,
    started_utc   TEXT NOT NULL,
    finished_utc  TEXT,
    status        TEXT NOT NULL,          -- running / finished
    category      TEXT,                   -- worst category of its critical steps
    pid           INTEGER,
    host          TEXT,
    details       TEXT                    -- JSON
);
CREATE TABLE IF NOT EXISTS steps (
    run_id        TEXT NOT NULL REFERENCES runs(run_id),
    step          TEXT NOT NULL,
    phase         TEXT NOT NULL,
    date_start    TEXT,
    date_end      TEXT,
    critical      INTEGER NOT NULL,
    started_utc   TEXT NOT NULL,
    finished_utc  TEXT,
    category      TEXT,
    rows_written  INTEGER,
    duration_s    REAL,
    message       TEXT,
    PRIMARY KEY (run_id, step)
);
CREATE INDEX IF NOT EXISTS steps_by_step ON steps(step, started_utc);
"""

# Worst first: the run's category is the worst among its critical steps.
SEVERITY = [
    Category.ERROR,
    Category.TIMEOUT,
    Category.VALIDATION_FAILED,
    Category.DEPENDENCY_MISSING,
    Category.NO_DATA,
    Category.SUCCESS,
]


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds")


def worst(categories: list[Category]) -> Category:
    if not categories:
        return Category.SUCCESS
    return min(categories, key=SEVERITY.index)


@dataclass
class StepRecord:
    step: str
    phase: str
    category: Category
    rows_written: int
    duration_s: float
    message: str


class RunHistory:
    """Append-only log of runs and steps."""

    def __init__(self, path: str) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.con = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("PRAGMA busy_timeout=30000")
        self.con.executescript(_SCHEMA)

    def start_run(
        self, command: str, date_start: date | None = None, date_end: date | None = None, **details: Any
    ) -> str:
        run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        self.con.execute(
            "INSERT INTO runs (run_id, command, date_start, date_end, started_utc, status, pid, host, details)"
            " VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)",
            (
                run_id,
                command,
                date_start.isoformat() if date_start else None,
                date_end.isoformat() if date_end else None,
                _now(),
                os.getpid(),
                socket.gethostname(),
                json.dumps(details, default=str),
            ),
        )
        return run_id

    def start_step(
        self,
        run_id: str,
        step: str,
        phase: str,
        critical: bool,
        date_start: date | None = None,
        date_end: date | None = None,
    ) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO steps (run_id, step, phase, date_start, date_end, critical, started_utc)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                step,
                phase,
                date_start.isoformat() if date_start else None,
                date_end.isoformat() if date_end else None,
                int(critical),
                _now(),
            ),
        )

    def finish_step(
        self, run_id: str, step: str, category: Category, rows_written: int, duration_s: float, message: str
    ) -> None:
        self.con.execute(
            "UPDATE steps SET finished_utc = ?, category = ?, rows_written = ?, duration_s = ?, message = ?"
            " WHERE run_id = ? AND step = ?",
            (_now(), category.value, rows_written, round(duration_s, 4), message, run_id, step),
        )

    def finish_run(self, run_id: str, category: Category) -> None:
        self.con.execute(
            "UPDATE runs SET finished_utc = ?, status = 'finished', category = ? WHERE run_id = ?",
            (_now(), category.value, run_id),
        )

    def recent_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        cur = self.con.execute(
            "SELECT r.run_id, r.command, r.date_start, r.date_end, r.started_utc, r.finished_utc, r.status,"
            " r.category, count(s.step) AS steps,"
            " sum(CASE WHEN s.category NOT IN ('success', 'no_data_available') THEN 1 ELSE 0 END) AS problems,"
            " coalesce(sum(s.rows_written), 0) AS rows_written"
            " FROM runs r LEFT JOIN steps s USING (run_id)"
            " GROUP BY r.run_id ORDER BY r.started_utc DESC LIMIT ?",
            (limit,),
        )
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def steps(self, run_id: str) -> list[dict[str, Any]]:
        cur = self.con.execute(
            "SELECT step, phase, date_start, date_end, critical, category, rows_written, duration_s, message"
            " FROM steps WHERE run_id = ? ORDER BY started_utc",
            (run_id,),
        )
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def resolve_run_id(self, prefix: str) -> str | None:
        row = self.con.execute(
            "SELECT run_id FROM runs WHERE run_id LIKE ? ORDER BY started_utc DESC LIMIT 1", (prefix + "%",)
        ).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self.con.close()
