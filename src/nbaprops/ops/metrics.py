"""Prometheus metrics: ``render_metrics(settings)`` is what ``GET /metrics`` serves.

Read at scrape time, never from the DuckDB warehouse: DuckDB lets one process hold the file (a
reader blocks the pipeline's writer), and the web app must never stand in the pipeline's way. So
every value comes from a store that is safe to share:

- the **run history** (SQLite in WAL mode or Postgres, made for several processes): runs by command,
  status and category; step attempts by processor and category; step durations (a histogram per
  processor); rows written; scrape requests by source and category; the runner's breaker per
  processor; host breakers (a scrape step that found a host's circuit open says so in its message);
  alert incidents; predictions written by the prediction steps; the last success of each phase;
- the **raw store** sidecars (``*.meta.json``, one per distinct answer kept, immutable once
  written): HTTP answers by source and status. Identical answers to the same request are kept once,
  so these count distinct answers; a timeout or refused connection leaves no answer — those are
  in ``nbaprops_scrape_requests_total{category="timeout"|"error"}``;
- the **published files** under ``{publish_dir}/v1/`` (written by the publish phase from the
  warehouse): ``systems/performance.json`` for graded predictions, picks, hit rate and ROI per
  system, market and rolling window; ``status.json`` for the published health of the latest dates.
  Until the publish phase has written them, those metrics are simply absent.

Counters come from totals in those stores, so they only grow (as Prometheus expects) unless the
run history is reset. Each group of metrics is collected on its own: a group that fails is logged
and reported as ``nbaprops_metrics_collect_failed{group=...} 1``, never a 500 on ``/metrics``.
"""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import fsspec
import sqlalchemy as sa
import structlog
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from nbaprops.config import Settings
from nbaprops.http.config import HttpSettings
from nbaprops.http.replay import META_SUFFIX
from nbaprops.pipeline.processor import PHASES
from nbaprops.pipeline.registry import REGISTRY
from nbaprops.pipeline.run_history import RunHistory, runs, steps, utcnow

log = structlog.get_logger("nbaprops.metrics")

DURATION_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 1800.0)
_CIRCUIT_OPEN = re.compile(r"circuit open for ([A-Za-z0-9.-]+)")
LEVEL = {"healthy": 0, "degraded": 1, "broken": 2}  # the exit codes of `nbaprops health`


def _step_label(dialect: str) -> Any:
    """SQL for a step's metric label: its name up to a second ``:`` (``scrape:odds_api.props:event=…``
    -> ``scrape:odds_api.props``; ``import:schedule:file.csv`` -> ``import:schedule``), so labels stay few."""

    def find(text: Any, needle: str) -> Any:  # the same function under two names
        return sa.func.instr(text, needle) if dialect == "sqlite" else sa.func.strpos(text, needle)

    first = find(steps.c.step, ":")
    rest = sa.func.substr(steps.c.step, first + 1)
    second = find(rest, ":")
    return sa.case(
        (first == 0, steps.c.step),
        (second == 0, steps.c.step),
        else_=sa.func.substr(steps.c.step, 1, first + second - 1),
    )


class SidecarIndex:
    """Source, status and host of every answer in the raw store, read once per sidecar.

    Sidecars never change after they are written, so a scrape of ``/metrics`` only lists the store
    and reads the new ones.
    """

    def __init__(self, url: str) -> None:
        self.fs, root = fsspec.core.url_to_fs(url)
        self.root = root.rstrip("/")
        self.seen: dict[str, tuple[str, int, str]] = {}
        self._lock = threading.Lock()

    def refresh(self) -> dict[str, tuple[str, int, str]]:
        if not self.fs.exists(self.root):
            return self.seen
        with self._lock:
            for path in self.fs.glob(f"{self.root}/*/*/*/*{META_SUFFIX}"):
                if path in self.seen:
                    continue
                try:
                    meta = json.loads(self.fs.cat_file(path))
                    host = re.sub(r"^[a-z]+://([^/:?]+).*$", r"\1", str(meta.get("url", "")))
                    self.seen[path] = (str(meta["source"]), int(meta["status"]), host)
                except (ValueError, KeyError, OSError):  # a sidecar being written: read it next time
                    continue
        return self.seen


