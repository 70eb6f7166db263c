"""Every packaged language-data file is valid: columns, known kinds, clubs that exist, parsable rules.

Adding a language is adding files; these tests pick the new files up without being edited.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest

from mercato.understand import gazetteer, transliterate
from mercato.understand.gazetteer import CLUB_KINDS, OUTLET_KINDS, fold_key

DATA = Path(str(resources.files("mercato") / "data"))
ALIAS_FILES = sorted((DATA / "club_aliases").glob("*.tsv"))
TRANSLIT_FILES = sorted((DATA / "translit").glob("*.toml"))
LEAGUE_CODES = {"ENG1", "ITA1", "ESP1", "GER1", "FRA1", "POR1", "NED1", "TUR1", "GRE1", "BEL1", "SCO1", "KSA1", "MLS"}


def rows(path: Path) -> list[tuple[int, list[str]]]:
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, row in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
            if row and not row[0].startswith("#") and "".join(row).strip():
                out.append((lineno, row))
    return out


def clubs() -> dict[str, list[str]]:
    return {row[0]: row for _n, row in rows(DATA / "clubs.tsv")}


def test_clubs_file_columns_and_no_duplicates() -> None:
    seen: set[str] = set()
    for lineno, row in rows(DATA / "clubs.tsv"):
        assert len(row) == 3, f"clubs.tsv:{lineno}: {row}"
        name, country, league = row
        assert name == name.strip() and name, f"clubs.tsv:{lineno}"
        assert country.isupper() and len(country) == 3, f"clubs.tsv:{lineno}: country {country!r}"
        assert league and league == league.strip(), f"clubs.tsv:{lineno}"
        assert name not in seen, f"clubs.tsv:{lineno}: duplicate {name}"
        seen.add(name)


def test_every_required_league_is_covered() -> None:
    per_league: dict[str, int] = defaultdict(int)
    for row in clubs().values():
        per_league[row[2]] += 1
    for code in LEAGUE_CODES:
        assert per_league[code] >= 12, f"league {code} has only {per_league[code]} clubs"


def test_corpus_naming_convention() -> None:
    names = clubs()
    for club in ("AC Milan", "Inter Milan", "Bayern Munich", "Paris Saint-Germain", "Sporting CP", "Athletic Club",
                 "Al-Hilal", "Fenerbahçe", "Tottenham Hotspur", "Brighton & Hove Albion", "VfB Stuttgart",
                 "Olympiacos", "Wolverhampton Wanderers", "Lyon", "Club Brugge", "Lausanne-Sport"):
        assert club in names, club


@pytest.mark.parametrize("path", ALIAS_FILES, ids=lambda p: p.name)
def test_alias_file(path: Path) -> None:
    names = clubs()
    assert rows(path), f"{path.name} is empty"
    for lineno, row in rows(path):
        where = f"{path.name}:{lineno}"
        assert len(row) == 3, f"{where}: {row}"
        alias, club, kind = row
        assert alias and alias == alias.strip() and fold_key(alias.rstrip("*")), f"{where}: alias {alias!r}"
        assert club in names, f"{where}: unknown club {club!r}"
        assert kind in CLUB_KINDS, f"{where}: kind {kind!r} not in {CLUB_KINDS}"


def test_no_alias_means_two_clubs_unless_ambiguous() -> None:
    meanings: dict[str, dict[str, str]] = defaultdict(dict)  # folded alias -> club -> kind
    for path in ALIAS_FILES:
        for lineno, (alias, club, kind) in rows(path):
            meanings[fold_key(alias.rstrip("*"))].setdefault(club, f"{kind}@{path.name}:{lineno}")
    for name in clubs():
        meanings[fold_key(name)].setdefault(name, "name@clubs.tsv")
    for key, by_club in meanings.items():
        if len(by_club) > 1:
            plain = {c: k for c, k in by_club.items() if not k.startswith("ambiguous")}
            assert len(plain) <= 1, f"alias {key!r} means several clubs without kind=ambiguous: {by_club}"


def test_scripts_of_the_press_are_present() -> None:
    g = gazetteer.load_clubs()
    for surface, club in [("Μίλαν", "AC Milan"), ("Милан", "AC Milan"), ("밀란", "AC Milan"), ("ميلان", "AC Milan"),
                          ("Man Utd", "Manchester United"), ("Bayern München", "Bayern Munich"),
                          ("Barça", "Barcelona"), ("Λίβερπουλ", "Liverpool"), ("Ολυμπιακού", "Olympiacos")]:
        assert club in g.candidates(surface), surface


def test_outlets_file() -> None:
    seen: set[str] = set()
    surfaces: dict[str, str] = {}
    kinds: dict[str, int] = defaultdict(int)
    for lineno, row in rows(DATA / "outlets.tsv"):
        where = f"outlets.tsv:{lineno}"
        assert len(row) == 7, f"{where}: {row}"
        name, kind, domain, country, lang, tier, aliases = row
        assert kind in OUTLET_KINDS, f"{where}: kind {kind!r}"
        assert tier in {"1", "2", "3", "4"}, f"{where}: tier {tier!r}"
        assert name not in seen, f"{where}: duplicate {name}"
        assert not domain or ("." in domain and " " not in domain and "/" not in domain), f"{where}: {domain!r}"
        assert len(country) == 3 and (len(lang) in (2, 3)), where
        seen.add(name)
        kinds[kind] += 1
        for surface in [name, *filter(None, aliases.split("|"))]:
            key = fold_key(surface)
            assert key, f"{where}: empty alias"
            other = surfaces.setdefault(key, name)
            assert other == name, f"{where}: {surface!r} already names {other!r}"
    assert len(seen) >= 150
    assert kinds["journalist"] >= 30 and kinds["agency"] >= 8


@pytest.mark.parametrize("path", TRANSLIT_FILES, ids=lambda p: p.name)
def test_translit_file_parses(path: Path) -> None:
    table = transliterate.load_table(path)
    assert table.script in transliterate.SCRIPTS
    assert table.rules or table.hangul


def test_every_script_has_rules() -> None:
    assert {p.stem for p in TRANSLIT_FILES} >= set(transliterate.SCRIPTS)
