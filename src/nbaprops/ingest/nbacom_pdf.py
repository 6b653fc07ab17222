"""NBA.com's PDFs: the official injury report and the game book, read with pdfplumber.

The injury report is a table drawn as text: cells are placed by x position under the header of
page one, rows are separated by vertical gaps, and blank cells repeat the value above (game, time,
matchup and team are printed once per group). The game book is read line by line: players with a
box-score line, players who did not play with the reason (``DNP - Coach's Decision``, ``NWT - ...``,
``DND - ...``), and the ``Inactive:`` lists. Names stay as printed (the injury report's ``Last,
First`` turned around); ``nbaprops.ingest.players.resolve_names`` maps them to NBA.com ids later.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from nbaprops.ingest.players import NameColumns
from nbaprops.ingest.records import EASTERN, require_rows, where
from nbaprops.reference.teams import resolve_team
from nbaprops.sources.base import ParseError, ParseResult, Payload

LINE_TOLERANCE = 2.0  # points: words whose tops differ less are on one text line
GAMEBOOK_TABLE = "raw.nbac_gamebook_players"
GAMEBOOK_KEY = ("game_date", "team", "player_name")
PLAYER_NAMES = (
    NameColumns(GAMEBOOK_TABLE, game=("game_date", "team")),
    NameColumns("raw.nbac_injury_report", game=("game_date", "matchup")),
)


# ---------------------------------------------------------------------------- PDF text
@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    bottom: float


def pdf_pages(payload: Payload) -> list[list[Word]]:
    """The words of every page, or ParseError when the body is not a PDF with a text layer."""
    endpoint = where(payload)
    head = payload.body[:1024].lstrip()
    if not head.startswith(b"%PDF"):
        kind = "an HTML page" if head[:1] == b"<" else f"{len(payload.body)} bytes starting {head[:16]!r}"
        raise ParseError(f"{endpoint}: got {kind} where a PDF was expected (HTTP {payload.status})")
    try:
        with pdfplumber.open(io.BytesIO(payload.body)) as pdf:
            pages = [
                [Word(w["text"], w["x0"], w["top"], w["bottom"]) for w in page.extract_words(x_tolerance=1)]
                for page in pdf.pages
            ]
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError) as exc:
        raise ParseError(f"{endpoint}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if not any(pages):
        raise ParseError(
            f"{endpoint}: the PDF ({len(pages)} page(s), {len(payload.body)} bytes) has no extractable text: "
            "its content streams cannot be decoded (damaged or truncated file) or it is an image"
        )
    return pages


def text_lines(words: Iterable[Word]) -> list[list[Word]]:
    """Words grouped into visual lines (same top), each line left to right, lines top to bottom."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines and abs(lines[-1][0].top - word.top) < LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def line_text(line: Sequence[Word]) -> str:
    return " ".join(w.text for w in line)


def _to_utc(local: datetime) -> datetime:
    stamp = local.replace(tzinfo=ZoneInfo(EASTERN)).astimezone(ZoneInfo("UTC"))
    return stamp.replace(tzinfo=None)


# ---------------------------------------------------------------------------- injury report
INJURY_HEADERS = ("Game Date", "Game Time", "Matchup", "Team", "Player Name", "Current Status", "Reason")
_REPORT_TIME = re.compile(r"Injury Report:\s*(\d{2}/\d{2}/\d{2,4})\s+(\d{1,2}:\d{2})\s*([AP]M)", re.I)
_FOOTER = re.compile(r"^Page\s*\d+\s*of\s*\d+$", re.I)
_MATCHUP = re.compile(r"^([A-Z]{2,4})@([A-Z]{2,4})$")
NOT_SUBMITTED = "NOT YET SUBMITTED"
ROW_GAP = 15.0  # points between the tops of two table rows; wrapped cell lines are closer
INJURY_PLAYERS, INJURY_TEAMS = "raw.nbac_injury_report", "raw.nbac_injury_report_teams"
INJURY_TABLES = {
    INJURY_PLAYERS: ("report_utc", "game_date", "team", "player_name"),
    INJURY_TEAMS: ("report_utc", "game_date", "team"),
}


