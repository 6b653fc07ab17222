"""The transparent baseline: recent form, adjusted for opponent, pace, rest and venue.

    form       = 0.5 * last-5 average + 0.3 * last-10 average + 0.2 * season average   (of the market's stat)
    predicted  = scale * form * (1 + beta * (opponent points allowed / league level - 1))
                 * (1 + beta_pace * (expected game pace / training pace - 1))
                 * back-to-back factor * home factor
    variance   = k^2 * predicted              (spread grows with the mean)

Every number besides the three form weights is *fitted walk-forward*: for each game date D, `scale`,
`beta`, `beta_pace`, the factors and `k` are estimated only from player-games strictly before D (the
last 365 days), so a backtest predicts each date exactly as it could have been on the day. The pace
term uses both teams' possessions per 48 minutes (last 10 games) and is neutral (1) wherever the
feature store had to default pace — all of 2025-26 so far, whose team logs lack FGA/FTA.

The system itself (``BaselineSystem``) plugs these functions into the shared interface; the
functions below stay importable on their own for the points market, as before.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from nbaprops.config import Settings
from nbaprops.predict.distribution import Predictive
from nbaprops.predict.markets import FORM_WEIGHTS as _WEIGHTS
from nbaprops.predict.markets import POINTS
from nbaprops.predict.markets import form as _form
from nbaprops.predict.odds import over_under_probabilities
from nbaprops.predict.systems.base import FitContext, PredictContext, System
from nbaprops.warehouse.db import Warehouse

SYSTEM_ID = "baseline"
MODEL_VERSION = "baseline-2"
MARKET = POINTS.id
FORM_WEIGHTS = {f"pts_{w}": weight for w, weight in _WEIGHTS.items()}
TRAIN_DAYS = 365
MIN_TRAIN_ROWS = 500
MIN_FORM = {"pts": 2.0, "reb": 1.0, "ast": 0.5, "pra": 3.0}  # below this the ratio actual/form is mostly noise


@dataclass(frozen=True)
class BaselineParams:
    """What the baseline learned from the games before one date."""

    scale: float = 1.0
    beta_opponent: float = 0.0
    b2b_factor: float = 1.0
    home_factor: float = 1.0
    k_sigma: float = 1.3
    train_rows: int = 0
    beta_pace: float = 0.0
    pace_ref: float = 100.0


def form(frame: pd.DataFrame) -> pd.Series:
    """Weighted recent scoring average (NaN for a player with no earlier game)."""
    return _form(frame, POINTS)


def _opponent_ratio(frame: pd.DataFrame) -> pd.Series:
    return frame["opp_pts_allowed_ratio"].fillna(1.0).clip(0.8, 1.2)


def _game_pace(frame: pd.DataFrame) -> pd.Series:
    """Both teams' recent pace averaged; NaN where the feature store defaulted either side."""
    pace = (frame["team_pace_l10"] + frame["opp_pace_l10"]) / 2.0
    defaulted = frame["defaulted_features"].fillna("")
    unknown = defaulted.str.contains("team_pace_l10", regex=False) | defaulted.str.contains("opp_pace_l10", regex=False)
    return pace.where(~unknown)


def _pace_ratio(frame: pd.DataFrame, pace_ref: float) -> pd.Series:
    return (_game_pace(frame) / pace_ref).fillna(1.0).clip(0.9, 1.1)


def _ratio(actual: pd.Series, expected: pd.Series, mask: pd.Series) -> float:
    """How much more than expected the selected rows scored, relative to the rest (shrunk)."""
    inside = actual[mask].sum() / max(expected[mask].sum(), 1e-9)
    outside = actual[~mask].sum() / max(expected[~mask].sum(), 1e-9)
    n = int(mask.sum())
    raw = inside / outside if outside > 0 else 1.0
    shrink = n / (n + 200.0)  # little evidence -> stay near 1
    return float(1.0 + shrink * (raw - 1.0))


def _slope(x: pd.Series, y: pd.Series) -> float:
    return float(np.clip((x * y).sum() / max((x * x).sum(), 1e-9), 0.0, 2.0))


