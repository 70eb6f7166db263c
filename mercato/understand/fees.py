"""Fees: number + unit + currency in any language, with add-ons, "up to" totals, and the words that make a
figure a salary (never a fee), a release clause, an asking price, a loan fee or a purchase option.

Amounts are read from the folded text (decimals protected: ``63,5`` → ``63p5``), currency symbols from the
original. Every cue is per-language data (``[fee]`` of ``data/<lang>/fees.toml``); numbers written in words
("zwanzig Millionen") come from ``data/numbers.toml``. A claim's fee is composed from the amounts of the
sentences about it (:func:`fee_for`): a stated total / "up to" figure first, else a loan fee plus its purchase
option, else the figure nearest the claim plus its add-ons. Only euro figures get ``eur_m``.
"""

from __future__ import annotations

import bisect
import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from mercato.models import Fee
from mercato.understand.gazetteer import fold_key
from mercato.understand.lexicon import Lexicon, alternation

# a number starts after a non-alphanumeric or right after a currency code ("eur20"); the pattern begins with its
# first digit (the test looks behind that digit) so the regex engine skips ahead to digits in C
_NUM = re.compile(r"(\d(?:(?<![a-z0-9]\d)|(?<=eur\d)|(?<=gbp\d)|(?<=usd\d))"
                  r"(?:\d{0,2}(?:p\d{3}){2,}|\d{0,3}(?:p\d{1,3})?))"
                  r"(?:\s?(m|mn|mln|bn|k))?(?:\s?(eur|gbp|usd)(?=[^a-z]|$))?(?![a-z0-9])")
_SYMBOL = {"€": "EUR", "£": "GBP", "$": "USD"}
_GLUE = {"di", "de", "d", "of", "van", "von", "ton", "des", "du", "do", "da"}  # "milioni di euro", "millions d'euros"
_PLUS = {"plus", "piu", "mas", "mais", "mes", "artı", "arti", "dazu", "more", "alem", "oltre"}
# "más otros tres", "fünf weitere Millionen", "plus još tri milijuna": words between an add-on and its number/unit
_MORE = {"otros", "outros", "altri", "autres", "weitere", "further", "another", "additional", "jos", "se",
         "altres"}  # "63,5 Mio. plus 10 Mio. Boni"
_BREAK = ".;!?\n•|"
_AND = {"and", "y", "e", "ed", "und", "et", "en", "ve", "si", "kai"}  # "un millón de euros y pagando su salario"
KINDS = ("fee", "salary", "release_clause", "asking_price", "option", "loan_fee", "addon", "included")
FEE_LISTS = ("million", "thousand", "euro", "pound", "dollar", "salary", "clause", "asking", "option", "addons",
             "upto", "total", "free", "loan_fee")


@dataclass(frozen=True, slots=True)
class Amount:
    start: int  # folded offsets
    end: int
    value_m: float
    currency: str | None
    kind: str  # one of KINDS ("included": an add-on already inside the figure before it)
    up_to: bool
    raw: str


def fee_words(lex: Lexicon) -> dict[str, set[str]]:
    """The folded ``fee.*`` lists of a lexicon (stems lose their ``*``)."""
    return {k: {fold_key(w.rstrip("*")) for w in lex.words(f"fee.{k}")} - {""} for k in FEE_LISTS}


@functools.lru_cache(maxsize=1)
def _number_words() -> dict[str, dict[str, float]]:
    path = Path(str(resources.files("mercato") / "data" / "numbers.toml"))
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {lang: {fold_key(k): float(v) for k, v in words.items()} for lang, words in data.items()}


@functools.lru_cache(maxsize=64)
def _lang_number_words(lang: str) -> dict[str, float]:
    """Number words of ``lang`` merged over English's."""
    return {**_number_words().get("en", {}), **_number_words().get(lang, {})}


@functools.lru_cache(maxsize=64)
def _word_regex(lang: str) -> re.Pattern[str] | None:
    words = _lang_number_words(lang)
    if not words:
        return None
    # the longest word that ends on a word end, as "|".join(longest first) would find; the character before it
    # is matched (``_numbers`` puts a space in front of the text) so the engine skips ahead to word starts
    return re.compile(r"[^a-z0-9](" + alternation(words) + r")")


def _has(window: str, words: set[str]) -> bool:
    window = " " + window + " "
    return any(f" {w} " in window for w in words)


def _clause_start(original: str, index: list[int], folded_pos: int, back: int) -> int:
    """The folded offset ``back`` characters before ``folded_pos``, not crossing a sentence break."""
    lo = max(0, folded_pos - back)
    if not index or folded_pos >= len(index):
        return lo
    seg = original[index[lo]:index[folded_pos]]
    cut = max(seg.rfind(ch) for ch in _BREAK)
    if cut < 0:
        return lo
    return bisect.bisect_left(index, index[lo] + cut + 1)


