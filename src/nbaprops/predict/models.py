"""The model registry: every trained model stored, identified by what it learned from.

A model is a pure function of (system, its version and hyper-parameters, market, cutoff, the played
games before the cutoff). Its id is a hash of exactly those, so the same inputs always give the same
id: a model already trained is loaded instead of retrained (a re-run backtest, a morning run after
the backtest), and a corrected box score before the cutoff changes the fingerprint and forces a new
model. Each model is a pickle under ``$NBAPROPS_HOME/models/`` plus a row in ``predictions.models``
with its features, training window, holdout metrics and the code version that trained it.

Which model predicts a date: the walk-forward (``model_selection = cadence``) uses the model trained
at the date's cadence cutoff (the date itself for daily systems, the latest weekly anchor otherwise);
``promoted`` uses the model an operator promoted, as long as it was trained before the date.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import subprocess
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import structlog

from nbaprops.config import Settings
from nbaprops.predict.calibration import Calibrator, brier, fit_calibrator, pseudo_line_pairs
from nbaprops.predict.distribution import Predictive
from nbaprops.predict.frame import MarketData
from nbaprops.predict.systems.base import Estimator, FitContext, PredictContext, System
from nbaprops.warehouse.db import Warehouse, utcnow

log = structlog.get_logger("nbaprops.models")
ANCHOR = pd.Timestamp("2000-01-03")  # a Monday: weekly cutoffs fall on Mondays
_MEMORY: OrderedDict[str, TrainedModel] = OrderedDict()
_MEMORY_SIZE = 400


@dataclass
class TrainedModel:
    """A system's estimator for one market and cutoff, with its calibrator and out-of-sample record."""

    model_id: str
    system_id: str
    system_version: str
    market: str
    cutoff: date  # trained on games strictly before this date
    train_start: date | None
    train_rows: int
    data_hash: str
    features: list[str]
    config: dict[str, Any]
    metrics: dict[str, Any]
    code_version: str
    estimator: Estimator
    calibrator: Calibrator
    holdout: pd.DataFrame = field(repr=False)
    created_utc: datetime = field(default_factory=utcnow)

    def distribution(self, rows: pd.DataFrame, ctx: PredictContext) -> Predictive:
        return self.estimator.predict(rows, ctx)

    def summary(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "system": self.system_id,
            "market": self.market,
            "cutoff": self.cutoff.isoformat(),
            "learned": self.estimator.describe(),
        }


@functools.cache
def code_version() -> str:
    """The git commit of the checkout (``+dirty`` with uncommitted changes), else the package version."""
    try:
        pkg = version("nbaprops")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        pkg = "0+unknown"
    repo = Path(__file__).resolve().parents[3]
    try:
        commit = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=5
        )
        if commit.returncode != 0:
            return pkg
        dirty = subprocess.run(["git", "-C", str(repo), "diff", "--quiet", "HEAD"], capture_output=True, timeout=5)
        return f"{pkg}+g{commit.stdout.strip()}{'.dirty' if dirty.returncode else ''}"
    except (OSError, subprocess.SubprocessError):
        return pkg


def cadence_anchor(day: pd.Timestamp, settings: Settings) -> pd.Timestamp:
    """The latest retraining date on or before `day` (every `retrain_every_days` from a fixed Monday)."""
    every = max(int(settings.retrain_every_days), 1)
    return day - pd.Timedelta(days=(day - ANCHOR).days % every)


def cutoff_for(system: System, day: pd.Timestamp, settings: Settings) -> pd.Timestamp:
    """The cutoff of the model that predicts `day`: the day itself, or the latest cadence anchor."""
    return day if system.daily else cadence_anchor(day, settings)


