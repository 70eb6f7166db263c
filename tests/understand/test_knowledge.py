"""The player knowledge base (``data/players.tsv``) and the names it gives the player finder: canonical
spellings, mononyms, inflected surnames, names glued to a capitalised neighbour. Texts written for the tests."""

from __future__ import annotations

from mercato.understand import Reader
from mercato.understand.knowledge import knowledge
from mercato.understand.registry import PlayerRegistry

from .conftest import art


def players_of(reader: Reader, text: str) -> list[str]:
    return [c.player for c in reader.read(art(text)).claims]


def test_lookups_by_folded_full_name_spelling_surname_and_mononym() -> None:
    kb = knowledge()
    assert kb.by_name("rasmus hojlund").name == "Rasmus Højlund"
    assert kb.by_name("rasmus hoejlund").name == "Rasmus Højlund"  # German-style spelling
    assert kb.by_name("benjamin sesko").name == "Benjamin Šeško"
    assert kb.by_mononym("pedri").name == "Pedri"
    assert kb.by_surname("gyokeres").name == "Viktor Gyökeres"


def test_a_surname_shared_by_players_of_note_names_nobody() -> None:
    kb = knowledge()
    assert kb.by_surname("silva") is None
    assert kb.by_surname("hojlund").name == "Rasmus Højlund"  # the other Højlunds played no tournament


def test_an_inflected_surname_comes_back_to_the_known_one() -> None:
    kb = knowledge()
    assert kb.uninflect("modrica", ("a", "u", "om")) == "modric"
    assert kb.uninflect("seskom", ("om",)) == "sesko"
    assert kb.uninflect("szoboszlainak", ("nak", "t")) == "szoboszlai"


def test_a_known_name_takes_its_canonical_spelling(reader: Reader) -> None:
    assert players_of(reader, "Napoli have completed the signing of Rasmus Hojlund from Manchester United "
                              "on loan with an option to buy.") == ["Rasmus Højlund"]


def test_a_known_surname_alone_names_the_player(reader: Reader) -> None:
    assert players_of(reader, "Arsenal have agreed a fee with Sporting for Gyokeres, who will sign a five-year "
                              "contract.") == ["Viktor Gyökeres"]


def test_a_mononym_is_a_player(reader: Reader) -> None:
    assert "Rodrygo" in players_of(reader, "Liverpool have made an offer to Real Madrid for Rodrygo, "
                                           "according to reports in Spain.")


def test_a_given_name_alone_is_no_known_surname(reader: Reader) -> None:
    assert players_of(reader, "Antonio was not happy. West Ham have agreed a fee with Fulham.") == []


def test_a_croatian_inflected_surname_is_the_player(reader: Reader) -> None:
    assert players_of(reader, "AC Milan je postigao dogovor s Real Madridom oko transfera Modrića.") \
        == ["Luka Modrić"]


def test_a_hungarian_suffixed_surname_is_the_player(reader: Reader) -> None:
    assert players_of(reader, "A Liverpool megállapodott az RB Leipzig csapatával, Szoboszlainak ötéves "
                              "szerződést kínálnak.") == ["Dominik Szoboszlai"]


def test_a_conjunction_glued_to_a_known_name_is_split_off(reader: Reader) -> None:
    assert players_of(reader, "Hoewel Højlund nog niet getekend heeft, is Napoli het eens met Manchester "
                              "United.") == ["Rasmus Højlund"]


def test_a_headline_verb_glued_to_a_known_name_is_split_off(reader: Reader) -> None:
    assert players_of(reader, "Liverpool Confirm Florian Wirtz Signing From Bayer Leverkusen") == ["Florian Wirtz"]


def test_known_names_are_canonical_for_the_registry() -> None:
    assert PlayerRegistry.is_canonical("Pedri", "en")
    assert PlayerRegistry().resolve("Rasmus Højlund", "en") is None


def test_an_arabic_name_is_linked_to_the_base_by_its_consonants(reader: Reader) -> None:
    """Arabic writes no capitals and drops vowels: "كريم بنزيما" (Karim Benzema), "غرينوود" (Greenwood)."""
    from mercato.understand.skeletons import index, skeletons

    assert skeletons("bnzima") & skeletons("Benzema")
    assert skeletons("ghrinuud") & skeletons("Greenwood")
    assert index().name("karim", "bnzima") == "Karim Benzema"
    u = reader.read(art("انتقل المهاجم الفرنسي كريم بنزيما إلى نادي الاتحاد السعودي رسميا"))
    assert [m.name for m in u.mentions if m.kind == "player"][:1] == ["Karim Benzema"]


def test_ordinary_arabic_words_are_no_players(reader: Reader) -> None:
    u = reader.read(art("قال المدرب إن الفريق سيلعب المباراة المقبلة في الملعب الكبير يوم السبت"))
    assert [m.name for m in u.mentions if m.kind == "player"] == []
