"""Run history: every run and every step attempt with its failure category, the per-date locks, the
heal counters and the backfill checkpoints — in SQLite (WAL) by default, Postgres by URL.

Kept outside DuckDB on purpose: DuckDB admits one writer process, while the run history must be
readable (``nbaprops runs``, health checks) and lockable by several processes while a run writes
the warehouse. SQLAlchemy Core keeps one code path for both backends.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from nbaprops.pipeline.categories import Category

metadata = sa.MetaData()

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("command", sa.String(64), nullable=False),
    sa.Column("date_start", sa.Date),
    sa.Column("date_end", sa.Date),
    sa.Column("started_utc", sa.DateTime, nullable=False),
    sa.Column("finished_utc", sa.DateTime),
    sa.Column("heartbeat_utc", sa.DateTime),
    sa.Column("status", sa.String(16), nullable=False),  # running / finished / abandoned
    sa.Column("category", sa.String(32)),  # worst category of its critical steps
    sa.Column("quiet", sa.Boolean, nullable=False, default=False),  # backfills: never page anyone
    sa.Column("pid", sa.Integer),
    sa.Column("host", sa.String(255)),
    sa.Column("details", sa.Text),  # JSON
)

steps = sa.Table(
    "steps",
    metadata,
    sa.Column("run_id", sa.String(64), sa.ForeignKey("runs.run_id"), primary_key=True),
    sa.Column("step", sa.String(128), primary_key=True),
    sa.Column("attempt", sa.Integer, primary_key=True),
    sa.Column("phase", sa.String(32), nullable=False),
    sa.Column("date_start", sa.Date),
    sa.Column("date_end", sa.Date),
    sa.Column("critical", sa.Boolean, nullable=False),
    sa.Column("started_utc", sa.DateTime, nullable=False),
    sa.Column("finished_utc", sa.DateTime),
    sa.Column("heartbeat_utc", sa.DateTime),
    sa.Column("category", sa.String(32)),
    sa.Column("rows_written", sa.Integer),
    sa.Column("duration_s", sa.Float),
    sa.Column("message", sa.Text),
    sa.Column("skipped", sa.Boolean, nullable=False, default=False),  # not run: breaker open, upstream failed
    sa.Column("warnings", sa.Text),  # gate warnings (mode warn)
    sa.Index("steps_by_step", "step", "started_utc"),
)

locks = sa.Table(
    "date_locks",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("acquired_utc", sa.DateTime, nullable=False),
)

heal_attempts = sa.Table(
    "heal_attempts",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("step", sa.String(128), primary_key=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_utc", sa.DateTime, nullable=False),
    sa.Column("last_category", sa.String(32)),
)

backfill_chunks = sa.Table(
    "backfill_chunks",
    metadata,
    sa.Column("backfill_id", sa.String(64), primary_key=True),
    sa.Column("chunk_start", sa.Date, primary_key=True),
    sa.Column("chunk_end", sa.Date, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # done / failed
    sa.Column("run_id", sa.String(64)),
    sa.Column("finished_utc", sa.DateTime, nullable=False),
)

# Worst first: the run's category is the worst among its critical steps.
SEVERITY = [
    Category.ERROR,
    Category.TIMEOUT,
    Category.VALIDATION_FAILED,
    Category.DEPENDENCY_MISSING,
    Category.NO_DATA,
    Category.SUCCESS,
]


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def worst(categories: Iterable[Category]) -> Category:
    found = list(categories)
    return min(found, key=SEVERITY.index) if found else Category.SUCCESS


class LockHeld(RuntimeError):
    """Another live run holds a date this run needs."""

    def __init__(self, day: date, holder: dict[str, Any]) -> None:
        super().__init__(
            f"{day} is being run by run {holder['run_id']} (pid {holder['pid']} on {holder['host']}, "
            f"since {holder['acquired_utc']:%Y-%m-%d %H:%M:%S} UTC)"
        )
        self.day = day
        self.holder = holder


@dataclass(frozen=True)
class StepAttempt:
    step: str
    category: Category
    started_utc: datetime
    skipped: bool


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunHistory:
    """Append-only log of runs and step attempts, plus the coordination tables."""

    def __init__(self, url_or_path: str) -> None:
        url = url_or_path if "://" in url_or_path else f"sqlite:///{url_or_path}"
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.engine = sa.create_engine(url, future=True, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        self.host = socket.gethostname()

    def after_fork(self) -> None:
        """In a forked child: never reuse the parent's pooled connections."""
        self.engine.dispose(close=False)

    # ------------------------------------------------------------------ runs
    def start_run(
        self,
        command: str,
        date_start: date | None = None,
        date_end: date | None = None,
        quiet: bool = False,
        **details: Any,
    ) -> str:
        run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        now = utcnow()
        with self.engine.begin() as con:
            con.execute(
                runs.insert().values(
                    run_id=run_id, command=command, date_start=date_start, date_end=date_end, started_utc=now,
                    heartbeat_utc=now, status="running", quiet=quiet, pid=os.getpid(), host=self.host,
                    details=json.dumps(details, default=str),
                )
            )  # fmt: skip
        return run_id

    def finish_run(self, run_id: str, category: Category) -> None:
        with self.engine.begin() as con:
            con.execute(
                runs.update()
                .where(runs.c.run_id == run_id)
                .values(finished_utc=utcnow(), status="finished", category=category.value)
            )

    def heartbeat(self, run_id: str, step: str | None = None, attempt: int = 1) -> None:
        """A long step says it is alive; a run whose heartbeats stop is stale."""
        now = utcnow()
        with self.engine.begin() as con:
            con.execute(runs.update().where(runs.c.run_id == run_id).values(heartbeat_utc=now))
            if step is not None:
                con.execute(
                    steps.update()
                    .where(steps.c.run_id == run_id, steps.c.step == step, steps.c.attempt == attempt)
                    .values(heartbeat_utc=now)
                )

    # ------------------------------------------------------------------ steps
    def start_step(
        self,
        run_id: str,
        step: str,
        phase: str,
        critical: bool,
        date_start: date | None = None,
        date_end: date | None = None,
        attempt: int = 1,
    ) -> None:
        now = utcnow()
        with self.engine.begin() as con:
            con.execute(
                steps.insert().values(
                    run_id=run_id, step=step, attempt=attempt, phase=phase, date_start=date_start,
                    date_end=date_end, critical=critical, started_utc=now, heartbeat_utc=now, skipped=False,
                )
            )  # fmt: skip

    def finish_step(
        self,
        run_id: str,
        step: str,
        category: Category,
        rows_written: int,
        duration_s: float,
        message: str,
        attempt: int = 1,
        skipped: bool = False,
        warnings: str | None = None,
    ) -> None:
        with self.engine.begin() as con:
            con.execute(
                steps.update()
                .where(steps.c.run_id == run_id, steps.c.step == step, steps.c.attempt == attempt)
                .values(
                    finished_utc=utcnow(), category=category.value, rows_written=rows_written,
                    duration_s=round(duration_s, 4), message=message, skipped=skipped, warnings=warnings,
                )
            )  # fmt: skip

    def recent_attempts(self, step: str, limit: int) -> list[StepAttempt]:
        """The latest finished, really-run attempts of a processor, newest first (for its breaker)."""
        query = (
            sa.select(steps.c.step, steps.c.category, steps.c.started_utc, steps.c.skipped)
            .where(steps.c.step == step, steps.c.category.is_not(None), steps.c.skipped.is_(False))
            .order_by(steps.c.started_utc.desc())
            .limit(limit)
        )
        with self.engine.connect() as con:
            return [StepAttempt(r.step, Category(r.category), r.started_utc, r.skipped) for r in con.execute(query)]

    # ------------------------------------------------------------------ reading
    def recent_runs(self, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        problems = sa.func.sum(sa.case((steps.c.category.in_(["error", "timeout", "validation_failed"]), 1), else_=0))
        query = (
            sa.select(
                runs.c.run_id, runs.c.command, runs.c.date_start, runs.c.date_end, runs.c.started_utc,
                runs.c.finished_utc, runs.c.status, runs.c.category, runs.c.quiet,
                sa.func.count(steps.c.step).label("steps"), problems.label("problems"),
                sa.func.coalesce(sa.func.sum(steps.c.rows_written), 0).label("rows_written"),
            )
            .select_from(runs.outerjoin(steps, runs.c.run_id == steps.c.run_id))
            .group_by(runs.c.run_id)
            .order_by(runs.c.started_utc.desc())
            .limit(limit)
            .offset(offset)
        )  # fmt: skip
        with self.engine.connect() as con:
            return [{k: _iso(v) for k, v in row._mapping.items()} for row in con.execute(query)]

    def count_runs(self) -> int:
        """How many runs are recorded (the total a paginated reader, the web API, reports)."""
        with self.engine.connect() as con:
            return int(con.execute(sa.select(sa.func.count()).select_from(runs)).scalar() or 0)

    def steps(self, run_id: str) -> list[dict[str, Any]]:
        query = (
            sa.select(
                steps.c.step, steps.c.attempt, steps.c.phase, steps.c.date_start, steps.c.date_end,
                steps.c.critical, steps.c.category, steps.c.rows_written, steps.c.duration_s, steps.c.message,
                steps.c.skipped, steps.c.warnings, steps.c.started_utc, steps.c.finished_utc,
            )
            .where(steps.c.run_id == run_id)
            .order_by(steps.c.started_utc, steps.c.attempt)
        )  # fmt: skip
        with self.engine.connect() as con:
            return [{k: _iso(v) for k, v in row._mapping.items()} for row in con.execute(query)]

    def step_outcomes(self, since: date | None = None) -> list[dict[str, Any]]:
        """The last attempt of every step of every run (what `gaps` reads to find failures)."""
        columns = (
            steps.c.run_id, steps.c.step, steps.c.phase, steps.c.date_start, steps.c.date_end, steps.c.category,
            steps.c.started_utc, steps.c.message, steps.c.skipped, runs.c.command,
        )  # fmt: skip
        query = (
            sa.select(*columns)
            .select_from(steps.join(runs, runs.c.run_id == steps.c.run_id))
            .where(steps.c.category.is_not(None))
        )
        if since is not None:
            query = query.where(steps.c.date_end >= since)
        with self.engine.connect() as con:
            return [dict(row._mapping) for row in con.execute(query.order_by(steps.c.started_utc))]

    def resolve_run_id(self, prefix: str) -> str | None:
        query = (
            sa.select(runs.c.run_id)
            .where(runs.c.run_id.like(prefix + "%"))
            .order_by(runs.c.started_utc.desc())
            .limit(1)
        )
        with self.engine.connect() as con:
            return con.execute(query).scalar()

    # ------------------------------------------------------------------ stale runs
    def recover_stale(self, stale_after_s: float = 900.0) -> list[str]:
        """Close runs left `running` by a dead process: their steps and locks are released.

        A run is stale when its process is gone (same host) or its heartbeat is older than
        `stale_after_s` (any host).
        """
        cutoff = utcnow() - timedelta(seconds=stale_after_s)
        with self.engine.connect() as con:
            running = list(con.execute(sa.select(runs).where(runs.c.status == "running")))
        stale = [
            r.run_id
            for r in running
            if (r.host == self.host and not pid_alive(r.pid)) or (r.heartbeat_utc or r.started_utc) < cutoff
        ]
        now = utcnow()
        for run_id in stale:
            with self.engine.begin() as con:
                con.execute(
                    steps.update()
                    .where(steps.c.run_id == run_id, steps.c.category.is_(None))
                    .values(
                        finished_utc=now,
                        category=Category.ERROR.value,
                        message="abandoned: the process running this step died",
                    )
                )
                con.execute(
                    runs.update()
                    .where(runs.c.run_id == run_id)
                    .values(status="abandoned", finished_utc=now, category=Category.ERROR.value)
                )
                con.execute(locks.delete().where(locks.c.run_id == run_id))
        return stale

    # ------------------------------------------------------------------ date locks
    @contextmanager
    def lock_dates(self, days: Iterable[date], run_id: str, wait_s: float = 0.0, poll_s: float = 1.0) -> Iterator[None]:
        """Hold every date in `days` for `run_id`; wait up to `wait_s` for another run to finish.

        Two runs of one date can never interleave; a lock held by a dead process is taken over.
        """
        wanted = sorted(set(days))
        deadline = time.monotonic() + wait_s
        while True:
            try:
                self._try_lock(wanted, run_id)
                break
            except LockHeld:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(poll_s)
        try:
            yield
        finally:
            with self.engine.begin() as con:
                con.execute(locks.delete().where(locks.c.run_id == run_id))

    def _try_lock(self, days: list[date], run_id: str) -> None:
        now = utcnow()
        with self.engine.begin() as con:
            held = {
                r.day: dict(r._mapping)
                for r in con.execute(sa.select(locks).where(locks.c.day.in_(days), locks.c.run_id != run_id))
            }
            for day, holder in held.items():
                if holder["host"] == self.host and not pid_alive(holder["pid"]):
                    con.execute(locks.delete().where(locks.c.day == day, locks.c.run_id == holder["run_id"]))
                else:
                    raise LockHeld(day, holder)
            try:
                con.execute(
                    locks.insert(),
                    [{"day": d, "run_id": run_id, "pid": os.getpid(), "host": self.host, "acquired_utc": now}
                     for d in days],
                )  # fmt: skip
            except IntegrityError as exc:  # another process won the race for one of the days
                row = con.execute(sa.select(locks).where(locks.c.day.in_(days))).first()
                raise LockHeld(row.day if row else days[0], dict(row._mapping) if row else {
                    "run_id": "?", "pid": 0, "host": "?", "acquired_utc": now}) from exc  # fmt: skip

    # ------------------------------------------------------------------ healing and backfills
    def heal_count(self, day: date, step: str) -> int:
        with self.engine.connect() as con:
            return int(
                con.execute(
                    sa.select(heal_attempts.c.attempts).where(heal_attempts.c.day == day, heal_attempts.c.step == step)
                ).scalar()
                or 0
            )

    def record_heal(self, day: date, step: str, category: Category) -> None:
        attempts = self.heal_count(day, step)
        with self.engine.begin() as con:
            if attempts:
                con.execute(
                    heal_attempts.update()
                    .where(heal_attempts.c.day == day, heal_attempts.c.step == step)
                    .values(attempts=attempts + 1, last_utc=utcnow(), last_category=category.value)
                )
            else:
                con.execute(
                    heal_attempts.insert().values(
                        day=day, step=step, attempts=1, last_utc=utcnow(), last_category=category.value
                    )
                )

    def done_chunks(self, backfill_id: str) -> set[date]:
        with self.engine.connect() as con:
            rows = con.execute(
                sa.select(backfill_chunks.c.chunk_start).where(
                    backfill_chunks.c.backfill_id == backfill_id, backfill_chunks.c.status == "done"
                )
            )
            return {r.chunk_start for r in rows}

    def checkpoint(self, backfill_id: str, start: date, end: date, status: str, run_id: str | None) -> None:
        with self.engine.begin() as con:
            con.execute(
                backfill_chunks.delete().where(
                    backfill_chunks.c.backfill_id == backfill_id, backfill_chunks.c.chunk_start == start
                )
            )
            con.execute(
                backfill_chunks.insert().values(
                    backfill_id=backfill_id, chunk_start=start, chunk_end=end, status=status, run_id=run_id,
                    finished_utc=utcnow(),
                )
            )  # fmt: skip

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
