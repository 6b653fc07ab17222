"""The 30 NBA teams: ids, names, arenas, and every spelling the sources use for them.

Shipped as data (``teams.csv``): these are facts that change once a decade, and the sources
disagree on spellings (``LA Clippers`` / ``Los Angeles Clippers``, ``GS`` / ``GSW``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

import pandas as pd

from nbaprops.names import normalize


@dataclass(frozen=True)
class Team:
    tricode: str
    team_id: int
    name: str
    conference: str
    timezone: str
    latitude: float
    longitude: float
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def all_teams() -> tuple[Team, ...]:
    text = resources.files("nbaprops.reference").joinpath("teams.csv").read_text(encoding="utf-8")
    teams = []
    for row in csv.DictReader(text.splitlines()):
        teams.append(
            Team(
                tricode=row["tricode"],
                team_id=int(row["team_id"]),
                name=row["name"],
                conference=row["conference"],
                timezone=row["timezone"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                aliases=tuple(a for a in row["aliases"].split("|") if a),
            )
        )
    return tuple(teams)


@lru_cache(maxsize=1)
def team_alias_map() -> dict[str, str]:
    """normalised spelling -> tricode, for the tricode, full name and every alias."""
    mapping: dict[str, str] = {}
    for team in all_teams():
        for spelling in (team.tricode, team.name, *team.aliases):
            mapping[normalize(spelling)] = team.tricode
    return mapping


def resolve_team(name: str | None) -> str | None:
    """Tricode for any spelling a source uses, or None when unknown."""
    if not name:
        return None
    return team_alias_map().get(normalize(name))


def tricodes() -> frozenset[str]:
    return frozenset(t.tricode for t in all_teams())


def standard_utc_offset(timezone: str) -> float:
    """Hours from UTC in standard time (mid-January), so 'time zones crossed' ignores DST dates."""
    offset = datetime(2025, 1, 15, 12, tzinfo=ZoneInfo(timezone)).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def teams_frame() -> pd.DataFrame:
    """ref.teams rows: the reference as a table the SQL transforms can join."""
    return pd.DataFrame(
        [
            {
                "tricode": t.tricode,
                "team_id": t.team_id,
                "name": t.name,
                "conference": t.conference,
                "timezone": t.timezone,
                "latitude": t.latitude,
                "longitude": t.longitude,
                "utc_offset_hours": standard_utc_offset(t.timezone),
            }
            for t in all_teams()
        ]
    )
