"""Fees from hand-written sentences in several languages: what must be found and what must not."""

from __future__ import annotations

import pytest

from mercato.models import Fee
from mercato.understand import fees, lexicon, normalize, sentences
from mercato.understand.gazetteer import fold


def read(text: str, lang: str) -> tuple[list[fees.Amount], Fee | None, Fee | None]:
    """(amounts, article fee, fee of a claim about the whole text) of one text."""
    lex = lexicon.load(lang)
    fw = fees.fee_words(lex)
    folded, index = fold(normalize.protect_decimals(text))
    amounts = fees.find_amounts(text, folded, index, lex, fw)
    free = any(c.kind == "fee.free" for c in lex.find(folded))
    spans = [(_f(index, s), _f(index, e)) for s, e in sentences.spans(text)]
    claim = fees.fee_for(folded, amounts, spans, [0], [0], free=free, fw=fw)
    return amounts, fees.article_fee(amounts, free=free), claim


def _f(index: list[int], o: int) -> int:
    import bisect

    return bisect.bisect_left(index, o)


@pytest.mark.parametrize(("lang", "text", "eur"), [
    ("it", "Il Milan verserà 20 milioni di euro più 5 di bonus al Bayer.", 25.0),
    ("de", "Liverpool zahlt 63,5 Mio. Euro plus 10 Mio. Boni an Leverkusen.", 73.5),
    ("it", "Boniface arriva per 5 milioni per il prestito con diritto di riscatto a 24.", 29.0),
    ("el", "Η Μίλαν θα πληρώσει 12 εκατ. ευρώ για τον Γκόμεζ.", 12.0),
    ("de", "Der Klub zahlt zwanzig Millionen Euro für den Stürmer.", 20.0),
    ("fr", "Le montant s'élève à 42,5 millions d'euros, dont 6 millions d'euros de bonus.", 42.5),
    ("en", "Chelsea agreed a fee of €40.5m plus €2m in add-ons with Lyon.", 42.5),
    ("es", "El Barcelona pagará la cláusula de 60 millones de euros.", 60.0),
    ("nl", "Met bonussen komt het totaalbedrag uit op 65 miljoen euro.", 65.0),
    ("fr", "Kolo Muani à la Juve contre 55M€.", 55.0),
])
def test_the_euro_fee_is_read(lang: str, text: str, eur: float) -> None:
    _, art, claim = read(text, lang)
    assert art is not None and art.eur_m == pytest.approx(eur)
    assert claim is not None and claim.eur_m == pytest.approx(eur)


def test_a_release_clause_is_kept_and_flagged() -> None:
    _, art, _ = read("El Barcelona pagará la cláusula de 60 millones de euros.", "es")
    assert art is not None and art.kind == "release_clause"


def test_loan_plus_option_is_flagged_as_a_loan_fee() -> None:
    _, art, _ = read("Boniface arriva per 5 milioni per il prestito con diritto di riscatto a 24.", "it")
    assert art is not None and art.kind == "loan_fee" and art.addons_m == 24


@pytest.mark.parametrize(("lang", "text"), [
    ("it", "Theo firmerà un contratto da 18 milioni di euro a stagione con l'Al-Hilal."),
    ("en", "Sane will earn €10 million ($11.5 million) every year in Istanbul."),
    ("de", "Sané winkt ein Jahresgehalt von bis zu 15 Millionen Euro."),
    ("de", "Über zwei Millionen Fans schauten die Landung live."),
])
def test_a_salary_or_a_count_is_never_a_fee(lang: str, text: str) -> None:
    _, art, claim = read(text, lang)
    assert art is None and claim is None


def test_pounds_are_not_converted() -> None:
    amounts, art, _ = read("Liverpool have agreed a £35m deal for Guehi.", "en")
    assert [a.currency for a in amounts] == ["GBP"]
    assert art is not None and art.eur_m is None and art.currency == "GBP" and "35" in art.raw


def test_a_free_transfer_is_zero() -> None:
    _, _, claim = read("De Duitser gaat transfervrij de overstap maken naar Galatasaray.", "nl")
    assert claim is not None and claim.eur_m == 0.0 and claim.kind == "free"


