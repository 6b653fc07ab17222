"""Similarity: the player's own past games that looked most like tonight's.

For a player-game on date D, the candidates are the player's played games in the two years before D
(strictly before D, whatever history it is handed). Each candidate is weighted by how alike its
circumstances were, judged from the feature store's point-in-time row for that game:

- opponent strength (points allowed against the league level),
- rest (days, capped at 4; a back-to-back is 1),
- venue (home or away),
- form and role (the player's recent minutes),
- and recency (a game two years ago says less than one last month).

    weight_j   = exp(-1/2 * sum of squared scaled differences)
    residual_j = stat_j - form_j                 (how the player did against his form at the time)
    predicted  = form_now + sum(w_j residual_j) / (sum(w_j) + shrink)
    variance   = weighted variance of form_now + residual_j, shrunk toward the volume-based variance

So the prediction is tonight's form moved by how the player did in games like this one; a player
with few similar games stays near his form. The bandwidths (in each circumstance's own units) and
the shrinkage were chosen by time-series cross-validation on 2023-24 and 2024-25, folds that end
before the evaluation window (``predict/tuning.py``, docs/predictions.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nbaprops.config import Settings
from nbaprops.predict.distribution import Predictive, fit_variance, variance_of
from nbaprops.predict.systems.base import FitContext, PredictContext, System

CONFIG: dict[str, Any] = {
    "lookback_days": 730,
    "max_candidates": 120,
    "shrink": 32.0,
    "bandwidth": {"opponent": 0.03, "rest": 0.75, "venue": 0.5, "minutes": 2.5, "recency_days": 182.0},
}
CONTEXT = ["opp_pts_allowed_ratio", "days_rest", "is_home", "min_l5"]


@dataclass(frozen=True)
class SimilarityEstimator:
    config: dict[str, Any]
    prior_variance: tuple[float, float]

    def predict(self, rows: pd.DataFrame, ctx: PredictContext) -> Predictive:
        form_now = rows["form"].to_numpy(dtype="float64")
        mean = np.where(np.isnan(form_now), 0.5, form_now)
        target, past = self._pairs(rows, ctx.history)
        if len(target) == 0:
            return Predictive(mean, variance_of(mean, self.prior_variance))
        now = {c: rows[c].to_numpy(dtype="float64")[target] for c in CONTEXT}
        w = self._weights(now, past)
        resid = past["actual"] - past["form"]
        n = len(rows)
        w_sum = np.bincount(target, weights=w, minlength=n)
        wr = np.bincount(target, weights=w * resid, minlength=n)
        wr2 = np.bincount(target, weights=w * resid**2, minlength=n)
        k = self.config["shrink"]
        mean_resid = wr / np.maximum(w_sum, 1e-12)
        spread = np.maximum(wr2 / np.maximum(w_sum, 1e-12) - mean_resid**2, 0.0)
        mean = np.clip(mean + wr / (w_sum + k), 0.1, None)
        var = variance_of(mean, self.prior_variance)
        return Predictive(mean, (w_sum * spread + k * var) / (w_sum + k))

    def _pairs(self, rows: pd.DataFrame, history: pd.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """For each row, the player's latest played games strictly before its date (within the lookback).

        Returns the row index of every pair and the candidate games' values, aligned. History sorted by
        (player, date) makes each row's candidates one contiguous run, found by binary search.
        """
        past = history.loc[history["form"].notna()]
        days = _days(past["game_date"])
        order = np.lexsort((days, past["player_id"].to_numpy()))
        key = past["player_id"].to_numpy(dtype="int64")[order] * 100_000 + days[order]
        t_key = rows["player_id"].to_numpy(dtype="int64") * 100_000 + _days(rows["game_date"])
        hi = np.searchsorted(key, t_key, side="left")  # first game on or after the row's date: excluded
        lo = np.searchsorted(key, t_key - self.config["lookback_days"], side="left")
        lo = np.maximum(lo, hi - self.config["max_candidates"])
        counts = np.maximum(hi - lo, 0)
        target = np.repeat(np.arange(len(rows)), counts)
        starts = np.repeat(lo, counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        picked = order[starts + offsets]
        values = {c: past[c].to_numpy(dtype="float64")[picked] for c in ["actual", "form", *CONTEXT]}
        values["age"] = (t_key[target] - key[starts + offsets]).astype("float64")
        return target, values

    def _weights(self, now: dict[str, np.ndarray], past: dict[str, np.ndarray]) -> np.ndarray:
        bw = self.config["bandwidth"]
        d2 = ((now["opp_pts_allowed_ratio"] - past["opp_pts_allowed_ratio"]) / bw["opponent"]) ** 2
        d2 += ((np.minimum(now["days_rest"], 4) - np.minimum(past["days_rest"], 4)) / bw["rest"]) ** 2
        d2 += ((now["is_home"] - past["is_home"]) / bw["venue"]) ** 2
        d2 += ((now["min_l5"] - past["min_l5"]) / bw["minutes"]) ** 2
        d2 += (past["age"] / bw["recency_days"]) ** 2
        return np.exp(-0.5 * d2)

    def describe(self) -> dict[str, Any]:
        return {"config": self.config, "prior_variance": list(self.prior_variance)}


def _days(dates: pd.Series) -> np.ndarray:
    """Whole days since 1970 (for arithmetic on keys)."""
    return dates.to_numpy(dtype="datetime64[D]").astype("int64")


class SimilaritySystem(System):
    system_id = "similarity"
    version = "similarity-1"
    train_days = 365

    def config(self, settings: Settings) -> dict[str, Any]:
        return CONFIG

    def features(self, ctx: FitContext) -> list[str]:
        return ["form", *CONTEXT, "game_date"]

    def fit(self, train: pd.DataFrame, ctx: FitContext) -> SimilarityEstimator:
        """Only the fallback spread is learned: how far games stray from form, by volume."""
        ok = train["form"].notna()
        return SimilarityEstimator(CONFIG, fit_variance(train.loc[ok, "form"].to_numpy(), train.loc[ok, "actual"]))
