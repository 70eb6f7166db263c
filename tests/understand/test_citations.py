"""Cited sources: credit what the text attributes, not every outlet name it contains."""

from __future__ import annotations

import pytest

from mercato.understand import Reader, lexicon, normalize
from mercato.understand.citations import find_citations
from mercato.understand.gazetteer import fold


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader.shared()


def cited(reader: Reader, text: str, lang: str) -> set[str]:
    folded, index = fold(normalize.protect_decimals(text))
    clubs = reader.clubs.find(text, folded, index)
    found = find_citations(text, folded, index, reader.outlets, lexicon.load(lang), lambda o: text[o:o + 20], clubs)
    return {c.name for c in found}


@pytest.mark.parametrize(("lang", "text", "source"), [
    ("it", "Secondo la Gazzetta dello Sport, il Milan ha chiuso per Boniface.", "La Gazzetta dello Sport"),
    ("de", "Laut Bild ist der Wechsel von Jackson zum FC Bayern perfekt.", "Bild"),
    ("fr", "Selon L'Équipe, Cherki a passé sa visite médicale.", "L'Équipe"),
    ("es", "Según AS, el Real Madrid pagará 10 millones.", "AS"),
    ("en", "Liverpool have agreed a deal, the BBC reports.", "BBC"),
    ("en", "Here we go, says Fabrizio Romano.", "Fabrizio Romano"),
    ("nl", "Dat meldt Sky Sports op zondag.", "Sky Sports"),
    ("it", "Nella serata di ieri il tabloid 'The Times' parlava di una trattativa.", "The Times"),
])
def test_an_attributed_source_is_credited(reader: Reader, lang: str, text: str, source: str) -> None:
    assert source in cited(reader, text, lang)


def test_a_club_statement_is_credited(reader: Reader) -> None:
    assert "Newcastle United" in cited(reader, "Newcastle United announced the signing of Woltemade.", "en")


@pytest.mark.parametrize(("lang", "text", "source"), [
    ("en", "Read the full story at https://www.bbc.co.uk/sport/football today.", "BBC"),
    ("en", "Enzo Kana-Biyik has joined Lausanne-Sport on loan.", "Sport"),
    ("en", "Isak was confirmed as a Liverpool player on Monday.", "Liverpool"),
    ("it", "Il Milan pensa a Boniface dopo la visita al Bayer.", "Sky Sport"),
])
def test_a_name_that_is_not_attributed_is_not_credited(reader: Reader, lang: str, text: str, source: str) -> None:
    assert source not in cited(reader, text, lang)


@pytest.mark.parametrize(("lang", "text", "source"), [
    ("de", "Das sagte der Sportdirektor laut kicker am Sonntag.", "Kicker"),  # an alias listed in lowercase
    ("de", "Der Wechsel ist perfekt. (dpa)", "dpa"),  # an agency whose name is lowercase
    ("ko", "미국 ESPN은 손흥민이 이적한다고 보도했다.", "ESPN"),  # a Latin name with a Hangul particle
    ("ko", "스페인 마르카에 따르면 이강인은 이적한다.", "Marca"),  # a Hangul alias, "따르면" after its particle
    ("es", "Como avanza el diario Marca, el brasileño jugará en el Betis.", "Marca"),
    ("nl", "Dat vertelde de directeur tegen het Algemeen Dagblad.", "Algemeen Dagblad"),
    ("it", "Intervistato da Il Messaggero, il presidente ha parlato del mercato.", "Il Messaggero"),
    ("no", "Bodø/Glimt vant kampen 2-0. (©NTB)", "NTB"),
])
def test_more_ways_of_crediting_a_source(reader: Reader, lang: str, text: str, source: str) -> None:
    assert source in cited(reader, text, lang)


def test_a_name_in_another_non_latin_script_is_not_an_alias(reader: Reader) -> None:
    # the Bulgarian outlet "Гонг" folds like the Korean "공" (ball): scripts must agree
    assert not [h for h in reader.outlets.find("그는 공 을 찼다") if h.name == "Gong.bg"]
    assert [h.name for h in reader.outlets.find("Гонг пише")] == ["Gong.bg"]


@pytest.mark.parametrize(("lang", "text", "source"), [
    ("es", "Así lo asegura el periodista Ramiro Quintana en la radio.", "Ramiro Quintana"),
    ("de", "Wie der Journalist Bruno Teixeira berichtet, ist der Wechsel nah.", "Bruno Teixeira"),
    ("en", "The move is close, according to journalist Anna van Dijk.", "Anna van Dijk"),
])
def test_a_person_introduced_as_a_journalist_is_credited(reader: Reader, lang: str, text: str, source: str) -> None:
    assert source in cited(reader, text, lang)


def test_a_journalist_noun_without_a_name_credits_nobody(reader: Reader) -> None:
    assert cited(reader, "The journalist said that Liverpool want him. Journalist Of The Year awards.", "en") == set()


@pytest.mark.parametrize("text", [
    "El extremo del club (Imagen: ANP a través de Getty Images) quiere salir.",
    "Milan Škriniar (© Serhat Cagdas / Anadolu via AFP) se dohodl s Fenerbahce.",
])
def test_an_agency_credited_for_a_picture_is_not_a_source(reader: Reader, text: str) -> None:
    assert cited(reader, text, "es") & {"ANP", "AFP", "Anadolu Ajansı"} == set()


def test_the_article_s_own_outlet_is_not_a_cited_source(reader: Reader) -> None:
    from dataclasses import replace

    from tests.understand.conftest import art

    text = "Secondo Sky Sport e come apprende la redazione di MilanNews.it, il Milan ha chiuso per Walker."
    page = replace(art(text), url="https://www.milannews.it/mercato/walker")
    names = {c.name for c in reader.read(page).citations}
    assert "Milan News" not in names and "Sky Sport" in names
    assert "Milan News" in {c.name for c in reader.read(art(text)).citations}
