"""Settings of the HTTP client, from ``NBAPROPS_HTTP_*`` variables or constructor overrides.

Kept apart from ``nbaprops.config.Settings`` so the client's knobs (per-host rate limits, timeouts,
retries, breaker) live next to the code that uses them; API keys still come from ``Settings``.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Requests per minute, by host. Conservative on purpose: stats.nba.com and basketball-reference
# block clients that go faster, and The Odds API bills per request.
DEFAULT_RATE_LIMITS: dict[str, float] = {
    "stats.nba.com": 30.0,
    "www.basketball-reference.com": 10.0,
    "api.the-odds-api.com": 30.0,
}


class HttpSettings(BaseSettings):
    """Rate limits, timeouts, retries and breaker of the HTTP client."""

    model_config = SettingsConfigDict(
        env_prefix="NBAPROPS_HTTP_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    rate_limits: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_RATE_LIMITS), description="Requests per minute by host."
    )
    default_rate_per_min: float = Field(default=60.0, description="Requests per minute for any other host.")
    burst: int = Field(default=1, ge=1, description="Requests a host may receive back to back before pacing.")
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    max_attempts: int = Field(default=5, ge=1, description="Tries per request, the first included.")
    backoff_initial_s: float = Field(default=1.0, description="First backoff; doubles each retry, plus jitter.")
    backoff_max_s: float = 60.0
    max_retry_after_s: float = Field(
        default=300.0, description="Longest Retry-After honoured; a longer one fails the request instead of hanging."
    )
    breaker_failures: int = Field(default=5, ge=1, description="Consecutive failures that open a host's breaker.")
    breaker_reset_s: float = Field(default=300.0, description="How long an open breaker rejects before one probe.")
    quota_warn_below: int = Field(default=100, description="Warn when a quota header says fewer requests remain.")
    # BettingPros wants an x-api-key header; Settings has no field for it (yet), so it is read here.
    bettingpros_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("NBAPROPS_BETTINGPROS_API_KEY", "NBAPROPS_HTTP_BETTINGPROS_API_KEY"),
    )

    def rate_for(self, host: str) -> float:
        """Requests per minute for a host: exact name, else a configured parent domain, else the default."""
        host = host.lower()
        if host in self.rate_limits:
            return self.rate_limits[host]
        for name, rate in self.rate_limits.items():
            if host.endswith("." + name.lstrip(".")):
                return rate
        return self.default_rate_per_min
