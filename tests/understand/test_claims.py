"""Claims on small texts written for the tests (never corpus texts): suitors, possessive buyers, origins,
medicals still to come, clubs inside outlet names — as the hand-written rules read them (their claims are the
learned models' strongest features and give the article's main claim)."""

from __future__ import annotations

import pytest

from mercato.models import Stage
from mercato.understand import Reader
from tests.understand.conftest import art


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader(models=None)


def targets(u) -> dict[str, Stage]:
    return {c.to_club: c.stage for c in u.claims if c.player == "Lukas Brenner"}


def test_clubs_opened_by_a_list_word_are_suitors(reader: Reader) -> None:
    u = reader.read(art("Everton are in talks to sign Lukas Brenner from Hoffenheim. Lukas Brenner has attracted "
                        "interest from several clubs, including Fulham and Brentford."))
    t = targets(u)
    assert t.get("Everton") is Stage.TALKS
    assert t.get("Fulham") is Stage.INTEREST and t.get("Brentford") is Stage.INTEREST


def test_a_list_of_three_clubs_with_an_offer_cue_are_suitors_but_not_a_list_naming_the_buyer(reader: Reader) -> None:
    u = reader.read(art("Everton want Lukas Brenner from Hoffenheim. Lukas Brenner has offers from Fulham, "
                        "Brentford and Burnley."))
    assert {"Fulham", "Brentford", "Burnley"} <= set(targets(u))
    u = reader.read(art("Everton want Lukas Brenner from Hoffenheim. Talks between Hoffenheim, Fulham and "
                        "Everton are under way for Lukas Brenner."))
    assert "Fulham" not in targets(u)


def test_suitors_in_background_sentences_are_not_claims(reader: Reader) -> None:
    u = reader.read(art("Everton have signed Lukas Brenner from Hoffenheim. Fulham, Brentford and Burnley "
                        "previously held an interest in Lukas Brenner."))
    assert not {"Fulham", "Brentford", "Burnley"} & set(targets(u))


def test_a_possessive_club_before_a_buyer_noun_is_the_buyer(reader: Reader) -> None:
    u = reader.read(art("Hoffenheim have rejected Everton's latest bid for Lukas Brenner."))
    c = u.claims[0]
    assert (c.to_club, c.from_club, c.stage) == ("Everton", "TSG Hoffenheim", Stage.BID)


def test_club_then_player_noun_names_the_seller_even_after_a_signing_verb(reader: Reader) -> None:
    u = reader.read(art("Everton missed out on signing Hoffenheim captain Lukas Brenner after the deal collapsed."))
    c = u.claims[0]
    assert c.to_club == "Everton" and c.from_club == "TSG Hoffenheim"
    assert c.stage is Stage.COLLAPSED


def test_the_origin_can_come_from_a_sentence_without_the_player(reader: Reader) -> None:
    u = reader.read(art("Lukas Brenner will be a Fulham player. The fee is agreed. The forward is 24. "
                        "He scored twelve goals. He is fast. Fulham will not negotiate with Hoffenheim any "
                        "further, paying the clause instead."))
    c = u.claims[0]
    assert c.to_club == "Fulham" and c.from_club == "TSG Hoffenheim"


def test_a_medical_still_to_come_is_an_agreement(reader: Reader) -> None:
    u = reader.read(art("Lukas Brenner will undergo a medical at Fulham tomorrow after the clubs' agreement."))
    assert targets(u).get("Fulham") is Stage.AGREEMENT
    u = reader.read(art("Lukas Brenner is undergoing a medical at Fulham today."))
    assert targets(u).get("Fulham") is Stage.MEDICAL


def test_a_club_inside_an_outlet_name_is_not_a_club(reader: Reader) -> None:
    u = reader.read(art("Fulham are interested in Lukas Brenner, according to The Athletic."))
    assert "Athletic Club" not in {m.name for m in u.mentions if m.kind == "club"}
    assert any(s.name == "The Athletic" for s in u.citations)


def test_a_name_with_a_role_word_before_any_mention_is_not_a_player(reader: Reader) -> None:
    u = reader.read(art("Lukas Brenner wants Fulham, said Karl Vogt. Karl Vogt is excited. "
                        "Fulham coach Karl Vogt confirmed the interest."))
    assert "Karl Vogt" not in {c.player for c in u.claims}


def test_known_coaches_and_directors_are_not_players(reader: Reader) -> None:
    u = reader.read(art("Lukas Brenner is close to Fulham after falling out with Pep Guardiola, and Max Eberl "
                        "confirmed talks with Fulham."))
    assert {c.player for c in u.claims} == {"Lukas Brenner"}


def test_a_player_named_only_in_background_gets_no_claim(reader: Reader) -> None:
    u = reader.read(art("Fulham have paid a record fee. The previous record holder was Karl Brenner, who moved "
                        "from Hoffenheim to Everton in 2021."))
    assert "Karl Brenner" not in {c.player for c in u.claims}


def test_an_official_announcement_of_the_signing_is_done(reader: Reader) -> None:
    u = reader.read(art("El Fulham confirmó este viernes 30 de mayo el fichaje del defensor Lukas Brenner, "
                        "procedente del Hoffenheim."))
    assert targets(u).get("Fulham") is Stage.DONE
    assert any("Fulham" in s.name for s in u.citations)


def test_a_club_word_in_a_players_name_is_no_club() -> None:
    # "Milan" of Milan Škriniar is his first name, not AC Milan: neither a destination nor an origin
    for models in (None, "shipped"):
        u = Reader(models=models).read(art(
            "Milan Skriniar is close to Fenerbahce. Paris Saint-Germain accepted the offer for the defender."))
        mine = [c for c in u.claims if c.player == "Milan Škriniar"]
        assert mine and all("Milan" not in (c.to_club or "") + (c.from_club or "") for c in mine), mine
        assert any(c.to_club == "Fenerbahçe" for c in mine)
