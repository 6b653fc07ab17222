"""HTTP caching for the API: an ETag on every answer, ``If-None-Match`` -> 304, and a max-age by kind.

Published files change a few times a day at most, and a past date's results almost never (only
when a late box score regrades it). So clients and proxies may keep an answer for a while, and
revalidate cheaply with the ETag afterwards: the server compares one hash and sends no body.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from fastapi import Request, Response

from nbaprops.web.store import Published

# Seconds a client may reuse an answer without asking again.
SHORT = 60  # tonight's slate, status, runs, the unresolved queue: they change during the day
MEDIUM = 300  # player pages, performance, recent results: change once per publish
LONG = 86_400  # results and best bets of dates settled days ago
SETTLED_AFTER = timedelta(days=3)


def max_age_for(day: date, today: date | None = None) -> int:
    """Long for a date settled days ago (graded, unlikely to change), medium for recent ones."""
    today = today or datetime.now(UTC).date()
    return LONG if day <= today - SETTLED_AFTER else MEDIUM


def file_response(request: Request, published: Published, max_age: int) -> Response:
    """The published file's exact bytes, its ETag and Last-Modified; 304 when the client has it."""
    headers = {
        "ETag": published.etag,
        "Cache-Control": f"public, max-age={max_age}",
        "Last-Modified": format_datetime(published.modified, usegmt=True),
    }
    if _matches(request, published.etag):
        return Response(status_code=304, headers=headers)
    return Response(published.body, media_type="application/json", headers=headers)


def json_response(
    request: Request, payload: Any, max_age: int, headers: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    """A computed answer with an ETag over its bytes (identical data, identical ETag)."""
    body = json.dumps(payload, default=str, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    all_headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}", **(headers or {})}
    if status_code == 200 and _matches(request, etag):
        return Response(status_code=304, headers=all_headers)
    return Response(body, status_code=status_code, media_type="application/json", headers=all_headers)


def _matches(request: Request, etag: str) -> bool:
    """RFC 9110 weak comparison: ``*`` or any listed tag equal once ``W/`` prefixes are dropped."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags
