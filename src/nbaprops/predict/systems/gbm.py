"""LightGBM over the feature store: the stat modelled from every point-in-time feature.

The model learns the stat itself (not the line): most training games had no line, and a model of the
stat compared with the line is what a pick needs. Features the feature store had to default are
given to LightGBM as missing, not as their default value: in 2025-26 pace and defensive rating are
unknown (the team logs lack FGA/FTA) and a default of 99 possessions would otherwise read as a
very slow game. The spread is learned from the holdout's out-of-sample errors (variance as a
function of the mean), never from training residuals, which boosting makes too small.

Hyper-parameters were chosen by time-series cross-validation on 2023-24 and 2024-25 (folds that end
before the evaluation window; docs/predictions.md), and training is deterministic (fixed seed,
fixed threads, ``deterministic=True``), so the same games always give the same model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from nbaprops.config import Settings
from nbaprops.predict.distribution import Predictive, fit_variance, variance_of
from nbaprops.predict.frame import MarketData, feature_columns
from nbaprops.predict.systems.base import Estimator, FitContext, PredictContext, System

PARAMS: dict[str, Any] = {
    "objective": "regression",
    "learning_rate": 0.03,
    "num_leaves": 15,
    "min_data_in_leaf": 200,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "max_bin": 63,
    "num_boost_round": 300,
    "seed": 7,
    "deterministic": True,
    "force_col_wise": True,
    "verbose": -1,
}


def model_matrix(rows: pd.DataFrame, data: MarketData, columns: list[str]) -> np.ndarray:
    """The rows' features as a float matrix, defaulted values as NaN (LightGBM's missing)."""
    values = rows[columns].to_numpy(dtype="float64", copy=True)
    defaulted = data.defaulted.reindex(columns=columns, fill_value=False).loc[rows.index].to_numpy()
    values[defaulted] = np.nan
    return values


@dataclass
class GBMEstimator:
    booster: Any
    columns: list[str]
    variance: tuple[float, float] = (1.5, 0.05)
    rows: int = 0
    importance: dict[str, float] = field(default_factory=dict)

    def predict(self, rows: pd.DataFrame, ctx: PredictContext) -> Predictive:
        if self.booster is None or rows.empty:
            mean = rows["form"].fillna(0.5).to_numpy(dtype="float64")
        else:
            mean = self.booster.predict(model_matrix(rows, ctx.data, self.columns), num_threads=1)
        mean = np.clip(mean, 0.1, None)
        return Predictive(mean, variance_of(mean, self.variance))

    def describe(self) -> dict[str, Any]:
        top = sorted(self.importance.items(), key=lambda kv: -kv[1])[:8]
        return {"train_rows": self.rows, "variance": list(self.variance), "top_features": dict(top)}


class LightGBMSystem(System):
    system_id = "lightgbm"
    version = "lightgbm-1"
    train_days = 730

    def config(self, settings: Settings) -> dict[str, Any]:
        rounds = {"num_boost_round": settings.gbm_rounds} if settings.gbm_rounds else {}
        return PARAMS | {"num_threads": settings.model_threads} | rounds

    def features(self, ctx: FitContext) -> list[str]:
        return [*feature_columns(ctx.data.frame), "form"]

    def fit(self, train: pd.DataFrame, ctx: FitContext) -> GBMEstimator:
        import lightgbm as lgb

        columns = self.features(ctx)
        if len(train) < 1000:
            return GBMEstimator(None, columns, rows=len(train))
        config = self.config(ctx.settings)
        rounds = config.pop("num_boost_round")
        dataset = lgb.Dataset(
            model_matrix(train, ctx.data, columns), train["actual"].to_numpy(dtype="float64"), feature_name=columns
        )
        booster = lgb.train(config, dataset, num_boost_round=rounds)
        gain = booster.feature_importance(importance_type="gain")
        total = float(gain.sum()) or 1.0
        importance = {c: round(float(g) / total, 4) for c, g in zip(columns, gain, strict=True)}
        return GBMEstimator(booster, columns, rows=len(train), importance=importance)

    def spread_from_holdout(
        self, estimator: Estimator, predicted: Predictive, actual: np.ndarray
    ) -> tuple[Estimator, Predictive]:
        ab = fit_variance(predicted.mean, actual)
        assert isinstance(estimator, GBMEstimator)
        return replace(estimator, variance=ab), Predictive(predicted.mean, variance_of(predicted.mean, ab))
