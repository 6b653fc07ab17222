"""Sportsbook keys: every display name a source uses, mapped to The Odds API's key for that book."""

from __future__ import annotations

from nbaprops.names import normalize

_KEYS = {
    "draftkings": "draftkings",
    "fanduel": "fanduel",
    "betmgm": "betmgm",
    "caesars": "williamhill_us",
    "williamhill us": "williamhill_us",
    "william hill us": "williamhill_us",
    "fanatics": "fanatics",
    "betrivers": "betrivers",
    "bovada": "bovada",
    "betonline ag": "betonlineag",
    "betonlineag": "betonlineag",
    "pointsbet us": "pointsbetus",
    "pointsbetus": "pointsbetus",
    "unibet": "unibet_us",
    "unibet us": "unibet_us",
    "barstool sportsbook": "barstool",
    "espn bet": "espnbet",
    "espnbet": "espnbet",
    "hard rock bet": "hardrockbet",
    "betparx": "betparx",
    "mybookie ag": "mybookieag",
    "lowvig ag": "lowvig",
}


def bookmaker_key(name: str) -> str:
    """The Odds API key for a book (``'Caesars' -> 'williamhill_us'``); unknown books keep a slug."""
    normal = normalize(name)
    return _KEYS.get(normal, normal.replace(" ", "_"))
