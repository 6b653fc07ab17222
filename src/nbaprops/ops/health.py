"""Health: is the pipeline doing its job? One verdict — healthy, degraded or broken — with the evidence.

``nbaprops health`` exits 0 (healthy), 1 (degraded) or 2 (broken), so cron, a load balancer or a
person can act on it without reading the table. The rules, worst first:

**broken** (exit 2) — predictions for a date are missing or wrong and will not fix themselves:

- a *critical* processor's latest attempt for the latest date run failed with a paging category
  (``error``, ``timeout``, ``validation_failed``);
- a *critical* expected output is past its SLA (gap ``late``, ``failed`` or ``gave_up``) on a game
  date of the last ``lookback_days`` (30);
- there is no warehouse at all, or it cannot be read for a reason other than a lock.

**degraded** (exit 1) — something needs a look, but what is published is still right:

- an *optional* processor failed at the latest date, or an optional output is past its SLA;
- more than ``UNRESOLVED_MAX_SHARE`` (2 %) of the prop lines are not resolved to a player and game;
- stale data: box scores missing for a game date that ended more than ``BOX_SCORES_MAX_AGE_H`` (36 h)
  ago, or — live only (``NBAPROPS_LIVE_SINCE`` set) — games today, past noon US/Eastern, and no line
  snapshot in the last ``LINES_MAX_AGE_H`` (6 h);
- a stale model: a system's newest model was trained more than twice the retraining cadence
  (``retrain_every_days``) before the last date it predicted;
- a run was abandoned (its process died) in the last day, or is still marked running by a process
  that is gone or has not sent a heartbeat for ``stale_after_s``;
- the warehouse is held by another process (DuckDB lets one writer in and nobody else): the
  warehouse checks are skipped and the report says who holds it — a run in progress is normal,
  not an outage, so this is never *broken*.

Everything else is **healthy** (exit 0). Pending outputs (missing but not due yet) are listed, never
counted against health; the outputs of a prediction system switched off in ``prediction_systems``
are not expected.

The warehouse is opened read-only and without migrations, so a health check never writes and can
run beside other readers; the run history (SQLite/Postgres) is shared by design.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import duckdb
import sqlalchemy as sa

from nbaprops.config import Settings
from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.expectations import GAMES_PER_DATE, Gap, find_gaps
from nbaprops.pipeline.processor import PHASES
from nbaprops.pipeline.registry import REGISTRY
from nbaprops.pipeline.run_history import RunHistory, pid_alive, runs, steps, utcnow, worst
from nbaprops.warehouse.db import Warehouse

EASTERN = ZoneInfo("America/New_York")
LOOKBACK_DAYS = 30  # game dates whose gaps count against health
UNRESOLVED_MAX_SHARE = 0.02  # prop lines without a player or game, as a share of all lines
BOX_SCORES_MAX_AGE_H = 36.0  # hours after a game date's midnight (US/Eastern) its box scores may be missing
LINES_MAX_AGE_H = 6.0  # live only: the newest line snapshot on a game day, past noon US/Eastern
WHOLE_HISTORY_DAYS = 400  # a step window this long (a full rebuild) says little about one date
MESSAGE_CHARS = 240
PAGING = frozenset(c.value for c in Category if c.pages_a_human)
CRITICAL = {p.name: p.critical for p in REGISTRY}
_BY_NAME = {p.name: p for p in REGISTRY}
_PHASE_OF = {p.name: p.phase for p in REGISTRY}

Status = Literal["healthy", "degraded", "broken"]
EXIT_CODES: dict[str, int] = {"healthy": 0, "degraded": 1, "broken": 2}


# ---------------------------------------------------------------------------- one date
def window_health(
    wh: Warehouse,
    history: RunHistory,
    settings: Settings,
    days: Iterable[date],
    skip_phases: frozenset[str] = frozenset(),
) -> dict[date, dict[str, Any]]:
    """Whether each game date's outputs can be trusted: ``{day: {"status": "ok"|"unhealthy", ...}}``.

    ``problems`` (human-readable strings) make a date unhealthy: a critical processor whose latest
    attempt covering the date failed with a paging category, or a critical expected output past its
    SLA. ``warnings`` lists the same for optional processors, which do not make it unhealthy (the
    published numbers are still right without them). One gap search covers the whole window (it reads
    whole tables: per date, a month of published files would cost a month of searches). Processors of
    `skip_phases` are left out (the publish phase leaves out its own steps).
    """
    wanted = sorted(set(days))
    if not wanted:
        return {}
    gaps: dict[date, list[Gap]] = defaultdict(list)
    for gap in find_gaps(wh, settings, history, since=wanted[0], until=wanted[-1]):
        gaps[gap.day].append(gap)
    out = {}
    for day in wanted:
        problems: list[str] = []
        warnings: list[str] = []
        reported: set[str] = set()
        for gap in gaps[day]:
            if gap.status == "pending" or not enabled(gap.step, settings) or _PHASE_OF.get(gap.step) in skip_phases:
                continue
            (problems if CRITICAL.get(gap.step, False) else warnings).append(
                f"{gap.step}: {gap.status} — {_short(gap.reason)}"
            )
            reported.add(gap.step)
        for step in latest_attempts(history, day):
            if step["step"] in reported or step["category"] not in PAGING or step["phase"] in skip_phases:
                continue
            text = f"{step['step']}: {step['category']} — {_short(step['message'] or '')}"
            (problems if step["critical"] else warnings).append(text)
        out[day] = {"status": "unhealthy" if problems else "ok", "problems": problems, "warnings": warnings}
    return out


def date_health(wh: Warehouse, history: RunHistory, settings: Settings, day: date) -> dict[str, Any]:
    """The health of one game date (see `window_health`); used by ``nbaprops health``."""
    return window_health(wh, history, settings, [day])[day]


def enabled(step: str, settings: Settings) -> bool:
    """False for a processor the settings switch off (a prediction system not configured): no gap."""
    proc = _BY_NAME.get(step)
    return proc is None or proc.is_enabled(settings)


def latest_attempts(history: RunHistory, day: date) -> list[dict[str, Any]]:
    """The latest finished attempt of every step whose window covers `day` (full rebuilds excepted)."""
    query = (
        sa.select(
            steps.c.step, steps.c.phase, steps.c.critical, steps.c.category, steps.c.message, steps.c.started_utc,
            steps.c.date_start, steps.c.date_end, steps.c.run_id, runs.c.command, runs.c.quiet,
        )
        .select_from(steps.join(runs, runs.c.run_id == steps.c.run_id))
        .where(steps.c.category.is_not(None), steps.c.date_start <= day, steps.c.date_end >= day)
        .order_by(steps.c.started_utc, steps.c.attempt)
    )  # fmt: skip
    latest: dict[str, dict[str, Any]] = {}
    with history.engine.connect() as con:
        for row in con.execute(query):
            if (row.date_end - row.date_start).days > WHOLE_HISTORY_DAYS:
                continue
            latest[row.step] = dict(row._mapping)
    return list(latest.values())


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"


# ---------------------------------------------------------------------------- the whole pipeline
@dataclass
class Finding:
    """One reason the verdict is not healthy."""

    level: Literal["degraded", "broken"]
    check: str
    message: str


@dataclass
class HealthReport:
    checked_utc: datetime
    findings: list[Finding] = field(default_factory=list)
    warehouse: dict[str, Any] = field(default_factory=dict)
    phases: list[dict[str, Any]] = field(default_factory=list)
    latest_date: dict[str, Any] = field(default_factory=dict)
    gaps: dict[str, Any] = field(default_factory=dict)
    unresolved: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    models: list[dict[str, Any]] = field(default_factory=list)
    runs: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        levels = {f.level for f in self.findings}
        return "broken" if "broken" in levels else "degraded" if "degraded" in levels else "healthy"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def add(self, level: Literal["degraded", "broken"], check: str, message: str) -> None:
        self.findings.append(Finding(level, check, message))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (dates as ISO strings)."""
        return _jsonable(
            {
                "status": self.status,
                "exit_code": self.exit_code,
                "checked_utc": self.checked_utc,
                "findings": [f.__dict__ for f in self.findings],
                "warehouse": self.warehouse,
                "phases": self.phases,
                "latest_date": self.latest_date,
                "gaps": self.gaps,
                "unresolved": self.unresolved,
                "data": self.data,
                "models": self.models,
                "runs": self.runs,
            }
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


class ReadOnlyWarehouse(Warehouse):
    """The warehouse file opened read-only, without migrations: a health check never writes."""

    def __init__(self, path: str) -> None:  # not super().__init__(): that would migrate
        self.path = path
        self.con = duckdb.connect(path, read_only=True)
        self.con.execute("SET TimeZone = 'UTC'")


def open_read_only(settings: Settings) -> tuple[Warehouse | None, str | None, bool]:
    """(warehouse, why not, locked): the warehouse read-only, or why it cannot be opened."""
    path = settings.warehouse_path
    if path != ":memory:" and not Path(path).exists():
        return None, f"no warehouse at {path}: run `nbaprops import-history` or `nbaprops run` first", False
    try:
        return ReadOnlyWarehouse(path), None, False
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            return None, f"the warehouse is held by another process ({_lock_holder(text)})", True
        return None, f"cannot read the warehouse {path}: {text}", False
    except duckdb.Error as exc:
        return None, f"cannot read the warehouse {path}: {exc}", False


def _lock_holder(text: str) -> str:
    """DuckDB names the holder: 'Conflicting lock is held in <program> (PID n)'."""
    marker = "Conflicting lock is held in "
    return text.split(marker, 1)[1].split(". See", 1)[0] if marker in text else "DuckDB write lock"


def health_report(
    settings: Settings,
    *,
    now: datetime | None = None,
    lookback_days: int = LOOKBACK_DAYS,
    wh: Warehouse | None = None,
    history: RunHistory | None = None,
) -> HealthReport:
    """Check the run history, the gaps, the player registry, data and model freshness; judge them.

    `now` (naive UTC) lets a check be made as of a past moment (tests, replays). `wh` and
    `history` may be given by a caller that already holds them; otherwise both are opened here, the
    warehouse read-only, and closed again.
    """
    now = now or utcnow()
    report = HealthReport(checked_utc=now)
    own_history = history is None
    history = history or RunHistory(settings.run_history_url)
    own_wh = wh is None
    locked = False
    if wh is None:
        wh, why, locked = open_read_only(settings)
        report.warehouse = {"path": settings.warehouse_path, "readable": wh is not None, "error": why}
        if why is not None:
            report.add("degraded" if locked else "broken", "warehouse", why)
    else:
        report.warehouse = {"path": wh.path, "readable": True, "error": None}
    try:
        _check_runs(report, history, settings, now, locked)
        checks: dict[str, Callable[[Warehouse], None]] = {
            "latest date": lambda w: _check_latest_date(report, w, history, settings, now),
            "SLA": lambda w: _check_gaps(report, w, history, settings, now, lookback_days),
            "players": lambda w: _check_unresolved(report, w),
            "data": lambda w: _check_data(report, w, settings, now),
            "models": lambda w: _check_models(report, w, settings),
        }
        for name, check in checks.items():
            if wh is None:
                break
            try:
                check(wh)
            except duckdb.Error as exc:  # e.g. a warehouse older than this code: the next run migrates it
                report.add("degraded", name, f"could not be checked: {type(exc).__name__}: {_short(str(exc))}")
    finally:
        if own_wh and wh is not None:
            wh.close()
        if own_history:
            history.close()
    return report


def _check_runs(report: HealthReport, history: RunHistory, settings: Settings, now: datetime,
               locked: bool) -> None:  # fmt: skip
    """Last run per phase (from the steps), runs in progress, runs abandoned in the last day."""
    columns = (
        steps.c.run_id, steps.c.step, steps.c.critical, steps.c.category, steps.c.started_utc, steps.c.finished_utc,
        steps.c.date_start, steps.c.date_end, runs.c.command,
    )  # fmt: skip
    done = steps.c.category.is_not(None)
    with history.engine.connect() as con:
        latest = con.execute(
            sa.select(steps.c.phase, sa.func.max(steps.c.started_utc)).where(done).group_by(steps.c.phase)
        ).all()
        by_phase = {}
        for phase, started in latest:
            run_id = con.execute(
                sa.select(steps.c.run_id).where(done, steps.c.phase == phase, steps.c.started_utc == started).limit(1)
            ).scalar()
            by_phase[phase] = con.execute(
                sa.select(*columns)
                .select_from(steps.join(runs, runs.c.run_id == steps.c.run_id))
                .where(done, steps.c.phase == phase, steps.c.run_id == run_id)
            ).all()
        running = con.execute(
            sa.select(
                runs.c.run_id, runs.c.command, runs.c.pid, runs.c.host, runs.c.started_utc, runs.c.heartbeat_utc
            ).where(runs.c.status == "running")
        ).all()
        abandoned = con.execute(
            sa.select(runs.c.run_id, runs.c.command, runs.c.finished_utc).where(
                runs.c.status == "abandoned", runs.c.finished_utc >= now - timedelta(days=1)
            )
        ).all()
    for phase in PHASES:
        # the last attempt of each step: a retry that succeeded is a success
        mine = list({r.step: r for r in sorted(by_phase.get(phase, []), key=lambda r: r.started_utc)}.values())
        if not mine:
            report.phases.append({"phase": phase, "run_id": None, "command": None, "category": None})
            continue
        categories = [Category(r.category) for r in mine if r.critical] or [Category(r.category) for r in mine]
        report.phases.append({
            "phase": phase, "run_id": mine[0].run_id, "command": mine[0].command,
            "dates": _dates(min((r.date_start for r in mine if r.date_start), default=None),
                            max((r.date_end for r in mine if r.date_end), default=None)),
            "started_utc": min(r.started_utc for r in mine),
            "finished_utc": max((r.finished_utc for r in mine if r.finished_utc), default=None),
            "category": worst(categories).value, "steps": len(mine),
            "failed": sum(1 for r in mine if r.category in PAGING),
        })  # fmt: skip
    report.runs = {
        "running": [dict(r._mapping) for r in running],
        "abandoned_last_day": [dict(r._mapping) for r in abandoned],
    }
    if abandoned:
        report.add("degraded", "runs", f"{len(abandoned)} run(s) abandoned in the last day (their process died)")
    stale = [r for r in running if is_stale(r, history.host, now, settings.stale_after_s)]
    if stale:
        report.add("degraded", "runs", f"{len(stale)} run(s) left 'running' by a process that is gone or silent "
                   f"({', '.join(r.run_id for r in stale[:3])}); the next run recovers them")  # fmt: skip
    if locked and running:
        holder = running[-1]
        report.warehouse["held_by_run"] = holder.run_id
        for finding in report.findings:
            if finding.check == "warehouse":
                finding.message += f"; run {holder.run_id} ({holder.command}, pid {holder.pid}) is in progress"


def is_stale(run: Any, host: str, now: datetime, stale_after_s: float) -> bool:
    """The run history's own rule (``RunHistory.recover_stale``), read without recovering anything."""
    silent = (run.heartbeat_utc or run.started_utc) < now - timedelta(seconds=stale_after_s)
    return (run.host == host and not pid_alive(run.pid)) or silent


def _dates(start: date | None, end: date | None) -> str | None:
    if start is None:
        return None
    return str(start) if end in (None, start) else f"{start}..{end}"


def _latest_run_date(history: RunHistory, today: date) -> date | None:
    """The last date a scheduled or manual run covered (backfills and future dates excepted)."""
    with history.engine.connect() as con:
        return con.execute(
            sa.select(sa.func.max(runs.c.date_end)).where(
                runs.c.quiet.is_(False), runs.c.date_end.is_not(None), runs.c.date_end <= today + timedelta(days=1)
            )
        ).scalar()


def _check_latest_date(report: HealthReport, wh: Warehouse, history: RunHistory, settings: Settings,
                       now: datetime) -> None:  # fmt: skip
    day = _latest_run_date(history, _eastern_date(now))
    if day is None:
        report.latest_date = {"day": None}
        return
    verdict = date_health(wh, history, settings, day)
    report.latest_date = {"day": day, **verdict}
    for problem in verdict["problems"]:
        report.add("broken", "latest date", f"{day} {problem}")
    for warning in verdict["warnings"]:
        report.add("degraded", "latest date", f"{day} {warning}")


def _check_gaps(report: HealthReport, wh: Warehouse, history: RunHistory, settings: Settings, now: datetime,
                lookback_days: int) -> None:  # fmt: skip
    since = _eastern_date(now) - timedelta(days=lookback_days)
    gaps: list[Gap] = [g for g in find_gaps(wh, settings, history, since=since, now=now) if enabled(g.step, settings)]
    counts: dict[str, int] = {}
    open_gaps = []
    for gap in gaps:
        counts[gap.status] = counts.get(gap.status, 0) + 1
        critical = CRITICAL.get(gap.step, False)
        open_gaps.append({**gap.__dict__, "critical": critical})
    past_sla = [g for g in open_gaps if g["status"] != "pending"]
    report.gaps = {"since": since, "counts": counts, "open": open_gaps[:100], "more": max(0, len(open_gaps) - 100)}
    for level, critical in (("broken", True), ("degraded", False)):
        mine = [g for g in past_sla if g["critical"] is critical]
        if mine and not _already(report, level, mine):
            steps_named = sorted({g["step"] for g in mine})
            days = sorted({g["day"] for g in mine})
            report.add(
                level,  # type: ignore[arg-type]
                "SLA",
                f"{len(mine)} {'critical' if critical else 'optional'} output(s) past SLA on {len(days)} date(s) "
                f"({days[0]}..{days[-1]}): {', '.join(steps_named[:6])}" + (" …" if len(steps_named) > 6 else ""),
            )


def _already(report: HealthReport, level: str, gaps: list[dict[str, Any]]) -> bool:
    """The latest date's own findings already name these gaps: do not say it twice."""
    day = report.latest_date.get("day")
    return all(g["day"] == day for g in gaps) and any(
        f.check == "latest date" and f.level == level for f in report.findings
    )


def _check_unresolved(report: HealthReport, wh: Warehouse) -> None:
    row = wh.execute(
        "SELECT (SELECT count(*) FROM ref.unresolved_players),"
        " (SELECT coalesce(sum(occurrences), 0) FROM ref.unresolved_players),"
        " count(*), count(*) FILTER (WHERE player_id IS NULL OR game_id IS NULL) FROM raw.prop_lines"
    ).fetchone()
    names, occurrences, lines, unresolved_lines = (int(v or 0) for v in row)
    share = unresolved_lines / lines if lines else 0.0
    report.unresolved = {"names": names, "occurrences": occurrences, "lines": lines,
                         "unresolved_lines": unresolved_lines, "share": round(share, 4),
                         "threshold": UNRESOLVED_MAX_SHARE}  # fmt: skip
    if share > UNRESOLVED_MAX_SHARE:
        report.add("degraded", "players",
                   f"{share:.1%} of prop lines ({unresolved_lines:,}) are not resolved to a player and game "
                   f"({names} unresolved names; `nbaprops players unresolved`)")  # fmt: skip


def _check_data(report: HealthReport, wh: Warehouse, settings: Settings, now: datetime) -> None:
    """Freshness: box scores after the games, lines on a game day (live only)."""
    today = _eastern_date(now)
    latest_box = wh.scalar("SELECT max(game_date) FROM analytics.games WHERE is_final")
    past = wh.scalar(f"SELECT max(game_date) FROM ({GAMES_PER_DATE}) WHERE game_date < ?", [today])
    snapshot, line_date = wh.execute("SELECT max(snapshot_utc), max(game_date) FROM raw.prop_lines").fetchone()
    games_today = int(wh.scalar(f"SELECT coalesce(sum(units), 0) FROM ({GAMES_PER_DATE}) WHERE game_date = ?",
                                [today]))  # fmt: skip
    report.data = {"latest_box_score_date": latest_box, "latest_past_game_date": past,
                   "latest_line_snapshot_utc": snapshot, "latest_line_game_date": line_date,
                   "games_today": games_today}  # fmt: skip
    if past is not None and (latest_box is None or latest_box < past):
        missing_since = latest_box + timedelta(days=1) if latest_box else past
        age_h = (now - _midnight_after_utc(missing_since)).total_seconds() / 3600
        if age_h > BOX_SCORES_MAX_AGE_H:
            stale = f"box scores stale: games on {past} but the latest box scores are from {latest_box}"
            report.add("degraded", "data", stale)
    live = settings.live_since is not None and settings.live_since <= today
    noon = datetime.combine(today, datetime.min.time()).replace(hour=12, tzinfo=EASTERN)
    if live and games_today and now.replace(tzinfo=ZoneInfo("UTC")) >= noon:
        age_h = None if snapshot is None else (now - snapshot).total_seconds() / 3600
        if age_h is None or age_h > LINES_MAX_AGE_H:
            seen = "never" if snapshot is None else f"{age_h:.1f} h ago"
            report.add("degraded", "data", f"lines stale: {games_today} game(s) today, newest line snapshot {seen}")


def _check_models(report: HealthReport, wh: Warehouse, settings: Settings) -> None:
    rows = wh.df(
        "WITH m AS (SELECT system_id, count(*) AS models, max(train_end) AS latest_cutoff,"
        "  max(created_utc) AS latest_trained_utc, arg_max(model_id, train_end) AS latest_model_id,"
        "  count(*) FILTER (WHERE status = 'production') AS production FROM predictions.models GROUP BY 1),"
        " p AS (SELECT system_id, max(game_date) AS latest_predicted FROM predictions.player_props GROUP BY 1)"
        " SELECT m.*, p.latest_predicted FROM m LEFT JOIN p USING (system_id) ORDER BY system_id"
    )
    allowed = timedelta(days=2 * settings.retrain_every_days)
    for r in rows.to_dict("records"):
        cutoff = _as_date(r["latest_cutoff"])
        predicted = _as_date(r["latest_predicted"])
        stale = cutoff is not None and predicted is not None and predicted - cutoff > allowed
        report.models.append({
            "system": r["system_id"], "models": int(r["models"]), "latest_model_id": r["latest_model_id"],
            "latest_cutoff": cutoff, "latest_trained_utc": _as_datetime(r["latest_trained_utc"]),
            "latest_predicted": predicted, "production": int(r["production"]), "stale": stale,
        })  # fmt: skip
        if stale:
            days = (predicted - cutoff).days
            why = f"newest model trained on games before {cutoff}, but it predicted {predicted} ({days} days later)"
            report.add("degraded", "models", f"{r['system_id']}: {why}; cadence {settings.retrain_every_days} days")


def _as_date(value: Any) -> date | None:
    if value is None or value != value:  # None or NaT
        return None
    return value.date() if isinstance(value, datetime) else value if isinstance(value, date) else value.date()


def _as_datetime(value: Any) -> datetime | None:
    if value is None or value != value:
        return None
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value


def _eastern_date(now_utc: datetime) -> date:
    return now_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(EASTERN).date()


def _midnight_after_utc(day: date) -> datetime:
    """Midnight US/Eastern at the end of `day`, in naive UTC."""
    local = datetime.combine(day + timedelta(days=1), datetime.min.time()).replace(tzinfo=EASTERN)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
