"""Accuracy over time, from the published results files: hit rate, MAE against the market, calibration.

Computed from ``v1/results/{date}.json`` (every graded prediction with its outcome), which exist
for every graded date, and summarised with the same function the backtest and the results files
use (``grading.summary.summarize``), so the dashboard's totals equal ``nbaprops backtest``'s.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from nbaprops.grading.summary import summarize
from nbaprops.web.store import prediction_rows

CALIBRATION_BINS = 10
_COLUMNS = ("system_id", "market", "outcome", "actionable", "profit", "abs_error", "market_abs_error")


@dataclass(frozen=True)
class Accuracy:
    """Everything the accuracy page and ``/api/v1/accuracy`` show for one market."""

    market: str | None
    markets: list[str]
    totals: dict[str, dict[str, Any]]  # system -> summary over every published date
    daily: dict[str, list[dict[str, Any]]]  # system -> one point per date, oldest first
    calibration: dict[str, list[dict[str, Any]]]  # system -> P(over) bins

    def as_json(self) -> dict[str, Any]:
        return {
            "market": self.market,
            "markets": self.markets,
            "totals": self.totals,
            "daily": self.daily,
            "calibration": self.calibration,
        }


def accuracy(results: list[tuple[date, dict[str, Any]]], market: str | None) -> Accuracy:
    """Accuracy of every system on `market` (default: points if graded, else the first market)."""
    frames = []
    for day, data in results:
        rows = [r for r in prediction_rows(data) if all(c in r for c in _COLUMNS)]
        if rows:
            frames.append(pd.DataFrame(rows).assign(game_date=day))
    if not frames:
        return Accuracy(market, [], {}, {}, {})
    graded = pd.concat(frames, ignore_index=True)
    markets = sorted(graded["market"].dropna().unique())
    chosen = market or ("player_points" if "player_points" in markets else markets[0])
    mine = graded.loc[graded["market"] == chosen]
    totals, daily, calibration = {}, {}, {}
    for system, rows in mine.groupby("system_id", sort=True):
        totals[str(system)] = summarize(rows)
        daily[str(system)] = _daily(rows)
        calibration[str(system)] = _calibration(rows)
    return Accuracy(chosen, markets, totals, daily, calibration)


def _daily(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Per date: the day's summary and the hit rate of every pick up to and including that date."""
    out = []
    wins = losses = 0
    for day, day_rows in rows.groupby("game_date", sort=True):
        summary = summarize(day_rows)
        wins, losses = wins + summary["wins"], losses + summary["losses"]
        out.append(
            {
                "date": day.isoformat(),
                **summary,
                "cumulative_picks": wins + losses,
                "cumulative_hit_rate": round(wins / (wins + losses), 4) if wins + losses else None,
            }
        )
    return out


def _calibration(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """P(over) in ten bins against how often the player went over (played, not a push)."""
    if not {"p_over", "actual", "line"} <= set(rows.columns):
        return []
    played = rows.loc[rows["p_over"].notna() & rows["actual"].notna() & rows["line"].notna()]
    played = played.loc[played["actual"].astype(float) != played["line"].astype(float)]
    bins: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for p, actual, line in zip(played["p_over"].astype(float), played["actual"], played["line"], strict=True):
        bins[min(int(p * CALIBRATION_BINS), CALIBRATION_BINS - 1)].append((p, float(actual) > float(line)))
    return [
        {
            "low": i / CALIBRATION_BINS,
            "high": (i + 1) / CALIBRATION_BINS,
            "n": len(bins[i]),
            "mean_p_over": round(sum(p for p, _ in bins[i]) / len(bins[i]), 4),
            "observed_over": round(sum(over for _, over in bins[i]) / len(bins[i]), 4),
        }
        for i in sorted(bins)
    ]
