"""The reader on small texts written for the tests (never corpus texts)."""

from __future__ import annotations

from mercato.models import Stage
from mercato.understand import Reader, fees, lexicon, normalize
from mercato.understand.gazetteer import fold
from mercato.understand.language import detect_language
from tests.understand.conftest import art


def test_language_and_date_markers() -> None:
    assert normalize.clean(" date 2025-06-01 Il Milan ha chiuso") == "Il Milan ha chiuso"
    assert detect_language("Il Milan ha trovato l'accordo con il Liverpool per il difensore inglese.") == "it"
    assert detect_language("Di club don sign am, and dem dey happy say e go play for dem wey dey Istanbul.") == "pcm"


def test_english_claim_with_roles_stage_fee_and_source(reader: Reader) -> None:
    u = reader.read(art("Chelsea have completed the signing of striker Joao Pedro from Brighton for €60m, "
                        "according to Sky Sports. The Brazilian joins Chelsea on a seven-year contract."))
    assert u.lang == "en" and u.is_transfer
    c = u.claims[0]
    assert c.player == "João Pedro"  # the knowledge base's spelling
    assert c.to_club == "Chelsea"
    assert "Brighton" in (c.from_club or "")
    assert c.stage is Stage.DONE
    assert c.fee is not None and c.fee.eur_m == 60
    assert any("Sky" in s.name for s in u.citations)


def test_italian_negated_agreement_is_talks(reader: Reader) -> None:
    u = reader.read(art("Il Napoli tratta con la Lazio per Mattia Rossi: non c'è ancora l'accordo tra i club."))
    assert u.claims and u.claims[0].stage in (Stage.TALKS,)


def test_salary_is_never_a_fee() -> None:
    text = "He will earn 10 million euros per year at the club."
    lex = lexicon.load("en")
    from mercato.understand.fees import fee_words

    folded, index = fold(normalize.protect_decimals(text))
    amounts = fees.find_amounts(text, folded, index, lex, fee_words(lex))
    assert amounts and all(a.kind == "salary" for a in amounts)
    assert fees.article_fee(amounts, free=False) is None


def test_fee_with_decimals_and_pounds_kept_raw() -> None:
    lex = lexicon.load("en")
    from mercato.understand.fees import fee_words

    text = "The deal is worth £125m, or 63,5 milioni."
    folded, index = fold(normalize.protect_decimals(text))
    amounts = fees.find_amounts(text, folded, index, lex, fee_words(lex))
    assert any(a.currency == "GBP" and a.value_m == 125 for a in amounts)


def test_match_report_is_not_transfer_news(reader: Reader) -> None:
    u = reader.read(art("Arsenal beat Everton 3-1. Saka scored in the 12th minute, a penalty in the second half "
                        "and a late goal sealed the win; Arsenal climb to 40 points in the table after matchday 20."))
    assert not u.is_transfer
