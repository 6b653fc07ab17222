"""The player registry: one NBA.com player id for every name any source writes.

Names resolve *within the game they appear in*: a sportsbook line for "Herb Jones" in a Pelicans
game is matched against the players of the two teams in that game, that season. In order:

1. exact name key (accents, punctuation and Jr./II-style suffixes ignored) on the game's rosters;
2. a known alias (curated list, or one learned earlier) on the game's rosters, or unique anywhere;
3. exact name key anywhere, when only one player has it (a player who just changed teams);
4. same surname and compatible first names on the rosters (Herb/Herbert, Nic/Nicolas, Ron/Ronald);
5. the only player of that surname in the game (Carlton "Bub" Carrington);
6. a close fuzzy match on the rosters, clearly ahead of the next candidate.

Matches from steps 4–6 are stored as aliases with the method that found them, so an operator can
audit them (``nbaprops players aliases``). What does not resolve goes to ``ref.unresolved_players``
with counts and an example row — never silently dropped.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources

import pandas as pd
from rapidfuzz import fuzz, process

from nbaprops.names import SUFFIXES, name_key, normalize
from nbaprops.pipeline.categories import Category, StepFailure
from nbaprops.warehouse.db import Warehouse, utcnow

FUZZY_CUTOFF = 88.0
FUZZY_MARGIN = 6.0


def season_of(game_date: pd.Timestamp | object) -> int:
    """Season start year: games from August to December belong to that year's season."""
    ts = pd.Timestamp(game_date)
    return ts.year if ts.month >= 8 else ts.year - 1


# Every (player, team, game date) an NBA.com source records under NBA.com's own player id: the
# imported history logs, and the scraped league game logs and box scores (a box score names its game,
# whose date the day's scoreboard or the schedule gives; its players who did not play are listed too,
# and they are on that team's roster all the same). The registry's players, their spellings and the
# rosters names are resolved against all come from this one query.
NBA_APPEARANCES = """
    SELECT player_id, player_name, team, game_date FROM raw.player_game_logs
    UNION
    SELECT player_id, player_name, team, game_date FROM raw.nbac_player_game_logs
    UNION
    SELECT b.player_id, b.player_name, b.team, g.game_date
    FROM raw.nbac_boxscore_players AS b
    JOIN (
        SELECT game_id, min(game_date) AS game_date FROM (
            SELECT game_id, game_date FROM raw.nbac_scoreboard_games
            UNION ALL
            SELECT game_id, game_date FROM raw.nbac_schedule
        ) GROUP BY game_id
    ) AS g USING (game_id)
"""


@dataclass(frozen=True)
class Match:
    player_id: int
    method: str


