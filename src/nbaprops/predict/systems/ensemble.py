"""The ensemble: the three systems stacked, then anchored to the market where a line exists.

Trained at each cadence cutoff from the members' holdouts (their out-of-sample predictions of the
same latest games before the cutoff, each from a fit that never saw them):

1. Stacking. Non-negative least squares of the outcome on the members' predictions gives each
   member a weight (no intercept: a weight sum above or below 1 corrects a shared bias).
2. Market anchor. A line carries what the models cannot see (injury news, role changes, the
   books' own models). The market's number is the line moved by its de-vigged price
   (``line + z(p_over) * sd``), and the ensemble predicts
   ``market + trust * (stacked - market)``. ``trust`` is the least-squares slope of
   ``actual - market`` on ``stacked - market`` over the holdout games that had a line, shrunk toward a
   prior (``ensemble_market_prior``, worth ``ensemble_prior_rows`` games). Both are fixed in settings and
   were not tuned: before 2025-26 no line in the warehouse has a tip-off time, so the first weeks of
   a season rely on the prior and later weeks on the lines seen so far.

The spread is learned from the stacked holdout errors; calibration is the shared one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import nnls
from scipy.special import ndtri

from nbaprops.config import Settings
from nbaprops.predict.distribution import Predictive, fit_variance, variance_of
from nbaprops.predict.systems.base import HOLDOUT_COLUMNS, Estimator, FitContext, PredictContext, System


def market_mean(line: np.ndarray, market_p_over: np.ndarray, ab: tuple[float, float]) -> np.ndarray:
    """The market's own estimate: the line shifted by how far its de-vigged price leans over or under."""
    ln = np.asarray(line, dtype="float64")
    p = np.clip(np.nan_to_num(np.asarray(market_p_over, dtype="float64"), nan=0.5), 0.02, 0.98)
    return ln + ndtri(p) * np.sqrt(np.maximum(variance_of(np.maximum(ln, 0.1), ab), 1e-6))


@dataclass(frozen=True)
class EnsembleEstimator:
    members: tuple[str, ...]
    weights: tuple[float, ...]
    variance: tuple[float, float]
    trust: float
    line_rows: int

    def stacked(self, means: np.ndarray) -> np.ndarray:
        return np.clip(means @ np.asarray(self.weights), 0.1, None)

    def predict(self, rows: pd.DataFrame, ctx: PredictContext) -> Predictive:
        if ctx.model_for is None:
            raise RuntimeError("the ensemble predicts from its members' models: give it model_for")
        means = np.column_stack([ctx.model_for(m).distribution(rows, ctx).mean for m in self.members])
        mean = self.anchored(self.stacked(means), rows)
        return Predictive(mean, variance_of(mean, self.variance))

    def anchored(self, stacked: np.ndarray, rows: pd.DataFrame) -> np.ndarray:
        line = rows["line"].to_numpy(dtype="float64")
        market = market_mean(line, rows["market_p_over"].to_numpy(dtype="float64"), self.variance)
        return np.where(np.isnan(line), stacked, np.clip(market + self.trust * (stacked - market), 0.1, None))

    def describe(self) -> dict[str, Any]:
        return {
            "weights": dict(zip(self.members, [round(w, 4) for w in self.weights], strict=True)),
            "trust_vs_market": round(self.trust, 4),
            "line_rows_seen": self.line_rows,
            "variance": [round(v, 5) for v in self.variance],
        }


class EnsembleSystem(System):
    system_id = "ensemble"
    version = "ensemble-1"
    members = ("baseline", "similarity", "lightgbm")

    def config(self, settings: Settings) -> dict[str, Any]:
        return {
            "members": list(self.members),
            "market_prior": settings.ensemble_market_prior,
            "prior_rows": settings.ensemble_prior_rows,
        }

    def features(self, ctx: FitContext) -> list[str]:
        return [*(f"{m}.predicted" for m in self.members), "line", "market_p_over"]

    def fit(self, train: pd.DataFrame, ctx: FitContext) -> Estimator:
        raise NotImplementedError("the ensemble is trained from its members' holdouts (see train)")

    def train(self, ctx: FitContext) -> tuple[Estimator, pd.DataFrame]:
        if ctx.model_at is None:
            raise RuntimeError("the ensemble needs its members' models: give it model_at")
        holdout = None
        for member in self.members:
            h = ctx.model_at(member, ctx.cutoff).holdout
            if holdout is None:
                holdout = h[HOLDOUT_COLUMNS].copy()
            holdout = holdout.merge(h[["player_id", "game_id", "mean"]].rename(columns={"mean": member}))
        assert holdout is not None
        means = holdout[list(self.members)].to_numpy(dtype="float64")
        actual = holdout["actual"].to_numpy(dtype="float64")
        weights = _stack(means, actual, len(self.members))
        stacked = np.clip(means @ weights, 0.1, None)
        ab = fit_variance(stacked, actual)
        trust, line_rows = _trust(holdout, stacked, ab, ctx.settings)
        estimator = EnsembleEstimator(self.members, tuple(float(w) for w in weights), ab, trust, line_rows)
        out = holdout[HOLDOUT_COLUMNS].copy()
        out["mean"] = stacked
        out["var"] = variance_of(stacked, ab)
        return estimator, out


def _stack(means: np.ndarray, actual: np.ndarray, k: int) -> np.ndarray:
    if len(actual) < 100:
        return np.full(k, 1.0 / k)
    weights, _ = nnls(means, actual)
    return weights if weights.sum() > 0 else np.full(k, 1.0 / k)


def _trust(
    holdout: pd.DataFrame, stacked: np.ndarray, ab: tuple[float, float], settings: Settings
) -> tuple[float, int]:
    """How much of the models' disagreement with the market held up, shrunk toward the prior."""
    lined = holdout["line"].notna().to_numpy()
    prior, prior_rows = settings.ensemble_market_prior, settings.ensemble_prior_rows
    if not lined.any():
        return prior, 0
    market = market_mean(
        holdout.loc[lined, "line"].to_numpy(), holdout.loc[lined, "market_p_over"].to_numpy(dtype="float64"), ab
    )
    x = stacked[lined] - market
    y = holdout.loc[lined, "actual"].to_numpy(dtype="float64") - market
    typical = float(np.mean(x**2)) or 1.0
    trust = (float(x @ y) + prior * prior_rows * typical) / (float(x @ x) + prior_rows * typical)
    return float(np.clip(trust, 0.0, 1.0)), int(lined.sum())
