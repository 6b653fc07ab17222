"""The published JSON files, read for the web app: parsed once per file version, with an ETag.

The publisher writes every file atomically (``publish/files.py``), so a reader sees the old or the
new version, never half of one. A file is re-read only when its modification time or size changes;
between changes every request is served from memory. A file that cannot be parsed is reported as
``Unreadable`` (the API answers 503 with the file's name and the reason) rather than crashing the
request: the publisher rewriting it is the cure, not a retry by the client.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from nbaprops.names import normalize

VERSION = "v1"
# The dated kinds: folder under v1/ -> the words an error message uses for it.
DATED_KINDS = {"tonight": "tonight", "results": "results", "best-bets": "best bets"}
_DATED_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")
# Where a published file keeps its rows of predictions (tonight, results, best bets, player pages).
_ROW_KEYS = ("predictions", "picks", "bets", "rows")


class NotPublished(LookupError):
    """The file that would answer this request does not exist (HTTP 404)."""


class Unreadable(RuntimeError):
    """The file exists but is not a JSON object (HTTP 503): the publisher must rewrite it."""


@dataclass(frozen=True)
class Published:
    """One version of one published file: its exact bytes, parsed content and validators."""

    relpath: str
    body: bytes
    data: dict[str, Any]
    etag: str
    modified: datetime


class PublishedStore:
    """Reads ``{publish_dir}/v1/...`` for the API and the dashboard, caching by file version."""

    def __init__(self, publish_dir: Path) -> None:
        self.root = publish_dir / VERSION
        self._cache: dict[str, tuple[tuple[int, int], Published]] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ files
    def read(self, relpath: str, missing: str) -> Published:
        """The file at ``v1/{relpath}``; `missing` is the 404 message when it does not exist."""
        path = self.root / relpath
        try:
            stat = path.stat()
        except FileNotFoundError as exc:
            raise NotPublished(missing) from exc
        version = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._cache.get(relpath)
        if cached and cached[0] == version:
            return cached[1]
        published = _load(path, relpath, stat.st_mtime)
        with self._lock:
            self._cache[relpath] = (version, published)
        return published

    def exists(self, relpath: str) -> bool:
        return (self.root / relpath).is_file()

    def dated(self, kind: str, day: date) -> Published:
        """The ``{kind}/{day}.json`` file; the 404 says which dates of that kind do exist."""
        available = self.dates(kind)
        hint = f"published {DATED_KINDS[kind]} dates: {_span(available)}" if available else "none published yet"
        return self.read(f"{kind}/{day.isoformat()}.json", f"no {DATED_KINDS[kind]} file for {day} ({hint})")

    def dates(self, kind: str) -> list[date]:
        """Dates with a file of this kind, oldest first (the directory is the truth, not an index)."""
        folder = self.root / kind
        if not folder.is_dir():
            return []
        found = []
        for entry in folder.iterdir():
            match = _DATED_FILE.match(entry.name)
            if match:
                try:
                    found.append(date.fromisoformat(match.group(1)))
                except ValueError:
                    continue
        return sorted(found)

    def dated_payloads(self, kind: str) -> list[tuple[date, Published]]:
        """Every readable file of a kind, oldest first; unreadable ones are skipped (each has its own 503)."""
        out = []
        for day in self.dates(kind):
            try:
                out.append((day, self.dated(kind, day)))
            except (NotPublished, Unreadable):
                continue  # removed since listed, or broken: the per-date endpoint reports it
        return out

    # ------------------------------------------------------------------ players
    def player_index(self) -> list[dict[str, Any]]:
        """Every known player as ``{"player_id", "name", ...}``, sorted by name.

        From ``players/index.json`` when published; otherwise from the players named in the
        tonight and results files, so that search works before the player pages exist.
        """
        try:
            index = self.read("players/index.json", "no player index")
        except NotPublished:
            return _players_from_rows(p.data for kind in ("tonight", "results") for _, p in self.dated_payloads(kind))
        return sorted(_index_records(index.data), key=lambda r: (normalize(r["name"]), r["player_id"]))


def prediction_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The prediction rows of a published file, flattened when grouped by game."""
    for key in _ROW_KEYS:
        rows = data.get(key)
        if isinstance(rows, list):
            return [r for r in rows if isinstance(r, dict)]
    games = data.get("games")
    if isinstance(games, list):
        return [row for game in games if isinstance(game, dict) for row in prediction_rows(game)]
    return []


def _load(path: Path, relpath: str, mtime: float) -> Published:
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"the published file {relpath} cannot be read ({exc.strerror})") from exc
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Unreadable(f"the published file {relpath} is not valid JSON ({exc}); publish again to repair it") from exc
    if not isinstance(data, dict):
        raise Unreadable(f"the published file {relpath} holds a JSON {type(data).__name__}, not an object")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return Published(relpath, body, data, etag, datetime.fromtimestamp(mtime, UTC))


def _span(days: list[date]) -> str:
    return f"{days[0]} .. {days[-1]}, {len(days)} in all" if len(days) > 1 else str(days[0])


def _index_records(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Player records from an index shaped as a list of records or as a mapping id -> name/record."""
    body = data.get("players", {k: v for k, v in data.items() if k not in ("schema", "generated_utc", "health")})
    items: Iterable[tuple[Any, Any]] = (
        ((r.get("player_id", r.get("id")), r) for r in body if isinstance(r, dict))
        if isinstance(body, list)
        else body.items()
        if isinstance(body, dict)
        else ()
    )
    out = []
    for key, value in items:
        record = dict(value) if isinstance(value, dict) else {"name": value}
        name = record.get("name") or record.get("player") or record.get("full_name")
        try:
            player_id = int(key)
        except (TypeError, ValueError):
            continue
        if isinstance(name, str) and name:
            record.update(player_id=player_id, name=name)
            out.append(record)
    return out


def _players_from_rows(payloads: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    names: dict[int, str] = {}
    for data in payloads:
        for row in prediction_rows(data):
            if isinstance(row.get("player_id"), int) and isinstance(row.get("player"), str):
                names[row["player_id"]] = row["player"]
    return sorted(
        ({"player_id": pid, "name": name} for pid, name in names.items()),
        key=lambda r: (normalize(r["name"]), r["player_id"]),
    )
