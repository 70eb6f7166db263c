"""The given-names list (``data/first_names.txt``) is well formed and holds the names the player finder needs."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from mercato.understand.gazetteer import fold_key
from mercato.understand.players import first_names, trim_name

PATH = Path(str(resources.files("mercato") / "data" / "first_names.txt"))
NAME = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")  # one token; hyphenated or apostrophe compounds allowed


def lines() -> list[str]:
    return PATH.read_text(encoding="utf-8").splitlines()


def names() -> list[str]:
    return [x for x in lines() if not x.startswith("#")]


def test_header_comment_then_names_only() -> None:
    all_lines = lines()
    assert all_lines[0].startswith("# "), "the file starts with a comment header"
    first_name = next(i for i, x in enumerate(all_lines) if not x.startswith("#"))
    assert all(not x.startswith("#") for x in all_lines[first_name:]), "comments belong in the header only"


def test_no_empty_lines_and_no_duplicates() -> None:
    entries = names()
    assert all(x.strip() for x in lines()), "no empty lines"
    assert all(x == x.strip() for x in entries), "no surrounding whitespace"
    dupes = sorted({x for x in entries if entries.count(x) > 1})
    assert not dupes, f"duplicate lines: {dupes}"


def test_every_line_is_one_token_or_hyphenated() -> None:
    bad = [x for x in names() if not NAME.match(x)]
    assert not bad, f"not a single (hyphenated) name: {bad[:20]}"


def test_size() -> None:
    assert len(names()) >= 1500
    assert len(first_names()) >= 1500  # distinct folded keys the finder loads


def test_known_names_present_with_ascii_spellings() -> None:
    entries = set(names())
    for name in ("Joe", "Nicolas", "Florian", "Leroy", "Khvicha", "Kylian", "Lamine", "Jarell", "Jaydee",
                 "Miloš", "Milos", "Dušan", "Dusan", "Jérémie", "Jeremie", "Kang-in", "Takefusa", "Kaoru",
                 "Son", "Mohamed", "Achraf", "Arda", "Kerem", "Jean-Philippe", "N'Golo", "Ørjan", "Orjan"):
        assert name in entries, name


def test_diacritic_names_carry_their_ascii_spelling() -> None:
    entries = names()
    plain = {fold_key(x) for x in entries if x.isascii()}
    # every written form with diacritics has a plain-ASCII line too (Đorđe -> Djordje, the usual press spelling)
    missing = [x for x in entries if not x.isascii()
               and fold_key(x) not in plain and fold_key(x.replace("đ", "dj").replace("Đ", "Dj")) not in plain]
    assert not missing, missing[:20]


def test_risky_common_words_left_out() -> None:
    keys = {fold_key(x) for x in names()}
    risky = {"will", "may", "rose", "grace", "hope", "sunny", "bill", "art", "guy", "said", "per", "tor", "tore",
             "can", "sol", "papa", "vince", "ante", "till", "bright", "prince", "mate", "german", "the", "van"}
    assert not keys & risky, sorted(keys & risky)


def test_finder_keeps_names_led_by_a_first_name() -> None:
    every_word = lambda w: True  # noqa: E731 - treat every word as a dictionary word
    assert trim_name(["Mason", "Mount"], every_word, set()) == ["Mason", "Mount"]
    assert trim_name(["Kyle", "Walker"], every_word, set()) == ["Kyle", "Walker"]
    assert trim_name(["Mundial", "Clubes"], every_word, set()) == []
