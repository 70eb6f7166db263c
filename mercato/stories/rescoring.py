"""Likelihoods kept a function of the store: every saga is rescored when the reliability it used has changed.

A saga's likelihood uses the record of each of its origins and the base rate, both learned from every OTHER
resolved saga (leave one saga out). When another saga resolves (or stops being resolved), those records move,
so the sagas that used them must be scored again -- the base rate is used by every saga. Each saga keeps the
inputs it was scored with (``data["scored_with"]``: source key → [resolved, hits], ``*`` for the base rate);
:func:`refresh` compares them with the current ``source_reliability`` totals and rescores only those that
differ, from their stored reports. The result is the same whatever order the sagas were folded in.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from mercato.stories.likelihood import Reliability, shrunk
from mercato.stories.params import Params, load_params
from mercato.stories.provenance import source_prior
from mercato.stories.records import Report, SagaResult
from mercato.stories.sagas import rescore

log = logging.getLogger(__name__)


def _loo(totals: dict[str, dict[str, Any]], own: dict[str, list[Any]], key: str) -> list[int]:
    row = totals.get(key)
    n = (row["resolved"] if row else 0) - (own[key][1] if key in own else 0)
    hits = (row["hits"] if row else 0) - (own[key][2] if key in own else 0)
    return [max(0, n), max(0, hits)]


def recording(totals: dict[str, dict[str, Any]], own: dict[str, list[Any]], p: Params,
              used: dict[str, list[int]]) -> Reliability:
    """Reliability from every resolved saga but the one being scored, noting in ``used`` the record of every
    source asked for (what :func:`stale` compares later)."""

    def rel(key: str, name: str, kind: str) -> tuple[float, int, float]:
        prior = source_prior(name, kind, p)
        n, hits = used.setdefault(key, _loo(totals, own, key))
        return shrunk(hits, n, prior, p), n, prior

    return rel


def base_rate(totals: dict[str, dict[str, Any]], own: dict[str, list[Any]], p: Params,
              used: dict[str, list[int]]) -> tuple[float, str]:
    n, done = used.setdefault("*", _loo(totals, own, "*"))
    base = (done + p.base_rate_strength * p.base_rate) / (n + p.base_rate_strength)
    return base, f"{done} of {n} other resolved saga(s) ended with the move (prior {p.base_rate:.2f})"


def score_saga(s: SagaResult, totals: dict[str, dict[str, Any]], p: Params) -> SagaResult:
    """The saga scored with the current totals (its own record left out), the inputs noted in its data."""
    used: dict[str, list[int]] = {}
    base, detail = base_rate(totals, s.contrib, p, used)
    s = rescore(s, recording(totals, s.contrib, p, used), base, detail, p)
    return replace(s, data={**s.data, "scored_with": dict(sorted(used.items()))})


def stale(data: dict[str, Any], totals: dict[str, dict[str, Any]]) -> bool:
    """Whether a stored saga was scored with other reliability inputs than the current totals give."""
    used = data.get("scored_with")
    if not used:
        return True
    own = dict(data.get("contrib") or {})
    return any(_loo(totals, own, k) != list(v) for k, v in used.items())


def _result(row: dict[str, Any], reports: Sequence[Report]) -> SagaResult:
    data = dict(row.get("data") or {})
    return SagaResult(
        id=row["id"], link_key=row["link_key"], epoch=row["epoch"], player=row["player"],
        player_key=row["player_key"], from_club=row["from_club"], to_club=row["to_club"], status=row["status"],
        resolved=bool(row["resolved"]), outcome=row["outcome"], likelihood=row["likelihood"],
        first_date=row["first_date"], last_date=row["last_date"], n_articles=row["n_articles"],
        n_sources=row["n_sources"], langs=list(row.get("langs") or []), data=data,
        reports=tuple(sorted(reports, key=Report.order)), contrib=dict(data.get("contrib") or {}))


def refresh(store: Any, *, params: Params | None = None, batch: int = 500) -> int:
    """Rescore every saga whose reliability inputs changed since it was scored; returns how many."""
    p = params or load_params()
    done = 0
    with store.stories_tx() as conn:
        totals = store.reliability_rows(conn, None)
        ids = [sid for sid, data in store.saga_scoring(conn) if stale(data, totals)]
        for i in range(0, len(ids), batch):
            chunk = ids[i:i + batch]
            rows = store.saga_rows_by_id(conn, chunk)
            reports: dict[str, list[Report]] = {}
            for m in store.saga_member_rows(conn, chunk):
                d = (m.get("data") or {}).get("report")
                if d:
                    reports.setdefault(m["saga_id"], []).append(Report.from_dict(d))
            updates = []
            for sid in chunk:
                s = score_saga(_result(rows[sid], reports.get(sid, [])), totals, p)
                updates.append({"id": sid, "likelihood": s.likelihood, "data": s.data})
            store.update_saga_scores(conn, updates)
            done += len(updates)
    if done:
        log.debug("stories: %d saga(s) rescored after their sources' record changed", done)
    return done
