"""The transparent baseline for points: recent form, adjusted for opponent, rest and venue.

    form       = 0.5 * last-5 average + 0.3 * last-10 average + 0.2 * season average
                 (weights re-normalised over the averages that exist)
    predicted  = scale * form * (1 + beta * (opponent points allowed / league level - 1))
                 * back-to-back factor * home factor
    sigma      = k * sqrt(predicted)          (scoring variance grows with the mean)

Every number besides the three form weights is *fitted walk-forward*: for each game date D,
`scale`, `beta`, the factors and `k` are estimated only from player-games strictly before D
(the last 365 days), so a backtest predicts each date exactly as it could have been on the day.
P(over) and P(under) come from the normal distribution at the line with a continuity correction.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import pandas as pd

from nbaprops.config import Settings
from nbaprops.predict.odds import over_under_probabilities
from nbaprops.warehouse.db import Warehouse, utcnow

SYSTEM_ID = "baseline"
MODEL_VERSION = "baseline-points-1"
MARKET = "player_points"
FORM_WEIGHTS = {"pts_l5": 0.5, "pts_l10": 0.3, "pts_season": 0.2}
TRAIN_DAYS = 365
MIN_TRAIN_ROWS = 500


@dataclass(frozen=True)
class BaselineParams:
    """What the baseline learned from the games before one date."""

    scale: float = 1.0
    beta_opponent: float = 0.0
    b2b_factor: float = 1.0
    home_factor: float = 1.0
    k_sigma: float = 1.3
    train_rows: int = 0


def form(frame: pd.DataFrame) -> pd.Series:
    """Weighted recent scoring average (NaN for a player with no earlier game)."""
    total = sum(frame[column] * w for column, w in FORM_WEIGHTS.items())
    return total.where(frame["prior_games"] > 0)


def _opponent_ratio(frame: pd.DataFrame) -> pd.Series:
    return frame["opp_pts_allowed_ratio"].fillna(1.0).clip(0.8, 1.2)


def _ratio(actual: pd.Series, expected: pd.Series, mask: pd.Series) -> float:
    """How much more than expected the selected rows scored, relative to the rest (shrunk)."""
    inside = actual[mask].sum() / max(expected[mask].sum(), 1e-9)
    outside = actual[~mask].sum() / max(expected[~mask].sum(), 1e-9)
    n = int(mask.sum())
    raw = inside / outside if outside > 0 else 1.0
    shrink = n / (n + 200.0)  # little evidence -> stay near 1
    return float(1.0 + shrink * (raw - 1.0))


def fit(train: pd.DataFrame) -> BaselineParams:
    """Estimate the adjustment factors and the spread from played games with an outcome."""
    rows = train.loc[train["form"].notna() & train["actual"].notna() & (train["prior_games"] >= 5)]
    rows = rows.loc[rows["form"] >= 2.0]
    if len(rows) < MIN_TRAIN_ROWS:
        return BaselineParams(train_rows=len(rows))
    actual, base = rows["actual"].astype(float), rows["form"]
    x = _opponent_ratio(rows) - 1.0
    y = actual / base - 1.0
    beta = float(np.clip((x * y).sum() / max((x * x).sum(), 1e-9), 0.0, 2.0))
    expected = base * (1.0 + beta * x)
    b2b = _ratio(actual, expected, rows["back_to_back"] > 0.5)
    home = _ratio(actual, expected, rows["is_home"] > 0.5)
    expected = expected * np.where(rows["back_to_back"] > 0.5, b2b, 1.0)
    expected = expected * np.where(rows["is_home"] > 0.5, home, 1.0)
    scale = float(actual.sum() / expected.sum())
    predicted = (expected * scale).clip(lower=0.5)
    k = float(np.sqrt(((actual - predicted) ** 2 / predicted).mean()))
    return BaselineParams(scale, beta, b2b, home, k, len(rows))


def apply(frame: pd.DataFrame, params: BaselineParams) -> pd.DataFrame:
    """Predicted points and spread for each row (NaN where the player has no history)."""
    predicted = frame["form"] * params.scale * (1.0 + params.beta_opponent * (_opponent_ratio(frame) - 1.0))
    predicted *= np.where(frame["back_to_back"] > 0.5, params.b2b_factor, 1.0)
    predicted *= np.where(frame["is_home"] > 0.5, params.home_factor, 1.0)
    predicted = predicted.clip(lower=0.5)
    return pd.DataFrame({"predicted": predicted, "sigma": params.k_sigma * np.sqrt(predicted)}, index=frame.index)


def recommend(frame: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Add P(over)/P(under), edge, recommendation, actionable and the reason for a pass."""
    out = frame.copy()
    no_history = out["predicted"].isna()
    out.loc[no_history, "predicted"] = out.loc[no_history, "line"]  # no information: the market's number
    out.loc[no_history, "sigma"] = np.nan
    p_over, p_under = over_under_probabilities(out["predicted"], out["sigma"].fillna(1.0), out["line"])
    out["p_over"] = np.where(no_history, 0.5, p_over)
    out["p_under"] = np.where(no_history, 0.5, p_under)
    out["sigma"] = out["sigma"].fillna(0.0)
    out["edge"] = out["predicted"] - out["line"]
    side = np.where(out["p_over"] >= out["p_under"], "OVER", "UNDER")
    p_side = np.maximum(out["p_over"], out["p_under"])
    side_odds = np.where(side == "OVER", out["over_odds"], out["under_odds"])
    reasons = [
        (no_history, "no earlier games"),
        (out["prior_games"] < settings.min_prior_games, f"fewer than {settings.min_prior_games} earlier games"),
        (out["quality_tier"] == "low", "low feature quality (key features defaulted)"),
        (pd.isna(side_odds), "no price for that side"),
        (out["edge"].abs() < settings.min_edge_points, f"edge under {settings.min_edge_points} points"),
        (p_side < settings.min_probability, f"probability under {settings.min_probability:.2f}"),
    ]
    reason = pd.Series(None, index=out.index, dtype=object)
    for mask, why in reasons:
        reason = reason.where(reason.notna() | ~np.asarray(mask), why)
    out["pass_reason"] = reason
    out["actionable"] = reason.isna()
    out["recommendation"] = np.where(out["actionable"], side, "PASS")
    return out


