"""What Dagster costs per step: one date's analytics + features, embedded runner vs in-process materialize.

Run with ``.venv/bin/python benchmarks/bench_dagster.py [--home DIR] [--repeat N] [--json FILE]``
(needs the ``dagster`` extra). Without ``--home`` it imports the bundled demo set into a temporary
home first (about 30 s, not timed). The same processors run for the same date (2025-11-05) on the
same warehouse, four ways:

- ``runner inline``: ``run_pipeline(..., phases={"analytics", "features"})`` with step isolation
  ``inline`` on an open warehouse (what ``import-history`` and the tests do);
- ``runner inline + open``: the same, opening and closing the warehouse around it, as a Dagster run
  does through its resource;
- ``runner process``: the runner's default, each step in a forked child it can kill at its limit;
- ``dagster``: ``dagster.materialize`` of the same assets and their gate checks, in process, one
  ephemeral instance reused (``materialize`` without an instance makes a new one per call, which
  costs more: reported once, cold, with the import).

The variants alternate round by round, so load from other processes falls on all of them alike.
Wall time includes the SQL work, which is the same in every variant; the framework's own cost is
wall time minus the time the steps (and gates) report for their work, divided by the number of
processors — the figure to compare with DESIGN.md's "35–150 ms per step".
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from nbaprops.config import Settings
from nbaprops.ingest.history import import_history
from nbaprops.logs import configure as configure_logging
from nbaprops.pipeline.registry import REGISTRY
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import RunOptions, run_pipeline
from nbaprops.warehouse.db import Warehouse

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
DAY = date(2025, 11, 5)
PHASES = {"analytics", "features"}

Variant = Callable[[], float]  # runs once, returns the seconds the steps report for their own work


def bench(settings: Settings, repeat: int) -> dict[str, object]:
    processors = [p for p in REGISTRY if p.phase in PHASES]
    gates = [g for p in processors for g in p.gates if (g.mode or settings.gate_mode) != "off"]
    history = RunHistory(settings.run_history_path)

    def runner(isolation: str, wh: Warehouse) -> float:
        report = run_pipeline(wh, settings, history, DAY, DAY, phases=PHASES, options=RunOptions(isolation=isolation))
        assert report.category.value == "success", report.steps
        return sum(s.duration_s for s in report.steps)

    def runner_inline() -> float:
        return runner("inline", shared)

    def runner_process() -> float:
        return runner("process", shared)

    def runner_with_open() -> float:
        # the shared connection would hold DuckDB's lock against this one
        with shared.released(), Warehouse(settings.warehouse_path) as wh:
            return runner("inline", wh)

    began = time.perf_counter()
    import dagster as dg

    from nbaprops.pipeline.dagster import WarehouseResource, build_definitions

    import_s = time.perf_counter() - began
    defs = build_definitions(settings)
    instance = dg.DagsterInstance.ephemeral()
    resources = {"warehouse": WarehouseResource(path=settings.warehouse_path)}

    def materialize(fresh: bool = False) -> float:
        with shared.released():
            result = dg.materialize(
                [*defs.assets, *defs.asset_checks],  # type: ignore[misc]
                selection=dg.AssetSelection.groups(*PHASES),
                partition_key=DAY.isoformat(),
                resources=resources,
                instance=None if fresh else instance,
            )
        assert result.success
        work = [e.materialization.metadata["duration_s"].value for e in result.get_asset_materialization_events()]
        work += [c.metadata["duration_s"].value for c in result.get_asset_check_evaluations()]
        return float(sum(work))  # type: ignore[arg-type]

    variants: dict[str, Variant] = {
        "runner inline": runner_inline,
        "runner inline + open": runner_with_open,
        "runner process": runner_process,
        "dagster": materialize,
    }
    wall: dict[str, list[float]] = {k: [] for k in variants}
    overhead: dict[str, list[float]] = {k: [] for k in variants}
    with Warehouse(settings.warehouse_path) as shared:
        began = time.perf_counter()
        materialize(fresh=True)
        cold_s = time.perf_counter() - began
        for fn in variants.values():
            fn()  # warm-up: caches, compiled SQL, the fork server
        for _ in range(repeat):
            for name, fn in variants.items():
                began = time.perf_counter()
                work = fn()
                seconds = time.perf_counter() - began
                wall[name].append(seconds)
                overhead[name].append((seconds - work) / len(processors))
    history.close()
    return {
        "date": DAY.isoformat(),
        "processors": len(processors),
        "gate_checks": len(gates),
        "repeat": repeat,
        "wall_ms": {k: _stats(v) for k, v in wall.items()},
        "overhead_per_processor_ms": {k: _stats(v) for k, v in overhead.items()},
        "dagster_import_ms": round(import_s * 1000),
        "dagster_first_materialize_new_instance_ms": round(cold_s * 1000),
    }


def _stats(seconds: list[float]) -> dict[str, int]:
    return {"median": round(statistics.median(seconds) * 1000), "min": round(min(seconds) * 1000)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, help="a home holding the imported demo (default: build one)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    configure_logging(verbose=False)
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "home"
        settings = Settings(home=home, offline=True, _env_file=None)  # type: ignore[call-arg]
        if args.home is None:
            settings.ensure_dirs()
            print("importing the demo set (not timed)...", flush=True)
            with Warehouse(settings.warehouse_path) as wh:
                history = RunHistory(settings.run_history_path)
                import_history(wh, settings, history, [DEMO])
                history.close()
        report = bench(settings, args.repeat)
    print(f"{report['processors']} processors + {report['gate_checks']} gate checks for {report['date']}, "
          f"{report['repeat']} alternating rounds (median / min):")  # fmt: skip
    print(f"  {'variant':<22} {'wall ms':>15} {'overhead ms/processor':>24}")
    for name, w in report["wall_ms"].items():  # type: ignore[union-attr]
        o = report["overhead_per_processor_ms"][name]  # type: ignore[index]
        print(f"  {name:<22} {w['median']:>7} / {w['min']:<5} {o['median']:>14} / {o['min']:<5}")
    print(f"  import dagster + adapter: {report['dagster_import_ms']} ms; first materialize, new instance: "
          f"{report['dagster_first_materialize_new_instance_ms']} ms")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
