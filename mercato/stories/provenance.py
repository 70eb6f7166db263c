"""Who reported what first: re-reports (an article crediting another outlet or journalist), near-duplicate copies
(the same wire copy, a re-published or translated article) and the citation graph of a saga.

Copies are found by comparing an article only with the earlier articles of its own saga, through small sketches
kept with each report (a bottom-k of word shingles for same-language copies; the set of names and numbers for
translations), so the cost per article does not grow with the store.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mercato.stories.params import Params
from mercato.stories.records import Report, fold, source_key, stable_hash

log = logging.getLogger(__name__)

_NAME_OR_NUMBER = re.compile(r"(?<![\w])(?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’-]{2,}|\d+(?:[.,]\d+)?)")
_MAX_COMPARE = 300  # earlier reports a new one is compared with (a saga's most recent ones)


# ------------------------------------------------------------------------------------------------ sources


@functools.lru_cache(maxsize=1)
def _outlets() -> Any:
    try:
        from mercato.understand.gazetteer import load_outlets

        return load_outlets()
    except Exception:  # noqa: BLE001 - the gazetteer is optional here; unknown sources get the default prior
        log.debug("outlet gazetteer not available; sources keep their own names")
        return None


@functools.lru_cache(maxsize=65536)
def canonical_source(name: str, *, host: bool = False) -> str:
    """The gazetteer's name for a cited source or an outlet's hostname, else the name itself."""
    g = _outlets()
    if g is not None and name:
        try:
            found = g.by_domain(name) if host else g.resolve(name)
        except Exception:  # noqa: BLE001
            found = None
        if found:
            return found if isinstance(found, str) else found[0]
    return name


def source_kind(name: str, kind: str, p: Params) -> str:
    """outlet | journalist | agency | club (an official statement) | unnamed."""
    words = set(fold(name).split())
    if kind == "club" or words & p.official_words:
        return "club"
    if kind == "unnamed" or words & p.unnamed_words:
        return "unnamed"
    return kind or "outlet"


@functools.lru_cache(maxsize=65536)
def _tier(name: str) -> int | None:
    g = _outlets()
    if g is None:
        return None
    try:
        return g.tier(canonical_source(name))
    except Exception:  # noqa: BLE001
        return None


def source_prior(name: str, kind: str, p: Params) -> float:
    """Prior reliability of a source, from its tier in the outlets gazetteer."""
    if kind == "club":
        return p.official_prior
    if kind == "unnamed":
        return p.unnamed_prior
    tier = _tier(name)
    return p.tier_prior.get(int(tier), p.unknown_prior) if tier else p.unknown_prior


# ------------------------------------------------------------------------------------------------ copies


def text_signature(text: str, p: Params) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(bottom-k sketch of word shingles, hashes of names and numbers) of an article's text."""
    words = fold(text[:6000]).split()
    k = p.shingle_words
    shingles = {stable_hash(" ".join(words[i:i + k])) for i in range(max(0, len(words) - k + 1))}
    sketch = tuple(sorted(shingles)[: p.sketch_size])
    names = {stable_hash(fold(m)) for m in _NAME_OR_NUMBER.findall(text[:6000])}
    return sketch, tuple(sorted(names)[:96])


def resemblance(a: Sequence[int], b: Sequence[int], k: int) -> float:
    """Estimated Jaccard resemblance of two bottom-k sketches."""
    if not a or not b:
        return 0.0
    sa, sb = set(a), set(b)
    union = sorted(sa | sb)[:k]
    return sum(1 for h in union if h in sa and h in sb) / len(union)


def _names_similar(a: Report, b: Report, p: Params) -> bool:
    if len(a.names) < p.names_min or len(b.names) < p.names_min or a.stage != b.stage:
        return False
    sa, sb = set(a.names), set(b.names)
    return len(sa & sb) / len(sa | sb) >= p.names_jaccard


def is_copy(a: Report, b: Report, p: Params) -> bool:
    """True when ``b`` looks like a copy of ``a`` (same text, or the same names and numbers in another language)."""
    if resemblance(a.sketch, b.sketch, p.sketch_size) >= p.copy_jaccard:
        return True
    return a.lang != b.lang and _names_similar(a, b, p)


