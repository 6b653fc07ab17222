"""Walk-forward prediction: every date predicted by the model its cadence gives it, then written.

One path for every system and market: load the market's frame, and for each date with lines take the
model for that date from the registry (trained on games strictly before its cutoff, which is never
after the date), read its calibrated distribution at the lines, decide, and replace the system's
predictions for the window in one transaction (re-running is idempotent).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from datetime import date

import pandas as pd

from nbaprops.config import Settings
from nbaprops.predict.frame import MarketData
from nbaprops.predict.markets import market as get_market
from nbaprops.predict.models import ModelStore
from nbaprops.predict.recommend import QUANTILE_COLUMNS, decide, read_distribution
from nbaprops.predict.systems import get_system
from nbaprops.predict.systems.base import PredictContext
from nbaprops.warehouse.db import Warehouse, utcnow

_FRAMES: OrderedDict[tuple[str, str, date, str], MarketData] = OrderedDict()
_FRAMES_KEPT = 5  # one per market: the systems of a run share them


def market_data(wh: Warehouse, market_id: str, end: date) -> MarketData:
    """The market's frame, shared by the systems of one run (keyed by what the warehouse holds)."""
    stamp = str(
        wh.scalar(
            "SELECT (SELECT coalesce(sum(hash(t)), 0) FROM features.player_game AS t) || '/' ||"
            " (SELECT coalesce(sum(hash(t)), 0) FROM features.player_game_market AS t) || '/' ||"
            " (SELECT coalesce(sum(hash(t)), 0) FROM analytics.player_game_summary AS t)"
        )
    )
    key = (wh.path, market_id, end, stamp)
    if key not in _FRAMES:
        _FRAMES[key] = MarketData.load(wh, get_market(market_id), end)
        while len(_FRAMES) > _FRAMES_KEPT:
            _FRAMES.popitem(last=False)
    _FRAMES.move_to_end(key)
    return _FRAMES[key]


def predict_system(wh: Warehouse, settings: Settings, system_id: str, market_id: str, start: date, end: date) -> int:
    """Predict every date in [start, end] with a line in the market; return the rows written."""
    m = get_market(market_id)
    system = get_system(system_id)
    read: list[pd.DataFrame] = []
    if m.predictable:
        data = market_data(wh, m.id, end)
        store = ModelStore(wh, settings)
        for day in data.slate_dates(start, end):
            model = store.model_for(system, data, day)
            slate = data.slate(day)
            ctx = PredictContext(
                data, data.played_before(day), lambda sid, d=day: store.model_for(get_system(sid), data, d)
            )
            rows = read_distribution(slate, model.distribution(slate, ctx), model.calibrator)
            read.append(rows.assign(
                model_id=model.model_id,
                model_version=model.system_version,
                model_params=json.dumps(model.summary(), default=str),
            ))  # fmt: skip
    out = prediction_rows(system_id, m.id, decide(pd.concat(read), settings, m.id)) if read else None
    with wh.transaction():
        wh.execute(
            "DELETE FROM predictions.player_props WHERE system_id = ? AND market = ? AND game_date BETWEEN ? AND ?",
            [system_id, m.id, start, end],
        )
        if out is None:
            return 0
        wh.con.register("_predictions", out)
        wh.execute("INSERT INTO predictions.player_props BY NAME SELECT * FROM _predictions")
        wh.con.unregister("_predictions")
        return len(out)


def prediction_rows(system_id: str, market_id: str, rows: pd.DataFrame) -> pd.DataFrame:
    """Decided predictions as predictions.player_props rows, each with the model that made it."""
    return pd.DataFrame(
        {
            "system_id": system_id,
            "market": market_id,
            "player_id": rows["player_id"],
            "game_id": rows["game_id"],
            "game_date": rows["game_date"].dt.date,
            "line": rows["line"],
            "bookmaker": rows["line_bookmaker"],
            "over_odds": rows["over_odds"],
            "under_odds": rows["under_odds"],
            "predicted": rows["predicted"].round(3),
            "sigma": rows["sigma"].round(3),
            "p_over": rows["p_over"].round(4),
            "p_under": rows["p_under"].round(4),
            "edge": rows["edge"].round(3),
            "recommendation": rows["recommendation"],
            "actionable": rows["actionable"].astype(bool),
            "pass_reason": rows["pass_reason"],
            "model_version": rows["model_version"],
            "model_params": rows["model_params"],
            "created_utc": utcnow(),
            "model_id": rows["model_id"],
            "p_over_raw": rows["p_over_raw"].round(4),
            "market_p_over": rows["market_p_over"].round(4),
            "expected_value": rows["expected_value"].round(4),
            "quality_tier": rows["quality_tier"],
            **{q: rows[q] for q in QUANTILE_COLUMNS},
        }
    )