def test_the_claim_fee_comes_from_the_sentences_about_the_claim() -> None:
    text = ("Cunha arrives for 75 million euros from Wolves. Mbeumo is wanted too: United offered 53 million euros. "
            "With bonuses the total comes to 65 million euros.")
    lex = lexicon.load("en")
    fw = fees.fee_words(lex)
    folded, index = fold(normalize.protect_decimals(text))
    amounts = fees.find_amounts(text, folded, index, lex, fw)
    spans = [(_f(index, s), _f(index, e)) for s, e in sentences.spans(text)]
    mbeumo = folded.index("mbeumo")
    fee = fees.fee_for(folded, amounts, spans, [1], [mbeumo], fw=fw, fallback=False)
    assert fee is not None and fee.eur_m == 65.0  # the stated total of the next sentence
    cunha = fees.fee_for(folded, amounts, spans, [0], [0], fw=fw, fallback=False)
    assert cunha is not None and cunha.eur_m == 75.0
    assert fees.fee_for(folded, amounts, spans, [], [], fw=fw, fallback=False) is None


@pytest.mark.parametrize(("lang", "text", "eur"), [
    # an add-on written as a bare number word after "plus" ("más otros tres en variables")
    ("es", "El club pagará 20 millones de euros más otros tres en variables.", 23.0),
    ("pt", "O clube vai receber 60 milhões de euros, mais dez em objetivos.", 70.0),
    ("ca", "Un acord per 55 milions d'euros més set en variables.", 62.0),
    # an add-on with a number word and "million" but no currency of its own, and a filler word before the unit
    ("de", "Die Kaufpflicht liegt bei 25 Millionen Euro plus fünf Millionen an Boni.", 30.0),
    ("de", "Die Sockelablöse beträgt 70 Millionen Euro, fünf weitere Millionen können an Boni folgen.", 75.0),
    ("sl", "Klub bo iztržil 14 milijonov evrov, zagotovil pa si je še dva milijona evrov bonusov.", 16.0),
    # a total that already holds its add-ons, spelt out in brackets
    ("fr", "Un transfert estimé à 80 millions d'euros (70 + 10 millions de bonus).", 80.0),
])
def test_add_ons_in_words_are_summed_once(lang: str, text: str, eur: float) -> None:
    _amounts, article, _claim = read(text, lang)
    assert article is not None and article.eur_m == pytest.approx(eur)


def test_a_number_word_before_a_bonus_word_alone_is_not_an_add_on() -> None:
    _amounts, article, _claim = read("El Betis pagará 20 millones de euros y un bonus por objetivos.", "es")
    assert article is not None and article.eur_m == pytest.approx(20.0)


def test_an_add_on_joins_the_figure_not_its_bracketed_conversion() -> None:
    _amounts, article, _claim = read("The club have paid a fixed fee of €6m (£5.1m) plus €2m (£1.7m) in add-ons.", "en")
    assert article is not None and article.eur_m == pytest.approx(8.0)


def test_teen_number_words_are_read() -> None:
    _amounts, article, _claim = read("Met de transfer is een bedrag van achttien miljoen euro plus vier miljoen euro "
                                     "aan bonussen gemoeid.", "nl")
    assert article is not None and article.eur_m == pytest.approx(22.0)


@pytest.mark.parametrize(("lang", "text"), [
    ("fr", "Lille demanderait 70 millions d'euros pour son défenseur."),
    ("nl", "De club is van mening dat de speler een waarde van honderd miljoen euro vertegenwoordigt."),
])
def test_an_asking_price_is_flagged(lang: str, text: str) -> None:
    _amounts, article, _claim = read(text, lang)
    assert article is not None and article.kind == "asking_price"


def test_a_free_move_stays_free_when_the_sentence_gives_only_a_wage() -> None:
    text = ("De speler komt transfervrij over. Hij gaat een jaarsalaris van elf miljoen euro per jaar verdienen. "
            "In 2020 betaalde Bayern zestig miljoen euro voor hem.")
    lex = lexicon.load("nl")
    fw = fees.fee_words(lex)
    folded, index = fold(normalize.protect_decimals(text))
    amounts = fees.find_amounts(text, folded, index, lex, fw)
    spans = [(_f(index, s), _f(index, e)) for s, e in sentences.spans(text)]
    fee = fees.fee_for(folded, amounts, spans, [1], [0], free=True, fw=fw)
    assert fee is not None and fee.eur_m == 0.0
