"""The prop markets the systems predict, declared once.

A market says which box-score stat settles it and which feature-store columns describe the player's
form in that stat. Everything market-specific in the prediction phase reads this table, so adding a
market is one entry here plus its stat in ``grading/player_props.sql`` (a test checks both agree).

Threes are declared but have no form columns: the NBA.com history exports carry FG3_PCT but not 3PM,
so no player has a 3-pointers-made history to learn from. Systems skip the market (and say so) until
the feature store carries 3PM form from box scores that have it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

FORM_WEIGHTS = {"l5": 0.5, "l10": 0.3, "season": 0.2}


@dataclass(frozen=True)
class Market:
    """One prop market: its id in the line feeds, the stat that settles it and its form features."""

    id: str
    label: str
    stat_sql: str  # expression over analytics.player_game_summary AS s
    prefix: str | None  # feature-store prefix: {prefix}_l5, _l10, _season, _std_l10; None = no form available

    @property
    def predictable(self) -> bool:
        return self.prefix is not None

    def column(self, window: str) -> str:
        """The feature-store column of this market's stat over `window` (l5, l10, season, std_l10)."""
        if self.prefix is None:
            raise ValueError(f"{self.id} has no form features in the feature store")
        return f"{self.prefix}_{window}"

    @property
    def form_columns(self) -> list[str]:
        return [self.column(w) for w in FORM_WEIGHTS]


MARKETS: dict[str, Market] = {
    m.id: m
    for m in (
        Market("player_points", "points", "s.pts", "pts"),
        Market("player_rebounds", "rebounds", "s.reb", "reb"),
        Market("player_assists", "assists", "s.ast", "ast"),
        Market("player_threes", "threes", "s.fg3m", None),
        Market("player_points_rebounds_assists", "points + rebounds + assists", "s.pts + s.reb + s.ast", "pra"),
    )
}
POINTS = MARKETS["player_points"]
_SHORT = {m.id.removeprefix("player_"): m.id for m in MARKETS.values()} | {"pra": "player_points_rebounds_assists"}


def market(name: str) -> Market:
    """A market by id (``player_points``) or short name (``points``, ``pra``)."""
    key = _SHORT.get(name, name)
    if key not in MARKETS:
        raise ValueError(f"unknown market {name!r}; markets are {', '.join(MARKETS)}")
    return MARKETS[key]


def form(frame: pd.DataFrame, m: Market) -> pd.Series:
    """Weighted recent average of the market's stat (NaN for a player with no earlier game).

    0.5 x last 5 + 0.3 x last 10 + 0.2 x season: recent games say most about a role that changes, the
    longer windows steady the estimate. The weights are stated, not fitted.
    """
    total = sum(frame[m.column(w)] * weight for w, weight in FORM_WEIGHTS.items())
    return total.where(frame["prior_games"] > 0)
