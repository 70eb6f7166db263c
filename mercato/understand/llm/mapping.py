"""An LLM answer (validated against the schema) mapped to the records the offline reader gives.

Clubs go through the club gazetteer (exact alias, then a close spelling), players through the knowledge base
and the registry surnames, the language is detected locally. Every claim must quote the article: a claim whose
quote is not in the text, or a cited source whose name is not, is dropped and counted
(``dropped/llm/quote-not-in-text``, ``dropped/llm/source-not-in-text``): the model invents nothing that reaches
the board.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from mercato.models import Article, Citation, Claim, Fee, Stage, Understanding
from mercato.understand.folding import fold, fold_key

__all__ = ["MIN_QUOTE", "locate", "to_understanding"]

#: shortest quote (folded characters) that can stand as evidence
MIN_QUOTE = 12


def locate(quote: str, text: str, folded: tuple[str, list[int]] | None = None) -> int | None:
    """Where ``quote`` occurs in ``text`` (an offset in the original), comparing folded forms (case, accents,
    punctuation and spacing ignored); None when it is not there or too short to be evidence."""
    q = fold_key(quote)
    if len(q) < MIN_QUOTE:
        return None
    f, index = folded or fold(text)
    at = f.find(q)
    if at < 0:
        return None
    return index[at] if at < len(index) else None


def _sentence_at(text: str, spans: list[tuple[int, int]], pos: int, quote: str) -> str:
    starts = [s for s, _ in spans]
    i = bisect.bisect_right(starts, pos) - 1
    if 0 <= i < len(spans):
        s, e = spans[i]
        sentence = text[s:e].strip()
        if len(sentence) >= len(quote.strip()) or len(sentence) > 40:
            return sentence[:400]
    return quote.strip()[:400]


def player_name(name: str, surnames: dict[str, str] | None) -> str:
    """The canonical spelling of a player named by the model: the knowledge base's for a full name it knows; for
    one word, the registry's name with that surname, then a known mononym or the one player of note so named."""
    from mercato.understand.knowledge import knowledge

    name = " ".join(name.split())
    key = fold_key(name)
    kb = knowledge()
    if " " in key:
        return kb.canonical(name) or name
    if surnames and key in surnames:
        return surnames[key]
    p = kb.by_mononym(key) or kb.by_surname(key)
    return p.name if p else name


def club_name(name: str | None, clubs: Any) -> str | None:
    """The gazetteer's canonical name of a club named by the model (as named when the gazetteer lacks it)."""
    if not name or not name.strip():
        return None
    name = " ".join(name.split())
    return clubs.resolve(name) or clubs.fuzzy(name) or name


def _fee(c: dict[str, Any]) -> Fee | None:
    eur, raw = c.get("fee_eur_m"), (c.get("fee_raw") or "").strip()
    if eur is not None and (eur < 0 or eur > 1000):
        eur = None
    if eur is None and not raw:
        return None
    if eur is not None:
        return Fee(raw=raw or f"€{eur:g}m", amount_m=float(eur), currency="EUR", eur_m=float(eur),
                   kind="free" if eur == 0 else "fee")
    return Fee(raw=raw[:80])


def to_understanding(article: Article, text: str, lang: str, answer: dict[str, Any], *, reader: str, clubs: Any,
                     outlets: Any, surnames: dict[str, str] | None, note: Callable[[str], None],
                     version: str) -> Understanding:
    """The :class:`Understanding` an answer gives for ``text`` (the article as sent to the model)."""
    from mercato.understand import sentences

    folding = fold(text)
    spans = sentences.spans(text)
    claims: list[Claim] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for c in answer.get("claims", []):
        pos = locate(c.get("quote", ""), text, folding)
        if pos is None:
            note("dropped/llm/quote-not-in-text")
            continue
        player = player_name(c["player"], surnames)
        if not fold_key(player):
            note("dropped/llm/no-player")
            continue
        to_club, from_club = club_name(c.get("to_club"), clubs), club_name(c.get("from_club"), clubs)
        if from_club == to_club:
            from_club = None
        k = (fold_key(player), from_club, to_club)
        if k in seen:
            note("dropped/llm/duplicate-claim")
            continue
        seen.add(k)
        claims.append(Claim(player=player, from_club=from_club, to_club=to_club, stage=Stage.parse(c["stage"]),
                            fee=_fee(c), evidence=_sentence_at(text, spans, pos, c["quote"]), primary=not claims,
                            reader=reader))
    own = outlets.by_domain(article.url) if article.url else None
    citations: list[Citation] = []
    folded_text = " " + folding[0] + " "
    for s in answer.get("cited_sources", []):
        surface = " ".join(s["name"].split())
        if not fold_key(surface) or f" {fold_key(surface)} " not in folded_text:
            note("dropped/llm/source-not-in-text")
            continue
        found = outlets.resolve(surface)
        name, kind = (found[0], found[1]) if found else (surface, s["kind"])
        if name == own or any(x.name == name for x in citations):
            continue
        citations.append(Citation(name=name, kind=kind, surface=surface))
    is_transfer = bool(answer.get("is_transfer_news"))
    return Understanding(article_key=article.key, lang=lang, is_transfer=is_transfer,
                         transfer_score=1.0 if is_transfer else 0.0, claims=tuple(claims),
                         citations=tuple(citations), links=tuple({} for _ in claims), pipeline_version=version)