def _model_id(system: System, market: str, cutoff: pd.Timestamp, identity: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return f"{system.system_id}-{market.removeprefix('player_')}-{cutoff:%Y%m%d}-{digest}"


class ModelStore:
    """Get, train, list and promote models of one warehouse home."""

    def __init__(self, wh: Warehouse, settings: Settings) -> None:
        self.wh = wh
        self.settings = settings
        self.root = settings.home / "models"
        self._registered: set[str] = set()  # ids known to be stored in this home (saves a query per lookup)

    # ------------------------------------------------------------------ which model predicts a date
    def model_for(self, system: System, data: MarketData, day: pd.Timestamp) -> TrainedModel:
        if self.settings.model_selection == "promoted":
            promoted = self.promoted(system.system_id, data.market.id)
            if promoted is not None and pd.Timestamp(promoted.cutoff) <= day:
                return promoted
        return self.get_or_train(system, data, cutoff_for(system, day, self.settings))

    def get_or_train(self, system: System, data: MarketData, cutoff: pd.Timestamp, force: bool = False) -> TrainedModel:
        """The model of `system` at `cutoff`: from memory, from this home's registry, or trained now."""
        from nbaprops.predict.systems import get_system

        data_hash, rows = data.fingerprint(cutoff)
        members = {m: self.get_or_train(get_system(m), data, cutoff).model_id for m in system.members}
        identity = {
            "system": system.system_id,
            "version": system.version,
            "market": data.market.id,
            "cutoff": cutoff.date().isoformat(),
            "config": system.config(self.settings),
            "calibration_rows": self.settings.calibration_rows,
            "data": data_hash,
            "members": members,
        }
        model_id = _model_id(system, data.market.id, cutoff, identity)
        if not force:
            cached = _MEMORY.get(model_id) or self._load(model_id)
            if cached is not None:
                _remember(cached)
                self._ensure_registered(cached)
                return cached
        model = self._train(system, data, cutoff, model_id, data_hash, rows)
        _remember(model)
        self._save(model)
        return model

    def _train(
        self, system: System, data: MarketData, cutoff: pd.Timestamp, model_id: str, data_hash: str, rows: int
    ) -> TrainedModel:
        from nbaprops.predict.systems import get_system

        ctx = FitContext(data, cutoff, self.settings, lambda sid, c: self.get_or_train(get_system(sid), data, c))
        trained = data.played_before(cutoff, system.train_days)
        anchor = cadence_anchor(cutoff, self.settings)
        if system.daily and anchor != cutoff:
            # A daily system refits its parameters every date; its calibration (a holdout fit and an
            # isotonic map) is refreshed on the cadence, from the model at the latest anchor.
            calibrated = self.get_or_train(system, data, anchor)
            estimator, holdout = system.fit(trained, ctx), calibrated.holdout.iloc[0:0]
            calibrator = calibrated.calibrator
            metrics = calibrated.metrics | {"calibration_from": calibrated.model_id}
        else:
            estimator, holdout = system.train(ctx)
            dist = Predictive(holdout["mean"].to_numpy(), holdout["var"].to_numpy())
            calibrator = fit_calibrator(dist, holdout["actual"].to_numpy())
            metrics = holdout_metrics(holdout, calibrator)
        log.info("model_trained", model_id=model_id, rows=len(trained), holdout=len(holdout))
        return TrainedModel(
            model_id=model_id,
            system_id=system.system_id,
            system_version=system.version,
            market=data.market.id,
            cutoff=cutoff.date(),
            train_start=trained["game_date"].min().date() if len(trained) else None,
            train_rows=len(trained),
            data_hash=data_hash,
            features=system.features(ctx),
            config=system.config(self.settings),
            metrics=metrics | {"rows_before_cutoff": rows},
            code_version=code_version(),
            estimator=estimator,
            calibrator=calibrator,
            holdout=holdout,
        )

    # ------------------------------------------------------------------ storage
    def _path(self, system_id: str, model_id: str) -> Path:
        return self.root / system_id / f"{model_id}.pkl"

    def _cache_path(self, model_id: str) -> Path | None:
        cache = self.settings.model_cache_dir
        return None if cache is None else Path(cache) / f"{model_id}.pkl"

    def _load(self, model_id: str) -> TrainedModel | None:
        """A stored model: this home's file, else the shared cache (ids are content hashes: safe to share)."""
        system_id = self.wh.scalar("SELECT system_id FROM predictions.models WHERE model_id = ?", [model_id])
        candidates = [self._path(system_id, model_id)] if system_id else []
        candidates += [c for c in [self._cache_path(model_id)] if c is not None]
        for path in candidates:
            if path.exists():
                with path.open("rb") as fh:
                    return pickle.load(fh)  # our own files (home or the configured cache), never downloaded
        return None

    def _save(self, model: TrainedModel) -> None:
        paths = [self._path(model.system_id, model.model_id), self._cache_path(model.model_id)]
        for path in [p for p in paths if p is not None and not p.exists()]:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        self._ensure_registered(model)

    def _ensure_registered(self, model: TrainedModel) -> None:
        """The model's file under this home and its row in predictions.models (kept if already there)."""
        if model.model_id in self._registered:
            return
        if not self._path(model.system_id, model.model_id).exists():
            self._save(model)
            return
        self._registered.add(model.model_id)
        if self.wh.scalar("SELECT count(*) FROM predictions.models WHERE model_id = ?", [model.model_id]):
            return
        self.wh.execute(
            "INSERT INTO predictions.models (model_id, system_id, system_version, market, train_start, train_end,"
            " train_rows, data_hash, features, config, metrics, code_version, path, status, created_utc)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'candidate', ?)",
            [
                model.model_id, model.system_id, model.system_version, model.market, model.train_start, model.cutoff,
                model.train_rows, model.data_hash, json.dumps(model.features), json.dumps(model.config, default=str),
                json.dumps(model.metrics, default=str), model.code_version,
                str(self._path(model.system_id, model.model_id).relative_to(self.settings.home)), model.created_utc,
            ],
        )  # fmt: skip

    # ------------------------------------------------------------------ operators
    def list(self, system_id: str | None = None, market: str | None = None) -> pd.DataFrame:
        return self.wh.df(
            "SELECT model_id, system_id, market, train_start, train_end, train_rows, status, code_version,"
            " metrics, created_utc FROM predictions.models"
            " WHERE ($system IS NULL OR system_id = $system) AND ($market IS NULL OR market = $market)"
            " ORDER BY system_id, market, train_end, created_utc",
            {"system": system_id, "market": market},
        )

    def show(self, model_id: str) -> dict[str, Any] | None:
        rows = self.wh.df("SELECT * FROM predictions.models WHERE model_id LIKE ? || '%'", [model_id])
        if len(rows) != 1:
            return None
        out = rows.iloc[0].to_dict()
        for key in ("features", "config", "metrics"):
            out[key] = json.loads(out[key])
        return out

    def promote(self, model_id: str) -> str:
        """Make a model the production model of its system and market (the previous one is retired)."""
        shown = self.show(model_id)
        if shown is None:
            raise KeyError(f"no single model matches {model_id!r}")
        with self.wh.transaction():
            self.wh.execute(
                "UPDATE predictions.models SET status = 'retired'"
                " WHERE system_id = ? AND market = ? AND status = 'production'",
                [shown["system_id"], shown["market"]],
            )
            self.wh.execute(
                "UPDATE predictions.models SET status = 'production', promoted_utc = ? WHERE model_id = ?",
                [utcnow(), shown["model_id"]],
            )
        return str(shown["model_id"])

    def promoted(self, system_id: str, market: str) -> TrainedModel | None:
        model_id = self.wh.scalar(
            "SELECT model_id FROM predictions.models WHERE system_id = ? AND market = ? AND status = 'production'",
            [system_id, market],
        )
        if model_id is None:
            return None
        model = _MEMORY.get(model_id) or self._load(model_id)
        if model is None:
            raise FileNotFoundError(f"promoted model {model_id} has no file under {self.root}")
        return model


def _remember(model: TrainedModel) -> None:
    _MEMORY[model.model_id] = model
    _MEMORY.move_to_end(model.model_id)
    while len(_MEMORY) > _MEMORY_SIZE:
        _MEMORY.popitem(last=False)


def holdout_metrics(holdout: pd.DataFrame, calibrator: Calibrator) -> dict[str, Any]:
    """How the model did on games it never saw: MAE, bias, Brier at pseudo-lines before/after calibration."""
    if holdout.empty:
        return {"holdout_rows": 0}
    dist = Predictive(holdout["mean"].to_numpy(), holdout["var"].to_numpy())
    actual = holdout["actual"].to_numpy(dtype="float64")
    p_raw, hit = pseudo_line_pairs(dist, actual)
    return {
        "holdout_rows": len(holdout),
        "holdout_start": str(pd.Timestamp(holdout["game_date"].min()).date()),
        "holdout_mae": round(float(np.mean(np.abs(dist.mean - actual))), 4),
        "holdout_bias": round(float(np.mean(dist.mean - actual)), 4),
        "holdout_brier_raw": round(brier(p_raw, hit) or float("nan"), 5),
        "holdout_brier_calibrated_in_sample": round(brier(calibrator(p_raw), hit) or float("nan"), 5),
    }


def train_model(
    wh: Warehouse, settings: Settings, system_id: str, market_id: str, cutoff: date, force: bool = False
) -> TrainedModel:
    """Train (or find) one system's model for a market on the games strictly before `cutoff`.

    The same model the walk-forward would use at that cutoff: same id, reused when already stored.
    """
    from nbaprops.predict.markets import market
    from nbaprops.predict.systems import get_system

    m = market(market_id)
    if not m.predictable:
        raise ValueError(f"{m.id} cannot be trained: no history of its stat (see docs/predictions.md)")
    system = get_system(system_id)
    data = MarketData.load(wh, m, cutoff)
    return ModelStore(wh, settings).get_or_train(system, data, pd.Timestamp(cutoff), force=force)