def _clause_end(original: str, index: list[int], folded_pos: int, ahead: int, n: int) -> int:
    hi = min(n, folded_pos + ahead)
    if not index or folded_pos >= len(index) or hi >= len(index):
        return hi
    seg = original[index[folded_pos]:index[hi]]
    cuts = [i for i in (seg.find(ch) for ch in _BREAK) if i >= 0]
    # a decimal point was protected before folding, so any "." left in the original here ends a sentence
    cuts = [i for i in cuts if not (seg[i] == "." and 0 < i < len(seg) - 1 and seg[i + 1].isdigit())]
    return bisect.bisect_left(index, index[folded_pos] + min(cuts)) if cuts else hi


def _numbers(folded: str, lang: str) -> list[tuple[int, int, float, str | None, str | None]]:
    """(start, end, value, glued unit, glued currency) of every number in digits or in words."""
    out = []
    for m in _NUM.finditer(folded):
        num = m.group(1)
        try:
            value = float(num.replace("p", "")) / 1e6 if num.count("p") >= 2 else float(num.replace("p", "."))
        except ValueError:
            continue
        unit = "m" if num.count("p") >= 2 and m.group(2) is None else m.group(2)
        out.append((m.start(), m.end(), value, unit, m.group(3)))
    rx = _word_regex(lang)
    if rx is not None:
        words = _lang_number_words(lang)
        out += [(m.start(1) - 1, m.end(1) - 1, words[m.group(1)], "w", None) for m in rx.finditer(" " + folded)]
    return sorted(out)


def find_amounts(original: str, folded: str, index: list[int], lex: Lexicon, fw: dict[str, set[str]]) -> list[Amount]:
    """Every money amount of the text (folded with decimals protected), with its kind and "up to" flag."""
    out: list[Amount] = []
    n = len(folded)
    for start, end, value, unit, glued in _numbers(folded, lex.lang):
        scale = {"m": 1.0, "mn": 1.0, "mln": 1.0, "bn": 1000.0, "k": 0.001}.get(unit or "")
        if unit == "m" and value >= 1000:  # "40.000.000" read as millions already
            scale = 1.0
        cur: str | None = glued.upper() if glued else None
        after = folded[end:end + 48].split()
        stop = end
        pos = end
        for w in after[:5]:
            pos = folded.find(w, pos) + len(w)
            if scale is None and w in fw["million"]:
                scale, stop = 1.0, pos
                continue
            if scale is None and w in fw["thousand"]:
                scale, stop = 0.001, pos
                continue
            code = "EUR" if w in fw["euro"] or w == "eur" else "GBP" if w in fw["pound"] or w == "gbp" else \
                "USD" if w in fw["dollar"] or w == "usd" else None
            if code:
                cur, stop = code, pos
                break
            if w in _GLUE or w in _MORE:
                continue
            break
        o = index[start] if start < len(index) else 0
        before = original[max(0, o - 3):o]
        for sym, code in _SYMBOL.items():
            if sym in before and not (code == "USD" and "R$" in before):
                cur = cur or code
        pre = folded[max(0, start - 5):start].split()
        if pre and pre[-1][-3:] in ("eur", "gbp", "usd"):
            cur = cur or pre[-1][-3:].upper()
        prev = out[-1] if out else None
        if prev is not None and len(out) > 1 and _is_conversion(original, index, out[-2], prev):
            prev = out[-2]  # "€6m (£5.1m) plus €2m": the add-on joins the figure, not its conversion
        bare_addon = False
        if scale is None and unit == "w":
            # "20 millones más otros tres en variables": a number word after "plus" and an amount, then add-ons
            if not (prev and 0 <= start - prev.end <= 30 and 2 <= value < prev.value_m
                    and _has(folded[prev.end:start], _PLUS) and _has(folded[end:min(n, end + 16)], fw["addons"])):
                continue
            scale, cur, bare_addon = 1.0, cur or prev.currency, True
        if cur is None and unit == "w" and prev is not None and prev.currency and 0 <= start - prev.end <= 45:
            cur = prev.currency  # "25 Millionen Euro plus fünf Millionen an Boni"
        if scale is None:
            # "più 5 di bonus", "+ 2 bonus": a bare number right after an amount, followed by an add-on word
            tail = folded[end:min(n, end + 16)]
            if prev and 0 <= start - prev.end <= 30 and _has(tail, fw["addons"]) and value < prev.value_m:
                scale, cur, bare_addon = 1.0, cur or prev.currency, True
            # "riscatto fissato a 24": a bare number after an option cue, in the same clause as an amount
            elif prev and 0 <= start - prev.end <= 60 and value < 400 and value == int(value) and \
                    _has(folded[max(prev.end, start - 30):start], fw["option"]):
                scale, cur = 1.0, cur or prev.currency
            else:
                continue
        if cur is None and unit == "w":
            continue  # "zwei Millionen Fans": a number in words is a fee only with its currency
        if cur is None and value > 300 and scale == 1.0 and unit is None and not after:
            continue
        value_m = value * scale
        if value_m <= 0 or value_m > 400 or (scale < 1 and value_m < 0.05):
            continue
        left = _clause_start(original, index, start, 70)
        right = _clause_end(original, index, stop, 40, n)
        near_left = folded[max(left, start - 40):start]
        kind = "fee"
        tail = folded[stop:min(right, stop + 22)].split()
        tail = tail[:next((i for i, t in enumerate(tail) if t in _AND), len(tail))]
        if _has(" ".join(tail), fw["salary"]) or _has(folded[max(left, start - 30):start], fw["salary"]):
            kind = "salary"
        elif _has(folded[left:start], fw["clause"]):
            kind = "release_clause"
        elif _has(folded[left:start], fw["asking"]):
            kind = "asking_price"
        if kind == "fee" and _has(near_left, fw["option"]):
            kind = "option"
        if kind == "fee" and _has(folded[max(left, start - 30):min(right, stop + 25)], fw["loan_fee"]):
            kind = "loan_fee"
        joined = prev is not None and 0 <= start - prev.end <= 45
        plus = joined and (_has(folded[prev.end:start], _PLUS) or "+" in original[index[prev.end - 1]:o])
        if bare_addon or (joined and (plus or _has(folded[stop:min(right, stop + 20)], fw["addons"]))
                          and _has(folded[prev.end:min(right, stop + 20)], fw["addons"])):
            kind = "salary" if prev and prev.kind == "salary" else \
                "included" if _has(folded[prev.end:start], fw["total"]) or _sums_to(folded[prev.end:start], value * (
                    scale or 1.0), prev) else "addon"
        up_to = _has(folded[max(left, start - 35):start], fw["upto"] | fw["total"])
        if cur is None and prev is not None and prev.currency and 0 <= start - prev.end <= 80:
            cur = prev.currency  # "€63.5m plus 10m in add-ons"
        raw = original[index[start]: index[min(stop, len(index)) - 1] + 1].strip() if index else str(value)
        out.append(Amount(start, stop, value_m, cur, kind, up_to, raw))
    return _conversions(out, original, index)


