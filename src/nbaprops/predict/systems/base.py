"""The one interface every prediction system implements.

A system turns a training frame into an *estimator* (what it learned before a cutoff), and an
estimator turns player-games into a predictive distribution (mean and variance of the stat). That is
all a system does: holding out games to calibrate on, calibrating, reading P(over) at the line,
recommending, storing the model and writing predictions are shared (``predict/models.py``,
``calibration.py``, ``recommend.py``, ``walkforward.py``), so the systems cannot drift apart in how
they are judged.

Point in time: ``fit`` only ever receives played games dated before the cutoff; ``predict`` receives
the rows to predict and the history of played games, and a system that looks at history (similarity)
must itself keep to games dated before each row's date.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np
import pandas as pd

from nbaprops.config import Settings
from nbaprops.predict.distribution import Predictive
from nbaprops.predict.frame import MarketData

if TYPE_CHECKING:
    from nbaprops.predict.models import TrainedModel

HOLDOUT_COLUMNS = ["player_id", "game_id", "game_date", "actual", "line", "market_p_over"]


@dataclass
class PredictContext:
    """What an estimator may look at besides the rows: played history and the other systems' models."""

    data: MarketData
    history: pd.DataFrame  # played games before the latest date predicted (per-row filtering is the system's)
    model_for: Callable[[str], TrainedModel] | None = None  # another system's model for the same date


@dataclass
class FitContext:
    """What a system may look at when training at a cutoff."""

    data: MarketData
    cutoff: pd.Timestamp
    settings: Settings
    model_at: Callable[[str, pd.Timestamp], TrainedModel] | None = None  # another system's model at a cutoff


class Estimator(Protocol):
    """What a system learned before one cutoff."""

    def predict(self, rows: pd.DataFrame, ctx: PredictContext) -> Predictive: ...

    def describe(self) -> dict[str, Any]: ...


class System(ABC):
    """A prediction system: its id, how often it retrains, how far back it learns, and how it fits."""

    system_id: ClassVar[str]
    version: ClassVar[str]  # bump when the algorithm changes: stored models of other versions are not reused
    daily: ClassVar[bool] = False  # refit for every date (cheap) instead of on the retraining cadence
    train_days: ClassVar[int] = 730
    members: ClassVar[tuple[str, ...]] = ()  # systems this one is built from (the ensemble)

    def config(self, settings: Settings) -> dict[str, Any]:
        """Hyper-parameters: part of a model's identity, stored with it."""
        return {}

    def features(self, ctx: FitContext) -> list[str]:
        """The columns the system learns from (recorded in the model registry)."""
        return ["form"]

    @abstractmethod
    def fit(self, train: pd.DataFrame, ctx: FitContext) -> Estimator:
        """Learn from played games dated before ctx.cutoff (train holds only those)."""

    def train(self, ctx: FitContext) -> tuple[Estimator, pd.DataFrame]:
        """The estimator for ctx.cutoff, and out-of-sample predictions on the latest games before it.

        The holdout predictions come from a fit on games before the holdout only; the calibrator and
        the registry's metrics are computed from them, so both measure the model on games it never saw.
        """
        data, cutoff = ctx.data, ctx.cutoff
        hold_start = data.holdout_start(cutoff, ctx.settings.calibration_rows)
        history = data.played_before(cutoff)
        holdout = history.loc[history["game_date"] >= hold_start]
        sub = self.fit(data.played_before(hold_start, self.train_days), ctx)
        predicted = sub.predict(holdout, PredictContext(data, history))
        full = self.fit(data.played_before(cutoff, self.train_days), ctx)
        full, predicted = self.spread_from_holdout(full, predicted, holdout["actual"].to_numpy(dtype="float64"))
        return full, holdout_frame(holdout, predicted)

    def spread_from_holdout(
        self, estimator: Estimator, predicted: Predictive, actual: np.ndarray
    ) -> tuple[Estimator, Predictive]:
        """Let a system learn its spread from out-of-sample errors (in-sample ones are too small)."""
        return estimator, predicted


def holdout_frame(rows: pd.DataFrame, predicted: Predictive) -> pd.DataFrame:
    """Out-of-sample predictions kept with a model (keys, outcome, line, mean, variance)."""
    out = rows[HOLDOUT_COLUMNS].reset_index(drop=True).copy()
    out["mean"] = predicted.mean
    out["var"] = predicted.var
    return out