class PipelineCollector(Collector):
    """Collects every nbaprops metric from the run history, the raw store and the published files."""

    def __init__(self, settings: Settings, history: RunHistory | None = None, *,
                 clock: Callable[[], datetime] = utcnow) -> None:  # fmt: skip
        self.settings = settings
        self.history = history or RunHistory(settings.run_history_url)
        self.sidecars = SidecarIndex(settings.raw_store_url)
        self.clock = clock
        self.breaker_reset_s = HttpSettings().breaker_reset_s

    def collect(self) -> Iterator[Metric]:
        failed = GaugeMetricFamily(
            "nbaprops_metrics_collect_failed", "1 when a group of metrics could not be collected.", labels=["group"]
        )
        groups: dict[str, Callable[[], list[Metric]]] = {
            "runs": self._runs, "steps": self._steps, "breakers": self._breakers, "http": self._http,
            "alerts": self._alerts, "published": self._published,
        }  # fmt: skip
        for name, group in groups.items():
            try:
                yield from group()
                failed.add_metric([name], 0)
            except Exception as exc:  # a broken group must not take /metrics down
                log.warning("metrics group failed", group=name, error=f"{type(exc).__name__}: {exc}")
                failed.add_metric([name], 1)
        yield failed

    # ------------------------------------------------------------------ run history
    def _runs(self) -> list[Metric]:
        total = CounterMetricFamily(
            "nbaprops_runs", "Finished runs by command, status (finished/abandoned) and worst critical category.",
            labels=["command", "status", "category"],
        )  # fmt: skip
        running = GaugeMetricFamily("nbaprops_runs_in_progress", "Runs in progress by command.", labels=["command"])
        with self.history.engine.connect() as con:
            rows = con.execute(
                sa.select(runs.c.command, runs.c.status, runs.c.category, sa.func.count())
                .group_by(runs.c.command, runs.c.status, runs.c.category)
                .order_by(runs.c.command, runs.c.status, runs.c.category)
            ).all()
        active: dict[str, int] = defaultdict(int)
        for command, status, category, n in rows:
            if status == "running":
                active[command] += n
            else:
                total.add_metric([command, status, category or "unknown"], n)
        for command, n in sorted(active.items()):
            running.add_metric([command], n)
        return [total, running]

    def _steps(self) -> list[Metric]:
        label = _step_label(self.history.engine.dialect.name).label("label")
        attempts = CounterMetricFamily(
            "nbaprops_step_attempts", "Step attempts by processor, phase and category (skipped steps included).",
            labels=["processor", "phase", "category"],
        )  # fmt: skip
        rows_written = CounterMetricFamily(
            "nbaprops_rows_written", "Rows written by the steps.", labels=["processor", "phase"]
        )
        durations = HistogramMetricFamily(
            "nbaprops_step_duration_seconds", "Duration of the steps that ran (not skipped).", labels=["processor"]
        )
        scrapes = CounterMetricFamily(
            "nbaprops_scrape_requests", "Scrape steps (one per request) by source and category.",
            labels=["source", "category"],
        )  # fmt: skip
        predictions = CounterMetricFamily(
            "nbaprops_predictions_made", "Predictions written by each prediction system's step (re-runs count again).",
            labels=["system"],
        )  # fmt: skip
        last_success = GaugeMetricFamily(
            "nbaprops_phase_last_success_timestamp_seconds", "When a step of the phase last succeeded (Unix time).",
            labels=["phase"],
        )  # fmt: skip
        buckets = [sa.func.sum(sa.case((steps.c.duration_s <= b, 1), else_=0)) for b in DURATION_BUCKETS]
        done = steps.c.category.is_not(None)
        with self.history.engine.connect() as con:
            by_category = con.execute(
                sa.select(label, steps.c.phase, steps.c.category, sa.func.count(),
                          sa.func.coalesce(sa.func.sum(steps.c.rows_written), 0))
                .where(done).group_by(label, steps.c.phase, steps.c.category).order_by(label)
            ).all()  # fmt: skip
            timed = con.execute(
                sa.select(label, sa.func.count(), sa.func.coalesce(sa.func.sum(steps.c.duration_s), 0.0), *buckets)
                .where(done, steps.c.skipped.is_(False), steps.c.duration_s.is_not(None))
                .group_by(label).order_by(label)
            ).all()  # fmt: skip
            latest = con.execute(
                sa.select(steps.c.phase, sa.func.max(steps.c.finished_utc))
                .where(steps.c.category == "success").group_by(steps.c.phase)
            ).all()  # fmt: skip
        written: dict[tuple[str, str], int] = defaultdict(int)
        per_source: dict[tuple[str, str], int] = defaultdict(int)
        for name, phase, category, n, rows in by_category:
            attempts.add_metric([name, phase, category], n)
            written[(name, phase)] += int(rows)
            if name.startswith("scrape:"):
                per_source[(name[len("scrape:") :].split(".")[0], category)] += n
            if phase == "predictions" and category == "success" and name != "predictions.best_bets":
                predictions.add_metric([name.split(".", 1)[-1]], int(rows))
        for (name, phase), rows in sorted(written.items()):
            rows_written.add_metric([name, phase], rows)
        for (source, category), n in sorted(per_source.items()):
            scrapes.add_metric([source, category], n)
        for name, count, seconds, *cumulative in timed:
            points = [(str(b), int(c or 0)) for b, c in zip(DURATION_BUCKETS, cumulative, strict=True)]
            durations.add_metric([name], [*points, ("+Inf", int(count))], float(seconds))
        for phase, finished in latest:
            if phase in PHASES and finished is not None:
                last_success.add_metric([phase], _unix(finished))
        return [attempts, rows_written, durations, scrapes, predictions, last_success]

    def _breakers(self) -> list[Metric]:
        """The runner's breaker per processor, as the runner decides it from the same history."""
        from nbaprops.pipeline.runner import _breaker_open_until  # the runner's own rule, not a copy of it

        gauge = GaugeMetricFamily(
            "nbaprops_processor_breaker_open", "1 while the runner skips a processor after repeated failures.",
            labels=["processor"],
        )  # fmt: skip
        for proc in REGISTRY:
            gauge.add_metric([proc.name], 0 if _breaker_open_until(proc, self.history) is None else 1)
        return [gauge]

    def _http(self) -> list[Metric]:
        answers = CounterMetricFamily(
            "nbaprops_http_responses", "Distinct HTTP answers kept in the raw store, by source and status.",
            labels=["source", "status"],
        )  # fmt: skip
        breakers = GaugeMetricFamily(
            "nbaprops_http_breaker_open",
            "1 when a scrape found the host's circuit open within the breaker's reset time.", labels=["host"],
        )  # fmt: skip
        counts: dict[tuple[str, str], int] = defaultdict(int)
        hosts: dict[str, int] = {}
        for source, status, host in self.sidecars.refresh().values():
            counts[(source, str(status))] += 1
            if host:
                hosts[host] = 0
        for (source, status), n in sorted(counts.items()):
            answers.add_metric([source, status], n)
        since = self.clock() - timedelta(seconds=self.breaker_reset_s)
        with self.history.engine.connect() as con:
            messages = con.execute(
                sa.select(steps.c.message).where(
                    steps.c.started_utc >= since, steps.c.message.like("%circuit open for %")
                )
            ).scalars()
            for message in messages:
                for host in _CIRCUIT_OPEN.findall(message or ""):
                    hosts[host] = 1
        for host, state in sorted(hosts.items()):
            breakers.add_metric([host], state)
        return [answers, breakers]

    def _alerts(self) -> list[Metric]:
        from nbaprops.ops.alerts import incidents

        occurrences = CounterMetricFamily(
            "nbaprops_alert_occurrences", "Paging failures seen by the alerter, by processor and category.",
            labels=["processor", "category"],
        )  # fmt: skip
        untold = GaugeMetricFamily(
            "nbaprops_alert_pending", "Occurrences waiting for the next digest.", labels=["processor", "category"]
        )
        if not sa.inspect(self.history.engine).has_table(incidents.name):
            return [occurrences, untold]
        with self.history.engine.connect() as con:
            rows = con.execute(
                sa.select(incidents.c.processor, incidents.c.category, sa.func.sum(incidents.c.total),
                          sa.func.sum(incidents.c.pending))
                .group_by(incidents.c.processor, incidents.c.category)
            ).all()  # fmt: skip
        for processor, category, total, pending in rows:
            occurrences.add_metric([processor, category], int(total or 0))
            untold.add_metric([processor, category], int(pending or 0))
        return [occurrences, untold]

    # ------------------------------------------------------------------ published files
    def _published(self) -> list[Metric]:
        assert self.settings.publish_dir is not None
        root = Path(self.settings.publish_dir) / "v1"
        found: list[Metric] = []
        performance = _read_json(root / "systems" / "performance.json")
        if performance is not None:
            found += _performance_metrics(performance)
        status = _read_json(root / "status.json")
        if status is not None:
            found += _status_metrics(status)
        return found


