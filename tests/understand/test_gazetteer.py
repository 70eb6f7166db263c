"""The club and outlet gazetteers: folding, boundaries, scripts, ambiguity, and recall on the dev corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mercato.understand.gazetteer import fold, load_clubs, load_outlets

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "dev"


def found(text: str) -> list[tuple[str, str]]:
    return [(h.surface, h.name) for h in load_clubs().find(text)]


def test_fold_maps_every_char_back() -> None:
    text = "L’Équipe: Barça & Bayern München"
    folded, index = fold(text)
    assert folded == "l equipe barca bayern munchen"
    assert len(index) == len(folded)
    assert text[index[folded.index("munchen")]] == "M"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Η Μίλαν θα πάρει τον Γκόμεζ από τη Λίβερπουλ.", [("Μίλαν", "AC Milan"), ("Λίβερπουλ", "Liverpool")]),
        ("Ліверпуль планує, Ньюкасл не поспішає; рекорд Ліверпуля", [
            ("Ліверпуль", "Liverpool"), ("Ньюкасл", "Newcastle United"), ("Ліверпуля", "Liverpool")]),
        ("[BBC] 첼시, 맨유와 £40m에 가르나초 영입 합의.", [("첼시", "Chelsea"), ("맨유", "Manchester United")]),
        ("خسارته مع غريمه فيينورد روتردام", [("فيينورد", "Feyenoord")]),
        ("Man Utd beat Brighton and Hove Albion; Spurs and the Magpies", [
            ("Man Utd", "Manchester United"), ("Brighton and Hove Albion", "Brighton & Hove Albion"),
            ("Spurs", "Tottenham Hotspur"), ("Magpies", "Newcastle United")]),
        ("i rossoneri e la Vecchia Signora", [("rossoneri", "AC Milan"), ("Vecchia Signora", "Juventus")]),
        ("Die Werkself und die Königlichen", [("Werkself", "Bayer Leverkusen"), ("Königlichen", "Real Madrid")]),
        ("os Leões e as Águias", [("Leões", "Sporting CP"), ("Águias", "Benfica")]),
    ],
)
def test_finds_clubs_in_the_scripts_of_the_press(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_offsets_index_the_original_text() -> None:
    text = "Le PSG et l'Olympique de Marseille s'intéressent à Guéhi"
    for hit in load_clubs().find(text):
        assert text[hit.start : hit.end] == hit.surface
    assert found(text) == [("PSG", "Paris Saint-Germain"), ("Olympique de Marseille", "Marseille")]


def test_longest_leftmost_and_word_boundaries() -> None:
    assert found("Inter Miami and Inter Milan") == [("Inter Miami", "Inter Miami"), ("Inter Milan", "Inter Milan")]
    assert found("Interesting, realistic, milanese, Romanian") == []
    assert found("Manchester United's bid") == [("Manchester United", "Manchester United")]


def test_ambiguous_forms_carry_every_candidate_and_the_case() -> None:
    hits = load_clubs().find("United want a real striker; Real are interested and Inter too")
    by_surface = {h.surface: h for h in hits}
    assert by_surface["United"].kind == "ambiguous"
    assert {"Manchester United", "Newcastle United"} <= set(by_surface["United"].candidates)
    assert by_surface["real"].capitalised is False and by_surface["Real"].capitalised is True
    assert set(by_surface["Inter"].candidates) == {"Inter Milan", "Inter Miami"}


def test_short_all_caps_aliases_need_capitals() -> None:
    outlets = load_outlets()
    assert [h.name for h in outlets.find("as reported by AS, per AP")] == ["AS", "AP"]
    assert [h.name for h in load_clubs().find("om, OM")] == ["Marseille"]


def test_stem_aliases_match_inflected_forms() -> None:
    assert found("Баварія та Барселони") == [("Баварія", "Bayern Munich"), ("Барселони", "Barcelona")]


def test_resolve_club_and_lookup() -> None:
    clubs = load_clubs()
    assert clubs.resolve("bayern munchen") == "Bayern Munich"
    assert clubs.resolve("Nobody FC") is None
    assert clubs.club("Galatasaray").league == "TUR1"
    assert clubs.fuzzy("Manchester Untied") == "Manchester United"
    assert clubs.fuzzy("Qwerty Town") is None


def test_outlets_resolve_tier_and_domain() -> None:
    outlets = load_outlets()
    assert outlets.resolve("la Rosea") == ("La Gazzetta dello Sport", "outlet")
    assert outlets.resolve("Fabrizio Romano") == ("Fabrizio Romano", "journalist")
    assert outlets.resolve("Associated Press") == ("AP", "agency")
    assert outlets.tier("Fabrizio Romano") == 1
    assert outlets.tier("Daily Express") == 4
    assert outlets.tier("Nobody") is None
    assert outlets.by_domain("https://www.gazzetta.it/calciomercato/x.shtml") == "La Gazzetta dello Sport"
    assert outlets.by_domain("amp.theguardian.com") == "The Guardian"
    assert outlets.by_domain("example.org") is None
    text = "secondo Sky Sport Italia e L’Equipe, Di Marzio e BBC Sport"
    assert [h.name for h in outlets.find(text)] == ["Sky Sport", "L'Équipe", "Gianluca Di Marzio", "BBC Sport"]


def test_load_is_cached() -> None:
    """Loaded once per process (load time is measured by ``bench/understand.py``, never by a test)."""
    load_clubs.cache_clear()
    load_outlets.cache_clear()
    clubs, outlets = load_clubs(), load_outlets()
    assert len(clubs) > 300 and len(outlets) > 50
    assert load_clubs() is clubs and load_outlets() is outlets


def _corpus() -> list[tuple[dict, dict]]:
    if not (CORPUS / "labels.jsonl").exists():
        pytest.skip("shared dev corpus not present")
    articles = {}
    for line in (CORPUS / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        articles[article["id"]] = article
    labels = [json.loads(line) for line in (CORPUS / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    return [(articles[label["id"]], label) for label in labels]


def test_recall_of_labelled_clubs_on_the_dev_corpus() -> None:
    clubs, outlets = load_clubs(), load_outlets()
    total = hit = 0
    src_total = src_hit = 0
    for article, label in _corpus():
        found_clubs = {name for h in clubs.find(article["text"]) for name in h.candidates}
        found_sources = {h.name for h in outlets.find(article["text"])}
        for claim in label["claims"]:
            for key in ("from_club", "to_club"):
                if claim.get(key):
                    total += 1
                    hit += claim[key] in found_clubs
        for source in label.get("cited_sources", []):
            resolved = outlets.resolve(source.split(" (")[0])
            if resolved:  # official club statements and unnamed media are not in the outlet gazetteer
                src_total += 1
                src_hit += resolved[0] in found_sources
    recall = hit / total
    print(f"club recall {recall:.3f} ({hit}/{total}); cited-source recall {src_hit}/{src_total}")
    assert recall >= 0.95
    assert src_hit / src_total >= 0.85
