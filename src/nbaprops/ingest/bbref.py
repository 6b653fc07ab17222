"""Basketball Reference team roster page: ``table#roster``, one row per player.

Columns are found by their header text (``No.``, ``Player``, ``Pos`` ...) or, on the live site, by
the cells' ``data-stat`` attribute, so a reordered table still reads right and a missing Player
column is an error. The player's Basketball Reference id comes from his link
(``/players/j/jamesle01.html``); his name is kept as printed (accents, ``Jr.``, ``(TW)`` marks
dropped) for the registry to resolve. The team and season come from the page heading
(``2024-25 Los Angeles Lakers Roster``) or, when the heading does not name the team, from the
request (``/teams/LAL/2025.html``).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from bs4 import BeautifulSoup, Tag

from nbaprops.ingest.players import NameColumns, season_of
from nbaprops.ingest.records import body_text, convert, fetched_eastern_date, require_rows, where
from nbaprops.reference.teams import resolve_team
from nbaprops.sources.base import ParseError, ParseResult, Payload

TABLE = "raw.bbref_rosters"
KEY = ("season", "team", "bbref_player_id")
PLAYER_NAMES = (NameColumns(TABLE, game_date=None, season="season", game=("season", "team")),)
# header text -> (data-stat on the live site, output column)
_COLUMNS = {
    "No.": ("number", "number"),
    "Player": ("player", "player_name"),
    "Pos": ("pos", "position"),
    "Ht": ("height", "height"),
    "Wt": ("weight", "weight"),
    "Birth Date": ("birth_date", "birth_date"),
    "Exp": ("years_experience", "experience"),
    "College": ("college", "college"),
}
_HEADING = re.compile(r"(\d{4})-\d{2}\s+(.*?)\s+Roster")
_URL_TEAM = re.compile(r"/teams/([A-Z]{3})/(\d{4})")
_PLAYER_ID = re.compile(r"/players/[a-z]/([a-z0-9.'-]+)\.html")


def parse_roster(payload: Payload) -> ParseResult:
    """Players of one team and season, with number, position, size, birth date and experience."""
    endpoint = where(payload)
    soup = BeautifulSoup(body_text(payload), "lxml")
    table = soup.find("table", id="roster")
    if not isinstance(table, Tag):
        title = soup.title.get_text(strip=True) if soup.title else "no title"
        raise ParseError(f"{endpoint}: no roster table (table#roster) on the page ({title!r})")
    season, team = _season_and_team(soup, payload, endpoint)
    columns = _column_map(table, endpoint)
    records = [_row(tr, columns) for tr in table.select("tbody tr") if not _is_separator(tr)]
    records = [r for r in records if r.get("player_name")]
    if not records:
        return ParseResult(no_data=f"the {team} roster page lists no players")
    frame = pd.DataFrame(records)
    for column in ("player_name", "number", "position", "height", "weight", "birth_date", "experience", "college"):
        frame[column] = convert(frame[column], "str") if column in frame else None
    frame.insert(0, "season", season)
    frame.insert(1, "team", team)
    frame["season"] = frame["season"].astype("Int64")
    frame["weight"] = pd.to_numeric(frame["weight"], errors="coerce").astype("Int64")
    born = pd.to_datetime(frame["birth_date"], format="%B %d, %Y", errors="coerce")
    frame["birth_date"] = born.dt.date.astype(object).where(born.notna(), None)
    missing_id = frame["bbref_player_id"].isna()
    if missing_id.any():
        raise ParseError(f"{endpoint}: player {frame.loc[missing_id, 'player_name'].iloc[0]!r} has no player link")
    ordered = ["season", "team", "bbref_player_id", "player_name", "number", "position", "height", "weight"]
    frame = frame[[*ordered, "birth_date", "experience", "college"]]
    return ParseResult({TABLE: require_rows(frame, KEY, endpoint)})


def _season_and_team(soup: BeautifulSoup, payload: Payload, endpoint: str) -> tuple[int, str]:
    heading = soup.find("h1")
    text = heading.get_text(" ", strip=True) if heading else (soup.title.get_text(strip=True) if soup.title else "")
    named = _HEADING.search(text)
    season = int(named.group(1)) if named else None
    team = resolve_team(named.group(2)) if named else None
    from_url = _URL_TEAM.search(" ".join([payload.url, *map(str, payload.params.values())]))
    if team is None and from_url:
        team = resolve_team(from_url.group(1))
    if season is None and from_url:
        season = int(from_url.group(2)) - 1  # the URL names the season by its last year
    if team is None:
        raise ParseError(f"{endpoint}: the page heading {text!r} names no NBA team and the URL has no /teams/XXX/")
    return season if season is not None else season_of(fetched_eastern_date(payload)), team


def _column_map(table: Tag, endpoint: str) -> list[str | None]:
    """Output column of each cell position, from the header row."""
    header = table.select("thead tr")
    cells = header[-1].find_all(["th", "td"]) if header else []
    mapped: list[str | None] = []
    for cell in cells:
        label = cell.get_text(" ", strip=True)
        by_stat = {stat: out for stat, out in _COLUMNS.values()}
        mapped.append(_COLUMNS[label][1] if label in _COLUMNS else by_stat.get(str(cell.get("data-stat"))))
    if "player_name" not in mapped:
        found = ", ".join(c.get_text(strip=True) for c in cells) or "none"
        raise ParseError(f"{endpoint}: the roster table has no Player column (headers: {found})")
    return mapped


def _is_separator(tr: Tag) -> bool:
    classes = tr.get("class") or []
    return "thead" in classes or "spacer" in classes


def _row(tr: Tag, columns: list[str | None]) -> dict[str, Any]:
    record: dict[str, Any] = {"bbref_player_id": None}
    for cell, column in zip(tr.find_all(["th", "td"]), columns, strict=False):
        if column is None:
            continue
        if column == "player_name":
            link = cell.find("a")
            name_node = link if isinstance(link, Tag) else cell
            record["player_name"] = name_node.get_text(" ", strip=True) or None
            href = link.get("href") if isinstance(link, Tag) else None
            match = _PLAYER_ID.search(str(href or ""))
            record["bbref_player_id"] = match.group(1) if match else None
        else:
            record[column] = cell.get_text(" ", strip=True) or None
    return record