class PlayerIndex:
    """In-memory view of the registry and rosters, for resolving many names quickly."""

    def __init__(self, wh: Warehouse) -> None:
        players = wh.df("SELECT player_id, name_key FROM ref.players")
        self.by_key: dict[str, set[int]] = defaultdict(set)
        for pid, key in players.itertuples(index=False):
            self.by_key[key].add(int(pid))
        self.aliases: dict[str, set[int]] = defaultdict(set)
        for key, pid in wh.execute("SELECT alias_key, player_id FROM ref.player_aliases").fetchall():
            self.aliases[key].add(int(pid))
        rosters = wh.df(
            "SELECT DISTINCT l.player_id, p.name_key, l.team,"
            " CAST(year(l.game_date) - CASE WHEN month(l.game_date) < 8 THEN 1 ELSE 0 END AS INTEGER) AS season"
            f" FROM ({NBA_APPEARANCES}) l JOIN ref.players p USING (player_id)"
        )
        self.rosters: dict[tuple[str, int], dict[int, str]] = defaultdict(dict)
        for pid, key, team, season in rosters.itertuples(index=False):
            self.rosters[(team, int(season))][int(pid)] = key

    def roster(self, teams: tuple[str, ...], season: int) -> dict[int, str]:
        merged: dict[int, str] = {}
        for team in teams:
            merged.update(self.rosters.get((team, season), {}))
        return merged

    def resolve(self, name: str, teams: tuple[str, ...], season: int) -> Match | None:
        key = name_key(name)
        if not key:
            return None
        roster = self.roster(teams, season)
        on_roster = [pid for pid, k in roster.items() if k == key]
        if len(on_roster) == 1:
            return Match(on_roster[0], "exact")
        aliased = self.aliases.get(key, set())
        aliased_on_roster = aliased & roster.keys()
        if len(aliased_on_roster) == 1:
            return Match(next(iter(aliased_on_roster)), "alias")
        if len(aliased) == 1 and not aliased_on_roster:
            return Match(next(iter(aliased)), "alias")
        anywhere = self.by_key.get(key, set())
        if len(anywhere) == 1:
            return Match(next(iter(anywhere)), "exact_other_team")
        return self._resolve_on_roster(key, roster)

    @staticmethod
    def _resolve_on_roster(key: str, roster: dict[int, str]) -> Match | None:
        first, surname = key.split()[0], key.split()[-1]
        same_surname = {pid: k for pid, k in roster.items() if k.split()[-1] == surname}
        compatible = [pid for pid, k in same_surname.items() if _first_names_compatible(first, k.split()[0])]
        if len(compatible) == 1:
            return Match(compatible[0], "first_name_variant")
        if len(same_surname) == 1:
            return Match(next(iter(same_surname)), "surname_in_game")
        if not roster:
            return None
        choices = process.extract(key, roster, scorer=fuzz.WRatio, limit=2)
        if choices and choices[0][1] >= FUZZY_CUTOFF:
            runner_up = choices[1][1] if len(choices) > 1 else 0.0
            if choices[0][1] - runner_up >= FUZZY_MARGIN:
                return Match(int(choices[0][2]), "fuzzy")
        return None


def _first_names_compatible(a: str, b: str) -> bool:
    """Initials and nicknames that shorten the given name: G./Giannis, Herb/Herbert, Nic/Nicolas."""
    short, full = sorted((a, b), key=len)
    return bool(short) and full.startswith(short)


# ---------------------------------------------------------------------------- registry upkeep
def refresh_players(wh: Warehouse) -> int:
    """Rebuild ref.players from every NBA.com game log and box score, imported or scraped
    (``NBA_APPEARANCES``; NBA.com ids are the registry's ids), so a player scraped today is known
    today, before any history file mentions him.

    Every spelling a player's box scores ever used is also kept as an alias, so a renamed player
    (``Kenyon Martin Jr.`` -> ``KJ Martin``) resolves under both names.
    """
    names = wh.df(
        "SELECT player_id, player_name, max(game_date) AS last_seen, min(game_date) AS first_seen"
        f" FROM ({NBA_APPEARANCES}) GROUP BY player_id, player_name"
    )
    if names.empty:
        return 0
    names["name_key"] = names["player_name"].map(name_key)
    latest = names.sort_values("last_seen").groupby("player_id").tail(1)
    spans = names.groupby("player_id").agg(first_game=("first_seen", "min"), last_game=("last_seen", "max"))
    players = latest.set_index("player_id")[["player_name", "name_key"]].join(spans).reset_index()
    players = players.rename(columns={"player_name": "full_name"})
    with wh.transaction():
        wh.con.register("_players", players)
        wh.execute("DELETE FROM ref.players")
        wh.execute("INSERT INTO ref.players BY NAME SELECT * FROM _players")
        wh.con.unregister("_players")
        box_aliases = names[["name_key", "player_id", "player_name"]].drop_duplicates(["name_key", "player_id"])
        _add_aliases(
            wh, box_aliases.set_axis(["alias_key", "player_id", "example"], axis=1), "nbacom", "box_score_name"
        )
        _seed_curated_aliases(wh)
    return len(players)


