"""Settings, read from the environment (``NBAPROPS_*``) or a ``.env``-style settings file.

Secrets are ``SecretStr``: printing the settings, logging them or putting them in an error shows
``**********``, never the value. ``Settings.public()`` is what commands may display.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything configurable, with defaults that need no services, network or keys."""

    model_config = SettingsConfigDict(
        env_prefix="NBAPROPS_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    home: Path = Field(default=Path("var"), description="Folder for the warehouse, raw store and outputs.")
    warehouse_url: str = Field(default="", description="duckdb:///path/file.duckdb (default under home).")
    raw_store_url: str = Field(default="", description="Raw payload store: a folder or gs:// URL.")
    run_history_url: str = Field(default="", description="sqlite:///path/runs.sqlite (default under home).")
    publish_dir: Path | None = Field(default=None, description="Where JSON outputs go (default home/publish).")

    odds_api_key: SecretStr | None = None
    balldontlie_api_key: SecretStr | None = None
    bettingpros_api_key: SecretStr | None = None
    slack_webhook_url: SecretStr | None = None
    alert_email_to: str | None = None
    smtp_url: SecretStr | None = None
    # Alerts (ops/alerts.py, docs/operations.md): one alert per incident, then a digest per window.
    alert_window_s: float = Field(default=21600.0, description="Repeats of an incident within this are digested.")
    alert_max_per_window: int = Field(default=5, description="Immediate alerts per window, all incidents together.")

    # Recommendation thresholds: chosen a priori (see docs/decisions.md), never tuned on evaluation data.
    min_edge_points: float = Field(default=2.0, description="|predicted - line| needed for a pick.")
    min_probability: float = Field(default=0.56, description="P(side) needed for a pick.")
    min_prior_games: int = Field(default=5, description="Player games before tip-off needed for a pick.")

    # Prediction systems (issue 6; docs/predictions.md says how each value was chosen).
    prediction_systems: list[str] = Field(
        default=["baseline", "similarity", "lightgbm", "ensemble"], description="Systems the pipeline runs."
    )
    prediction_markets: list[str] = Field(
        default=["player_points", "player_rebounds", "player_assists", "player_threes",
                 "player_points_rebounds_assists"],
        description="Markets the systems predict.",
    )  # fmt: skip
    min_edge_by_market: dict[str, float] = Field(
        default={"player_rebounds": 1.0, "player_assists": 1.0, "player_threes": 0.5,
                 "player_points_rebounds_assists": 3.0},
        description="Minimum |edge| per market other than points (points: min_edge_points).",
    )  # fmt: skip
    min_expected_value: float = Field(default=0.0, description="Expected profit per unit at the real odds for a pick.")
    retrain_every_days: int = Field(default=7, description="Retraining cadence of the learned systems (days).")
    calibration_rows: int = Field(default=10000, description="Latest player-games held out to calibrate P(over).")
    model_selection: str = Field(default="cadence", description="'cadence' (walk-forward) or 'promoted' models.")
    model_threads: int = Field(default=1, description="Threads for model training (fixed: results reproducible).")
    model_cache_dir: Path | None = Field(default=None, description="Model files shared by several homes (optional).")
    gbm_rounds: int | None = Field(default=None, description="LightGBM boosting rounds (None: the chosen default).")
    ensemble_market_prior: float = Field(default=0.3, description="Prior weight of the models against the market.")
    ensemble_prior_rows: int = Field(default=500, description="How many line rows that prior is worth.")
    best_bets_system: str = Field(default="ensemble", description="The system whose picks make the best bets.")
    best_bets_per_day: int = Field(default=10, description="Best bets per date at most.")
    best_bets_per_team: int = Field(default=2, description="Best bets per team and date at most.")
    best_bets_per_game: int = Field(default=3, description="Best bets per game at most.")

    def min_edge_for(self, market: str) -> float:
        """The minimum edge for a market, in the market's own units."""
        return self.min_edge_points if market == "player_points" else self.min_edge_by_market.get(market, 1.0)

    # Orchestration (pipeline/runner.py, pipeline/expectations.py)
    offline: bool = Field(default=False, description="Never fetch from the network (sources steps: no data).")
    replay_dir: str | None = Field(default=None, description="Serve sources from stored payloads (a raw store).")
    live_since: date | None = Field(default=None, description="First date scraped live: source expectations start.")
    step_isolation: Literal["process", "inline"] = Field(
        default="process", description="process: each step in a child that is killed at its timeout."
    )
    gate_mode: Literal["off", "warn", "block"] = Field(default="warn", description="Default mode of the gates.")
    lock_wait_s: float = Field(default=900.0, description="How long a run waits for another run of its dates.")
    stale_after_s: float = Field(default=900.0, description="A run without heartbeat this long is stale.")
    heal_max_attempts: int = Field(default=3, description="Heals of one step for one date before a person must.")

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        home = self.home
        if not self.warehouse_url:
            self.warehouse_url = f"duckdb:///{home / 'warehouse.duckdb'}"
        if not self.raw_store_url:
            self.raw_store_url = str(home / "raw")
        if not self.run_history_url:
            self.run_history_url = f"sqlite:///{home / 'runs.sqlite'}"
        if self.publish_dir is None:
            self.publish_dir = home / "publish"
        return self

    @property
    def warehouse_path(self) -> str:
        """The DuckDB database path (``:memory:`` allowed)."""
        return _path_of(self.warehouse_url, "duckdb")

    @property
    def run_history_path(self) -> str:
        return _path_of(self.run_history_url, "sqlite")

    def secret_values(self) -> list[str]:
        """The raw values of every secret setting, so logging can mask them wherever they appear."""
        return [v.get_secret_value() for v in self.__dict__.values() if isinstance(v, SecretStr)]

    def public(self) -> dict[str, Any]:
        """Settings safe to display: secrets masked (``SecretStr`` renders as ``**********``)."""
        return {k: (str(v) if v is not None else None) for k, v in self.model_dump().items()}

    def ensure_dirs(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        assert self.publish_dir is not None
        self.publish_dir.mkdir(parents=True, exist_ok=True)


def _path_of(url: str, scheme: str) -> str:
    """The path part of ``scheme:///path``; other schemes are refused by name (never echoing the URL)."""
    prefix = f"{scheme}:///"
    if not url.startswith(prefix):
        raise ValueError(f"unsupported URL scheme {url.split(':', 1)[0]!r}; expected {prefix}...")
    return url[len(prefix) :]