# ------------------------------------------------------------------------------------------------ provenance


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """Per report: whether it is original, what it copies and which independent group it belongs to."""

    original: dict[str, bool]
    copy_of: dict[str, str | None]
    group: dict[str, str]  # article key -> independent origin (a source key)
    group_source: dict[str, tuple[str, str]]  # origin -> (display name, kind)
    cites: dict[str, list[tuple[str, str]]]  # article key -> credited media sources (name, kind)
    graph: dict[str, Any]
    developments: list[dict[str, Any]]
    counts: dict[str, dict[str, Any]] = field(default_factory=dict)  # source key -> name, kind, originals, rere


def _outlet_name(r: Report) -> str:
    return canonical_source(r.outlet or "", host=True) or (r.outlet or "unknown")


def analyse(reports: Sequence[Report], p: Params) -> Provenance:
    """Provenance of a saga's reports (given in timeline order)."""
    original: dict[str, bool] = {}
    copy_of: dict[str, str | None] = {}
    group: dict[str, str] = {}
    group_source: dict[str, tuple[str, str]] = {}
    cites: dict[str, list[tuple[str, str]]] = {}
    nodes: dict[str, dict[str, str]] = {}
    edges: dict[tuple[str, str, str], dict[str, str]] = {}
    counts: dict[str, dict[str, Any]] = {}

    def node(name: str, kind: str) -> str:
        key = source_key(name, p) or fold(name) or "unknown"
        nodes.setdefault(key, {"id": key, "label": name, "kind": kind})
        return key

    def count(key: str, name: str, kind: str, what: str) -> None:
        c = counts.setdefault(key, {"name": name, "kind": kind, "originals": 0, "rereports": 0})
        c[what] += 1

    credited_once: set[tuple[str, str]] = set()
    for i, r in enumerate(reports):
        outlet = _outlet_name(r)
        okey = node(outlet, "outlet")
        media: list[tuple[str, str]] = []
        official: list[tuple[str, str]] = []
        for name, kind in r.cited:
            canon = canonical_source(name)
            kind = source_kind(canon, kind, p)
            ckey = source_key(canon, p)
            if kind == "club":
                official.append((canon, kind))
            elif ckey and ckey != okey and not (okey and (ckey in okey or okey in ckey)
                                                and min(len(ckey), len(okey)) > 4):
                media.append((canon, kind))  # (an outlet crediting itself, "own reporting", is not a re-report)
        cites[r.article_key] = media
        src = None
        for j in range(max(0, i - _MAX_COMPARE), i):
            if is_copy(reports[j], r, p):
                src = reports[j].article_key
                break
        copy_of[r.article_key] = src
        original[r.article_key] = not media and src is None
        for name, kind in media + official:
            k = node(name, kind)
            edges.setdefault((okey, k, "cites"), {"source": okey, "target": k, "kind": "cites"})
            if (k, r.stage) not in credited_once:
                credited_once.add((k, r.stage))
                count(k, name, kind, "originals")
        if src is not None:
            k = node(_outlet_name(next(x for x in reports if x.article_key == src)), "outlet")
            if k != okey:
                edges.setdefault((okey, k, "copy"), {"source": okey, "target": k, "kind": "copy"})
        count(okey, outlet, "outlet", "originals" if original[r.article_key] else "rereports")
        if official:
            g_name, g_kind = official[0]
        elif media:
            g_name, g_kind = media[0]
        elif src is not None:
            group[r.article_key] = group[src]
            continue
        else:
            g_name, g_kind = outlet, "outlet"
        gkey = source_key(g_name, p) or okey
        group[r.article_key] = gkey
        group_source.setdefault(gkey, (g_name, g_kind))
    developments: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for r in reports:
        d = seen.get(r.stage)
        if d is None:
            first_by = cites[r.article_key][0][0] if cites[r.article_key] else _outlet_name(r)
            d = {"stage": r.stage, "first": r.article_key, "first_by": first_by, "date": r.date, "rereports": 0}
            seen[r.stage] = d
            developments.append(d)
        else:
            d["rereports"] += 1
    graph = {"nodes": list(nodes.values()), "edges": list(edges.values())}
    return Provenance(original=original, copy_of=copy_of, group=group, group_source=group_source, cites=cites,
                      graph=graph, developments=developments, counts=counts)