def fit(train: pd.DataFrame, min_form: float = 2.0) -> BaselineParams:
    """Estimate the adjustment factors and the spread from played games with an outcome."""
    rows = train.loc[train["form"].notna() & train["actual"].notna() & (train["prior_games"] >= 5)]
    rows = rows.loc[rows["form"] >= min_form]
    if len(rows) < MIN_TRAIN_ROWS:
        return BaselineParams(train_rows=len(rows))
    actual, base = rows["actual"].astype(float), rows["form"]
    x = _opponent_ratio(rows) - 1.0
    beta = _slope(x, actual / base - 1.0)
    expected = base * (1.0 + beta * x)
    known_pace = _game_pace(rows)
    pace_ref = float(known_pace.mean()) if known_pace.notna().sum() >= MIN_TRAIN_ROWS else 100.0
    x_pace = _pace_ratio(rows, pace_ref) - 1.0
    beta_pace = _slope(x_pace, actual / expected - 1.0)
    expected = expected * (1.0 + beta_pace * x_pace)
    b2b = _ratio(actual, expected, rows["back_to_back"] > 0.5)
    home = _ratio(actual, expected, rows["is_home"] > 0.5)
    expected = expected * np.where(rows["back_to_back"] > 0.5, b2b, 1.0)
    expected = expected * np.where(rows["is_home"] > 0.5, home, 1.0)
    scale = float(actual.sum() / expected.sum())
    predicted = (expected * scale).clip(lower=0.5)
    k = float(np.sqrt(((actual - predicted) ** 2 / predicted).mean()))
    return BaselineParams(scale, beta, b2b, home, k, len(rows), beta_pace, pace_ref)


def apply(frame: pd.DataFrame, params: BaselineParams) -> pd.DataFrame:
    """Predicted value and spread for each row (NaN where the player has no history)."""
    predicted = frame["form"] * params.scale * (1.0 + params.beta_opponent * (_opponent_ratio(frame) - 1.0))
    predicted *= 1.0 + params.beta_pace * (_pace_ratio(frame, params.pace_ref) - 1.0)
    predicted *= np.where(frame["back_to_back"] > 0.5, params.b2b_factor, 1.0)
    predicted *= np.where(frame["is_home"] > 0.5, params.home_factor, 1.0)
    predicted = predicted.clip(lower=0.5)
    return pd.DataFrame({"predicted": predicted, "sigma": params.k_sigma * np.sqrt(predicted)}, index=frame.index)


def recommend(frame: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Add P(over)/P(under) (normal at the line), edge, recommendation, actionable and the reason for a pass."""
    from nbaprops.predict.recommend import decide

    out = frame.copy()
    p_over, p_under = over_under_probabilities(out["predicted"], out["sigma"].fillna(1.0), out["line"])
    out["p_over"], out["p_under"] = p_over, p_under
    return decide(out, settings, MARKET)


def load_frame(wh: Warehouse, end: date) -> pd.DataFrame:
    """Features up to `end` with the points line (if any) and the outcome (NULL until played)."""
    from nbaprops.predict.frame import load_market_frame

    return load_market_frame(wh, POINTS, end)


def predict_range(wh: Warehouse, settings: Settings, start: date, end: date) -> int:
    """Walk-forward points predictions of the baseline for every date in [start, end] with lines."""
    from nbaprops.predict.walkforward import predict_system

    return predict_system(wh, settings, SYSTEM_ID, MARKET, start, end)


# ---------------------------------------------------------------------------- the system
@dataclass(frozen=True)
class _Estimator:
    params: BaselineParams

    def predict(self, rows: pd.DataFrame, ctx: PredictContext) -> Predictive:
        out = apply(rows, self.params)
        mean = out["predicted"].fillna(0.5).to_numpy()
        return Predictive(mean, (self.params.k_sigma**2) * mean)

    def describe(self) -> dict[str, Any]:
        return asdict(self.params)


class BaselineSystem(System):
    """Refit for every date: the fit is a handful of sums, and a daily fit uses every earlier game."""

    system_id = SYSTEM_ID
    version = MODEL_VERSION
    daily = True
    train_days = TRAIN_DAYS

    def features(self, ctx: FitContext) -> list[str]:
        m = ctx.data.market
        return [*m.form_columns, "opp_pts_allowed_ratio", "team_pace_l10", "opp_pace_l10", "back_to_back", "is_home"]

    def fit(self, train: pd.DataFrame, ctx: FitContext) -> _Estimator:
        prefix = ctx.data.market.prefix or "pts"
        return _Estimator(fit(train, MIN_FORM.get(prefix, 2.0)))
