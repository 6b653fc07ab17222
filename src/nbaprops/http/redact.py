"""Keep secrets out of every URL, log line and error message the client produces.

Two nets: values of query parameters whose *name* says they are credentials (``apiKey=...``), and
the literal values of the configured keys wherever they appear (a key echoed in an error body).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
SENSITIVE_PARAMS = ("apikey", "api_key", "api-key", "key", "token", "access_token", "auth", "authorization")
_NAMES = "|".join(re.escape(p) for p in SENSITIVE_PARAMS)
# The value ends at the next parameter, fragment, whitespace or quote (URLs quoted inside messages).
_PARAM = re.compile(r"([?&;](?:" + _NAMES + r")=)([^&#;\s'\"]*)", re.IGNORECASE)


def is_sensitive(name: str) -> bool:
    """A parameter or header name that carries a credential."""
    lowered = name.lower()
    return lowered in SENSITIVE_PARAMS or lowered in {"x-api-key", "x-apikey"}


def redact_url(url: str, secrets: Iterable[str] = ()) -> str:
    """The URL with credential parameters masked (``apiKey=***``) and known secret values removed."""
    masked = _PARAM.sub(lambda m: m.group(1) + (MASK if m.group(2) else ""), url)
    return _mask_values(masked, secrets)


def _mask_values(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    return text


class Redactor:
    """Redaction with the configured secret values baked in."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self.secrets = tuple(s for s in secrets if s)

    def url(self, url: str) -> str:
        return redact_url(url, self.secrets)

    def text(self, text: str) -> str:
        """Any free text (an exception message, a response excerpt): URLs and secret values masked."""
        return redact_url(text, self.secrets)
