"""Replay: serve stored payloads instead of the network.

A raw-store folder (local or any fsspec URL) is self-describing: next to every payload lies a
``.meta.json`` with the request's redacted URL, status, headers and fetch time. ``ReplayFetcher``
indexes those by canonical URL and answers each Request with the payload recorded for it (the
latest, if the same request was stored several times), raising exactly what the live client would
have raised for a recorded error answer. Nothing is sent anywhere, no key is needed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import fsspec

from nbaprops.http.client import FetchedPayload, error_for_status, request_url
from nbaprops.http.errors import NotRecorded
from nbaprops.sources.base import Request

META_SUFFIX = ".meta.json"


def canonical_url(url: str) -> str:
    """Scheme, host, path and the query sorted and decoded: equal for equal requests however written."""
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path}" + (f"?{query}" if query else "")


class ReplayFetcher:
    """A Fetcher over a folder of stored payloads."""

    def __init__(self, root_url: str) -> None:
        self.root_url = str(root_url)
        self.fs, self.root = fsspec.core.url_to_fs(self.root_url)
        self._index: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for meta_path in sorted(self.fs.glob(f"{self.root.rstrip('/')}/**/*{META_SUFFIX}")):
            meta = json.loads(self.fs.cat_file(meta_path))
            body_path = meta_path[: -len(META_SUFFIX)]
            self._index.setdefault(canonical_url(meta["url"]), []).append((body_path, meta))
        for entries in self._index.values():
            entries.sort(key=lambda entry: entry[1]["fetched_utc"])

    def __len__(self) -> int:
        return sum(len(v) for v in self._index.values())

    def fetch(self, request: Request) -> FetchedPayload:
        url = str(request_url(request))
        entries = self._index.get(canonical_url(url))
        if not entries:
            raise NotRecorded(f"{request.endpoint.key}: replay folder {self.root_url} has nothing for {url}", url)
        body_path, meta = entries[-1]
        payload = _payload(request, self.fs.cat_file(body_path), meta)
        if payload.status >= 400:
            raise error_for_status(request, payload, attempts=1)
        return payload


def _payload(request: Request, body: bytes, meta: Mapping[str, Any]) -> FetchedPayload:
    return FetchedPayload(
        source=request.endpoint.source,
        endpoint=request.endpoint.name,
        body=body,
        url=meta["url"],
        status=int(meta["status"]),
        fetched_utc=datetime.fromisoformat(meta["fetched_utc"]),
        params=dict(meta.get("params") or request.params),
        content_type=meta.get("content_type", ""),
        headers=dict(meta.get("headers") or {}),
    )
