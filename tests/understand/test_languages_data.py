"""Every language's data is valid: adding a language is adding files, and this test checks them."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from mercato.understand import lexicon

DATA = Path(str(resources.files("mercato") / "data"))
REQUIRED = ["it", "en", "es", "de", "fr", "pt", "el", "tr", "nl", "ro", "ca", "sl", "no", "uk", "ko", "ar", "vi",
            "sw", "ml", "pcm"]


def test_the_required_languages_have_a_lexicon() -> None:
    assert set(REQUIRED) <= set(lexicon.available_languages())


@pytest.mark.parametrize("lang", lexicon.available_languages())
def test_each_lexicon_is_valid_and_compiles(lang: str) -> None:
    for path in sorted((DATA / lang).glob("*.toml")):  # cues.toml, fees.toml, sources.toml
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        for section, lists in raw.items():
            assert section in lexicon.SCHEMA, f"{path.name}: {section}"
            for name, cues in lists.items():
                assert name in lexicon.SCHEMA[section], f"{path.name}: {section}.{name}"
                assert len(cues) == len(set(cues)) or section == "names", \
                    f"duplicate cue in {lang}/{path.name} {section}.{name}"
    lex = lexicon.load(lang)
    assert lex.words("stage.done"), f"{lang} has no done cue"
    assert lex.words("fee.million") and lex.words("attribution.cue"), f"{lang} lost its fees.toml/sources.toml"
    assert lex.words("stage.interest")


def test_an_unknown_lexicon_list_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "cues.toml"
    bad.write_text('[stage]\nmaybe = ["perhaps"]\n', encoding="utf-8")
    with pytest.raises(Exception, match="unknown list stage.maybe"):
        lexicon._read(bad)


def test_cues_match_stems_and_whole_words() -> None:
    lex = lexicon.load("it")
    kinds = {c.kind for c in lex.find("la trattativa e saltata per le visite mediche")}
    assert {"stage.talks", "stage.collapsed", "stage.medical"} <= kinds
    assert not [c for c in lex.find("trattoria") if c.kind == "stage.talks"]


def test_ambiguity_rules_parse() -> None:
    rules = tomllib.loads((DATA / "ambiguity.toml").read_text(encoding="utf-8"))
    assert "default" in rules and "milan" in rules["forms"]


def test_a_language_can_refuse_english_false_friends() -> None:
    # Portuguese "no" is "in the" and Cyrillic "но" (but) folds to "no": neither may negate the cue after it
    for lang, text in (("pt", "contratado no mercado de janeiro"), ("ru", "но контракт подписан")):
        assert not [c for c in lexicon.load(lang).find(text) if c.kind == "modality.negation"], lang
    assert [c for c in lexicon.load("es").find("no hay acuerdo") if c.kind == "modality.negation"]
    assert "abandon*" not in lexicon.load("es").words("stage.collapsed")
    assert "abandon*" in lexicon.load("fr").words("stage.collapsed")


def test_function_words_are_no_stage_cues() -> None:
    # Italian reflexive "si" (folded like "sì") is no agreement; Portuguese reflexive "se" is no hedge
    assert not [c for c in lexicon.load("it").find("il giocatore si e trasferito") if c.kind == "stage.agreement"]
    assert not [c for c in lexicon.load("pt").find("vai juntar se ao clube") if c.kind == "modality.hedge"]


def test_merge_lists_only_skip_english(tmp_path: Path) -> None:
    bad = tmp_path / "cues.toml"
    bad.write_text('[merge]\nkeep_english = ["no"]\n', encoding="utf-8")
    with pytest.raises(Exception, match="unknown list merge.keep_english"):
        lexicon._read(bad)
