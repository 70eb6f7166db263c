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
    current = [r for r in reports if not r.background]
    if not current:  # only background mentions ("came close to joining … in 2022"): they set no status
        return Status("background", False, None, None)
    reports = current
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


def _when_placed(r: Report) -> str | None:
    """The day a report is placed on: its earliest possible publication day, else (undated) the day it was
    ingested (its latest possible publication day)."""
    return r.lo or r.hi


def score(reports: Sequence[Report], prov: Provenance, rel: Reliability, base: float, p: Params,
          base_detail: str = "", status: Status | None = None) -> tuple[float, list[dict[str, Any]]]:
    """Likelihood that the move happens given these reports, and the explanation of it.

    The explanation lists the terms of the computation itself, in log-odds: the base rate, the resolved status,
    each independent origin (weighted and damped), the calibration step and the floor. They add up to the
    logit of the likelihood shown. Each row also carries ``effect``, the change in probability when its term
    is added to the rows above it (the base row: the base rate itself), so the effects add up to the shown
    likelihood too, and ``after``, the running figure.
    """
    base = min(0.95, max(0.05, base))
    l0 = logit(base)
    terms: list[tuple[float, str, str, str]] = [
        (l0, "base rate", base_detail or "share of resolved sagas that ended with the move", "base")]
    if not reports:
        return _explained(base, terms)
    times = [r.lo for r in reports if r.lo]
    now = max(times) if times else None
    groups: dict[str, list[Report]] = {}
    for r in reports:
        groups.setdefault(prov.group.get(r.article_key, r.article_key), []).append(r)
    origins: list[tuple[float, str, str]] = []
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
        when = _when_placed(last)
        age = max(0, days_between(when, now)) if now and when else 0
        w *= 0.5 ** (age / p.half_life_days)
        if now and not last.lo:
            w *= p.undated
        if last.background:
            w *= p.background
        eff = (logit(p_g) - l0) * w
        extra = len(rs) - 1
        shown = last.date or (f"undated, ingested {last.hi}" if last.hi else "undated")
        detail = (f"{last.stage} ({shown}, {last.outlet or '?'}); reliability of {name} "
                  f"{r_src:.2f} (prior {prior:.2f}, {n_res} other resolved saga(s))")
        if extra:
            detail += f"; {extra} more report(s) from the same origin not counted again"
        if age:
            detail += f"; {age} day(s) before the latest report"
        if now and not last.lo:
            detail += f"; undated, counted ×{p.undated:g} and placed by the day it was ingested"
        if last.background:
            detail += f"; a background mention, counted ×{p.background:g}"
        origins.append((eff, f"{name}: {last.stage}", detail))
    origins.sort(key=lambda t: -abs(t[0]))
    if status is not None and status.resolved and p.status_weight > 0:
        eff = (logit(p.stage_p.get(status.status, base)) - l0) * p.status_weight
        terms.append((eff, f"status: {status.status}", "the saga's reports, weighed together, say it ended so",
                      "status"))
    for i, (eff, factor, detail) in enumerate(origins):
        damp = p.damping ** i
        terms.append((eff * damp, factor, detail + (f"; the {_ordinal(i + 1)} strongest origin, counted ×{damp:.2f}"
                                                    if i else ""), "origin"))
    z = sum(t[0] for t in terms)
    from mercato.understand.learned import active, calibrate

    # Platt scaling fitted on out-of-fold likelihoods (mercato train): a shaky reading gives a hedged figure
    cal = calibrate(sigmoid(z))
    zc = logit(cal)
    if abs(zc - z) > 1e-9:
        m = active()
        ab = getattr(m, "calibration", None)
        how = f"×{ab[0]:.3f} {ab[1]:+.3f} on the log-odds" if ab else "learned"
        terms.append((zc - z, "calibration", f"Platt scaling fitted on out-of-fold likelihoods ({how})",
                      "calibration"))
    lk = min(1 - p.floor, max(p.floor, cal))
    if lk != cal:
        terms.append((logit(lk) - zc, "floor", f"likelihoods are kept within {p.floor:.0%} and {1 - p.floor:.0%}",
                      "floor"))
    return _explained(lk, terms)


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _explained(lk: float, terms: list[tuple[float, str, str, str]]) -> tuple[float, list[dict[str, Any]]]:
    """The explanation rows of these log-odds terms (which sum to logit(lk)); ``effect`` telescopes to the
    likelihood rounded as stored (4 decimals)."""
    rows: list[dict[str, Any]] = []
    cum, before = 0.0, 0.0
    for i, (e, factor, detail, kind) in enumerate(terms):
        if i and abs(e) < 1e-9:
            continue
        cum += e
        after = round(lk, 4) if i == len(terms) - 1 else round(sigmoid(cum), 4)
        rows.append({"factor": factor, "kind": kind, "logodds": round(e, 4), "effect": round(after - before, 4),
                     "after": after, "detail": detail})
        before = after
    if rows and rows[-1]["after"] != round(lk, 4):  # the last term was too small to list: close the sum on it
        rows[-1]["effect"] = round(rows[-1]["effect"] + round(lk, 4) - rows[-1]["after"], 4)
        rows[-1]["after"] = round(lk, 4)
    return lk, rows


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
