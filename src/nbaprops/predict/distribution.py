"""Predictive distributions for a count stat, and what the systems read off them.

Every system describes a player-game by a mean and a variance; the stat is an integer, right-skewed
and over-dispersed (a scorer's points vary more than a Poisson count would), so the shared family is
the negative binomial with that mean and variance (Poisson when the variance is not above the mean).
P(over) and P(under) at a line and the quantiles all come from here, through the calibrator, so
every system is read the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

QUANTILE_LEVELS = (0.1, 0.25, 0.5, 0.75, 0.9)
MIN_DISPERSION = 1.02  # variance / mean floor: keeps the negative binomial proper (near-Poisson)


@dataclass
class Predictive:
    """Per-row negative binomial distributions given by mean and variance."""

    mean: np.ndarray
    var: np.ndarray

    def __post_init__(self) -> None:
        self.mean = np.clip(np.asarray(self.mean, dtype="float64"), 0.05, None)
        self.var = np.maximum(np.asarray(self.var, dtype="float64"), self.mean * MIN_DISPERSION)

    @property
    def sd(self) -> np.ndarray:
        return np.sqrt(self.var)

    def _nbinom(self) -> tuple[np.ndarray, np.ndarray]:
        p = self.mean / self.var
        n = self.mean * p / (1.0 - p)
        return n, p

    def sf(self, k: np.ndarray) -> np.ndarray:
        """P(X > k) for integer thresholds k: one per row, or a (rows, thresholds) grid."""
        n, p = self._nbinom()
        kk = np.asarray(k, dtype="float64")
        if kk.ndim == 2:  # a grid of thresholds per row
            n, p = n[:, None], p[:, None]
        return stats.nbinom.sf(kk, n, p)

    def subset(self, mask: np.ndarray) -> Predictive:
        return Predictive(self.mean[mask], self.var[mask])


def over_under(
    dist: Predictive, line: np.ndarray, calibrate: Callable[[np.ndarray], np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """P(stat > line) and P(stat < line), through the calibration map of survival probabilities.

    A half line of 20.5 splits at 20 | 21. A whole line of 20 pushes on exactly 20, so over is
    P(X > 20) and under is P(X <= 19) = 1 - P(X > 19).
    """
    g = calibrate or (lambda x: x)
    ln = np.asarray(line, dtype="float64")
    p_over = g(dist.sf(np.floor(ln)))
    p_under = 1.0 - g(dist.sf(np.ceil(ln) - 1.0))
    return p_over, p_under


def quantiles(
    dist: Predictive,
    calibrate: Callable[[np.ndarray], np.ndarray] | None = None,
    levels: tuple[float, ...] = QUANTILE_LEVELS,
) -> np.ndarray:
    """Quantiles of the (calibrated) distribution, shape (rows, levels): the smallest k with CDF(k) >= level."""
    g = calibrate or (lambda x: x)
    if len(dist.mean) == 0:
        return np.empty((0, len(levels)))
    top = int(np.ceil(np.max(dist.mean + 6.0 * dist.sd))) + 1
    grid = np.arange(top + 1, dtype="float64")
    cdf = 1.0 - g(dist.sf(grid[None, :]))  # rows x grid, non-decreasing in k
    cdf = np.maximum.accumulate(cdf, axis=1)
    out = np.empty((len(dist.mean), len(levels)))
    for j, level in enumerate(levels):
        reached = cdf >= level - 1e-12
        out[:, j] = np.where(reached.any(axis=1), np.argmax(reached, axis=1), top)
    return out


def fit_variance(mean: np.ndarray, actual: np.ndarray) -> tuple[float, float]:
    """Variance as a function of the mean, ``var = a * mean + b * mean**2``, from out-of-sample errors.

    Non-negative least squares on squared errors: ``a`` is the Poisson-like part, ``b`` the
    over-dispersion that grows with a player's volume.
    """
    mu = np.asarray(mean, dtype="float64")
    sq = (np.asarray(actual, dtype="float64") - mu) ** 2
    ok = np.isfinite(mu) & np.isfinite(sq)
    if ok.sum() < 50:
        return 1.5, 0.05
    from scipy.optimize import nnls

    design = np.column_stack([mu[ok], mu[ok] ** 2])
    (a, b), _ = nnls(design, sq[ok])
    return float(a), float(b)


def variance_of(mean: np.ndarray, ab: tuple[float, float]) -> np.ndarray:
    a, b = ab
    mu = np.asarray(mean, dtype="float64")
    return a * mu + b * mu**2
