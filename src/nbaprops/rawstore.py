"""The raw store: every payload byte-for-byte, under a predictable path, with a manifest.

Paths are ``source/endpoint/YYYY-MM-DD/<params-slug>-<sha8>.<ext>`` under the store root (a local
folder by default, any fsspec URL such as ``gs://bucket/raw`` with gcsfs installed). The same
answer to the same request has the same path, so it is written once; a different answer gets a new
file beside it. Next to each payload a ``.meta.json`` records the redacted URL, status, kept headers
and fetch time, which makes any copy of the folder replayable on its own; the warehouse manifest
(``raw.payloads``) indexes the same facts for queries. Payloads are stored *before* parsing, so an
answer that fails to parse is still there to look at.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import fsspec

from nbaprops.http.client import FetchedPayload, request_url
from nbaprops.http.redact import is_sensitive
from nbaprops.http.replay import META_SUFFIX
from nbaprops.pipeline.categories import Category
from nbaprops.sources.base import Payload, Request
from nbaprops.warehouse.db import Warehouse, utcnow

SLUG_MAX = 80
_UNSAFE = re.compile(r"[^A-Za-z0-9._=,+-]+")


@dataclass(frozen=True)
class StoredPayload:
    path: str  # relative to the store root
    sha256: str
    new: bool  # False when the identical payload was already stored


def params_slug(fields: Mapping[str, object]) -> str:
    """Readable, filesystem-safe and stable: ``event_id=abc_date=2024-01-15T17-00-00Z``."""
    pairs = [f"{k}={v}" for k, v in sorted(fields.items()) if not is_sensitive(str(k))]
    text = _UNSAFE.sub("-", "_".join(pairs).replace(":", "-")).strip("-_") or "all"
    if len(text) > SLUG_MAX:
        text = text[: SLUG_MAX - 9] + "~" + hashlib.sha1(text.encode()).hexdigest()[:8]
    return text


_IMPLIED_BY_DAY = frozenset(
    {"{date}", "{date_compact}", "{date_us}", "{season}", "{season_year}", "{day_start_utc}", "{day_end_utc}"}
)


def request_fields(request: Request) -> dict[str, str]:
    """What tells this request apart from the endpoint's other requests: path variables and
    parameters that are templated or differ from the declared ones (``event_id``, ``page``)."""
    endpoint = request.endpoint
    fields: dict[str, str] = {}
    parts = re.split(r"\{(\w+)\}", endpoint.url)
    if len(parts) > 1:
        seen: set[str] = set()
        pieces = []
        for i, p in enumerate(parts):
            if i % 2 == 0:
                pieces.append(re.escape(p))
            elif p in seen:  # a placeholder used twice must match the same text twice
                pieces.append(f"(?P={p})")
            else:
                seen.add(p)
                pieces.append(f"(?P<{p}>[^/?]+)")
        pattern = "".join(pieces)
        match = re.fullmatch(pattern, request.url)
        if match:
            fields.update(match.groupdict())
    for name, value in request.params.items():
        declared = endpoint.params.get(name)
        if declared in _IMPLIED_BY_DAY:
            continue  # the store files payloads by day already
        if declared is None or "{" in declared or declared != value:
            fields[name] = value
    return fields


def extension(payload: Payload) -> str:
    """From what the source said it sent, else from the first bytes."""
    kind = payload.content_type.lower()
    for marker, ext in (("json", "json"), ("pdf", "pdf"), ("html", "html"), ("csv", "csv"), ("xml", "xml")):
        if marker in kind:
            return ext
    head = payload.body.lstrip()[:5]
    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"<"):
        return "html"
    return "txt" if kind.startswith("text/") else "bin"


class RawStore:
    """Payloads through fsspec, manifest rows in the warehouse (when one is given)."""

    def __init__(self, url: str, wh: Warehouse | None = None) -> None:
        self.url = str(url)
        self.fs, self.root = fsspec.core.url_to_fs(self.url)
        self.root = self.root.rstrip("/")
        self.wh = wh

    def path_for(self, payload: Payload, sha256: str, for_date: date | None, fields: Mapping[str, object]) -> str:
        day = (for_date or payload.fetched_utc.date()).isoformat()
        name = f"{params_slug(fields)}-{sha256[:8]}.{extension(payload)}"
        return f"{payload.source}/{payload.endpoint}/{day}/{name}"

    def put(
        self, payload: Payload, for_date: date | None = None, fields: Mapping[str, object] | None = None
    ) -> StoredPayload:
        """Keep the payload (once) and its manifest row; ``fields`` name the request (default: its params)."""
        sha = hashlib.sha256(payload.body).hexdigest()
        rel = self.path_for(payload, sha, for_date, payload.params if fields is None else fields)
        full = f"{self.root}/{rel}"
        new = not self.fs.exists(full + META_SUFFIX)
        if new:
            self.fs.makedirs(full.rsplit("/", 1)[0], exist_ok=True)
            self.fs.pipe_file(full, payload.body)
            # The sidecar last: a payload is complete (and replayable) once its meta exists.
            self.fs.pipe_file(full + META_SUFFIX, json.dumps(self._meta(payload, sha), indent=1).encode())
        if self.wh is not None:
            self._manifest(rel, payload, sha, for_date)
        return StoredPayload(rel, sha, new)

    def file(
        self,
        request: Request,
        body: bytes,
        fetched_utc: datetime,
        *,
        status: int = 200,
        content_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
    ) -> StoredPayload:
        """Keep a body as the answer to ``request``, exactly as a scrape would have left it.

        How a replay folder is made from answers recorded elsewhere (the captures in
        ``../shared/data/samples``): file each under the request nbaprops makes for it.
        """
        payload = FetchedPayload(
            source=request.endpoint.source,
            endpoint=request.endpoint.name,
            body=body,
            url=str(request_url(request)),
            status=status,
            fetched_utc=fetched_utc,
            params=dict(request.params),
            content_type=content_type,
            headers=dict(headers or {}),
        )
        return self.put(payload, request.for_date, request_fields(request))

    def read(self, path: str) -> bytes:
        return self.fs.cat_file(f"{self.root}/{path}")

    def exists(self, path: str) -> bool:
        return self.fs.exists(f"{self.root}/{path}")

    def record_outcome(self, stored: StoredPayload, category: Category, message: str) -> None:
        """What ingesting the payload gave, on its manifest row (find failed payloads with SQL)."""
        if self.wh is not None:
            self.wh.execute(
                "UPDATE raw.payloads SET category = ?, message = ? WHERE path = ?",
                [category.value, message[:2000], stored.path],
            )

    @staticmethod
    def _meta(payload: Payload, sha: str) -> dict[str, object]:
        return {
            "source": payload.source,
            "endpoint": payload.endpoint,
            "url": payload.url,
            "params": {k: v for k, v in payload.params.items() if not is_sensitive(k)},
            "status": payload.status,
            "content_type": payload.content_type,
            "headers": dict(getattr(payload, "headers", {}) or {}),
            "fetched_utc": payload.fetched_utc.isoformat(),
            "bytes": len(payload.body),
            "sha256": sha,
        }

    def _manifest(self, rel: str, payload: Payload, sha: str, for_date: date | None) -> None:
        assert self.wh is not None
        meta = self._meta(payload, sha)
        self.wh.execute(
            "INSERT INTO raw.payloads (path, store_url, source, endpoint, for_date, url, params, status, bytes,"
            " sha256, content_type, response_headers, fetched_utc, last_seen_utc, times_seen)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
            " ON CONFLICT (path) DO UPDATE SET last_seen_utc = excluded.last_seen_utc,"
            " times_seen = raw.payloads.times_seen + 1",
            [
                rel,
                self.url,
                payload.source,
                payload.endpoint,
                for_date,
                payload.url,
                json.dumps(meta["params"], sort_keys=True),
                payload.status,
                len(payload.body),
                sha,
                payload.content_type,
                json.dumps(meta["headers"], sort_keys=True),
                payload.fetched_utc,
                utcnow(),
            ],
        )
