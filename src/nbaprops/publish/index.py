"""``v1/index.json``: what is published — the dates of each dated kind and the undated files.

Rewritten after every publish step from the folders themselves (the files are the truth, so the
index can never list a file that is not there for long), so the API and the dashboard learn the
available dates from one small file instead of listing folders.
"""

from __future__ import annotations

import re
from pathlib import Path

from nbaprops.publish.files import DATED_FOLDERS, envelope, publish_json, version_dir

_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UNDATED = {"players_index": "players/index.json", "systems_performance": "systems/performance.json",
           "status": "status.json"}  # fmt: skip


def write_index(publish_dir: Path) -> Path:
    root = version_dir(publish_dir)
    dates = {
        folder: sorted(p.stem for p in (root / folder).glob("*.json") if _DATED.match(p.stem))
        for folder in DATED_FOLDERS.values()
    }
    players = sum(1 for p in (root / "players").glob("*.json") if p.stem.isdigit())
    payload = {
        **envelope("index"),
        "dates": dates,
        "latest": {folder: (days[-1] if days else None) for folder, days in dates.items()},
        "players": players,
        "files": {name: (path if (root / path).exists() else None) for name, path in UNDATED.items()},
    }
    return publish_json(root / "index.json", payload)