def load_frame(wh: Warehouse, end: date) -> pd.DataFrame:
    """Features up to `end` with the points line (if any) and the outcome (NULL until played).

    Outcomes are only used to fit on dates before the one being predicted.
    """
    frame = wh.df(
        """
        SELECT f.*, m.line, m.bookmaker AS line_bookmaker, m.over_odds, m.under_odds,
               CASE WHEN s.status = 'played' THEN s.pts END AS actual
        FROM features.player_game AS f
        LEFT JOIN features.player_game_market AS m
            ON m.player_id = f.player_id AND m.game_id = f.game_id AND m.market = $market
        LEFT JOIN analytics.player_game_summary AS s
            ON s.player_id = f.player_id AND s.game_id = f.game_id
        WHERE f.game_date <= $end
        ORDER BY f.game_date, f.player_id, f.game_id  -- a fixed order keeps float sums reproducible
        """,
        {"end": end, "market": MARKET},
    )
    frame["form"] = form(frame)
    return frame


def predict_range(wh: Warehouse, settings: Settings, start: date, end: date) -> int:
    """Walk-forward: for every date in [start, end] with lines, fit on earlier dates, predict that date."""
    frame = load_frame(wh, end)
    dated = frame.loc[frame["line"].notna(), "game_date"]
    slate_dates = sorted(dated.loc[(dated >= pd.Timestamp(start)) & (dated <= pd.Timestamp(end))].unique())
    written = 0
    with wh.transaction():
        wh.execute(
            "DELETE FROM predictions.player_props WHERE system_id = ? AND market = ? AND game_date BETWEEN ? AND ?",
            [SYSTEM_ID, MARKET, start, end],
        )
        for day in slate_dates:
            history = frame.loc[
                (frame["game_date"] < day) & (frame["game_date"] >= day - pd.Timedelta(days=TRAIN_DAYS))
            ]
            params = fit(history)
            slate = frame.loc[(frame["game_date"] == day) & frame["line"].notna()].copy()
            slate[["predicted", "sigma"]] = apply(slate, params)
            rows = recommend(slate, settings)
            written += _write(wh, rows, params)
    return written


def _write(wh: Warehouse, rows: pd.DataFrame, params: BaselineParams) -> int:
    out = pd.DataFrame(
        {
            "system_id": SYSTEM_ID,
            "market": MARKET,
            "player_id": rows["player_id"],
            "game_id": rows["game_id"],
            "game_date": rows["game_date"],
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
            "model_version": MODEL_VERSION,
            "model_params": json.dumps(asdict(params)),
            "created_utc": utcnow(),
        }
    )
    wh.con.register("_predictions", out)
    wh.execute("INSERT INTO predictions.player_props BY NAME SELECT * FROM _predictions")
    wh.con.unregister("_predictions")
    return len(out)
