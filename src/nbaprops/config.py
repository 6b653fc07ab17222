"""Settings, read from the environment (``NBAPROPS_*``) or a ``.env``-style settings file.

Secrets are ``SecretStr``: printing the settings, logging them or putting them in an error shows
``**********``, never the value. ``Settings.public()`` is what commands may display.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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

    # Recommendation thresholds: chosen a priori (see docs/decisions.md), never tuned on evaluation data.
    min_edge_points: float = Field(default=2.0, description="|predicted - line| needed for a pick.")
    min_probability: float = Field(default=0.56, description="P(side) needed for a pick.")
    min_prior_games: int = Field(default=5, description="Player games before tip-off needed for a pick.")

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