def _performance_metrics(payload: dict[str, Any]) -> list[Metric]:
    labels = ["system", "market", "window"]
    hit_rate = GaugeMetricFamily("nbaprops_hit_rate", "Share of decided picks that won (pushes aside).", labels=labels)
    roi = GaugeMetricFamily("nbaprops_roi", "Profit per unit staked on the picks.", labels=labels)
    picks = GaugeMetricFamily("nbaprops_picks", "Actionable picks graded.", labels=labels)
    graded = GaugeMetricFamily("nbaprops_predictions_graded", "Predictions graded (played).", labels=labels)
    for system in payload.get("systems", []):
        windows = {"all": system.get("overall")} | {f"{k}d": v for k, v in (system.get("rolling") or {}).items()}
        for window, values in windows.items():
            if not values:
                continue
            key = [system["system_id"], system["market"], window]
            for family, field in ((hit_rate, "hit_rate"), (roi, "roi"), (picks, "picks"), (graded, "graded")):
                if values.get(field) is not None:
                    family.add_metric(key, float(values[field]))
    as_of = GaugeMetricFamily("nbaprops_performance_as_of_timestamp_seconds", "Latest graded date published.")
    if payload.get("as_of"):
        as_of.add_metric([], _unix(datetime.fromisoformat(payload["as_of"])))
    return [hit_rate, roi, picks, graded, as_of]


