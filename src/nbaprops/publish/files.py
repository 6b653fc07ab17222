"""Published files: where each kind lives, the envelope every file carries, and atomic writes.

Readers (the HTTP API, the dashboard, a person with ``curl``) see the old file or the new one, never
half of one: each file is written to a temporary name beside it, flushed to disk and renamed.
Every file opens with the same envelope — ``schema`` (``nbaprops.<kind>.v1``), the ``date`` of a
dated file, ``generated_utc`` and, for dated files, the ``health`` of that date — in that order, so
the health of a file can be read from its first lines without parsing the whole of it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from nbaprops.warehouse.db import utcnow

VERSION = "v1"

# The folder of each dated kind under ``{publish_dir}/v1/`` (the API and the dashboard rely on these).
DATED_FOLDERS = {"tonight": "tonight", "results": "results", "best_bets": "best-bets"}

_HEAD_BYTES = 2048
_HEALTH_STATUS = re.compile(r'"health":\s*\{\s*"status":\s*"([a-z_]+)"')


def write_json(path: Path, payload: Any, indent: int | None = 2) -> Path:
    """Write `payload` as UTF-8 JSON, atomically (temporary file, fsync, rename); compact when `indent` is None."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600: the web server may run as another user
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            separators = (",", ":") if indent is None else None
            handle.write(json.dumps(payload, indent=indent, separators=separators, default=str, ensure_ascii=False))
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def publish_json(path: Path, payload: dict[str, Any]) -> Path:
    """Write a published file: compact JSON (programs read these; ``jq .`` indents them for a person).

    Compact is half the bytes of indented JSON and five times faster to write (Python's C encoder is
    used only without indentation) — it matters for a month of multi-megabyte slates in a backtest.
    """
    return write_json(path, payload, indent=None)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def version_dir(publish_dir: Path) -> Path:
    return Path(publish_dir) / VERSION


def dated_path(publish_dir: Path, kind: str, day: date) -> Path:
    """``{publish_dir}/v1/{folder}/{YYYY-MM-DD}.json`` for a dated kind (tonight, results, best_bets)."""
    return version_dir(publish_dir) / DATED_FOLDERS[kind] / f"{day.isoformat()}.json"


def generated_utc() -> str:
    return utcnow().isoformat(timespec="seconds") + "Z"


def envelope(kind: str, day: date | None = None, health: dict[str, Any] | None = None) -> dict[str, Any]:
    """The keys every file starts with; the kind's own keys follow."""
    head: dict[str, Any] = {"schema": f"nbaprops.{kind}.{VERSION}"}
    if day is not None:
        head["date"] = day.isoformat()
    head["generated_utc"] = generated_utc()
    if health is not None:
        head["health"] = health
    return head


def published_health(path: Path) -> str | None:
    """The health status a published file declares (``ok`` / ``unhealthy``); None if it has none or is absent.

    Reads only the head of the file (the envelope comes first), so checking a season of files is cheap.
    """
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(_HEAD_BYTES)
    except FileNotFoundError:
        return None
    match = _HEALTH_STATUS.search(head)
    return match.group(1) if match else None
