"""A saga's status and the calibrated likelihood that the move happens, with the evidence that moved it.

Evidence is counted per *independent origin* (a credited source, an official statement, or an outlet's own
reporting; re-reports and copies join their origin), each origin's latest report weighted by how reliable the
origin has been on other resolved sagas (shrunk toward its tier prior) and by how recent it is; denials and
collapses pull down. Reliability is always given with the scored saga's own record taken out (leave one saga
out), so a saga's own outcome never feeds its own score.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mercato.stories.params import Params
from mercato.stories.provenance import Provenance, source_kind, source_prior
from mercato.stories.records import NEGATIVE, POSITIVE, STRENGTH, TERMINAL_DONE, Report, days_between

# (source key, name, kind) -> (reliability, resolved sagas behind it, prior)
Reliability = Callable[[str, str, str], tuple[float, int, float]]


def logit(x: float) -> float:
    x = min(1 - 1e-6, max(1e-6, x))
    return math.log(x / (1 - x))


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def shrunk(hits: float, n: float, prior: float, p: Params) -> float:
    """A source's record pulled toward its prior: (hits + m·prior) / (n + m)."""
    return (hits + p.shrinkage * prior) / (n + p.shrinkage) if n + p.shrinkage > 0 else prior


def prior_only(p: Params) -> Reliability:
    def rel(_key: str, name: str, kind: str) -> tuple[float, int, float]:
        pr = source_prior(name, kind, p)
        return pr, 0, pr

    return rel


@dataclass(frozen=True, slots=True)
class Status:
    status: str
    resolved: bool
    outcome: str | None
    evidence: Report | None


def _when(r: Report) -> str | None:
    return r.lo or r.hi


def _group_name(prov: Provenance, key: str, r: Report) -> tuple[str, str]:
    return prov.group_source.get(key, (r.outlet or key, "outlet"))


def _latest(reports: Sequence[Report], pred: Callable[[Report], bool] = lambda r: True) -> Report | None:
    cands = [r for r in reports if pred(r)]
    return max(cands, key=lambda r: (r.order(), STRENGTH.get(r.stage, 0)), default=None)


def status_of(reports: Sequence[Report], prov: Provenance, rel: Reliability, p: Params) -> Status:
    """Done / collapsed when terminal reports say so (weighted by source reliability, official statements and
    order in time), else the stage the latest reports agree on."""
    if not reports:
        return Status("interest", False, None, None)
    by_group: dict[str, list[Report]] = {}
    for r in reports:
        by_group.setdefault(prov.group.get(r.article_key, r.article_key), []).append(r)
    votes = {"done": 0.0, "collapsed": 0.0}
    best: dict[str, tuple[float, Report]] = {}
    for g, rs in by_group.items():
        last = _latest(rs, lambda r: r.stage in TERMINAL_DONE or r.stage == "collapsed")
        if last is None:
            continue
        name, kind = _group_name(prov, g, last)
        kind = source_kind(name, kind, p)
        w = rel(g, name, kind)[0] * (p.official_weight if kind == "club" else 1.0) * (p.hedged if last.hedged else 1)
        side = "done" if last.stage in TERMINAL_DONE else "collapsed"
        votes[side] += w
        if side not in best or w > best[side][0]:
            best[side] = (w, last)
    dated = [r for r in reports if r.lo]
    last_done = max((r.lo for r in dated if r.stage in TERMINAL_DONE), default=None)
    last_col = max((r.lo for r in dated if r.stage == "collapsed"), default=None)
    if last_done and last_col:  # the later word wins ties of weight
        votes["done" if last_done > last_col else "collapsed"] *= 2.0 if last_done != last_col else 1.0
    if votes["done"] > 0 and votes["done"] >= votes["collapsed"]:
        ev = best["done"][1]
        return Status(ev.stage, True, "done", ev)
    if votes["collapsed"] > 0:
        ev = best["collapsed"][1]
        revived = [r for r in dated if last_col and r.stage not in NEGATIVE
                   and days_between(last_col, r.lo) > p.near_days]  # type: ignore[arg-type]
        if revived:
            r = max(revived, key=lambda r: (r.order(), STRENGTH.get(r.stage, 0)))
            return Status(r.stage, False, None, r)
        return Status("collapsed", True, "collapsed", ev)
    recent = dated
    if dated:
        top = max(r.lo for r in dated)  # type: ignore[type-var]
        recent = [r for r in dated if days_between(r.hi, top) <= p.near_days]  # type: ignore[arg-type]
    recent = recent or list(reports)
    latest = _latest(recent)
    if latest is not None and latest.stage == "denied":
        return Status("denied", False, None, latest)
    ev = max(recent, key=lambda r: (STRENGTH.get(r.stage, 0) if r.stage not in NEGATIVE else 0, r.order()))
    return Status(ev.stage, False, None, ev)


