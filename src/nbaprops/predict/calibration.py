"""Calibration of P(over): learned on out-of-sample predictions, measured by Brier score.

Every trained model keeps its holdout: the latest player-games before its cutoff, predicted by a
copy of the model fitted only on games before them. Most of those games had no line, so the
calibrator is fitted on *pseudo-lines*: for each holdout game, half-point thresholds around the
prediction (mean + z x sd for z in -1 .. 1, where real lines sit). Each threshold gives a pair
(the model's P(stat > threshold), whether the stat went over), and an isotonic regression maps raw
probabilities to observed frequencies. The map is monotone, so it fixes over- or under-confidence
without ever reordering two predictions, and it is stored as two arrays (interpolated at use).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nbaprops.predict.distribution import Predictive

PSEUDO_LINE_Z = (-1.0, -0.5, 0.0, 0.5, 1.0)
MIN_PAIRS = 500


@dataclass
class Calibrator:
    """A monotone map from a raw survival probability to a calibrated one (identity when unfitted)."""

    x: np.ndarray = field(default_factory=lambda: np.array([0.0, 1.0]))
    y: np.ndarray = field(default_factory=lambda: np.array([0.0, 1.0]))
    pairs: int = 0

    def __call__(self, p: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(p, dtype="float64"), self.x, self.y)


def pseudo_line_pairs(dist: Predictive, actual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(raw P(stat > k), 1 if stat > k) for integer thresholds k around each prediction."""
    y_actual = np.asarray(actual, dtype="float64")
    probs, hits = [], []
    for z in PSEUDO_LINE_Z:
        k = np.floor(np.maximum(dist.mean + z * dist.sd, 0.0))
        probs.append(dist.sf(k))
        hits.append((y_actual > k).astype("float64"))
    return np.concatenate(probs), np.concatenate(hits)


def fit_calibrator(dist: Predictive, actual: np.ndarray) -> Calibrator:
    """Isotonic regression of outcomes on raw probabilities at pseudo-lines (identity if too little data)."""
    from sklearn.isotonic import IsotonicRegression

    ok = np.isfinite(np.asarray(actual, dtype="float64"))
    p, y = pseudo_line_pairs(dist.subset(ok), np.asarray(actual)[ok])
    if len(p) < MIN_PAIRS:
        return Calibrator(pairs=len(p))
    iso = IsotonicRegression(y_min=0.005, y_max=0.995, increasing=True, out_of_bounds="clip")
    iso.fit(p, y)
    # Outside the range of raw probabilities the pseudo-lines reached, the map runs linearly to (0, 0)
    # and (1, 1): a certain outcome stays certain, and the tails of the distribution stay proper.
    x = np.concatenate([[0.0], iso.X_thresholds_, [1.0]])
    yy = np.concatenate([[0.0], iso.y_thresholds_, [1.0]])
    keep = np.concatenate([[True], np.diff(x) > 0])
    return Calibrator(x[keep], yy[keep], len(p))


def conditional_over(p_over: pd.Series | np.ndarray, p_under: pd.Series | np.ndarray) -> np.ndarray:
    """P(over | no push): how a model's probability is compared with the market's de-vigged one."""
    po, pu = np.asarray(p_over, dtype="float64"), np.asarray(p_under, dtype="float64")
    total = po + pu
    return np.where(total > 0, po / np.where(total > 0, total, 1.0), 0.5)


def brier(p: pd.Series | np.ndarray, outcome: pd.Series | np.ndarray) -> float | None:
    """Mean squared error of a probability against a 0/1 outcome (rows with both only)."""
    pp, yy = np.asarray(p, dtype="float64"), np.asarray(outcome, dtype="float64")
    ok = np.isfinite(pp) & np.isfinite(yy)
    return float(np.mean((pp[ok] - yy[ok]) ** 2)) if ok.any() else None


def calibration_table(p: pd.Series | np.ndarray, outcome: pd.Series | np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Predicted probability against observed frequency, by probability bin."""
    frame = pd.DataFrame({"p": np.asarray(p, dtype="float64"), "y": np.asarray(outcome, dtype="float64")}).dropna()
    edges = np.linspace(0.0, 1.0, bins + 1)
    frame["bin"] = pd.cut(frame["p"], edges, include_lowest=True)
    table = frame.groupby("bin", observed=True).agg(n=("y", "size"), predicted=("p", "mean"), observed=("y", "mean"))
    table.index = table.index.astype(str)
    return table.reset_index()
