"""From a calibrated distribution to a recommendation: one path for every system.

P(over) and P(under) at the line come through the model's calibrator; the side is the likelier one;
a prediction becomes an actionable pick only when it clears every gate below (the first failing gate
is recorded as the reason for the pass). The thresholds live in ``Settings`` and were chosen before
any backtest (docs/predictions.md): a pick needs enough earlier games, features of acceptable
quality, a price for the side, a minimum edge in the market's units, a minimum probability, and a
positive expected profit at the real odds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nbaprops.config import Settings
from nbaprops.predict.distribution import QUANTILE_LEVELS, Predictive, over_under, quantiles
from nbaprops.predict.odds import payout

QUANTILE_COLUMNS = [f"q{round(level * 100):02d}" for level in QUANTILE_LEVELS]


def read_distribution(slate: pd.DataFrame, dist: Predictive, calibrate) -> pd.DataFrame:
    """Mean, spread, quantiles and calibrated P(over)/P(under) at each row's line."""
    out = slate.copy()
    line = out["line"].to_numpy(dtype="float64")
    raw_over, _ = over_under(dist, line)
    p_over, p_under = over_under(dist, line, calibrate)
    out["predicted"] = dist.mean
    out["sigma"] = dist.sd
    out["p_over_raw"] = raw_over
    out["p_over"], out["p_under"] = p_over, p_under
    out[QUANTILE_COLUMNS] = quantiles(dist, calibrate)
    return out


def decide(frame: pd.DataFrame, settings: Settings, market: str) -> pd.DataFrame:
    """Edge, side, expected value, recommendation, actionable and the reason for a pass."""
    out = frame.copy()
    no_history = (out["prior_games"] <= 0) | out["predicted"].isna()
    out.loc[no_history, "predicted"] = out.loc[no_history, "line"]  # no information: the market's number
    out.loc[no_history, ["p_over", "p_under"]] = 0.5
    out["sigma"] = out["sigma"].where(~no_history, 0.0).fillna(0.0)
    out["edge"] = out["predicted"] - out["line"]
    side = np.where(out["p_over"] >= out["p_under"], "OVER", "UNDER")
    p_side = np.maximum(out["p_over"], out["p_under"])
    side_odds = pd.Series(np.where(side == "OVER", out["over_odds"], out["under_odds"]), index=out.index)
    p_push = (1.0 - out["p_over"] - out["p_under"]).clip(lower=0.0)
    # profit per unit: win pays the odds, loss costs the stake, a push returns it
    out["expected_value"] = p_side * payout(side_odds.astype("float64")) - (1.0 - p_side - p_push)
    min_edge = settings.min_edge_for(market)
    reasons = [
        (no_history, "no earlier games"),
        (out["prior_games"] < settings.min_prior_games, f"fewer than {settings.min_prior_games} earlier games"),
        (out["quality_tier"] == "low", "low feature quality (key features defaulted)"),
        (side_odds.isna(), "no price for that side"),
        (out["edge"].abs() < min_edge, f"edge under {min_edge:g}"),
        (p_side < settings.min_probability, f"probability under {settings.min_probability:.2f}"),
        (out["expected_value"] < settings.min_expected_value, "no positive expected value at the price"),
    ]
    reason = pd.Series(None, index=out.index, dtype=object)
    for mask, why in reasons:
        reason = reason.where(reason.notna() | ~np.asarray(mask), why)
    out["pass_reason"] = reason
    out["actionable"] = reason.isna()
    out["recommendation"] = np.where(out["actionable"], side, "PASS")
    return out