def score(reports: Sequence[Report], prov: Provenance, rel: Reliability, base: float, p: Params,
          base_detail: str = "", status: Status | None = None) -> tuple[float, list[dict[str, Any]]]:
    """Likelihood that the move happens given these reports, and the explanation of it."""
    base = min(0.95, max(0.05, base))
    l0 = logit(base)
    expl: list[dict[str, Any]] = [{"factor": "base rate", "effect": round(base, 3),
                                   "detail": base_detail or "share of resolved sagas that ended with the move"}]
    if not reports:
        return base, expl
    times = [r.lo for r in reports if r.lo]
    now = max(times) if times else None
    groups: dict[str, list[Report]] = {}
    for r in reports:
        groups.setdefault(prov.group.get(r.article_key, r.article_key), []).append(r)
    terms: list[tuple[float, str, str]] = []
    for g, rs in groups.items():
        last = _latest(rs)
        assert last is not None
        name, kind = _group_name(prov, g, last)
        kind = source_kind(name, kind, p)
        r_src, n_res, prior = rel(g, name, kind)
        p_s = p.stage_p.get(last.stage, base)
        trust = r_src * p.reader_accuracy
        p_g = trust * p_s + (1 - trust) * base
        w = p.hedged if last.hedged else 1.0
        age = days_between(last.lo, now) if now and last.lo else 0
        w *= 0.5 ** (max(0, age) / p.half_life_days)
        if now and not last.lo:
            w *= p.undated
        eff = (logit(p_g) - l0) * w
        extra = len(rs) - 1
        detail = (f"{last.stage} ({last.date or 'undated'}, {last.outlet or '?'}); reliability of {name} "
                  f"{r_src:.2f} (prior {prior:.2f}, {n_res} other resolved saga(s))")
        if extra:
            detail += f"; {extra} more report(s) from the same origin not counted again"
        if age:
            detail += f"; {age} day(s) before the latest report"
        elif now and not last.lo:
            detail += "; undated, counted less"
        terms.append((eff, f"{name}: {last.stage}", detail))
    terms.sort(key=lambda t: -abs(t[0]))
    total = 0.0
    weighted = []
    if status is not None and status.resolved and p.status_weight > 0:
        eff = (logit(p.stage_p.get(status.status, base)) - l0) * p.status_weight
        total += eff
        weighted.append((eff, f"status: {status.status}", "the saga's reports, weighed together, say it ended so"))
    for i, (eff, factor, detail) in enumerate(terms):
        e = eff * p.damping ** i
        total += e
        weighted.append((e, factor, detail))
    from mercato.understand.learned import calibrate

    # Platt scaling fitted on out-of-fold likelihoods (mercato train): a shaky reading gives a hedged figure
    lk = min(1 - p.floor, max(p.floor, calibrate(sigmoid(l0 + total))))
    for e, factor, detail in weighted:
        if abs(e) < 1e-9:
            continue
        effect = sigmoid(l0 + total) - sigmoid(l0 + total - e)
        expl.append({"factor": factor, "effect": round(effect, 3), "detail": detail})
    return lk, expl


def contributions(reports: Sequence[Report], prov: Provenance, st: Status, p: Params) -> dict[str, list[Any]]:
    """What this saga adds to each source's record: source -> [kind, resolved, hits, originals, rereports, name].

    Only a resolved saga says whether a source was right: an origin whose latest directional report (agreed /
    medical / done / loan vs collapsed / denied) matches the outcome scores a hit.
    """
    out: dict[str, list[Any]] = {}
    for key, c in prov.counts.items():
        out[key] = [c["kind"], 0, 0, c["originals"], c["rereports"], c["name"]]
    if st.resolved and st.outcome in ("done", "collapsed"):
        groups: dict[str, list[Report]] = {}
        for r in reports:
            groups.setdefault(prov.group.get(r.article_key, r.article_key), []).append(r)
        for g, rs in groups.items():
            last = _latest(rs, lambda r: r.stage in POSITIVE or r.stage in NEGATIVE)
            if last is None:
                continue
            name, kind = _group_name(prov, g, last)
            row = out.setdefault(g, [source_kind(name, kind, p), 0, 0, 0, 0, name])
            row[1] += 1
            row[2] += int((last.stage in POSITIVE) == (st.outcome == "done"))
    return out
