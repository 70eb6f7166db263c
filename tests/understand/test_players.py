"""The player finder: which name spans become players, and under which name. Texts written for the tests."""

from __future__ import annotations

from mercato.understand import Reader
from mercato.understand.knowledge import knowledge

from .conftest import art


def player_names(reader: Reader, text: str) -> list[str]:
    return sorted({m.name for m in reader.read(art(text)).mentions if m.kind == "player"})


def test_a_misspelt_full_name_takes_the_known_spelling(reader: Reader) -> None:
    kb = knowledge()
    assert kb.nearest("alejando garnacho").name == "Alejandro Garnacho"  # a letter dropped in the first name
    assert kb.nearest("dean hujisen").name == "Dean Huijsen"  # two letters swapped in the surname
    assert "Alejandro Garnacho" in player_names(
        reader, "Napoli want Alejando Garnacho from Manchester United, who ask 50 million.")


def test_a_name_alike_in_no_way_finds_nobody() -> None:
    kb = knowledge()
    assert kb.nearest("giovanni verdissimo") is None
    assert kb.nearest("floriana virtsa", loose=True) is None  # consonants alike, the names not
    assert kb.nearest("matteo kabral", loose=True) is None  # a surname that only begins alike ("Kaba")


def test_a_transliterated_name_is_linked_to_the_known_player(reader: Reader) -> None:
    """Greek and Bulgarian write the sounds of a name: "Φακούντο Πελίστρι" reads Fakounto Pelistri,
    "Лионел Меси" Lionel Mesi."""
    assert knowledge().nearest("biorn enchels", loose=True).name == "Björn Engels"
    assert "Facundo Pellistri" in player_names(
        reader, "Ο Παναθηναϊκός συμφώνησε με τη Μάντσεστερ Γιουνάιτεντ για τον Φακούντο Πελίστρι.")
    assert "Lionel Messi" in player_names(reader, "Интер Маями обяви, че Лионел Меси остава в клуба.")


def test_a_surname_several_players_carry_is_a_player_when_written_alone_twice(reader: Reader) -> None:
    text = ("Marseille veut vendre Greenwood cet été. Plusieurs clubs suivent Greenwood, dont la Juventus et "
            "Barcelone.")
    assert "Greenwood" in player_names(reader, text)
    once = "Marseille veut vendre Greenwood cet été, la Juventus et Barcelone attendent."
    assert "Greenwood" not in player_names(reader, once)


def test_a_hyphenated_surname_alone_is_a_player(reader: Reader) -> None:
    kb = knowledge()
    assert {p.name for p in kb.surname["milinkovic savic"]} >= {"Sergej Milinković-Savić"}
    text = "L'Al-Hilal ha offerto 40 milioni alla Lazio per Milinkovic-Savic. Milinkovic-Savic ha detto sì."
    assert "Milinkovic-Savic" in player_names(reader, text)


def test_a_mononym_that_is_also_a_given_name_is_a_player_when_written_alone_twice(reader: Reader) -> None:
    text = "Real Betis quiere a Antony. El Manchester United pide 25 millones por Antony."
    assert "Antony" in player_names(reader, text)


def test_a_name_after_an_elided_article_is_found(reader: Reader) -> None:
    text = "El Girona vol tancar el fitxatge d'Ounahi, que juga al Marsella, aquesta setmana."
    assert "Azzedine Ounahi" in player_names(reader, text)


def test_a_korean_player_written_in_hangul_is_the_known_player(reader: Reader) -> None:
    """Hangul writes a Korean name as one word, particles glued on ("이강인은"), in Revised Romanization
    ("I Gang-in" for Lee Kang-in)."""
    from mercato.understand.skeletons import korean_index

    assert korean_index().name("손흥민") == "Son Heung-Min"
    assert korean_index().name("이강인") == "Lee Kang-In"
    assert korean_index().name("영입") is None  # "signing": two syllables, no name
    names = player_names(reader, "파리 생제르맹이 마요르카와 이강인의 이적에 합의했다. 이강인은 곧 메디컬 테스트를 받는다.")
    assert "Lee Kang-In" in names


def test_junior_written_jr_is_the_known_player(reader: Reader) -> None:
    assert knowledge().by_name("samuel iling jr").name == "Samuel Iling-Junior"
    names = player_names(reader, "La Juventus cede Samuel Iling Jr all'Aston Villa. Iling Jr partirà domani.")
    assert names == ["Samuel Iling-Junior"]