def parse_injury_report(payload: Payload) -> ParseResult:
    """One row per listed player (status Out/Doubtful/Questionable/Probable/Available, reason) and
    one row per team and game saying whether the team has submitted its report yet.
    """
    endpoint = where(payload)
    pages = pdf_pages(payload)
    report_utc, title_bottom = _report_time(pages[0], endpoint)
    starts, header_bottom = _header_columns(pages[0], endpoint)
    cells = []
    for number, words in enumerate(pages):
        floor = header_bottom if number == 0 else title_bottom
        cells.extend(_table_rows([w for w in words if w.top > floor], starts))
    players, teams = _injury_records(cells, report_utc, endpoint)
    if not players and not teams:
        return ParseResult(no_data=f"the injury report of {report_utc:%Y-%m-%d %H:%M} UTC lists no games")
    frames = {INJURY_TEAMS: require_rows(pd.DataFrame(teams), INJURY_TABLES[INJURY_TEAMS], endpoint)}
    if players:
        frames[INJURY_PLAYERS] = require_rows(pd.DataFrame(players), INJURY_TABLES[INJURY_PLAYERS], endpoint)
    return ParseResult(frames)


def _report_time(words: list[Word], endpoint: str) -> tuple[datetime, float]:
    for line in text_lines(words):
        match = _REPORT_TIME.search(line_text(line))
        if match:
            day = datetime.strptime(match.group(1), "%m/%d/%y" if len(match.group(1)) == 8 else "%m/%d/%Y")
            clock = datetime.strptime(f"{match.group(2)} {match.group(3).upper()}", "%I:%M %p")
            local = day.replace(hour=clock.hour, minute=clock.minute)
            return _to_utc(local), max(w.bottom for w in line)
    raise ParseError(f"{endpoint}: no 'Injury Report: MM/DD/YY HH:MM AM/PM' title on the first page")


def _header_columns(words: list[Word], endpoint: str) -> tuple[list[float], float]:
    """Left edge of each column, from the header row: a renamed or missing header is an error."""
    for line in text_lines(words):
        text = line_text(line)
        if "Matchup" not in text:
            continue
        starts = []
        for header in INJURY_HEADERS:
            first = header.split()[0]
            candidates = [
                w
                for i, w in enumerate(line)
                if w.text == first and " ".join(x.text for x in line[i:]).startswith(header)
            ]
            remaining = [w for w in candidates if not starts or w.x0 > starts[-1]]
            if not remaining:
                raise ParseError(f"{endpoint}: header {header!r} not found in the header row {text!r}")
            starts.append(remaining[0].x0)
        return starts, max(w.bottom for w in line)
    raise ParseError(f"{endpoint}: no header row ({', '.join(INJURY_HEADERS)}) on the first page")


def _table_rows(words: list[Word], starts: list[float]) -> list[dict[str, str]]:
    """Cells by column; a row ends where the vertical gap to the next text line is a full row."""
    groups: list[list[list[Word]]] = []
    for line in text_lines(words):
        if _FOOTER.match(line_text(line)):
            continue
        if groups and line[0].top - groups[-1][-1][0].top < ROW_GAP:
            groups[-1].append(line)
        else:
            groups.append([line])
    rows = []
    for group in groups:
        cells: dict[str, list[str]] = {h: [] for h in INJURY_HEADERS}
        for line in group:
            for word in line:
                column = max(i for i, start in enumerate(starts) if word.x0 >= start - 4 or i == 0)
                cells[INJURY_HEADERS[column]].append(word.text)
        rows.append({h: " ".join(parts) for h, parts in cells.items()})
    return rows