def _seed_curated_aliases(wh: Warehouse) -> None:
    text = resources.files("nbaprops.reference").joinpath("player_aliases.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        _add_alias(wh, name_key(row["alias"]), int(row["player_id"]), "curated", "curated", row.get("note"))


def _add_aliases(wh: Warehouse, aliases: pd.DataFrame, source: str, method: str) -> None:
    """Insert many (alias_key, player_id, example) rows at once; existing aliases are kept as they are."""
    frame = aliases.assign(source=source, method=method, created_utc=utcnow())
    wh.con.register("_aliases", frame)
    wh.execute("INSERT INTO ref.player_aliases BY NAME SELECT * FROM _aliases ON CONFLICT DO NOTHING")
    wh.con.unregister("_aliases")


def _add_alias(wh: Warehouse, key: str, player_id: int, source: str, method: str, example: str | None) -> None:
    wh.execute(
        "INSERT INTO ref.player_aliases VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [key, player_id, source, method, example, utcnow()],
    )


# ---------------------------------------------------------------------------- prop lines
@dataclass(frozen=True)
class ResolutionSummary:
    lines: int
    lines_resolved: int
    player_games: int
    player_games_resolved: int
    games_unresolved: int
    played_player_games: int  # resolved player-games whose player has a box score for that game
    unresolved_names: int

    @property
    def played_coverage(self) -> float:
        """Share of player-games whose player played that resolve (unresolved counted as played)."""
        denominator = self.played_player_games + (self.player_games - self.player_games_resolved)
        return self.played_player_games / denominator if denominator else 1.0

    def as_dict(self) -> dict[str, float | int]:
        return {**self.__dict__, "played_coverage": round(self.played_coverage, 4)}


def resolve_prop_lines(wh: Warehouse, source: str = "odds_api") -> ResolutionSummary:
    """Attach game ids (from analytics.games) and player ids to prop lines that lack them.

    Also rebuilds the unresolved queue from what is still unresolved, so counts never double.
    """
    with wh.transaction():
        wh.execute(
            "UPDATE raw.prop_lines AS p SET game_id = g.game_id FROM analytics.games AS g"
            " WHERE p.game_id IS NULL AND g.game_date = p.game_date AND g.home = p.home AND g.away = p.away"
        )
        # Neutral-site games (NBA Cup final four, games abroad): the books may call the other team home.
        wh.execute(
            "UPDATE raw.prop_lines AS p SET game_id = g.game_id FROM analytics.games AS g"
            " WHERE p.game_id IS NULL AND g.game_date = p.game_date AND g.home = p.away AND g.away = p.home"
        )
        pending = wh.df(
            "SELECT DISTINCT player_name, home, away, game_date FROM raw.prop_lines WHERE player_id IS NULL"
        )
        if not pending.empty:
            _resolve_pending(wh, pending, source)
        _rebuild_unresolved(wh, source)
    return summarize_resolution(wh)


def _resolve_pending(wh: Warehouse, pending: pd.DataFrame, source: str) -> None:
    index = PlayerIndex(wh)
    matched = []
    for name, home, away, game_date in pending.itertuples(index=False):
        match = index.resolve(name, (home, away), season_of(game_date))
        if match is None:
            continue
        matched.append((name, home, away, game_date, match.player_id))
        if match.method not in {"exact", "alias", "exact_other_team"}:
            _add_alias(wh, name_key(name), match.player_id, source, match.method, f"{name} in {away} @ {home}")
            index.aliases[name_key(name)].add(match.player_id)
    if not matched:
        return
    frame = pd.DataFrame(matched, columns=["player_name", "home", "away", "game_date", "player_id"])
    wh.con.register("_matched", frame)
    wh.execute(
        "UPDATE raw.prop_lines AS p SET player_id = m.player_id FROM _matched AS m"
        " WHERE p.player_id IS NULL AND p.player_name = m.player_name AND p.home = m.home"
        " AND p.away = m.away AND p.game_date = m.game_date"
    )
    wh.con.unregister("_matched")


def _rebuild_unresolved(wh: Warehouse, source: str) -> None:
    rows = wh.df(
        "SELECT player_name AS name, count(*) AS occurrences, count(DISTINCT event_id) AS player_games,"
        " min(game_date) AS first_date, max(game_date) AS last_date,"
        " string_agg(DISTINCT away || ' @ ' || home, ', ') AS teams,"
        " to_json(arg_min({'event_id': event_id, 'player': player_name, 'market': market, 'line': line,"
        "   'bookmaker': bookmaker, 'game': away || ' @ ' || home, 'snapshot_utc': snapshot_utc,"
        "   'source_file': source_file}, snapshot_utc))::VARCHAR AS example"
        " FROM raw.prop_lines WHERE player_id IS NULL GROUP BY player_name"
    )
    wh.execute("DELETE FROM ref.unresolved_players WHERE source = ?", [source])
    if rows.empty:
        return
    rows.insert(0, "source", source)
    rows.insert(2, "name_key", rows["name"].map(name_key))
    rows["updated_utc"] = utcnow()
    wh.con.register("_unresolved", rows)
    wh.execute("INSERT INTO ref.unresolved_players BY NAME SELECT * FROM _unresolved")
    wh.con.unregister("_unresolved")


def summarize_resolution(wh: Warehouse) -> ResolutionSummary:
    row = wh.execute(
        """
        WITH pg AS (
            SELECT event_id, player_name, any_value(player_id) AS player_id, any_value(game_id) AS game_id,
                   any_value(game_date) AS game_date
            FROM raw.prop_lines GROUP BY event_id, player_name
        )
        SELECT
            (SELECT count(*) FROM raw.prop_lines),
            (SELECT count(*) FROM raw.prop_lines WHERE player_id IS NOT NULL AND game_id IS NOT NULL),
            count(*),
            count(pg.player_id),
            (SELECT count(DISTINCT event_id) FROM raw.prop_lines WHERE game_id IS NULL),
            count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM raw.player_game_logs b
                WHERE b.player_id = pg.player_id AND b.game_date = pg.game_date)),
            (SELECT count(*) FROM ref.unresolved_players)
        FROM pg
        """
    ).fetchone()
    return ResolutionSummary(*(int(v or 0) for v in row))


def unresolved_table(wh: Warehouse, limit: int = 50) -> pd.DataFrame:
    return wh.df(
        "SELECT source, name, occurrences, player_games, first_date, last_date, teams, example"
        " FROM ref.unresolved_players ORDER BY occurrences DESC, name LIMIT ?",
        [limit],
    )


def example_dict(example: str) -> dict[str, object]:
    return json.loads(example) if example else {}


# ---------------------------------------------------------------------------- names from any source
@dataclass(frozen=True)
class NameColumns:
    """Where a raw table keeps the player names to resolve, and the context that narrows them down.

    ``teams``: the column(s) with the tricode(s) of the player's team or of the game's two teams;
    ``game_date`` or ``season`` (start year): which season's rosters to look in (neither: the
    current season); ``game``: the columns that tell one game apart, for the player-games count.
    """

    table: str
    name: str = "player_name"
    teams: tuple[str, ...] = ("team",)
    game_date: str | None = "game_date"
    season: str | None = None
    game: tuple[str, ...] = ("game_date", "team")


@dataclass(frozen=True)
class NameResolution:
    rows: int
    rows_resolved: int
    names: int  # distinct (name, teams, season)
    names_resolved: int
    unresolved: pd.DataFrame  # what went to ref.unresolved_players

    @property
    def rate(self) -> float:
        return self.rows_resolved / self.rows if self.rows else 1.0

    def message(self, source: str) -> str:
        return (
            f"{source}: {self.rows_resolved}/{self.rows} rows ({self.rate:.1%}) resolved to NBA.com players, "
            f"{len(self.unresolved)} names unresolved"
        )


_KNOWN_METHODS = {"exact", "alias", "exact_other_team"}


def resolve_names(
    wh: Warehouse, source: str, rows: pd.DataFrame, *, rebuild_queue: bool = True
) -> tuple[pd.DataFrame, NameResolution]:
    """NBA.com player ids for the names one source wrote, the way prop lines are resolved.

    ``rows``: ``player_name``, ``teams`` (a tricode, several separated by spaces or commas, a
    tuple, or nothing), ``game_date`` and/or ``season``; optionally ``game`` (tells games apart for
    the counts) and ``example`` (the raw row as JSON; by default the row itself). Returns the rows
    with ``player_id`` and ``method``. What does not resolve is queued in ``ref.unresolved_players``
    under ``source`` with counts and an example (``rebuild_queue``: replacing the source's queue, so
    counts never double); new spellings found by a looser method are learned as aliases.
    Surname-only names (the game book's inactive list: ``Bane``, ``Jackson Jr.``) are matched on the
    team's roster by surname and suffix, and never become aliases.
    """
    frame = rows.reset_index(drop=True).copy()
    frame["teams"] = frame["teams"].map(_team_tuple) if "teams" in frame else [()] * len(frame)
    frame["season"] = _seasons(frame)
    if "example" not in frame:
        frame["example"] = [_row_json(r) for r in rows.to_dict("records")]
    index = PlayerIndex(wh)
    full_names = {
        int(p): normalize(n) for p, n in wh.execute("SELECT player_id, full_name FROM ref.players").fetchall()
    }
    found: dict[tuple[str, tuple[str, ...], int], Match | None] = {}
    pending = list(frame[["player_name", "teams", "season"]].drop_duplicates().itertuples(index=False, name=None))
    for _attempt in range(2):  # a second pass uses the aliases the first one learned
        learned = False
        for name, teams, season in pending:
            match = _resolve_source_name(index, full_names, str(name), teams, int(season))
            found[(name, teams, season)] = match
            key = name_key(str(name))
            if match is not None and match.method not in _KNOWN_METHODS | {"surname_only"} and len(key.split()) > 1:
                _add_alias(wh, key, match.player_id, source, match.method, f"{name} ({' '.join(teams)}, {season})")
                index.aliases[key].add(match.player_id)
                learned = True
        pending = [k for k in pending if found[k] is None]
        if not (learned and pending):
            break
    matches = [found[k] for k in zip(frame["player_name"], frame["teams"], frame["season"], strict=True)]
    frame["player_id"] = pd.array([m.player_id if m else None for m in matches], dtype="Int64")
    frame["method"] = [m.method if m else None for m in matches]
    unresolved = _unresolved_rows(source, frame[frame["player_id"].isna()])
    if rebuild_queue:
        wh.execute("DELETE FROM ref.unresolved_players WHERE source = ?", [source])
    if not unresolved.empty:
        wh.con.register("_unresolved", unresolved)
        wh.execute("INSERT OR REPLACE INTO ref.unresolved_players BY NAME SELECT * FROM _unresolved")
        wh.con.unregister("_unresolved")
    keys_resolved = sum(m is not None for m in found.values())
    summary = NameResolution(len(frame), int(frame["player_id"].notna().sum()), len(found), keys_resolved, unresolved)
    return frame, summary


def resolve_source_tables(wh: Warehouse, source: str, specs: tuple[NameColumns, ...]) -> NameResolution:
    """Fill ``player_id`` in a source's raw tables where it is still NULL, and rebuild its queue.

    The names still unresolved after earlier runs are tried again (the registry may have learned
    them since), so the queue always counts every row that lacks an id, once.
    """
    parts = []
    for spec in specs:
        pending = wh.df(f"SELECT * FROM {spec.table} WHERE player_id IS NULL")
        if not pending.empty:
            parts.append((spec, pending, _name_rows(spec, pending)))
    if not parts:
        wh.execute("DELETE FROM ref.unresolved_players WHERE source = ?", [source])
        return NameResolution(0, 0, 0, 0, pd.DataFrame())
    with wh.transaction():
        resolved, summary = resolve_names(wh, source, pd.concat([p[2] for p in parts], ignore_index=True))
        offset = 0
        for spec, pending, _rows in parts:
            ids = resolved["player_id"].iloc[offset : offset + len(pending)].to_numpy()
            offset += len(pending)
            _write_ids(wh, spec, pending.assign(player_id=ids))
    return summary


_NOT_EXAMPLE = ["player_id", "content_hash", "payload_sha256", "ingested_utc"]


def _name_rows(spec: NameColumns, table: pd.DataFrame) -> pd.DataFrame:
    game = [f"{spec.table}:" + "|".join(map(str, row)) for row in table[list(spec.game)].itertuples(index=False)]
    return pd.DataFrame(
        {
            "player_name": table[spec.name],
            "teams": [
                tuple(t for t in row if isinstance(t, str) and t)
                for row in table[list(spec.teams)].itertuples(index=False)
            ],
            "game_date": table[spec.game_date] if spec.game_date else None,
            "season": table[spec.season] if spec.season else None,
            "game": game,
            "example": [
                _row_json({"table": spec.table, **r}) for r in table.drop(columns=_NOT_EXAMPLE).to_dict("records")
            ],
        }
    )


def _write_ids(wh: Warehouse, spec: NameColumns, rows: pd.DataFrame) -> None:
    context = [c for c in (spec.name, *spec.teams, spec.game_date, spec.season) if c]
    matched = rows.loc[rows["player_id"].notna(), [*context, "player_id"]].drop_duplicates(context)
    if matched.empty:
        return
    on = " AND ".join(f"t.{c} IS NOT DISTINCT FROM m.{c}" for c in context)
    wh.con.register("_resolved_ids", matched)
    wh.execute(
        f"UPDATE {spec.table} AS t SET player_id = m.player_id FROM _resolved_ids AS m"
        f" WHERE t.player_id IS NULL AND {on}"
    )
    wh.con.unregister("_resolved_ids")


def _resolve_source_name(
    index: PlayerIndex, full_names: dict[int, str], name: str, teams: tuple[str, ...], season: int
) -> Match | None:
    tokens = normalize(name).split()
    core = [t for t in tokens if t not in SUFFIXES]
    if len(core) != 1:
        return index.resolve(name, teams, season)
    surname, suffix = core[0], [t for t in tokens if t in SUFFIXES]
    same = [pid for pid, key in index.roster(teams, season).items() if key.split()[-1] == surname]
    if suffix:
        same = [pid for pid in same if full_names.get(pid, "").split()[-1:] == suffix[-1:]]
    return Match(same[0], "surname_only") if len(same) == 1 else None


def _team_tuple(value: object) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ()
    if isinstance(value, tuple | list):
        return tuple(str(v) for v in value if v)
    return tuple(t for t in str(value).replace(",", " ").split() if t)


def _seasons(frame: pd.DataFrame) -> pd.Series:
    """Season of each row: its game date's, else its season column, else the current season."""
    current = season_of(utcnow())
    dates = frame["game_date"] if "game_date" in frame else pd.Series(None, index=frame.index, dtype=object)
    given = frame["season"] if "season" in frame else pd.Series(None, index=frame.index, dtype=object)
    return pd.Series(
        [
            season_of(d) if pd.notna(d) else int(s) if pd.notna(s) else current
            for d, s in zip(dates, given, strict=True)
        ],
        index=frame.index,
        dtype="int64",
    )


def _row_json(row: dict[str, object]) -> str:
    clean = {k: (None if v is None or (isinstance(v, float) and pd.isna(v)) else v) for k, v in row.items()}
    return json.dumps(clean, ensure_ascii=False, sort_keys=True, default=str)


def _unresolved_rows(source: str, rows: pd.DataFrame) -> pd.DataFrame:
    """One queue row per unresolved name: how often, in how many games, when, where, one example."""
    if rows.empty:
        return pd.DataFrame()
    dates = pd.to_datetime(rows["game_date"], errors="coerce") if "game_date" in rows else None
    work = pd.DataFrame(
        {
            "name": rows["player_name"].astype(str),
            "game": rows["game"] if "game" in rows else rows["player_name"].astype(str) + rows["teams"].astype(str),
            "date": dates.dt.date if dates is not None else None,
            "teams": rows["teams"].map(" ".join),
            "example": rows["example"],
        }
    )
    grouped = work.groupby("name", sort=True)
    out = pd.DataFrame(
        {
            "occurrences": grouped.size(),
            "player_games": grouped["game"].nunique(),
            "first_date": grouped["date"].min(),
            "last_date": grouped["date"].max(),
            "teams": grouped["teams"].agg(lambda t: ", ".join(sorted({x for x in t if x})) or None),
            "example": grouped["example"].first(),
        }
    ).reset_index()
    out.insert(0, "source", source)
    out.insert(2, "name_key", out["name"].map(name_key))
    out["updated_utc"] = utcnow()
    return out


def resolve_after_scrape(wh: Warehouse, source: str, specs: tuple[NameColumns, ...]) -> tuple[int, str]:
    """A provider's ``finish`` step: resolve its new names, or say the registry is not there yet."""
    if not wh.scalar("SELECT count(*) FROM ref.players"):
        raise StepFailure(
            Category.DEPENDENCY_MISSING,
            f"{source}: the player registry is empty (import history, then `players refresh`); names stay queued",
        )
    summary = resolve_source_tables(wh, source, specs)
    return summary.rows_resolved, summary.message(source)
