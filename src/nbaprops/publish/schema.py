"""The JSON Schemas of the published files (``publish/schemas/*.schema.json``, draft 2020-12).

One schema per kind, ``$id`` ``urn:nbaprops:v1:<kind>``; definitions shared by several kinds (the
health block, the summary, the prediction call) live in ``common.schema.json`` and are referenced by
that URN. A document names its kind in its ``schema`` key (``nbaprops.<kind>.v1``), so
``validate(document)`` finds the schema itself. The tests validate every file the pipeline writes;
a consumer (the web app, a third party) can validate with any draft 2020-12 validator given the
common schema beside the kind's.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

KINDS = (
    "tonight", "results", "best_bets", "player", "players_index", "systems_performance", "unresolved", "status",
    "index",
)  # fmt: skip
_PREFIX, _SUFFIX = "nbaprops.", ".v1"


def load(name: str) -> dict[str, Any]:
    """The schema document ``schemas/{name}.schema.json``."""
    text = resources.files("nbaprops.publish").joinpath("schemas", f"{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _registry() -> Registry:
    documents = [load(name) for name in ("common", *KINDS)]
    return Registry().with_resources((doc["$id"], Resource.from_contents(doc)) for doc in documents)


@cache
def validator(kind: str) -> Draft202012Validator:
    """A validator for one kind, with the shared definitions resolvable."""
    if kind not in KINDS:
        raise ValueError(f"unknown published kind {kind!r}; kinds are {', '.join(KINDS)}")
    schema = load(kind)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=_registry())


def kind_of(document: dict[str, Any]) -> str:
    """The kind a document declares: ``"nbaprops.tonight.v1"`` -> ``"tonight"``."""
    declared = str(document.get("schema", ""))
    if not (declared.startswith(_PREFIX) and declared.endswith(_SUFFIX)):
        raise ValueError(f"not a published v1 document: schema={declared!r}")
    return declared[len(_PREFIX) : -len(_SUFFIX)]


def errors(document: dict[str, Any], kind: str | None = None) -> list[str]:
    """Every way `document` breaks its schema, as ``path: message`` lines (empty when it is valid)."""
    found = validator(kind or kind_of(document)).iter_errors(document)
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}" for e in found]
