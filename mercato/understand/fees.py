"""Fees: number + unit + currency in any language, with add-ons, "up to" totals, and the words that make a
figure a salary (never a fee), a release clause, an asking price or a loan option."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mercato.models import Fee
from mercato.understand.lexicon import Lexicon

_NUM = re.compile(r"(?:(?<![a-z0-9])|(?<=eur)|(?<=gbp)|(?<=usd))(\d{1,4}(?:p\d{1,3})?)(?:\s?(m|mn|mln|bn|k))?(?![a-z0-9])")
_SYMBOL = {"€": "EUR", "£": "GBP", "$": "USD"}


@dataclass(frozen=True, slots=True)
class Amount:
    start: int  # folded offsets
    end: int
    value_m: float
    currency: str | None
    kind: str  # fee | salary | release_clause | asking_price | option | loan_fee | addon
    up_to: bool
    raw: str


def _words_in(folded: str, start: int, end: int, words: set[str]) -> bool:
    window = " " + folded[max(0, start):end] + " "
    return any(f" {w} " in window for w in words)


def find_amounts(original: str, folded: str, index: list[int], lex: Lexicon, fw: dict[str, set[str]]) -> list[Amount]:
    """Every money amount of the text (folded with decimals protected)."""
    out: list[Amount] = []
    for m in _NUM.finditer(folded):
        num, unit = m.group(1), m.group(2)
        try:
            value = float(num.replace("p", "."))
        except ValueError:
            continue
        after = folded[m.end():m.end() + 40].split()
        cur: str | None = None
        scale = None
        if unit in ("m", "mn", "mln"):
            scale = 1.0
        elif unit == "bn":
            scale = 1000.0
        elif unit == "k":
            scale = 0.001
        k = 0
        for w in after[:4]:
            if scale is None and w in fw["million"]:
                scale = 1.0
                k += 1
                continue
            if w in fw["thousand"] and scale is None:
                scale = 0.001
                continue
            if w in fw["euro"] or w == "eur":
                cur = "EUR"
                break
            if w in fw["pound"] or w == "gbp":
                cur = "GBP"
                break
            if w in fw["dollar"] or w == "usd":
                cur = "USD"
                break
            if w in ("di", "de", "d", "of", "van", "von", "ton"):
                continue
            break
        o = index[m.start()] if m.start() < len(index) else 0
        before = original[max(0, o - 2):o]
        for sym, code in _SYMBOL.items():
            if sym in before:
                cur = cur or code
        pre = folded[max(0, m.start() - 5):m.start()].split()
        if pre and pre[-1] in ("eur", "gbp", "usd"):
            cur = cur or pre[-1].upper()
        if scale is None or (cur is None and scale is None):
            continue
        if cur is None and value > 300:
            continue
        value_m = value * scale
        if value_m <= 0 or value_m > 400:
            continue
        ctx_before = max(0, m.start() - 70)
        ctx_after = min(len(folded), m.end() + 45)
        kind = "fee"
        if _words_in(folded, ctx_before, ctx_after, fw["salary"]):
            kind = "salary"
        if _words_in(folded, ctx_before, m.start(), fw["clause"]):
            kind = "release_clause"
        elif _words_in(folded, ctx_before, m.start(), fw["asking"]):
            kind = "asking_price"
        if _words_in(folded, max(0, m.start() - 40), m.start(), fw["option"]):
            kind = "option"
        if _words_in(folded, max(0, m.start() - 25), min(len(folded), m.end() + 30), fw["addons"]) and \
                _words_in(folded, m.end(), min(len(folded), m.end() + 30), fw["addons"]):
            kind = "addon" if out and out[-1].end > m.start() - 30 else kind
        up_to = _words_in(folded, max(0, m.start() - 30), m.start(), fw["upto"])
        raw = original[index[m.start()]: index[min(m.end(), len(index)) - 1] + 1] if index else num
        out.append(Amount(m.start(), m.end(), value_m, cur, kind, up_to, raw))
    return out


def fee_words(lex: Lexicon) -> dict[str, set[str]]:
    from mercato.understand.gazetteer import fold_key

    return {k: {fold_key(w.rstrip("*")) for w in lex.words(f"fee.{k}")} for k in
            ("million", "thousand", "euro", "pound", "dollar", "salary", "clause", "asking", "option", "addons",
             "upto", "total", "free", "loan_fee")}


def article_fee(amounts: list[Amount], free: bool) -> Fee | None:
    """The transfer fee the article states: an "up to"/total figure first, else the first fee plus its add-ons."""
    fees = [a for a in amounts if a.kind not in ("salary",)]
    if not fees:
        return Fee(raw="free", amount_m=0.0, currency="EUR", eur_m=0.0, kind="free") if free else None
    euro = [a for a in fees if a.currency == "EUR"] or [a for a in fees if a.currency is None]
    pool = euro or fees
    main = next((a for a in pool if a.up_to and a.kind != "addon"), None)
    addons = None
    if main is None:
        main = next((a for a in pool if a.kind != "addon"), pool[0])
        nxt = [a for a in pool if a.kind == "addon" and 0 < a.start - main.end < 40]
        if nxt:
            addons = nxt[0].value_m
    cur = main.currency or ("EUR" if euro and main in euro else None)
    total = main.value_m + (addons or 0.0)
    kind = {"release_clause": "release_clause", "asking_price": "asking_price", "option": "option"}.get(main.kind, "fee")
    return Fee(raw=main.raw, amount_m=main.value_m, currency=cur, eur_m=round(total, 2) if cur == "EUR" else None,
               addons_m=addons, up_to=main.up_to, kind=kind)
