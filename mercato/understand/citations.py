"""Cited sources: outlets, journalists, agencies and club statements the article credits.

A gazetteer name (``data/outlets.tsv``) counts only where the text attributes something to it: an attribution
cue (``[attribution]`` of ``data/<lang>/sources.toml``: "according to", "secondo", "laut", "σύμφωνα με"...) in
the same sentence close to the name, a credit in brackets or after a dash ("(Sky Sport)", "— AFP"), a handle
("@FabrizioRomano"), or a journalist or agency (named in news only as sources). Names inside links, or in
"read more"-style lines, are not citations. A club is credited for its own statement when an ``official`` cue
sits right next to it ("Newcastle United announced", "sito ufficiale del Milan").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from typing import Any

from mercato.models import Citation
from mercato.understand.lexicon import Cue, Lexicon

_URLISH = re.compile(r"(?:https?://|www\.|/)\S*$")
_BRACKET = re.compile(r"[(\[]\s*$")
_DASH_BEFORE = re.compile(r"(?:^|\s)[—–-]\s+$")  # "… — AFP", not "Lausanne-Sport"
_QUOTE_BEFORE = re.compile(r"[\"'«“‘„]\s*$")
_QUOTE_AFTER = re.compile(r"^\s*[\"'»”’“]")
_LINK_WORD = re.compile(r"^\s*(?:'s?|’s?|of|at|from|van|von|di|de|du|da|del|della|dello|bei|für|per|for|på|i)?\s*$",
                        re.I)
_LINE_BREAKS = "\n"
NEAR_BEFORE = 90  # folded characters between a cue and the name after it ("according to reports from Sky")
NEAR_AFTER = 45  # and after ("Sky Sport reports", "Bild berichtet")
CLUB_BEFORE = 12  # "sito ufficiale del Milan"; a comma between club and cue breaks the link
CLUB_AFTER = 30  # "Newcastle United have confirmed", "il Milan ha annunciato"


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(text.rfind(ch, 0, start) for ch in ".!?\n") + 1
    his = [i for i in (text.find(ch, end) for ch in ".!?\n") if i >= 0]
    return lo, min(his) if his else len(text)


_NAME_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_NAME_PARTICLES = {"de", "da", "di", "van", "von", "del", "der", "dos", "le", "la"}


def _named_after_journalist_noun(text: str, index: list[int], cues: Sequence[Cue], hits: Sequence[Any],
                                 clubs: Sequence[Any], stop: set[str]) -> list[tuple[str, str, int]]:
    """People the text introduces as journalists ("the journalist Tom Bogert", "el periodista Juanmi Sánchez",
    "transferjournalist Mounir Boualin"): two or three capitalised words right after a journalist noun, when no
    gazetteer name or club is already there."""
    taken = [(h.start, h.end) for h in hits] + [(c.start, c.end) for c in clubs]
    out = []
    for cue in cues:
        if cue.kind != "attribution.journalist" or cue.end > len(index):
            continue
        pos = index[cue.end - 1] + 1
        words: list[tuple[int, int]] = []
        while len(words) < 3:
            m = _NAME_WORD.match(text, pos + 1) if text[pos:pos + 1] == " " else None
            if m is None:
                break
            word = m.group(0).rstrip(".")
            if word in stop or not word[0].isupper() and not (word in _NAME_PARTICLES and words):
                break
            words.append((m.start(), m.start() + len(word)))
            pos = m.start() + len(word)
            if pos < len(text) and text[pos] != " ":
                break
        while words and not text[words[-1][0]].isupper():
            words.pop()
        if len(words) < 2:
            continue
        start, end = words[0][0], words[-1][1]
        if any(s < end and start < e for s, e in taken):
            continue
        out.append((text[start:end], text[start:end], start))
    return out


_PHOTO = re.compile(r"getty|imago|shutterstock|\bfoto|\bphoto|\bimagen|\bimage\b|\bfotó|\bcredit", re.I)


def _photo_credit(text: str, h: Any, hits: Sequence[Any]) -> bool:
    """True when an agency is credited for a picture ("(Imagen: ANP a través de Getty Images)", "Anadolu via
    AFP"): a picture word on its line close by, or another agency joined to it by "via" or "/"."""
    lo = max(text.rfind("\n", 0, h.start) + 1, h.start - 60)
    hi = text.find("\n", h.end)
    hi = min(hi if hi >= 0 else len(text), h.end + 60)
    if _PHOTO.search(text[lo:hi]):
        return True
    return any(j is not h and j.kind == "agency" and re.fullmatch(r"\s*(?:via|/)\s*",
               text[min(h.end, j.end):max(h.start, j.start)], re.I) for j in hits if abs(j.start - h.start) < 40)


def _listed_lowercase(outlets: Any, h: Any) -> bool:
    """True when the gazetteer lists the name exactly as written in lowercase ("dpa", "tz")."""
    rec = outlets.get(h.name) if hasattr(outlets, "get") else None
    return rec is not None and h.surface in (rec.name, *rec.aliases)


def _in_link(text: str, start: int, end: int) -> bool:
    """True when the name is part of a URL or path ("https://www.sky.it/...", "sport.sky.it/calcio")."""
    tok_start = max(text.rfind(ch, 0, start) for ch in " \n\t") + 1
    tok_end_c = [i for i in (text.find(ch, end) for ch in " \n\t") if i >= 0]
    token = text[tok_start:min(tok_end_c) if tok_end_c else len(text)]
    return "://" in token or token.lower().startswith("www.") or token.count("/") >= 1


def find_citations(text: str, folded: str, index: list[int], outlets: Any, lex: Lexicon,
                   evidence_at: Callable[[int], str], clubs: Sequence[Any] = (), *, cues: Sequence[Cue] | None = None,
                   hits: Sequence[Any] | None = None) -> list[Citation]:
    """The sources the text credits (once each, in order): gazetteer names next to an attribution, and clubs
    next to an ``official`` cue. ``clubs`` are club hits (original offsets, ``name``) when known; ``cues``
    (``lex.find(folded)``) and ``hits`` (``outlets.find(text)``) when already found."""
    if cues is None:
        cues = lex.find(folded)
    cue_pos = sorted((c.start, c.end, c.kind) for c in cues if c.kind.startswith("attribution."))
    starts = [s for s, _, _ in cue_pos]

    def to_f(o: int) -> int:
        return bisect.bisect_left(index, o)

    def cue_near(fs: int, fe: int, lo: int, hi: int, before: int, after: int, kinds: tuple[str, ...],
                 clause: bool = False) -> bool:
        i = bisect.bisect_left(starts, max(lo, fs - before))
        while i < len(cue_pos) and cue_pos[i][0] < min(hi, fe + after):
            s, e, kind = cue_pos[i]
            if kind in kinds and (e <= fs or s >= fe):
                a, b = (e, fs) if e <= fs else (fe, s)
                if not clause or not any(ch in text[index[min(a, len(index) - 1)]:index[min(b, len(index) - 1)]]
                                         for ch in ",;:"):
                    return True
            i += 1
        return False

    out: dict[str, Citation] = {}
    if hits is None:
        hits = outlets.find(text)
    journalists = [j for j in hits if j.kind == "journalist"]
    for h in hits:
        if h.name in out:
            continue
        if not h.capitalised and h.surface.lower() == h.surface and len(h.surface) <= 4 \
                and not _listed_lowercase(outlets, h):
            continue  # "as", "sport" in running text, but the agency "dpa" is written so
        if _in_link(text, h.start, h.end) or (h.kind == "agency" and _photo_credit(text, h, hits)):
            continue
        so, eo = _sentence_bounds(text, h.start, h.end)
        fs, fe, lo, hi = to_f(h.start), to_f(h.end), to_f(so), to_f(eo)
        before = text[max(0, h.start - 4):h.start]
        after = text[h.end:h.end + 3]
        line_start = text.rfind("\n", 0, h.start) + 1
        line_end = text.find("\n", h.end)
        line = text[line_start:line_end if line_end >= 0 else len(text)].strip()
        credited = (
            h.kind in ("journalist", "agency")
            or h.surface.startswith("@")
            or bool(_BRACKET.search(before)) or bool(_DASH_BEFORE.search(before))
            or (bool(_QUOTE_BEFORE.search(before)) and bool(_QUOTE_AFTER.search(after)))  # the tabloid 'The Times'
            or line == h.surface  # a byline: the name alone on its line
            or (text[line_start:h.start].strip() == "" and after.lstrip().startswith(":"))  # "Gazzetta: ..."
            or any(_LINK_WORD.match(text[min(h.end, j.end):max(h.start, j.start)]) and j is not h
                   for j in journalists if abs(j.start - h.start) < 60)  # "Sky Sports News' Kaveh Solhekol"
            or cue_near(fs, fe, lo, hi, NEAR_BEFORE, NEAR_AFTER, ("attribution.cue",))
        )
        if credited:
            out[h.name] = Citation(name=h.name, kind=h.kind, surface=h.surface, evidence=evidence_at(h.start))
    stop = set(lex.words("names.stop")) | {"Of"}
    for name, surface, start in _named_after_journalist_noun(text, index, cues, hits, clubs, stop):
        if name not in out:
            out[name] = Citation(name=name, kind="journalist", surface=surface, evidence=evidence_at(start))
    for c in clubs:
        name = getattr(c, "name", None)
        if not name or name in out:
            continue
        so, eo = _sentence_bounds(text, c.start, c.end)
        fs, fe, lo, hi = to_f(c.start), to_f(c.end), to_f(so), to_f(eo)
        if cue_near(fs, fe, lo, hi, CLUB_BEFORE, CLUB_AFTER, ("attribution.official",), clause=True):
            out[name] = Citation(name=name, kind="club", surface=c.surface, evidence=evidence_at(c.start))
    return list(out.values())
