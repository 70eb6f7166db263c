"""Reading sagas back: the per-article view the evaluation scores, and a saga as known on a given date.

"Known on a date" uses only the reports surely published by then: a full date counts from that day, a
year-month only once the month is over, an undated article from the day it was first seen (its latest possible
publication day). The per-article likelihood of the evaluation uses the article itself and the reports surely
published before it; an undated article therefore sees only itself (nothing is surely before it).
"""

from __future__ import annotations

from typing import Any

from mercato.stories import contradictions, provenance
from mercato.stories.incremental import loo_base, loo_reliability
from mercato.stories.params import Params, load_params
from mercato.stories.records import Report
from mercato.stories.sagas import _sources_of, likelihood_of, timeline, view_before


def _reports(store: Any, saga_id: str) -> list[Report]:
    rows = store.saga_rows(saga_id)
    return sorted((Report.from_dict(r["data"]["report"]) for r in rows if (r.get("data") or {}).get("report")),
                  key=Report.order)


def _totals(store: Any) -> dict[str, dict[str, Any]]:
    return {r["source"]: r for r in store.source_reliability_table()}


def article_view(reports: list[Report], r: Report, totals: dict[str, dict[str, Any]], own: dict[str, list[Any]],
                 p: Params, prov: provenance.Provenance | None = None) -> float:
    """Likelihood of the saga as known from article ``r`` and the reports surely published before it."""
    earlier = [x for x in view_before(reports, r.lo, inclusive=False) if x.article_key != r.article_key]
    base, detail = loo_base(totals, own, p)
    lk, _expl, _st = likelihood_of([*earlier, r], loo_reliability(totals, own, p), base, detail, p, prov)
    return lk


def evaluation_view(store: Any, *, params: Params | None = None) -> dict[str, dict[str, Any]]:
    """article key -> {"saga": its primary saga (else one it reports on), "likelihood": as known from it}."""
    p = params or load_params()
    totals = _totals(store)
    out: dict[str, dict[str, Any]] = {}
    for saga in store.iter_sagas():
        own = dict((saga.get("data") or {}).get("contrib") or {})
        reports = _reports(store, saga["id"])
        prov = provenance.analyse(reports, p)
        for r in reports:
            cur = out.get(r.article_key)
            if cur is not None and (cur["role"] == "primary" or not r.primary):
                continue
            out[r.article_key] = {"saga": saga["id"], "role": "primary" if r.primary else "other",
                                  "likelihood": round(article_view(reports, r, totals, own, p, prov), 4)}
    return {k: {"saga": v["saga"], "likelihood": v["likelihood"]} for k, v in out.items()}


def as_of(store: Any, saga_id: str, date: str, *, params: Params | None = None) -> dict[str, Any]:
    """The saga's state and likelihood as known on ``date`` (ISO day), from the reports surely published by then.

    Source reliability is the store's current record with this saga's own record taken out.
    """
    p = params or load_params()
    saga = store.get_saga(saga_id)
    if saga is None:
        raise KeyError(saga_id)
    reports = view_before(_reports(store, saga_id), date, inclusive=True)
    own = dict((saga.get("data") or {}).get("contrib") or {})
    totals = _totals(store)
    base, detail = loo_base(totals, own, p)
    out: dict[str, Any] = {"saga_id": saga_id, "date": date, "n_articles": len(reports),
                           "article_keys": [r.article_key for r in reports]}
    if not reports:
        out.update(status=None, resolved=False, outcome=None, likelihood=None, explanation=[], timeline=[],
                   contradictions=[])
        return out
    lk, expl, st = likelihood_of(reports, loo_reliability(totals, own, p), base, detail, p)
    prov = provenance.analyse(reports, p)
    out.update(status=st.status, resolved=st.resolved, outcome=st.outcome, likelihood=round(lk, 4),
               explanation=expl, timeline=timeline(reports, prov),
               contradictions=contradictions.find(reports, p, _sources_of(prov)),
               status_evidence={"article_key": st.evidence.article_key if st.evidence else None,
                                "evidence": st.evidence.evidence if st.evidence else None})
    return out
