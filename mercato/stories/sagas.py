"""One saga assembled from its reports: timeline, provenance, contradictions, status and likelihood.

The shape of ``data`` is read by the dashboard and the API (keys may be added, never renamed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mercato.stories import contradictions, provenance
from mercato.stories.grouping import Link, index_keys, link_key
from mercato.stories.likelihood import Reliability, Status, contributions, prior_only, score, status_of
from mercato.stories.params import Params
from mercato.stories.provenance import Provenance
from mercato.stories.records import Report, SagaResult, player_tokens
from mercato.stories.states import state_of

MAX_HISTORY = 60


def _sources_of(prov: Provenance):
    def sources(r: Report) -> list[str]:
        return [n for n, _k in prov.cites.get(r.article_key, [])] or [n for n, _k in r.cited] or [r.outlet or "?"]

    return sources


def timeline(reports: Sequence[Report], prov: Provenance) -> list[dict[str, Any]]:
    return [{"article_key": r.article_key, "date": r.date, "outlet": r.outlet, "lang": r.lang, "stage": r.stage,
             "fee_eur_m": r.fee_eur_m, "fee_raw": r.fee_raw, "cited": [n for n, _k in r.cited],
             "original": prov.original.get(r.article_key, True), "copy_of": prov.copy_of.get(r.article_key),
             "title": r.title, "evidence": r.evidence, "reasons": list(r.reasons), "undated": not r.lo,
             "placed": r.lo or r.hi, "background": r.background, "reader": r.reader} for r in reports]


def assemble(link: Link, epoch: int, sid: str, reports: Sequence[Report], p: Params) -> SagaResult:
    """Everything about a saga that depends only on its own reports (likelihood comes later, see :func:`rescore`)."""
    reports = sorted(reports, key=Report.order)
    prov = provenance.analyse(reports, p)
    st = status_of(reports, prov, prior_only(p), p)
    contrib = contributions(reports, prov, st, p)
    contrib["*"] = ["base", int(st.resolved), int(st.outcome == "done"), 0, 0, "*"]
    dates = [d for r in reports for d in (r.lo, r.hi if r.lo else None) if d]
    data: dict[str, Any] = {
        "timeline": timeline(reports, prov),
        "provenance": prov.graph,
        "developments": prov.developments,
        "source_counts": {k: {"name": c["name"], "kind": c["kind"], "originals": c["originals"],
                              "rereports": c["rereports"]} for k, c in prov.counts.items()},
        "contradictions": contradictions.find(reports, p, _sources_of(prov)),
        "explanation": [],
        "likelihood_history": [],
        "status_evidence": {"article_key": st.evidence.article_key if st.evidence else None,
                            "evidence": st.evidence.evidence if st.evidence else None,
                            "stage": st.status},
        "contrib": contrib,
        "state": state_of(reports, st, p),
    }
    player = link.player
    return SagaResult(
        id=sid, link_key=link_key(link), epoch=epoch, player=player, player_key=" ".join(player_tokens(player)),
        from_club=link.from_club, to_club=link.to_club, status=st.status, resolved=st.resolved, outcome=st.outcome,
        likelihood=None, first_date=min(dates) if dates else None, last_date=max(dates) if dates else None,
        n_articles=len(reports), n_sources=len(prov.graph["nodes"]),
        langs=sorted({r.lang for r in reports if r.lang}), data=data, reports=tuple(reports),
        originals=dict(prov.original), index_keys=tuple(index_keys(player, link.from_club, link.to_club, p)),
        contrib=contrib, stale_after=data["state"]["stale_after"],
    )


def view_before(reports: Sequence[Report], date: str | None, *, inclusive: bool) -> list[Report]:
    """The reports surely published before ``date`` (or on it when ``inclusive``)."""
    if not date:
        return []
    return [r for r in reports if r.hi and (r.hi <= date if inclusive else r.hi < date)]


def likelihood_of(reports: Sequence[Report], rel: Reliability, base: float, base_detail: str,
                  p: Params, prov: Provenance | None = None) -> tuple[float, list[dict[str, Any]], Status]:
    """Likelihood, explanation and status from these reports (``prov``: the whole saga's, reused for a view)."""
    reports = sorted(reports, key=Report.order)
    prov = prov or provenance.analyse(reports, p)
    st = status_of(reports, prov, prior_only(p), p)
    lk, expl = score(reports, prov, rel, base, p, base_detail, st)
    return lk, expl, st


def history_of(reports: Sequence[Report], lk: float, rel: Reliability, base: float, base_detail: str,
               p: Params, prov: Provenance) -> list[dict[str, Any]]:
    """The likelihood as known at the end of each day a report arrived: a dated report on its (latest possible)
    publication day, an undated one on the day it was ingested (the point says how many such it adds). The
    last point holds every report: it is the likelihood shown (``lk``)."""
    days = sorted({r.hi for r in reports if r.hi})[-MAX_HISTORY:]
    history = []
    for i, d in enumerate(days):
        added = [r for r in reports if r.hi == d]
        if i == len(days) - 1 and all(r.hi for r in reports):
            h = lk
        else:
            view = view_before(reports, d, inclusive=True)
            h, _e, _s = likelihood_of(view, rel, base, base_detail, p, prov)
        point: dict[str, Any] = {"date": d, "likelihood": round(h, 4)}
        undated = sum(1 for r in added if not r.lo)
        if undated:
            point["undated"] = undated
        history.append(point)
    if not history or history[-1]["likelihood"] != round(lk, 4):  # reports with no day at all: still end on lk
        history.append({"date": history[-1]["date"] if history else None, "likelihood": round(lk, 4),
                        "undated": sum(1 for r in reports if not r.hi)})
    return history


def rescore(s: SagaResult, rel: Reliability, base: float, base_detail: str, p: Params) -> SagaResult:
    """The saga with its likelihood, explanation and likelihood history filled in."""
    from dataclasses import replace

    prov = provenance.analyse(sorted(s.reports, key=Report.order), p)
    lk, expl, _st = likelihood_of(s.reports, rel, base, base_detail, p, prov)
    data = dict(s.data)
    data["explanation"] = expl
    data["likelihood_history"] = history_of(s.reports, lk, rel, base, base_detail, p, prov)
    return replace(s, likelihood=round(lk, 4), data=data)
