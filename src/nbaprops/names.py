"""Name normalisation shared by the team and player registries.

Sources spell the same person differently: accents (``Jokić``/``Jokic``), punctuation
(``A.J.``/``AJ``), suffixes (``Jaren Jackson Jr.``/``Jaren Jackson``), case. A *name key* removes
exactly those differences and nothing else, so that equal keys mean the same written name.
"""

from __future__ import annotations

import re
import unicodedata

SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})
_DROP = re.compile(r"[.'’`]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower case, accents folded, punctuation dropped, separators collapsed to one space."""
    folded = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    # Letters that NFKD does not decompose.
    ascii_only = ascii_only.translate(str.maketrans({"ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L"}))
    lowered = _DROP.sub("", ascii_only.lower())
    return _SEPARATORS.sub(" ", lowered).strip()


def name_key(name: str) -> str:
    """Normalised person name without generational suffixes: ``'Jaren Jackson Jr.' -> 'jaren jackson'``."""
    tokens = normalize(name).split()
    while len(tokens) > 2 and tokens[-1] in SUFFIXES:
        tokens.pop()
    return " ".join(tokens)
