"""Idempotent merge of typed rows into a raw table, keyed by natural key and content hash.

New keys are inserted, rows whose content hash changed are replaced, identical rows are left
alone: importing the same payload twice changes nothing, a corrected payload changes exactly the
rows it corrects.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from nbaprops.warehouse.db import Warehouse


@dataclass(frozen=True)
class MergeCounts:
    inserted: int
    updated: int
    unchanged: int

    @property
    def written(self) -> int:
        return self.inserted + self.updated


def content_hash(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Stable per-row hash of the given columns' values (md5 of their text, unit-separated)."""
    as_text = frame[columns].astype("string").fillna("")
    joined = as_text[columns[0]]
    for column in columns[1:]:
        joined = joined + "\x1f" + as_text[column]
    return joined.map(lambda s: hashlib.md5(s.encode("utf-8")).hexdigest()).astype(object)


def merge_frame(wh: Warehouse, table: str, frame: pd.DataFrame, key: tuple[str, ...]) -> MergeCounts:
    """Merge `frame` (which must carry `content_hash`) into `table` on `key`, in the caller's transaction."""
    if frame.empty:
        return MergeCounts(0, 0, 0)
    con = wh.con
    con.register("_incoming_frame", frame)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _incoming AS SELECT * FROM _incoming_frame")
    finally:
        con.unregister("_incoming_frame")
    on = " AND ".join(f"t.{k} = i.{k}" for k in key)
    updated = int(
        con.execute(
            f"SELECT count(*) FROM {table} t JOIN _incoming i ON {on} WHERE t.content_hash <> i.content_hash"
        ).fetchone()[0]
    )
    if updated:
        con.execute(f"DELETE FROM {table} t USING _incoming i WHERE {on} AND t.content_hash <> i.content_hash")
    before = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    con.execute(
        f"INSERT INTO {table} BY NAME SELECT i.* FROM _incoming i WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {on})"
    )
    after = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    con.execute("DROP TABLE _incoming")
    inserted_total = after - before
    return MergeCounts(inserted=inserted_total - updated, updated=updated, unchanged=len(frame) - inserted_total)
