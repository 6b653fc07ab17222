"""Time the prediction systems: training one model per system and market, predicting one slate.

Run with ``.venv/bin/python benchmarks/bench_models.py [--home DIR]`` on a home whose warehouse holds
the history with features built (``nbaprops import-history ../shared/data/history`` then
``nbaprops features rebuild``); without ``--home`` it builds one from the bundled demo set. Models are
trained at the cutoff 2025-11-10 (training data: everything before it) into a scratch copy, never
reused from a cache. Prints a table and writes ``benchmarks/results/models.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

from nbaprops.config import Settings
from nbaprops.logs import configure as configure_logging
from nbaprops.predict.frame import MarketData
from nbaprops.predict.markets import MARKETS
from nbaprops.predict.models import ModelStore
from nbaprops.predict.systems import SYSTEM_IDS, get_system
from nbaprops.predict.systems.base import PredictContext
from nbaprops.warehouse.db import Warehouse

REPO = Path(__file__).resolve().parents[1]
CUTOFF, SLATE = date(2025, 11, 10), date(2025, 11, 12)


def demo_home(scratch: Path) -> Path:
    from nbaprops.ingest.history import import_history
    from nbaprops.pipeline.run_history import RunHistory
    from nbaprops.pipeline.runner import run_pipeline

    settings = Settings(home=scratch / "demo", offline=True, step_isolation="inline", _env_file=None)  # type: ignore[call-arg]
    settings.ensure_dirs()
    with Warehouse(settings.warehouse_path) as wh:
        history = RunHistory(settings.run_history_url)
        import_history(wh, settings, history, [REPO / "data" / "demo"])
        run_pipeline(wh, settings, history, date(2024, 10, 1), SLATE, phases={"ingest", "analytics", "features"})
        history.close()
    return settings.home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a home with features built (default: the demo set)")
    args = parser.parse_args()
    configure_logging(verbose=False)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        source = args.home or demo_home(scratch)
        home = scratch / "bench"
        shutil.copytree(source, home, ignore=shutil.ignore_patterns("models", "publish", "reports", "raw"))
        settings = Settings(home=home, offline=True, _env_file=None)  # type: ignore[call-arg]
        with Warehouse(settings.warehouse_path) as wh:
            wh.execute("DELETE FROM predictions.models")
            store = ModelStore(wh, settings)
            for market_id in ("player_points", "player_points_rebounds_assists"):
                began = time.perf_counter()
                data = MarketData.load(wh, MARKETS[market_id], SLATE)
                results[f"{market_id}: load frame"] = time.perf_counter() - began
                slate = data.slate(pd.Timestamp(SLATE))
                for system_id in SYSTEM_IDS:  # members first: the ensemble's time is its own stacking only
                    began = time.perf_counter()
                    model = store.get_or_train(get_system(system_id), data, pd.Timestamp(CUTOFF))
                    results[f"{market_id}: train {system_id} ({model.train_rows:,} rows)"] = time.perf_counter() - began
                    ctx = PredictContext(
                        data,
                        data.played_before(pd.Timestamp(SLATE)),
                        lambda sid, d=data: store.get_or_train(get_system(sid), d, pd.Timestamp(CUTOFF)),
                    )
                    began = time.perf_counter()
                    model.distribution(slate, ctx)
                    results[f"{market_id}: predict {len(slate)} lines, {system_id}"] = time.perf_counter() - began
    for label, seconds in results.items():
        print(f"{label:<72} {seconds:>7.2f} s")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "data": str(args.home or "data/demo"),
        "cutoff": CUTOFF.isoformat(),
        "seconds": {k: round(v, 3) for k, v in results.items()},
        "peak_memory_mb": round(peak_mb),
    }
    path = REPO / "benchmarks" / "results" / "models.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"peak memory {peak_mb:.0f} MB; written {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
