"""The one frame every system learns from and predicts on, for one market.

One row per player-game of ``features.player_game`` up to a date, with the market's consensus line
(when a book offered one before tip-off) and the outcome (NULL until the game is played). Outcomes
are only ever read for games strictly before the cutoff a model is trained at
(:meth:`MarketData.played_before` is the only door to them), so what a model sees for date D is what
a morning run on D could see.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from nbaprops.predict.markets import Market, form
from nbaprops.warehouse.db import Warehouse

# The feature-store columns a trained model may use (the contract's features; keys and quality aside).
NON_FEATURES = {
    "player_id", "game_id", "game_date", "season", "team", "opponent", "is_final", "last_game_date",
    "defaulted_count", "defaulted_features", "quality_score", "quality_tier",
}  # fmt: skip
MARKET_COLUMNS = ["line", "line_bookmaker", "over_odds", "under_odds", "market_p_over"]


def feature_columns(frame: pd.DataFrame) -> list[str]:
    """Numeric feature-store columns (the 47 contract features plus prior-game counts)."""
    from nbaprops.features.contract import FEATURES

    return ["prior_games", "games_played_season", *[f.name for f in FEATURES if f.name in frame.columns]]


def load_market_frame(wh: Warehouse, m: Market, end: date) -> pd.DataFrame:
    """Features up to `end` with the market's line (if any) and the outcome (NULL until played)."""
    frame = wh.df(
        f"""
        SELECT f.*, m.line, m.bookmaker AS line_bookmaker, m.over_odds, m.under_odds, m.market_p_over,
               CAST(CASE WHEN s.status = 'played' THEN {m.stat_sql} END AS DOUBLE) AS actual
        FROM features.player_game AS f
        LEFT JOIN features.player_game_market AS m
            ON m.player_id = f.player_id AND m.game_id = f.game_id AND m.market = $market
        LEFT JOIN analytics.player_game_summary AS s
            ON s.player_id = f.player_id AND s.game_id = f.game_id
        WHERE f.game_date <= $end
        ORDER BY f.game_date, f.player_id, f.game_id  -- a fixed order keeps float sums reproducible
        """,
        {"end": end, "market": m.id},
    )
    frame["game_date"] = pd.to_datetime(frame["game_date"])
    frame["form"] = form(frame, m) if m.predictable else np.nan
    return frame


@dataclass
class MarketData:
    """A market's frame with the bookkeeping the walk-forward needs (row fingerprints by date)."""

    market: Market
    frame: pd.DataFrame
    _played: pd.DataFrame = field(init=False, repr=False)
    _hash_by_date: pd.DataFrame = field(init=False, repr=False)

    def __post_init__(self) -> None:
        played = self.frame.loc[self.frame["actual"].notna()]
        self._played = played
        columns = [*feature_columns(played), "player_id", "game_id", "actual"]
        # A fingerprint of everything a model could learn from, cumulated by date: the training data
        # before any cutoff is identified in O(1), so an unchanged model is never retrained.
        # Floats are rounded first: DuckDB's parallel window aggregates may sum in a different order
        # from one rebuild to the next, changing the last bits of a mean — not what a model learns.
        hashed = played[columns].copy()
        floats = hashed.select_dtypes("float").columns
        hashed[floats] = hashed[floats].round(6)
        row_hash = pd.util.hash_pandas_object(hashed, index=False).to_numpy(dtype="uint64")
        by_date = pd.DataFrame({"game_date": played["game_date"].to_numpy(), "h": row_hash})
        grouped = by_date.groupby("game_date", sort=True)["h"]
        sums = grouped.agg(lambda s: np.add.reduce(s.to_numpy(dtype="uint64"), dtype="uint64"))
        self._hash_by_date = pd.DataFrame(
            {
                "game_date": sums.index,
                "cum_hash": np.add.accumulate(sums.to_numpy(dtype="uint64"), dtype="uint64"),
                "cum_rows": np.cumsum(grouped.size().to_numpy()),
            }
        )

    @classmethod
    def load(cls, wh: Warehouse, m: Market, end: date) -> MarketData:
        return cls(m, load_market_frame(wh, m, end))

    def played_before(self, cutoff: pd.Timestamp, days: int | None = None) -> pd.DataFrame:
        """Played player-games with an outcome, dated strictly before `cutoff` (and within `days`).

        The frame is sorted by date, so this is a contiguous slice (no copy of the columns).
        """
        dates = self._played["game_date"].to_numpy()
        stop = int(np.searchsorted(dates, np.datetime64(cutoff), side="left"))
        first = 0 if days is None else int(np.searchsorted(dates, np.datetime64(cutoff - pd.Timedelta(days=days))))
        return self._played.iloc[first:stop]

    def fingerprint(self, cutoff: pd.Timestamp) -> tuple[str, int]:
        """(hash, rows) of every played player-game before `cutoff`: what a model at cutoff may know."""
        before = self._hash_by_date.loc[self._hash_by_date["game_date"] < cutoff]
        if before.empty:
            return "0" * 16, 0
        last = before.iloc[-1]
        return f"{int(last['cum_hash']):016x}", int(last["cum_rows"])

    @functools.cached_property
    def defaulted(self) -> pd.DataFrame:
        """One boolean column per feature: True where the feature store fell back to its default."""
        flags = self.frame["defaulted_features"].fillna("").str.get_dummies(sep=",").astype(bool)
        return flags.reindex(columns=feature_columns(self.frame), fill_value=False)

    def holdout_start(self, cutoff: pd.Timestamp, rows: int) -> pd.Timestamp:
        """The first date of the latest whole dates before `cutoff` holding at least `rows` played games."""
        before = self._hash_by_date.loc[self._hash_by_date["game_date"] < cutoff]
        if before.empty:
            return cutoff
        total = int(before["cum_rows"].iloc[-1])
        rows_from = total - before["cum_rows"].shift(1, fill_value=0)  # played games on or after each date
        enough = before.loc[rows_from.to_numpy() >= min(rows, total), "game_date"]
        return pd.Timestamp(enough.iloc[-1])

    def slate(self, day: pd.Timestamp) -> pd.DataFrame:
        """The player-games of `day` with a line in this market (what gets predicted)."""
        return self.frame.loc[(self.frame["game_date"] == day) & self.frame["line"].notna()]

    def slate_dates(self, start: date, end: date) -> list[pd.Timestamp]:
        lined = self.frame.loc[self.frame["line"].notna(), "game_date"]
        inside = lined.loc[(lined >= pd.Timestamp(start)) & (lined <= pd.Timestamp(end))]
        return [pd.Timestamp(d) for d in sorted(inside.unique())]
