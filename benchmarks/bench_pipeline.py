"""Time the foundation on real data: history import, analytics + features rebuild, backtest.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_pipeline.py [--history DIR]``).
Uses ``../shared/data/history`` when present (four seasons, ~112k player-games, 190k prop lines),
otherwise the bundled demo set. Prints a table and writes ``benchmarks/results/pipeline.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from nbaprops.config import Settings
from nbaprops.ingest.history import import_history
from nbaprops.logs import configure as configure_logging
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import run_pipeline
from nbaprops.predict.backtest import run_backtest
from nbaprops.warehouse.db import Warehouse
from nbaprops.warehouse.span import data_span

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data" / "history"
DEMO = REPO / "data" / "demo"
START, END = date(2025, 10, 21), date(2025, 11, 19)


def timed(label: str, results: dict[str, float], fn, *args, **kwargs):
    began = time.perf_counter()
    value = fn(*args, **kwargs)
    results[label] = round(time.perf_counter() - began, 3)
    print(f"{label:<48} {results[label]:>8.2f} s", flush=True)
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--history", type=Path, default=SHARED if SHARED.exists() else DEMO)
    args = parser.parse_args()
    configure_logging(verbose=False)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp), _env_file=None)  # type: ignore[call-arg]
        settings.ensure_dirs()
        with Warehouse(settings.warehouse_path) as wh:
            history = RunHistory(settings.run_history_path)
            timed("import history (files + registry + analytics)", results, import_history,
                  wh, settings, history, [args.history])  # fmt: skip
            timed("re-import unchanged files", results, import_history, wh, settings, history, [args.history])
            span = data_span(wh)
            assert span is not None
            timed("rebuild analytics, all history", results, run_pipeline,
                  wh, settings, history, span[0], span[1], phases={"analytics"})  # fmt: skip
            timed("rebuild features, all history", results, run_pipeline,
                  wh, settings, history, span[0], span[1], phases={"features"})  # fmt: skip
            feature_rows = wh.count("features.player_points")
            backtest = timed(f"backtest {START}..{END} (all phases)", results, run_backtest,
                             wh, settings, history, START, END)  # fmt: skip
            history.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "data": str(args.history),
        "machine": f"{platform.machine()} {platform.processor() or ''} python {sys.version.split()[0]}",
        "seconds": results,
        "feature_rows": feature_rows,
        "peak_rss_mb": round(peak_mb),
        "backtest": {k: backtest[k] for k in ("graded", "model_mae", "market_mae", "picks", "hit_rate", "roi")},
    }
    print(f"{'feature rows':<48} {feature_rows:>8,}")
    print(f"{'peak memory (RSS)':<48} {peak_mb:>8.0f} MB")
    out = REPO / "benchmarks" / "results" / "pipeline.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