def _injury_records(
    rows: list[dict[str, str]], report_utc: datetime, endpoint: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Fill the blanks from the row above, then split into player rows and per-team submissions."""
    players: list[dict[str, Any]] = []
    teams: dict[tuple[date, str], dict[str, Any]] = {}
    context = {"Game Date": "", "Game Time": "", "Matchup": "", "Team": ""}
    for row in rows:
        if row["Game Date"]:
            context.update({"Game Time": "", "Matchup": "", "Team": ""})
        if row["Matchup"]:
            context["Team"] = ""
        for column in context:
            context[column] = row[column] or context[column]
        game_date, matchup = _game_date(context["Game Date"], endpoint), context["Matchup"]
        sides = _MATCHUP.match(matchup.replace(" ", ""))
        team = resolve_team(context["Team"])
        if sides is None or team is None:
            raise ParseError(f"{endpoint}: cannot place row {row} (matchup {matchup!r}, team {context['Team']!r})")
        tipoff_et = _tipoff(context["Game Time"])
        game = {
            "report_utc": report_utc,
            "game_date": game_date,
            "tipoff_et": tipoff_et,
            # the same moment in UTC, so "published before tip-off" needs no time-zone arithmetic in SQL
            "tipoff_utc": _to_utc(datetime.combine(game_date, datetime.strptime(tipoff_et, "%H:%M").time()))
            if tipoff_et
            else None,
            "matchup": f"{sides.group(1)}@{sides.group(2)}",
            "away": resolve_team(sides.group(1)),
            "home": resolve_team(sides.group(2)),
            "team": team,
        }
        submitted = row["Reason"].upper() != NOT_SUBMITTED
        entry = teams.setdefault((game_date, team), {**game, "submitted": submitted, "players": 0})
        if not row["Player Name"]:
            continue
        entry["players"] += 1
        raw_name = row["Player Name"]
        players.append(
            {
                **game,
                "player_name": _first_last(raw_name),
                "player_name_raw": raw_name,
                "status": row["Current Status"] or None,
                "reason": row["Reason"] or None,
            }
        )
    return players, list(teams.values())


def _game_date(text: str, endpoint: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%m/%d/%Y").date()
    except ValueError as exc:
        raise ParseError(f"{endpoint}: game date {text!r} is not MM/DD/YYYY") from exc


def _tipoff(text: str) -> str | None:
    """'07:30 (ET)' -> '19:30'. The report prints no AM/PM; NBA tip-offs are from noon to 11 pm."""
    match = re.match(r"(\d{1,2}):(\d{2})", text or "")
    if not match:
        return None
    hour = int(match.group(1))
    return f"{hour if hour == 12 else hour + 12:02d}:{match.group(2)}"


def _first_last(name: str) -> str:
    """'Duke Jr., David' -> 'David Duke Jr.'; names without a comma are kept."""
    last, sep, first = name.partition(",")
    return f"{first.strip()} {last.strip()}".strip() if sep else name.strip()


# ---------------------------------------------------------------------------- game book
_TEAM_HEADER = re.compile(r"^(VISITOR|HOME):\s*(.+?)\s*(?:\(\d+-\d+\))?\s*$")
# '45 GG Jackson F 35:42 7 21 2 10 6 6 0 2 2 2 2 2 1 1 -13 22': No, name, position (starters), minutes,
# FG FGA 3P 3PA FT FTA OR DR TOT A PF ST TO BS +/- PTS.
_BOX_LINE = re.compile(
    r"^(?P<jersey>\d{1,2})\s+(?P<name>.+?)\s+(?:(?P<pos>[FGC])\s+)?(?P<min>\d{1,2}:\d{2})\s+"
    r"(?P<stats>-?\d+(?:\s+-?\d+){15})$"
)
_NOT_PLAYED = re.compile(r"^(?:(?P<jersey>\d{1,2})\s+)?(?P<name>.+?)\s+(?P<code>DNP|DND|NWT)\s*-\s*(?P<reason>.+)$")
_INACTIVE = re.compile(r"Inactive:\s*")
_INACTIVE_ENTRY = re.compile(r"^\s*(?P<name>[^()]*[^()\s])\s*(?:\((?P<reason>[^()]*)\))?")  # text after ')' is not his
# Where the inactive lists end: a 'Label:' line or one of the sections that follow them.
_LABEL = re.compile(r"^(?:[A-Z][A-Za-z ./]+:|SCORE BY|Points in the Paint|Technical|Flagrant|MEMO|Copyright)")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_GAME_DATE = re.compile(rf"({_MONTHS})\s+(\d{{1,2}}),\s+(\d{{4}})")
_GAME_CODE = re.compile(r"(\d{8})[/_]([A-Z]{3})([A-Z]{3})")
BOX_STATS = ("fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb", "ast", "pf", "stl", "tov", "blk")
_STATUS = {"DNP": "dnp", "DND": "dnd", "NWT": "nwt"}
GAMEBOOK_COLUMNS = (
    "team", "player_name", "status", "reason", "jersey", "position", "minutes", *BOX_STATS, "plus_minus", "pts",
)  # fmt: skip


def parse_gamebook(payload: Payload) -> ParseResult:
    """Every player of the game: box-score line, or why he did not play, or inactive with the reason."""
    endpoint = where(payload)
    lines = [line_text(line) for words in pdf_pages(payload) for line in text_lines(words)]
    game_code = _gamebook_code(payload)
    frame = gamebook_rows(lines, game_code, endpoint)
    if frame.empty:
        return ParseResult(no_data=f"the game book of {game_code or 'this game'} lists no players yet")
    return ParseResult({GAMEBOOK_TABLE: require_rows(frame, GAMEBOOK_KEY, endpoint)})


def _gamebook_code(payload: Payload) -> str | None:
    """``20240410/MEMCLE`` from the request (parameters or the URL ``.../20240410_MEMCLE.pdf``)."""
    for text in (*payload.params.values(), payload.url):
        match = _GAME_CODE.search(str(text))
        if match:
            return f"{match.group(1)}/{match.group(2)}{match.group(3)}"
    return None


def gamebook_rows(lines: Sequence[str], game_code: str | None, endpoint: str) -> pd.DataFrame:
    """Player rows from the game book's text lines (the part that depends on the layout, not on PDF)."""
    game_date = _gamebook_date(lines, game_code, endpoint)
    records: list[dict[str, Any]] = []
    team: str | None = None
    inactive_text: list[str] = []
    for line in lines:
        if inactive_text and _ends_inactive_list(line):
            records.extend(_inactive_records(" ".join(inactive_text), endpoint))
            inactive_text = []
        if "Inactive:" in line or inactive_text:
            inactive_text.append(line[line.index("Inactive:") :] if not inactive_text else line)
            continue
        header = _TEAM_HEADER.match(line)
        if header:
            team = resolve_team(header.group(2))
            if team is None:
                raise ParseError(f"{endpoint}: unknown team in {line!r}")
            continue
        record = _player_line(line)
        if record is not None:
            if team is None:
                raise ParseError(f"{endpoint}: player line before any VISITOR:/HOME: team header: {line!r}")
            records.append({"team": team, **record})
    if inactive_text:
        records.extend(_inactive_records(" ".join(inactive_text), endpoint))
    frame = pd.DataFrame(records, columns=list(GAMEBOOK_COLUMNS))
    frame.insert(0, "game_date", game_date)
    frame.insert(1, "game_code", game_code)
    for column in (*BOX_STATS, "plus_minus", "pts"):
        frame[column] = frame[column].astype("Int64")
    frame["minutes"] = frame["minutes"].astype("float64")
    return frame


def _ends_inactive_list(line: str) -> bool:
    """The inactive lists run over several lines until the next section ('Label:', team, player)."""
    if "Inactive:" in line:
        return False
    return bool(_LABEL.match(line) or _TEAM_HEADER.match(line) or _player_line(line))


def _gamebook_date(lines: Sequence[str], game_code: str | None, endpoint: str) -> date:
    for line in lines[:30]:
        match = _GAME_DATE.search(line)
        if match:
            return datetime.strptime(" ".join(match.groups()), "%B %d %Y").date()
    if game_code:
        return datetime.strptime(game_code[:8], "%Y%m%d").date()
    raise ParseError(f"{endpoint}: no game date in the game book text nor a game code in the request")


def _player_line(line: str) -> dict[str, Any] | None:
    box = _BOX_LINE.match(re.sub(r"(\d)-(\d)", r"\1 \2", line))
    if box:
        numbers = [int(n) for n in box.group("stats").split()]
        mins, secs = box.group("min").split(":")
        return {
            "player_name": box.group("name").strip(),
            "status": "active",
            "reason": None,
            "jersey": box.group("jersey"),
            "position": box.group("pos"),
            "minutes": int(mins) + int(secs) / 60,
            **dict(zip((*BOX_STATS, "plus_minus", "pts"), numbers, strict=True)),
        }
    out = _NOT_PLAYED.match(line)
    if out:
        return {
            "player_name": out.group("name").strip(),
            "status": _STATUS[out.group("code")],
            "reason": f"{out.group('code')} - {out.group('reason').strip()}",
            "jersey": out.group("jersey"),
        }
    return None


def _inactive_records(text: str, endpoint: str) -> list[dict[str, Any]]:
    """'Inactive: Grizzlies - Bane (Injury/Illness - ...), Goodwin (G League - Two-Way) Inactive: ...'."""
    records = []
    for section in filter(None, (s.strip() for s in _INACTIVE.split(text))):
        team_name, sep, listing = section.partition(" - ")
        team = resolve_team(team_name)
        if not sep or team is None:
            raise ParseError(f"{endpoint}: cannot read the inactive list {section[:80]!r}")
        for entry in _split_outside_parentheses(listing):
            parts = _INACTIVE_ENTRY.match(entry)
            if parts is None:
                raise ParseError(f"{endpoint}: cannot read the inactive player {entry[:60]!r}")
            reason = (parts.group("reason") or "").strip() or None
            records.append({"team": team, "player_name": parts.group("name"), "status": "inactive", "reason": reason})
    return records


def _split_outside_parentheses(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]