def _is_conversion(original: str, index: list[int], a: Amount, b: Amount) -> bool:
    """True when ``b`` is ``a`` in another currency, in brackets right after it ("€6m (£5.1m)")."""
    if not index or b.start - a.end > 6 or a.currency == b.currency or b.currency is None:
        return False
    return "(" in original[index[a.end - 1]:index[b.start]]


def _sums_to(between: str, value_m: float, prev: Amount | None) -> bool:
    """"80 millions (70 + 10 millions de bonus)": a bare base figure before the add-on that, with it, makes the
    amount before: the add-on is already inside that amount."""
    if prev is None:
        return False
    for tok in between.split():
        try:
            base = float(tok.replace("p", "."))
        except ValueError:
            continue
        if abs(base + value_m - prev.value_m) < 0.01:
            return True
    return False


def _conversions(amounts: list[Amount], original: str, index: list[int]) -> list[Amount]:
    """"€10m ($11.5m) a year": a figure and its conversion in brackets share a salary kind."""
    out = list(amounts)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if b.start - a.end > 4 or not index or "(" not in original[index[a.end - 1]:index[b.start]]:
            continue
        if "salary" in (a.kind, b.kind):
            out[i] = Amount(a.start, a.end, a.value_m, a.currency, "salary", a.up_to, a.raw)
            out[i + 1] = Amount(b.start, b.end, b.value_m, b.currency, "salary", b.up_to, b.raw)
    return out


