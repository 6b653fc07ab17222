"""NBA season types: one vocabulary for every source and every import path.

The same thing is spelt many ways upstream. NBA.com encodes it in the third digit of a game id
(``0022300561``: regular season) and the first digit of a ``SEASON_ID`` (``22023``); its stats API
wants ``Pre Season`` and ``PlayIn`` as the ``SeasonType`` parameter; the history CSVs say ``Regular
Season``, ``Playoffs`` and ``Play-In`` (game logs) and ``Preseason``, ``All-Star`` and ``Cup Final``
(the schedule's ``STAGE``). Everything nbaprops stores uses the history spelling, so analytics that
put imported and scraped rows side by side compare like with like (``season_type = 'Play-In'``
finds both). Parameters sent to NBA.com keep the API's spelling (``stats_api_season_type``).
"""

from __future__ import annotations

import re

PRESEASON = "Preseason"
REGULAR_SEASON = "Regular Season"
ALL_STAR = "All-Star"
PLAYOFFS = "Playoffs"
PLAY_IN = "Play-In"
CUP_FINAL = "Cup Final"  # the NBA Cup championship game: its own game ids, not in regular-season stats

# Third digit of a game id, first digit of a SEASON_ID.
SEASON_TYPE_BY_PREFIX: dict[str, str] = {
    "1": PRESEASON,
    "2": REGULAR_SEASON,
    "3": ALL_STAR,
    "4": PLAYOFFS,
    "5": PLAY_IN,
    "6": CUP_FINAL,
}
SEASON_TYPES: tuple[str, ...] = tuple(SEASON_TYPE_BY_PREFIX.values())

# How the stats API wants the SeasonType parameter, where it differs from the stored name.
_STATS_API = {PRESEASON: "Pre Season", PLAY_IN: "PlayIn", ALL_STAR: "All Star"}

# Every spelling seen upstream, lower case without spaces, hyphens or underscores -> the stored name.
_SPELLINGS = {re.sub(r"[\s_-]+", "", name.lower()): name for name in SEASON_TYPES} | {
    "regular": REGULAR_SEASON,  # balldontlie's season averages
    "postseason": PLAYOFFS,
    "playoff": PLAYOFFS,
    "nbacup": CUP_FINAL,
    "nbacupfinal": CUP_FINAL,
    "nbacupchampionship": CUP_FINAL,
}


def canonical_season_type(value: object) -> str | None:
    """The stored name for any spelling (``PlayIn``, ``Pre Season``, ``All Star``); blanks are None.

    A spelling nobody has seen yet is kept as the source wrote it (stripped) rather than dropped, so
    it shows up in the data instead of vanishing.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text or text.lower() == "nan":
        return None
    return _SPELLINGS.get(re.sub(r"[\s_-]+", "", text.lower()), text)


def season_type_of_game_id(game_id: object) -> str | None:
    """``0022300561`` -> Regular Season; None when the id is missing or too short to say."""
    text = str(game_id or "").strip()
    return SEASON_TYPE_BY_PREFIX.get(text[2:3]) if len(text) >= 3 else None


def season_type_of_season_id(season_id: object) -> str | None:
    """``22023`` (NBA.com SEASON_ID) -> Regular Season."""
    text = str(season_id or "").strip()
    return SEASON_TYPE_BY_PREFIX.get(text[:1]) if text else None


def stats_api_season_type(season_type: str) -> str:
    """The ``SeasonType`` parameter stats.nba.com expects for a stored season type."""
    name = canonical_season_type(season_type) or season_type
    return _STATS_API.get(name, name)
