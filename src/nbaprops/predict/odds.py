"""Betting arithmetic on American odds, and over/under probabilities at a line."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr


def implied_probability(odds: float | pd.Series) -> float | pd.Series:
    """Break-even probability of American odds (-110 -> 0.524, +150 -> 0.4), vig included."""
    o = np.asarray(odds, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):  # np.where evaluates both branches
        p = np.where(o < 0, -o / (100.0 - o), 100.0 / (o + 100.0))
    return p if isinstance(odds, pd.Series | np.ndarray) else float(p)


def payout(odds: float | pd.Series) -> float | pd.Series:
    """Profit per unit staked on a win at American odds (-110 -> 0.909, +150 -> 1.5)."""
    o = np.asarray(odds, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(o < 0, 100.0 / -o, o / 100.0)
    return p if isinstance(odds, pd.Series | np.ndarray) else float(p)


def over_under_probabilities(
    mean: np.ndarray | pd.Series, sigma: np.ndarray | pd.Series, line: np.ndarray | pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """P(stat > line) and P(stat < line) for an integer stat ~ Normal(mean, sigma), with continuity.

    A line of 20.5 splits at 20.5; a whole line of 20 pushes on exactly 20, so over needs 21
    (split at 20.5) and under needs 19 (split at 19.5).
    """
    mu = np.asarray(mean, dtype="float64")
    sd = np.maximum(np.asarray(sigma, dtype="float64"), 1e-6)
    ln = np.asarray(line, dtype="float64")
    p_over = 1.0 - ndtr((np.floor(ln) + 0.5 - mu) / sd)
    p_under = ndtr((np.ceil(ln) - 0.5 - mu) / sd)
    return p_over, p_under
