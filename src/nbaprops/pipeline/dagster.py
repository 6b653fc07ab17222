"""Dagster definitions built from the registry: the scale-out path, optional.

The embedded runner (``nbaprops.pipeline.runner``) stays the default: Dagster's in-process
``materialize`` costs tens to hundreds of milliseconds per step and needs a daemon for schedules and
backfills (docs/dagster.md has the numbers). Teams that already run Dagster get the same pipeline
from the same registry, so nothing is declared twice:

- each ``Processor`` becomes an asset keyed by its name (``analytics.games`` -> ``analytics/games``),
  grouped by phase, depending on the processors that produce its inputs, partitioned by game date;
- its ``retries`` / ``retry_backoff_s`` become a ``RetryPolicy`` (exponential, with jitter);
- its body builds a ``StepContext`` for the partition (or partition range) and runs the step through
  ``runner.execute`` — the same code the embedded runner uses, so a ``NoDataAvailable`` is the same
  ``no_data_available`` here: the asset materializes with that category in its metadata, while an
  error or a timeout raises ``dagster.Failure`` (retried) and a validation failure raises one that
  is not retried;
- each gate of the processor becomes an asset check on its asset, blocking when the gate's mode is
  ``block``: a failed blocking check stops the asset's dependants in the run, as the runner does.

The warehouse is a ``WarehouseResource`` holding one DuckDB connection per run. A DuckDB file admits
one writer *process* at a time, so the supported executor is the in-process one (the default set
here): with the multiprocess executor every step process would queue for the file lock, and two runs
at once wait for each other. Run one run at a time (``concurrency: runs: max_concurrent_runs: 1`` in
dagster.yaml) while the warehouse is a DuckDB file.

Dagster is an optional extra: nothing else in nbaprops imports this module, and importing it
without Dagster installed says how to install it. ``dagster dev -m nbaprops.pipeline.dagster``
loads ``defs`` (built lazily, from the default settings, only when Dagster asks for it).
"""

import dataclasses
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

try:
    import dagster as dg
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "nbaprops.pipeline.dagster needs Dagster, an optional extra: pip install 'nbaprops[dagster]'"
    ) from exc
from pydantic import PrivateAttr

from nbaprops.config import Settings
from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.gates import Gate
from nbaprops.pipeline.processor import Processor, StepContext
from nbaprops.pipeline.registry import REGISTRY, upstream
from nbaprops.pipeline.runner import StepOutcome, execute
from nbaprops.warehouse.db import Warehouse

__all__ = [
    "BACKFILL_CHUNK_DAYS", "FIRST_GAME_DATE", "PARTITION_TIMEZONE", "WarehouseResource", "asset_key",
    "build_definitions", "defs", "partitions",
]  # fmt: skip

# The first game of the oldest season in the shared history (2022-23 opening night). Partitions before
# it would only ever be empty; a deployment with older data passes its own `start_date`.
FIRST_GAME_DATE = date(2022, 10, 18)
# Game dates are US/Eastern dates (the runner's "today" is New York's): a partition is one of them.
PARTITION_TIMEZONE = "America/New_York"
# Dates per backfill run: the default stretch of `nbaprops backfill` (a season in ~8 runs, not 250).
BACKFILL_CHUNK_DAYS = 31


class WarehouseResource(dg.ConfigurableResource):  # type: ignore[misc]
    """The DuckDB warehouse, opened once per run (and per step process with a multi-process executor).

    One connection for the whole run because opening and closing a DuckDB file costs 60–170 ms (a
    checkpoint on close): per step that would double Dagster's own overhead. The price is that the
    run holds DuckDB's single-writer lock from its first step to its last, which is why one run at a
    time, in process, is the supported setup.
    """

    path: str
    wait_s: float = 600.0  # how long to wait for another process's lock on the file

    _wh: Warehouse | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._wh = Warehouse(self.path, wait_s=self.wait_s)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._wh is not None:
            self._wh.close()
            self._wh = None

    @contextmanager
    def open(self) -> Iterator[Warehouse]:
        """The run's connection (or a private one when used outside a run, e.g. a direct invocation)."""
        if self._wh is not None:
            yield self._wh
            return
        with Warehouse(self.path, wait_s=self.wait_s) as wh:
            yield wh


