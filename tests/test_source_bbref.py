"""Basketball Reference roster pages: the handmade fixtures (plain, suffixes, accents) and broken pages."""

from __future__ import annotations

from datetime import date

import pytest

from captures import assert_fits_its_tables, body, endpoint, needs_samples, parse, payload
from nbaprops.sources import bbref
from nbaprops.sources.base import ParseError

pytestmark = needs_samples

ROSTER = endpoint(bbref, "roster")
FIXTURES = "handmade/basketball_ref/"
KINGS_URL = "https://www.basketball-reference.com/teams/SAC/2025.html"


def test_the_lakers_roster_with_player_ids_from_the_links() -> None:
    roster = parse(ROSTER, FIXTURES + "br_roster_raw.html").tables["raw.bbref_rosters"]
    assert len(roster) == 6 and (roster["team"] == "LAL").all() and (roster["season"] == 2024).all()
    lebron = roster.set_index("bbref_player_id").loc["jamesle01"]
    assert lebron[["player_name", "number", "position", "weight", "birth_date", "experience"]].tolist() == [
        "LeBron James", "23", "SF", 250, date(1984, 12, 30), "21",
    ]  # fmt: skip
    assert lebron["college"] is None  # an empty cell
    assert roster.set_index("player_name").loc["Anthony Davis", "college"] == "Kentucky"


def test_suffixes_are_kept_as_printed_and_the_team_comes_from_the_url_when_the_heading_has_none() -> None:
    roster = parse(ROSTER, FIXTURES + "br_roster_suffix.html", url=KINGS_URL).tables["raw.bbref_rosters"]
    assert (roster["team"] == "SAC").all() and (roster["season"] == 2024).all()
    assert {"Kevin Porter Jr.", "Gary Payton II", "Jayson Tatum Jr.", "Moe Wagner"} <= set(roster["player_name"])
    assert roster.set_index("player_name").loc["Gary Payton II", "bbref_player_id"] == "paynega01"


def test_accented_names_are_kept_exactly() -> None:
    roster = parse(ROSTER, FIXTURES + "br_roster_unicode.html").tables["raw.bbref_rosters"]
    assert (roster["team"] == "WAS").all()
    assert roster.set_index("bbref_player_id")["player_name"].to_dict() == {
        "bertada01": "Dāvis Bertāns", "bogdabo01": "Bogdan Bogdanović", "jokicni01": "Nikola Jokić",
        "avdijde01": "Deni Avdija",
    }  # fmt: skip


def test_a_page_that_names_no_team_anywhere_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match=r"bbref\.roster: the page heading '2024-25 Team Roster' names no NBA team"):
        parse(ROSTER, FIXTURES + "br_roster_suffix.html")


def test_a_page_without_the_roster_table_or_its_player_column_is_a_parse_error() -> None:
    page = "<html><head><title>Page Not Found (404 error) | Basketball-Reference.com</title></head></html>"
    with pytest.raises(
        ParseError, match=r"bbref\.roster: no roster table \(table#roster\) on the page \('Page Not Found"
    ):
        ROSTER.parse(payload(ROSTER, page, status=404))
    renamed = body(FIXTURES + "br_roster_raw.html").replace(b"<th>Player</th>", b"<th>Name</th>")
    with pytest.raises(ParseError, match=r"bbref\.roster: the roster table has no Player column \(headers: No\., Name"):
        ROSTER.parse(payload(ROSTER, renamed))


def test_a_player_without_his_link_is_a_parse_error() -> None:
    unlinked = body(FIXTURES + "br_roster_raw.html").replace(
        b'<a href="/players/j/jamesle01.html">LeBron James</a>', b"LeBron James"
    )
    with pytest.raises(ParseError, match=r"player 'LeBron James' has no player link"):
        ROSTER.parse(payload(ROSTER, unlinked))


def test_rows_fit_the_raw_table_and_merge_idempotently(wh) -> None:
    assert_fits_its_tables(wh, ROSTER, parse(ROSTER, FIXTURES + "br_roster_raw.html"))


def test_request_keys_use_basketball_references_team_codes_and_season_years() -> None:
    keys = {k["team"]: k for k in bbref.request_keys(ROSTER, None, date(2025, 1, 15))}  # type: ignore[arg-type]
    assert len(keys) == 30
    assert (keys["BKN"]["bbref_team"], keys["CHA"]["bbref_team"], keys["PHX"]["bbref_team"]) == ("BRK", "CHO", "PHO")
    assert keys["LAL"]["season_end"] == "2025"
    assert ROSTER.url.format(**keys["BKN"]) == "https://www.basketball-reference.com/teams/BRK/2025.html"
