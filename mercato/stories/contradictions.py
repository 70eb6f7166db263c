"""Reports of one saga that cannot all be right: fees apart beyond a tolerance, a deal reported agreed (or done)
beside a report that it collapsed, and denials, each with both sides and their sources."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mercato.stories.params import Params
from mercato.stories.records import NEGATIVE, POSITIVE, Report, days_between

Sources = Callable[[Report], list[str]]


def _side(r: Report, value: Any, sources: Sources) -> dict[str, Any]:
    return {"article_key": r.article_key, "outlet": r.outlet, "date": r.date, "value": value, "sources": sources(r)}


def _fees_apart(a: float, b: float, p: Params) -> bool:
    d = abs(a - b)
    return d > p.fee_abs_tol and d > p.fee_rel_tol * max(abs(a), abs(b))


def fee_conflicts(reports: Sequence[Report], p: Params, sources: Sources) -> list[dict[str, Any]]:
    """Fees grouped into clusters within the tolerance; one entry per pair of neighbouring clusters."""
    with_fee = sorted((r for r in reports if r.fee_eur_m is not None and r.stage not in NEGATIVE),
                      key=lambda r: (r.fee_eur_m, r.order()))
    clusters: list[list[Report]] = []
    for r in with_fee:
        if clusters and not _fees_apart(clusters[-1][0].fee_eur_m, r.fee_eur_m, p):  # type: ignore[arg-type]
            clusters[-1].append(r)
        else:
            clusters.append([r])
    out = []
    for lo, hi in zip(clusters, clusters[1:], strict=False):
        a, b = lo[0], hi[0]
        out.append({"kind": "fee", "a": _side(a, a.fee_eur_m, sources), "b": _side(b, b.fee_eur_m, sources),
                    "note": f"fees of {a.fee_eur_m:g} and {b.fee_eur_m:g} M EUR reported "
                            f"({len(lo)} vs {len(hi)} report(s))"})
    return out[: p.max_per_kind]


def stage_conflicts(reports: Sequence[Report], p: Params, sources: Sources) -> list[dict[str, Any]]:
    """Every deal reported agreed/done beside a report that it collapsed, pairs at the same time (within
    ``near_days``) first, then those further apart (the later report is the newer word) and undated ones."""
    out = []
    pos = [r for r in reports if r.stage in POSITIVE]
    neg = [r for r in reports if r.stage == "collapsed"]
    seen: set[tuple[str, str]] = set()
    pairs = []
    for b in neg:
        for a in pos:
            gap = abs(days_between(a.lo, b.lo)) if a.lo and b.lo else None
            if gap is not None and gap <= p.near_days:
                note, near = f"{a.stage} and collapsed reported within {p.near_days} days", True
            elif gap is not None:
                later = "collapsed" if b.lo > a.lo else a.stage  # type: ignore[operator]
                note, near = f"{a.stage} and collapsed reported {gap} days apart (the later says {later})", False
            else:
                note, near = f"{a.stage} and collapsed both reported (a date is unknown)", False
            pairs.append((not near, gap if gap is not None else 10**6, a, b, note, near))
    pairs.sort(key=lambda t: (t[0], t[1], t[2].order(), t[3].order()))
    for _far, _gap, a, b, note, near in pairs:
        pair = (a.outlet or a.article_key, b.outlet or b.article_key)
        if pair in seen:
            continue
        seen.add(pair)
        out.append({"kind": "stage", "a": _side(a, a.stage, sources), "b": _side(b, b.stage, sources),
                    "note": note, "near": near})
        if len(out) >= p.max_per_kind:
            break
    return out


def denials(reports: Sequence[Report], p: Params, sources: Sources) -> list[dict[str, Any]]:
    """Each denial with the latest report it contradicts (made before it, by another article)."""
    out = []
    for b in reports:
        if b.stage != "denied":
            continue
        before = [a for a in reports if a.article_key != b.article_key and a.stage not in NEGATIVE
                  and (not b.lo or not a.hi or a.hi <= b.lo)]
        a = max(before, key=lambda r: (r.order(), r.stage in POSITIVE), default=None)
        if a is None:
            out.append({"kind": "denial", "a": None, "b": _side(b, b.stage, sources),
                        "note": "a report is denied (the denied report is not in the store)"})
        else:
            out.append({"kind": "denial", "a": _side(a, a.stage, sources), "b": _side(b, b.stage, sources),
                        "note": f"a {a.stage} report is denied"})
        if len(out) >= p.max_per_kind:
            break
    return out


def find(reports: Sequence[Report], p: Params, sources: Sources) -> list[dict[str, Any]]:
    return fee_conflicts(reports, p, sources) + stage_conflicts(reports, p, sources) + denials(reports, p, sources)