def asset_key(name: str) -> dg.AssetKey:
    """The asset key of a processor: its dotted name as a path (``analytics.games`` -> analytics/games)."""
    return dg.AssetKey(name.split("."))


def partitions(start_date: date = FIRST_GAME_DATE) -> dg.DailyPartitionsDefinition:
    """One partition per game date, up to and including today.

    ``end_offset=1`` makes today's partition exist: the morning run predicts tonight's slate, it does
    not wait for the day to be over as Dagster's default (last complete day) would.
    """
    return dg.DailyPartitionsDefinition(start_date=start_date.isoformat(), timezone=PARTITION_TIMEZONE, end_offset=1)


def build_definitions(
    settings: Settings | None = None,
    processors: tuple[Processor, ...] = REGISTRY,
    *,
    start_date: date = FIRST_GAME_DATE,
) -> dg.Definitions:
    """Dagster definitions for `processors`: assets, gate checks, the warehouse resource, two jobs.

    `settings` (default: ``Settings()`` from the environment) give the steps their configuration,
    decide each gate's effective mode (a gate without its own mode follows ``NBAPROPS_GATE_MODE``;
    ``off`` gates get no check at all, as the runner does not evaluate them) and the warehouse path.
    """
    settings = settings or Settings()
    partitions_def = partitions(start_date)
    deps = upstream(processors)
    assets = [_asset(proc, sorted(deps[proc.name]), settings, partitions_def) for proc in processors]
    checks = [
        _check(proc, gate, mode == "block")
        for proc in processors
        for gate in proc.gates
        if (mode := gate.mode or settings.gate_mode) != "off"
    ]
    by_name = dict(zip((p.name for p in processors), assets, strict=True))
    # The scrapes get their own job: within one Dagster run a failed step stops everything downstream,
    # but a source is optional (the analytics use whatever arrived), as it is in the runner.
    scrapes = [p for p in processors if p.phase == "sources"]
    rest = [p for p in processors if p.phase != "sources"]
    jobs = [
        _job(name, description, chosen, by_name)
        for name, description, chosen in (
            ("nbaprops_sources", "Every source's scrape for one game date.", scrapes),
            ("nbaprops_daily", "Everything after the scrapes, for one game date (or a stretch of them).", rest),
        )
        if chosen
    ]
    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=jobs,
        resources={"warehouse": WarehouseResource(path=settings.warehouse_path)},
        executor=dg.in_process_executor,
    )


def _job(
    name: str, description: str, processors: list[Processor], assets: dict[str, dg.AssetsDefinition]
) -> Any:  # an UnresolvedAssetJobDefinition, which dagster does not export
    """A partitioned job over some processors, bounded by the sum of their time limits.

    Dagster has no per-op time limit; run monitoring (``run_monitoring: enabled`` in dagster.yaml)
    kills a run that outlives its ``dagster/max_runtime`` tag: every step's limit, over all its attempts.
    """
    max_runtime = sum(p.timeout_s * (1 + p.retries) for p in processors)
    return dg.define_asset_job(
        name,
        selection=dg.AssetSelection.assets(*(assets[p.name] for p in processors)),
        tags={"dagster/max_runtime": str(int(max_runtime))},
        description=description,
    )


