"""The Odds API parsers and endpoints, on the real captures in ../shared/data/samples."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import SAMPLES_DIR
from nbaprops.ingest.odds_api import parse_events, parse_game_lines, parse_player_props
from nbaprops.sources import odds_api
from nbaprops.sources.base import ParseError, Payload
from nbaprops.sources.scrape import day_values, make_request

EVENTS_2024 = SAMPLES_DIR / "oddsa_events_his" / "raw_4c3bc8f6.json"
EVENTS_2025 = SAMPLES_DIR / "oddsa_events_his" / "raw_aaf97612.json"
pytestmark = pytest.mark.skipif(not SAMPLES_DIR.exists(), reason="../shared/data/samples is not beside the checkout")
SPREADS_TOTALS = SAMPLES_DIR / "oddsa_game_lines_his" / "raw_b722994c.json"
MONEYLINE = SAMPLES_DIR / "odds_api_historical_game_lines" / "raw_9221b91f.json"
HANDMADE = SAMPLES_DIR / "handmade" / "oddsapi"
FETCHED = datetime(2025, 1, 20, 18, 0, 5)


def payload(path: Path, body: bytes | None = None, **params: str) -> Payload:
    return Payload("odds_api", "test", path.read_bytes() if body is None else body, "https://x", 200, FETCHED, params)


# ---------------------------------------------------------------------------- events
def test_historical_events_2024_01_25() -> None:
    frame = parse_events(payload(EVENTS_2024)).tables["raw.odds_events"]
    assert len(frame) == 10
    # Commence times are UTC: the first three tipped off on the evening of the 24th, Eastern.
    assert frame.groupby("game_date").size().to_dict() == {date(2024, 1, 24): 3, date(2024, 1, 25): 7}
    first = frame.iloc[0]
    assert first["event_id"] == "f137689983933840bf2f2a91278eb03b"
    assert (first["home_team"], first["away_team"], first["home"], first["away"]) == (
        "Dallas Mavericks",
        "Phoenix Suns",
        "DAL",
        "PHX",
    )
    assert first["commence_utc"] == datetime(2024, 1, 25, 1, 40)
    lakers = frame[frame["event_id"] == "c730256e4e3a2e3ce90c5f7b6de2039c"].iloc[0]
    assert (lakers["home"], lakers["away"], lakers["game_date"]) == ("LAL", "CHI", date(2024, 1, 25))


def test_historical_events_2025_03_09() -> None:
    frame = parse_events(payload(EVENTS_2025)).tables["raw.odds_events"]
    assert len(frame) == 16
    assert frame.groupby("game_date").size().to_dict() == {date(2025, 3, 9): 6, date(2025, 3, 10): 10}
    clippers = frame[frame["event_id"] == "22c7a88941d89c6c0c72f68194b0cf02"].iloc[0]
    assert (clippers["home_team"], clippers["home"], clippers["away"]) == ("Los Angeles Clippers", "LAC", "SAC")
    assert frame["home"].notna().all() and frame["away"].notna().all()


def test_live_events_and_the_empty_and_error_answers() -> None:
    frame = parse_events(payload(HANDMADE / "oddsa_events_raw.json")).tables["raw.odds_events"]
    assert frame["event_id"].tolist() == ["a1b2c3d4e5f6g7h8i9j0", "k1l2m3n4o5p6q7r8s9t0", "u1v2w3x4y5z6a7b8c9d0"]
    assert frame["game_date"].unique().tolist() == [date(2025, 1, 20)]
    empty = parse_events(payload(HANDMADE / "oddsa_events_empty.json"))
    assert empty.no_data and not empty.tables
    with pytest.raises(ParseError, match="error answer instead of data: 'Invalid API key'"):
        parse_events(payload(HANDMADE / "oddsa_events_error.json"))


def test_a_renamed_field_is_named_in_the_error() -> None:
    doc = json.loads(EVENTS_2024.read_text())
    for event in doc["data"]:
        event["start_time"] = event.pop("commence_time")
    with pytest.raises(ParseError) as caught:
        parse_events(payload(EVENTS_2024, json.dumps(doc).encode()))
    message = str(caught.value)
    assert "event f137689983933840bf2f2a91278eb03b" in message
    assert "'commence_time' is missing" in message and "start_time" in message


# ---------------------------------------------------------------------------- game lines
def test_historical_spreads_and_totals_in_decimal_become_american() -> None:
    result = parse_game_lines(payload(SPREADS_TOTALS))
    lines = result.tables["raw.odds_game_lines"]
    assert len(lines) == 8  # 2 books x (spread home/away + total over/under)
    assert set(lines["snapshot_utc"]) == {datetime(2024, 1, 25, 3, 55, 40)}  # the snapshot, not the fetch
    dk = lines[(lines["bookmaker"] == "draftkings")].set_index(["market", "side"])
    assert dk.loc[("spreads", "home"), "point"] == -6.5 and dk.loc[("spreads", "home"), "price_decimal"] == 1.83
    assert dk.loc[("spreads", "home"), "price_american"] == pytest.approx(-120.48)
    assert dk.loc[("spreads", "away"), "point"] == 6.5 and dk.loc[("spreads", "away"), "price_decimal"] == 1.91
    assert dk.loc[("totals", "over"), "point"] == 248.5
    assert dk.loc[("totals", "over"), "book_update_utc"] == datetime(2024, 1, 25, 3, 55, 22)
    fd = lines[(lines["bookmaker"] == "fanduel") & (lines["market"] == "totals")].set_index("side")
    assert fd.loc["over", "point"] == 247.5 and fd.loc["under", "price_decimal"] == 1.88
    assert set(lines["home"]) == {"GSW"} and set(lines["away"]) == {"ATL"}
    assert set(lines["game_date"]) == {date(2024, 1, 24)}
    assert result.tables["raw.odds_events"]["event_id"].tolist() == ["cd0bc7d0c238f4446ce1c03d0cea7ec4"]


def test_historical_moneyline() -> None:
    lines = parse_game_lines(payload(MONEYLINE)).tables["raw.odds_game_lines"].set_index(["bookmaker", "side"])
    assert len(lines) == 4 and lines["point"].isna().all()
    assert lines.loc[("draftkings", "away"), "price_decimal"] == 3.3
    assert lines.loc[("draftkings", "away"), "price_american"] == pytest.approx(230.0)
    assert lines.loc[("fanduel", "home"), "price_american"] == pytest.approx(-384.62)


def test_live_game_lines_in_american() -> None:
    lines = parse_game_lines(payload(HANDMADE / "oddsa_game_lines_raw.json", oddsFormat="american"))
    frame = lines.tables["raw.odds_game_lines"].set_index(["bookmaker", "market", "side"])
    assert len(frame) == 12
    assert frame.loc[("draftkings", "h2h", "home"), "price_american"] == -180
    assert frame.loc[("fanduel", "spreads", "away"), "price_american"] == -112
    assert frame.loc[("fanduel", "spreads", "away"), "point"] == 4.5
    assert set(frame["snapshot_utc"]) == {FETCHED}  # a live answer is as of its fetch


# ---------------------------------------------------------------------------- player props
def test_player_props_land_with_the_history_import_meaning() -> None:
    result = parse_player_props(payload(HANDMADE / "oddsa_player_props_raw.json", oddsFormat="american"))
    lines = result.tables["raw.prop_lines"]
    assert len(lines) == 5
    lebron = lines.set_index(["player_name", "market", "bookmaker"]).sort_index().loc[("LeBron James", "player_points")]
    assert lebron.loc["draftkings", ["line", "over_odds", "under_odds"]].tolist() == [25.5, -115.0, -105.0]
    assert lebron.loc["fanduel", ["line", "over_odds", "under_odds"]].tolist() == [25.5, -112.0, -108.0]
    davis = lines[(lines["player_name"] == "Anthony Davis") & (lines["market"] == "player_rebounds")].iloc[0]
    assert (davis["line"], davis["over_odds"], davis["under_odds"]) == (11.5, -120.0, 100.0)
    row = lines.iloc[0]
    assert (row["home"], row["away"], row["event_id"]) == ("LAL", "BOS", "a1b2c3d4e5f6g7h8i9j0")
    assert row["commence_utc"] == datetime(2025, 1, 21, 0, 30) and row["game_date"] == date(2025, 1, 20)
    assert row["snapshot_utc"] == FETCHED
    assert set(lines["market"]) == {"player_points", "player_rebounds", "player_assists"}


def test_player_props_without_lines_yet_are_no_data_but_keep_the_event() -> None:
    doc = json.loads((HANDMADE / "oddsa_player_props_raw.json").read_text())
    doc["bookmakers"] = []
    result = parse_player_props(payload(HANDMADE / "oddsa_player_props_raw.json", json.dumps(doc).encode()))
    assert result.no_data and "no player lines" in result.no_data
    assert len(result.tables["raw.odds_events"]) == 1


# ---------------------------------------------------------------------------- endpoint declarations
def test_past_days_use_historical_snapshots_and_today_the_live_market() -> None:
    today = date(2025, 1, 20)
    assert {e.name for e in odds_api.select_endpoints(date(2024, 1, 24), today)} == {
        "events_historical",
        "player_props_historical",
        "game_lines_historical",
    }
    assert {e.name for e in odds_api.select_endpoints(today, today)} == {"events", "player_props", "game_lines"}


def test_requests_follow_the_v4_api() -> None:
    by_name = {e.name: e for e in odds_api.ENDPOINTS}
    values = {**day_values(date(2024, 1, 24)), "event_id": "cd0bc7d0c238f4446ce1c03d0cea7ec4"}
    props = make_request(by_name["player_props_historical"], values, date(2024, 1, 24))
    assert props.url == (
        "https://api.the-odds-api.com/v4/historical/sports/basketball_nba/events/cd0bc7d0c238f4446ce1c03d0cea7ec4/odds"
    )
    assert props.params["markets"] == (
        "player_points,player_rebounds,player_assists,player_threes,player_points_rebounds_assists"
    )
    assert props.params["date"] == "2024-01-24T17:00:00Z" and props.params["oddsFormat"] == "american"
    lines = make_request(by_name["game_lines"], values, date(2024, 1, 24))
    assert lines.url == "https://api.the-odds-api.com/v4/sports/basketball_nba/odds"
    assert lines.params["markets"] == "h2h,spreads,totals"
    assert (lines.params["commenceTimeFrom"], lines.params["commenceTimeTo"]) == (
        "2024-01-24T05:00:00Z",
        "2024-01-25T04:59:59Z",
    )
    assert all(e.api_key_setting == "odds_api_key" and e.api_key_param == "apiKey" for e in odds_api.ENDPOINTS)
