"""Warehouse: versioned migrations applied once, tables grouped by phase, one writer process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from nbaprops.warehouse.db import Warehouse, WarehouseError, available_migrations
from nbaprops.warehouse.merge import content_hash, merge_frame


def test_migrations_apply_once_in_order(tmp_path: Path) -> None:
    path = str(tmp_path / "w.duckdb")
    with Warehouse(path) as wh:
        versions = [v for v, _, _ in available_migrations()]
        assert versions == sorted(versions) and versions[0] == 1
        assert wh.schema_version() == versions[-1]
        schemas = {r[0] for r in wh.execute("SELECT DISTINCT table_schema FROM information_schema.tables").fetchall()}
        assert {"ref", "raw", "analytics", "features", "predictions", "grading", "meta"} <= schemas
    with Warehouse(path) as wh:
        assert wh.migrate() == []  # nothing left to apply
        assert wh.count("meta.schema_migrations") == len(versions)


def test_a_second_writer_process_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with Warehouse(str(path)):
        code = (
            "import sys; from nbaprops.warehouse.db import Warehouse, WarehouseError\n"
            f"try:\n    Warehouse({str(path)!r})\nexcept WarehouseError as e:\n    print('LOCKED', e); sys.exit(3)\n"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert "LOCKED cannot open warehouse" in done.stdout


def test_merge_inserts_updates_and_skips(wh: Warehouse) -> None:
    wh.execute("CREATE TABLE raw.t (k INTEGER PRIMARY KEY, v VARCHAR, content_hash VARCHAR)")
    frame = pd.DataFrame({"k": [1, 2, 3], "v": ["a", "b", "c"]})
    frame["content_hash"] = content_hash(frame, ["k", "v"])
    first = merge_frame(wh, "raw.t", frame, ("k",))
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    again = merge_frame(wh, "raw.t", frame, ("k",))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    changed = pd.DataFrame({"k": [2, 4], "v": ["B", "d"]})
    changed["content_hash"] = content_hash(changed, ["k", "v"])
    third = merge_frame(wh, "raw.t", changed, ("k",))
    assert (third.inserted, third.updated, third.unchanged) == (1, 1, 0)
    assert wh.execute("SELECT k, v FROM raw.t ORDER BY k").fetchall() == [(1, "a"), (2, "B"), (3, "c"), (4, "d")]


def test_content_hash_is_stable_and_sensitive() -> None:
    frame = pd.DataFrame({"a": [1, 1], "b": ["x", "y"], "c": [None, 2.5]})
    hashes = content_hash(frame, ["a", "b", "c"])
    assert hashes.iloc[0] != hashes.iloc[1]
    assert list(content_hash(frame, ["a", "b", "c"])) == list(hashes)


def test_transaction_rolls_back_everything_on_error(wh: Warehouse) -> None:
    wh.execute("CREATE TABLE raw.t2 (k INTEGER)")
    with pytest.raises(RuntimeError), wh.transaction():
        wh.execute("INSERT INTO raw.t2 VALUES (1)")
        raise RuntimeError("half way")
    assert wh.count("raw.t2") == 0


def test_unopenable_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises((WarehouseError, OSError)):
        Warehouse(str(blocker / "w.duckdb"))
