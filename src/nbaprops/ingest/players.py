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

from nbaprops.names import name_key
from nbaprops.warehouse.db import Warehouse, utcnow

FUZZY_CUTOFF = 88.0
FUZZY_MARGIN = 6.0


def season_of(game_date: pd.Timestamp | object) -> int:
    """Season start year: games from August to December belong to that year's season."""
    ts = pd.Timestamp(game_date)
    return ts.year if ts.month >= 8 else ts.year - 1


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
            " FROM raw.player_game_logs l JOIN ref.players p USING (player_id)"
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
    """Rebuild ref.players from the box scores (NBA.com ids are the registry's ids).

    Every spelling a player's box scores ever used is also kept as an alias, so a renamed player
    (``Kenyon Martin Jr.`` -> ``KJ Martin``) resolves under both names.
    """
    names = wh.df(
        "SELECT player_id, player_name, max(game_date) AS last_seen, min(game_date) AS first_seen"
        " FROM raw.player_game_logs GROUP BY player_id, player_name"
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