def _window(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> tuple[date, date]:
    """The run's date window: one partition, or a range of them (a single-run backfill)."""
    if not (context.has_partition_key or context.has_partition_key_range):
        raise dg.Failure(
            "nbaprops steps run for game dates: materialize a partition (or a range of them)", allow_retries=False
        )
    keys = context.partition_key_range
    return date.fromisoformat(keys.start), date.fromisoformat(keys.end)


def _asset(
    proc: Processor, deps: list[str], settings: Settings, partitions_def: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    # Gates run as asset checks (below), so the step itself runs without them: evaluating them twice
    # would cost twice and report each problem twice.
    step = dataclasses.replace(proc, gates=())
    retry = (
        dg.RetryPolicy(
            max_retries=proc.retries,
            delay=proc.retry_backoff_s,
            backoff=dg.Backoff.EXPONENTIAL,
            jitter=dg.Jitter.PLUS_MINUS,
        )
        if proc.retries
        else None
    )

    # backfill_policy is a beta parameter in Dagster 1.13 (the extra pins 1.13.x): said once here, not
    # on every load of the code location.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)

        @dg.asset(
            key=asset_key(proc.name),
            deps=[asset_key(d) for d in deps],
            group_name=proc.phase,
            description=proc.description or None,
            partitions_def=partitions_def,
            # A step takes a date window, so a backfill runs stretches of up to 31 dates set-based, as
            # `nbaprops backfill` does, not one run (one process, one DuckDB open) per date.
            backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=BACKFILL_CHUNK_DAYS),
            retry_policy=retry,
            metadata=_declared(proc),
            op_tags={"nbaprops/phase": proc.phase, "nbaprops/critical": str(proc.critical).lower()},
        )
        def run_step(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
            start, end = _window(context)
            with warehouse.open() as wh:
                outcome = execute(step, StepContext(wh, settings, start, end, context.run.run_id), settings)
            return _materialization(outcome, start, end)

    return run_step


def _declared(proc: Processor) -> dict[str, Any]:
    """What the registry says about the step, shown on the asset."""
    meta: dict[str, Any] = {
        "critical": proc.critical,
        "timeout_s": proc.timeout_s,
        "retries": proc.retries,
        "inputs": dg.MetadataValue.json(list(proc.inputs)),
        "outputs": dg.MetadataValue.json(list(proc.outputs)),
    }
    if proc.expect is not None:
        meta["expectation"] = dg.MetadataValue.json(dataclasses.asdict(proc.expect))
    return meta


def _materialization(outcome: StepOutcome, start: date, end: date) -> dg.MaterializeResult:
    """Success and no data materialize (with their category); anything else fails the asset.

    No data is an expected state (an off day), so it must not fail a run or page anyone; error and
    timeout are transient and go through the retry policy; a validation failure (or a step that
    declares a dependency missing) will not fix itself, so it is not retried — as in the runner.
    """
    metadata: dict[str, Any] = {
        "category": outcome.category.value,
        "rows_written": outcome.rows_written,
        "duration_s": round(outcome.duration_s, 3),
        "message": outcome.message,
        "window": f"{start}..{end}",
    }
    if outcome.warnings:
        metadata["warnings"] = dg.MetadataValue.json(outcome.warnings)
    if outcome.category.satisfied:
        return dg.MaterializeResult(metadata=metadata)
    raise dg.Failure(
        f"{outcome.name}: {outcome.category.value}: {outcome.message}",
        metadata=metadata,
        allow_retries=outcome.category in {Category.ERROR, Category.TIMEOUT},
    )


def _check(proc: Processor, gate: Gate, blocking: bool) -> dg.AssetChecksDefinition:
    """A gate as an asset check on its processor's asset: blocking in ``block`` mode, a warning otherwise."""
    severity = dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN

    @dg.asset_check(
        asset=asset_key(proc.name),
        name=gate.name,
        description=gate.description,
        blocking=blocking,
        metadata={"mode": "block" if blocking else "warn"},
    )
    def run_gate(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        start, end = _window(context)
        began = time.perf_counter()
        with warehouse.open() as wh:
            problems = gate.check(wh, start, end)
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        return dg.AssetCheckResult(
            passed=not problems,
            severity=severity,
            description="; ".join(problems[:3]) + more if problems else f"passed for {start}..{end}",
            metadata={
                "problems": len(problems),
                "window": f"{start}..{end}",
                "duration_s": round(time.perf_counter() - began, 3),
            },
        )

    return run_gate


@dg.definitions
def defs() -> dg.Definitions:
    """What ``dagster dev -m nbaprops.pipeline.dagster`` loads: the registry, with settings from the environment.

    Lazy, so importing this module (tests, other code locations) reads no settings and builds nothing.
    """
    return build_definitions()