def _status_metrics(payload: dict[str, Any]) -> list[Metric]:
    overall = GaugeMetricFamily(
        "nbaprops_published_status", "Published pipeline status: 0 healthy, 1 degraded, 2 broken (v1/status.json)."
    )
    overall.add_metric([], LEVEL.get(str(payload.get("overall")), 2))
    dates = GaugeMetricFamily("nbaprops_published_dates", "Dates in v1/status.json by level.", labels=["level"])
    counts = {level: 0 for level in LEVEL}
    for day in payload.get("dates", []):
        counts[str(day.get("level"))] = counts.get(str(day.get("level")), 0) + 1
    for level, n in counts.items():
        dates.add_metric([level], n)
    return [overall, dates]


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _unix(moment: datetime) -> float:
    """Naive UTC (the run history's convention) as Unix time."""
    return (moment - datetime(1970, 1, 1)).total_seconds()


# ---------------------------------------------------------------------------- serving
_REGISTRIES: dict[tuple[str, str, str], CollectorRegistry] = {}
_LOCK = threading.Lock()


def registry_for(settings: Settings) -> CollectorRegistry:
    """One registry (and collector, with its sidecar cache) per home, made on first use."""
    key = (settings.run_history_url, settings.raw_store_url, str(settings.publish_dir))
    with _LOCK:
        found = _REGISTRIES.get(key)
        if found is None:
            found = _REGISTRIES[key] = CollectorRegistry(auto_describe=False)
            found.register(PipelineCollector(settings))
        return found


def render_metrics(settings: Settings) -> bytes:
    """The Prometheus text exposition of every nbaprops metric (what ``GET /metrics`` returns)."""
    return generate_latest(registry_for(settings))


def metrics_asgi_app(settings: Settings) -> Any:
    """An ASGI app serving the same metrics, for mounting where a plain route is not wanted."""
    from prometheus_client import make_asgi_app

    return make_asgi_app(registry_for(settings))
