from hypothesis import given
from hypothesis import strategies as st

from nbaprops.names import name_key, normalize
from nbaprops.reference.teams import all_teams, resolve_team


def test_name_key_ignores_accents_punctuation_and_suffixes() -> None:
    assert name_key("Nikola Jokić") == name_key("Nikola Jokic") == "nikola jokic"
    assert name_key("A.J. Green") == name_key("AJ Green") == "aj green"
    assert name_key("Jaren Jackson Jr.") == name_key("Jaren Jackson Jr") == "jaren jackson"
    assert name_key("Isaiah Stewart II") == "isaiah stewart"
    assert name_key("Shai Gilgeous-Alexander") == "shai gilgeous alexander"
    assert name_key("Kristaps Porziņģis") == "kristaps porzingis"


def test_name_key_keeps_a_two_word_name_that_looks_like_a_suffix() -> None:
    # "V" is a suffix only after a full name; a two-token name keeps both tokens.
    assert name_key("Jr Smith") == "jr smith"


@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "Zs", "Pd", "Po"]), max_size=40))
def test_name_key_is_idempotent(text: str) -> None:
    key = name_key(text)
    assert name_key(key) == key
    assert normalize(key.upper()) == normalize(key)


def test_every_spelling_the_sources_use_resolves() -> None:
    assert resolve_team("Los Angeles Clippers") == "LAC"
    assert resolve_team("LA Clippers") == "LAC"
    assert resolve_team("Golden State Warriors") == "GSW"
    assert resolve_team("GS") == "GSW"
    assert resolve_team("BRK") == "BKN"
    assert resolve_team("philadelphia 76ers") == "PHI"
    assert resolve_team("Melbourne United") is None
    assert resolve_team("") is None


def test_thirty_teams_with_unique_ids_and_codes() -> None:
    teams = all_teams()
    assert len(teams) == 30
    assert len({t.tricode for t in teams}) == 30
    assert len({t.team_id for t in teams}) == 30
