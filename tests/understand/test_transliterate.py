"""Transliteration of names in Greek, Cyrillic, Hangul and Arabic script to their usual Latin spelling."""

from __future__ import annotations

from pathlib import Path

import pytest

from mercato.errors import UnderstandError
from mercato.understand.gazetteer import load_clubs
from mercato.understand.transliterate import load_table, script_of, to_latin


@pytest.mark.parametrize(
    ("name", "latin"),
    [
        ("Τζο Γκόμεζ", "Jo Gomez"),
        ("Ρέτσος", "Retsos"),
        ("Μπενφίκα", "Benfika"),
        ("Ρόμπερτσον", "Robertson"),
        ("Віктор Дьокереш", "Viktor Diokeresh"),
        ("Олександр Ісак", "Oleksandr Isak"),
        ("Александр Исак", "Aleksandr Isak"),
        ("Флоріан Вірц", "Florian Virts"),
        ("게히", "Gehi"),
        ("킨셀라", "Kinsella"),
        ("ليفربول", "lifrbul"),
    ],
)
def test_to_latin(name: str, latin: str) -> None:
    assert to_latin(name) == latin


def test_latin_text_is_untouched() -> None:
    assert to_latin("Viktor Gyökeres") == "Viktor Gyökeres"
    assert to_latin("") == ""


def test_mixed_scripts_keep_the_latin_parts() -> None:
    assert to_latin("Віктор Gyökeres") == "Viktor Gyökeres"


def test_unknown_script_falls_back_to_anyascii() -> None:
    assert to_latin("מסי") == "msy"


@pytest.mark.parametrize(
    ("text", "script"),
    [("Τζο", "greek"), ("Ісак", "cyrillic"), ("게히", "hangul"), ("ميلان", "arabic"), ("Gomez", "latin"),
     ("123", "latin"), ("ലിവർപൂൾ", "malayalam")],
)
def test_script_of(text: str, script: str) -> None:
    assert script_of(text) == script


def test_transliterated_club_names_reach_the_registry_by_fuzzy_matching() -> None:
    clubs = load_clubs()
    assert clubs.fuzzy(to_latin("Μπαρτσελόνα")) == "Barcelona"
    assert clubs.fuzzy(to_latin("Манчестер Юнайтед")) == "Manchester United"


def test_bad_rules_file_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "greek.toml"
    bad.write_text('[[rules]]\nfrom = "α"\nto = "a"\nwhere = "middle"\n', encoding="utf-8")
    with pytest.raises(UnderstandError, match="greek.toml"):
        load_table(bad)
    bad.write_text("not toml [", encoding="utf-8")
    with pytest.raises(UnderstandError, match="greek.toml"):
        load_table(bad)


def test_greek_names_in_the_genitive_are_read_in_the_nominative() -> None:
    from mercato.understand.players import find_players

    assert to_latin("Ρέτσου") == "Retsos"  # -ου at the end of a name: genitive of -ος
    assert to_latin("Ουρουγουάη").startswith("Ourou")  # inside a word, ου stays ou
    text = "Η μεταγραφή του Παναγιώτη Ρέτσου στη Λεβερκούζεν."
    names = {p.name for p in find_players(text, [], set(), set(), lang="el")}
    assert "Panagiotis Retsos" in names  # the given name gets back its -s when that is a known given name