def _compose(pool: list[Amount], anchors: Sequence[int]) -> Fee | None:
    """One fee from the amounts about one deal (salaries already removed)."""
    if not pool:
        return None

    def dist(a: Amount) -> int:
        return min((abs(a.start - p) for p in anchors), default=a.start)

    base = [a for a in pool if a.kind not in ("addon", "included")]
    if not base:
        return None
    ups = [a for a in base if a.up_to and a.kind in ("fee", "loan_fee", "option")]
    addons_m: float | None = None
    if ups:
        main = max(ups, key=lambda a: a.value_m)
        total, kind = main.value_m, "fee"
    else:
        loans = [a for a in base if a.kind == "loan_fee"]
        options = [a for a in base if a.kind == "option"]
        fees = [a for a in base if a.kind == "fee"]
        if options and (loans or fees):
            first = min(loans or fees, key=lambda a: abs(a.start - options[0].start))
            if abs(first.start - options[0].start) <= 160 and first.value_m < options[0].value_m:
                main = first
                addons_m = options[0].value_m
                return _fee(main, main.value_m + addons_m, "loan_fee", addons_m)
        ranked = fees or loans or [a for a in base if a.kind == "option"] or base
        main = min(ranked, key=dist)
        total, kind = main.value_m, {"release_clause": "release_clause", "asking_price": "asking_price",
                                     "option": "option", "loan_fee": "loan_fee"}.get(main.kind, "fee")
        extra = [a for a in pool if a.kind == "addon" and 0 < a.start - main.end <= 60]
        if extra:
            addons_m = extra[0].value_m
            total += addons_m
    return _fee(main, total, kind, addons_m)


def _fee(main: Amount, total: float, kind: str, addons_m: float | None) -> Fee:
    cur = main.currency or "EUR"
    return Fee(raw=main.raw, amount_m=main.value_m, currency=cur, eur_m=round(total, 2) if cur == "EUR" else None,
               addons_m=addons_m, up_to=main.up_to, kind=kind)


def _pool(amounts: Sequence[Amount]) -> list[Amount]:
    """The amounts a fee may come from: no salaries; euro ones when the text gives a euro figure."""
    cands = [a for a in amounts if a.kind != "salary"]
    euro = [a for a in cands if a.currency == "EUR"]
    if euro:
        return [a for a in cands if a.currency in ("EUR", None)]
    return cands


def article_fee(amounts: list[Amount], free: bool) -> Fee | None:
    """The transfer fee the article states (one per article): the first deal's figure composed as in
    :func:`fee_for`; a free transfer when no figure is given but a free-transfer cue is."""
    pool = _pool(amounts)
    if not pool:
        return _free() if free else None
    return _compose(pool, [pool[0].start])


def fee_for(folded: str, amounts: Sequence[Amount], sent_spans: Sequence[tuple[int, int]],
            sentence_ids: Sequence[int], anchors: Sequence[int] = (), *, free: bool = False,
            fw: dict[str, set[str]] | None = None, fallback: bool = True) -> Fee | None:
    """The fee of one claim: composed from the amounts of the claim's sentences (``sentence_ids``, indexes into
    ``sent_spans``, folded offsets), nearest to ``anchors`` (folded offsets of the player's and clubs' mentions);
    else from the sentence after each; else (``fallback``, for an article's main claim) from the whole text.
    A free-transfer cue in those sentences (or ``free`` for the article) gives 0 when no figure is found."""
    if not sent_spans:
        sent_spans = [(0, len(folded))]
    ids = sorted({i for i in sentence_ids if 0 <= i < len(sent_spans)})
    tiers = [ids, sorted({i + 1 for i in ids if i + 1 < len(sent_spans)} - set(ids))]
    for tier in tiers:
        spans = [sent_spans[i] for i in tier]
        inside = [a for a in amounts if any(s <= a.start < e for s, e in spans)]
        pool = _pool(inside)
        if pool:
            # "53 miljoen euro ... Met bonussen komt het totaalbedrag uit op 65 miljoen": the total just after
            nxt = {i + 1 for i in tier} - set(tier)
            top = max(a.value_m for a in pool)
            pool += [a for a in _pool(amounts) if a.up_to and a.value_m > top and a.kind == "fee" and
                     any(sent_spans[i][0] <= a.start < sent_spans[i][1] for i in nxt if i < len(sent_spans))]
            # add-ons cut off by a sentence split inside the figure ("63,5 Mio. Euro plus 10 Mio. Boni")
            pool += [a for a in amounts if a.kind in ("addon", "included") and a not in pool and
                     any(0 < a.start - b.end <= 60 for b in pool)]
            return _compose(pool, anchors or [s for s, _ in spans])
        if fw is not None and any(_has(folded[s:e], fw["free"]) for s, e in spans):
            return _free()
        if [a for a in inside if a.kind == "salary"]:
            if free:
                return _free()  # "transfervrij ... een jaarsalaris van elf miljoen": a free move and its wage
            break  # the sentences about the player give a salary: not a fee
    if fallback:
        pool = _pool(amounts)
        if pool:
            return _compose(pool, [pool[0].start])
    return _free() if free else None


def _free() -> Fee:
    return Fee(raw="free", amount_m=0.0, currency="EUR", eur_m=0.0, kind="free")
