"""Time-series cross-validation before the evaluation window: how hyper-parameters were chosen.

Each fold is a cutoff (a Monday) and the four weeks after it. The model is the one the walk-forward
would use at that cutoff (trained on games strictly before it, calibrated on its own holdout); it
predicts *every* played player-game of the next four weeks, whether or not a line existed (before
2025-26 there are no lines with a tip-off time). Scores: MAE and bias of the predicted mean, Brier of
the calibrated P(over) at pseudo-lines around the prediction, and the share of outcomes inside the
10-90% predictive interval (0.80 when the spread is right).

Folds sit in 2023-24 and 2024-25 — early season (like the evaluation window, whose first weeks lean
on last season's form) and mid-season. The evaluation window 2025-10-21 .. 2025-11-19 is never a
fold and never inside one. Run it on a warehouse holding ../shared/data/history::

    python -m nbaprops.predict.tuning --home /tmp/cv --market player_points
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from nbaprops.config import Settings
from nbaprops.predict.calibration import PSEUDO_LINE_Z, Calibrator, brier
from nbaprops.predict.distribution import Predictive, quantiles
from nbaprops.predict.frame import MarketData
from nbaprops.predict.markets import Market
from nbaprops.predict.markets import market as get_market
from nbaprops.predict.models import ModelStore
from nbaprops.predict.systems import get_system
from nbaprops.predict.systems.base import PredictContext
from nbaprops.warehouse.db import Warehouse

FOLDS = ("2023-10-30", "2023-12-04", "2024-02-05", "2024-10-28", "2024-12-02", "2025-02-03")
FOLD_DAYS = 28
EVALUATION_WINDOW = (date(2025, 10, 21), date(2025, 11, 19))


def fold_scores(store: ModelStore, data: MarketData, system_id: str, cutoff: pd.Timestamp) -> dict[str, Any]:
    """Scores of the model at `cutoff` on every played game of the next FOLD_DAYS days."""
    end = cutoff + pd.Timedelta(days=FOLD_DAYS)
    assert end.date() < EVALUATION_WINDOW[0] or cutoff.date() > EVALUATION_WINDOW[1], "a fold may not touch the window"
    system = get_system(system_id)
    model = store.get_or_train(system, data, cutoff)
    rows = data.played_before(end)
    rows = rows.loc[(rows["game_date"] >= cutoff) & (rows["prior_games"] > 0)]
    # Like a morning run: history strictly before the fold, members' models at the same cutoff.
    ctx = PredictContext(
        data, data.played_before(cutoff), lambda sid: store.get_or_train(get_system(sid), data, cutoff)
    )
    dist = model.distribution(rows, ctx)
    actual = rows["actual"].to_numpy(dtype="float64")
    p_cal, hit = common_pseudo_lines(rows, dist, model.calibrator, data.market)
    q = quantiles(dist, model.calibrator, (0.1, 0.9))
    return {
        "system": system_id,
        "cutoff": str(cutoff.date()),
        "rows": len(rows),
        "mae": float(np.mean(np.abs(dist.mean - actual))),
        "bias": float(np.mean(dist.mean - actual)),
        "brier_pseudo": brier(p_cal, hit),
        "interval_80": float(np.mean((actual >= q[:, 0]) & (actual <= q[:, 1]))),
    }


def common_pseudo_lines(
    rows: pd.DataFrame, dist: Predictive, calibrate: Calibrator, m: Market
) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated P(over) and outcomes at thresholds every system shares (so Brier scores compare).

    Half-point lines at the player's last-10 average plus -1 .. 1 standard deviations of his last 10:
    where a book would put the line without any model, and the same rows and lines for every system.
    """
    mean, sd = rows[m.column("l10")].to_numpy(), rows[m.column("std_l10")].to_numpy()
    actual = rows["actual"].to_numpy(dtype="float64")
    probs, hits = [], []
    for z in PSEUDO_LINE_Z:
        k = np.floor(np.maximum(mean + z * sd, 0.0))
        probs.append(calibrate(dist.sf(k)))
        hits.append((actual > k).astype("float64"))
    return np.concatenate(probs), np.concatenate(hits)


@contextmanager
def patched(module: Any, name: str, value: Any) -> Iterator[None]:
    """Temporarily replace a module constant (a candidate hyper-parameter set)."""
    before = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, before)


def cross_validate(
    wh: Warehouse, settings: Settings, market_id: str, systems: list[str], folds: tuple[str, ...] = FOLDS
) -> pd.DataFrame:
    last = max(pd.Timestamp(f) for f in folds) + pd.Timedelta(days=FOLD_DAYS)
    data = MarketData.load(wh, get_market(market_id), last.date())
    store = ModelStore(wh, settings)
    return pd.DataFrame([fold_scores(store, data, s, pd.Timestamp(f)) for s in systems for f in folds])


def main() -> None:  # pragma: no cover - an offline research entry point
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True)
    parser.add_argument("--market", default="player_points")
    parser.add_argument("--systems", default="baseline,similarity,lightgbm,ensemble")
    parser.add_argument("--grid", default="", help="JSON {module: {CONSTANT: [candidates...]}} to compare")
    args = parser.parse_args()
    settings = Settings(home=args.home, _env_file=None)  # type: ignore[call-arg]
    pd.set_option("display.width", 200)
    with Warehouse(settings.warehouse_path) as wh:
        grid = json.loads(args.grid) if args.grid else {}
        if not grid:
            scores = cross_validate(wh, settings, args.market, args.systems.split(","))
            print(scores.to_string(index=False))
            print(scores.groupby("system")[["mae", "bias", "brier_pseudo", "interval_80"]].mean().to_string())
            return
        import importlib

        for module_name, constants in grid.items():
            module = importlib.import_module(module_name)
            for name, candidates in constants.items():
                for candidate in candidates:
                    value = getattr(module, name) | candidate if isinstance(candidate, dict) else candidate
                    with patched(module, name, value):
                        scores = cross_validate(wh, settings, args.market, args.systems.split(","))
                    mean = scores[["mae", "bias", "brier_pseudo", "interval_80"]].mean()
                    print(json.dumps({name: candidate, **{k: round(float(v), 4) for k, v in mean.items()}}), flush=True)


if __name__ == "__main__":  # pragma: no cover
    main()
