"""Every warehouse transform compiles to BigQuery SQL, so moving off DuckDB is configuration.

sqlglot transpiles each ``.sql`` file from the DuckDB dialect and fails on anything it cannot
translate; on top of that we check rules sqlglot does not enforce (functions BigQuery lacks, and
BigQuery's requirement that QUALIFY come with WHERE, GROUP BY or HAVING).
"""

from __future__ import annotations

import re

import pytest
import sqlglot
from sqlglot import ErrorLevel, exp

from conftest import REPO
from nbaprops.pipeline.registry import TRANSFORMS

FILES = [(t.package, t.sql_file, t.sql()) for t in TRANSFORMS]
NOT_IN_BIGQUERY = (
    "MEDIAN(",
    "QUANTILE(",
    "QUANTILE_CONT(",
    "LIST(",
    "ARG_MIN(",
    "ARG_MAX(",
    "STRUCT_PACK(",
    "::",
    "CONCAT_WS(",
)


def test_the_transforms_are_all_found() -> None:
    names = {name for _, name, _ in FILES}
    assert {"games.sql", "player_game.sql", "consensus_lines.sql", "player_props.sql"} <= names
    shipped = {p.name for package in ("analytics", "features", "grading")
               for p in (REPO / "src" / "nbaprops" / package).glob("*.sql")}  # fmt: skip
    assert shipped == names, "every SQL file in the phase folders must be a registered transform"


@pytest.mark.parametrize(("package", "name", "sql"), FILES, ids=[f"{p}:{n}" for p, n, _ in FILES])
def test_transform_compiles_to_bigquery(package: str, name: str, sql: str) -> None:
    bigquery = sqlglot.transpile(sql, read="duckdb", write="bigquery", unsupported_level=ErrorLevel.RAISE)[0]
    code = re.sub(r"/\*.*?\*/", "", bigquery, flags=re.S)  # comments out, then string literals
    upper = re.sub(r"'[^']*'", "''", code).upper()
    for construct in NOT_IN_BIGQUERY:
        assert construct not in upper, f"{name}: {construct} has no BigQuery equivalent"
    assert "@START" in upper and "@END" in upper  # parameters carried over as BigQuery named parameters
    sqlglot.parse_one(bigquery, read="bigquery")  # and the output is valid BigQuery syntax


@pytest.mark.parametrize(("package", "name", "sql"), FILES, ids=[f"{p}:{n}" for p, n, _ in FILES])
def test_qualify_always_comes_with_where_group_by_or_having(package: str, name: str, sql: str) -> None:
    tree = sqlglot.parse_one(sql, read="duckdb")
    for select in tree.find_all(exp.Select):
        if select.args.get("qualify") is not None:
            assert any(select.args.get(k) is not None for k in ("where", "group", "having")), (
                f"{name}: BigQuery rejects QUALIFY without WHERE, GROUP BY or HAVING"
            )
