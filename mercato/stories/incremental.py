"""``update(store, keys)``: fold articles into their sagas through keyed look-ups, in one transaction.

1. read the articles' understanding and build one :class:`Report` per claim;
2. find the sagas they may belong to (those holding these articles already, and those indexed under the
   claims' look-up keys), and only those sagas' stored reports;
3. regroup that small set (links, then epochs), recompute each saga from its reports;
4. add each saga's change in source record to ``source_reliability`` and score the sagas with reliability
   learned from every OTHER resolved saga (leave one saga out).

The work per article is bounded by the size of the sagas it touches, never by the size of the store, and
calling it twice with the same keys changes nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from mercato.stories.grouping import cluster_links, lookup_keys, saga_id, same_player, split_epochs
from mercato.stories.likelihood import Reliability, shrunk
from mercato.stories.params import Params, load_params
from mercato.stories.provenance import source_prior, text_signature
from mercato.stories.records import Report, SagaResult, player_tokens
from mercato.stories.rescoring import score_saga
from mercato.stories.sagas import assemble
from mercato.stories.states import supersede

log = logging.getLogger(__name__)


def _norm(obj: Any) -> Any:
    """A JSON round trip, so stored rows and fresh ones compare equal when their content is."""
    return json.loads(json.dumps(obj, sort_keys=True, default=str))


def reports_from_facts(row: dict[str, Any], p: Params) -> list[Report]:
    """One report per claim of a stored article (``row`` as read by ``store.story_facts``)."""
    if not row.get("is_transfer", True):
        return []  # not transfer news (a match report, an injury update): it never makes or moves a saga
    data = row.get("data") or {}
    claims = [c for c in data.get("claims") or [] if c.get("player")]
    if not claims:
        return []
    cited = tuple((c["name"], c.get("kind") or "outlet") for c in data.get("citations") or [] if c.get("name"))
    sketch, names = text_signature(row.get("text") or "", p)
    primary = next((i for i, c in enumerate(claims) if c.get("primary")), 0)
    out = []
    for i, c in enumerate(claims):
        fee = c.get("fee") or {}
        out.append(Report(
            article_key=row["key"], player=c["player"], from_club=c.get("from_club"), to_club=c.get("to_club"),
            stage=str(c.get("stage") or "interest"), primary=i == primary, fee_eur_m=fee.get("eur_m"),
            fee_raw=fee.get("raw"), evidence=(c.get("evidence") or "")[:500], hedged=bool(c.get("hedged")),
            outlet=row.get("outlet"), lang=row.get("lang"), title=row.get("title"), published=row.get("published"),
            date_partial=row.get("date_partial"), first_seen=row.get("first_seen"), cited=cited, sketch=sketch,
            names=names, reasons=tuple(c.get("reasons") or ()), background=bool(c.get("background")),
            reader=c.get("reader") or "rules",
        ))
    return out


def _add(acc: dict[str, list[Any]], contrib: dict[str, list[Any]], sign: int) -> None:
    for key, (kind, res, hits, orig, rere, name) in contrib.items():
        row = acc.setdefault(key, [kind, 0, 0, 0, 0, name])
        row[1] += sign * res
        row[2] += sign * hits
        row[3] += sign * orig
        row[4] += sign * rere


def loo_reliability(totals: dict[str, dict[str, Any]], own: dict[str, list[Any]], p: Params) -> Reliability:
    """Reliability from every resolved saga but the one being scored (its ``own`` record taken out)."""

    def rel(key: str, name: str, kind: str) -> tuple[float, int, float]:
        prior = source_prior(name, kind, p)
        row = totals.get(key)
        n = (row["resolved"] if row else 0) - (own[key][1] if key in own else 0)
        hits = (row["hits"] if row else 0) - (own[key][2] if key in own else 0)
        n, hits = max(0, n), max(0, hits)
        return shrunk(hits, n, prior, p), n, prior

    return rel


def loo_base(totals: dict[str, dict[str, Any]], own: dict[str, list[Any]], p: Params) -> tuple[float, str]:
    row = totals.get("*")
    n = (row["resolved"] if row else 0) - (own["*"][1] if "*" in own else 0)
    done = (row["hits"] if row else 0) - (own["*"][2] if "*" in own else 0)
    n, done = max(0, n), max(0, done)
    base = (done + p.base_rate_strength * p.base_rate) / (n + p.base_rate_strength)
    return base, f"{done} of {n} other resolved saga(s) ended with the move (prior {p.base_rate:.2f})"


def saga_rows(s: SagaResult) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    row = {"id": s.id, "link_key": s.link_key, "epoch": s.epoch, "player": s.player, "player_key": s.player_key,
           "from_club": s.from_club, "to_club": s.to_club, "status": s.status, "resolved": s.resolved,
           "outcome": s.outcome, "likelihood": s.likelihood, "first_date": s.first_date, "last_date": s.last_date,
           "n_articles": s.n_articles, "n_sources": s.n_sources, "langs": s.langs, "data": s.data,
           "stale_after": s.stale_after}
    also: dict[str, list[dict[str, Any]]] = {}
    for x in s.extras:
        also.setdefault(x.article_key, []).append(x.to_dict())
    members = [{"saga_id": s.id, "article_key": r.article_key, "role": "primary" if r.primary else "other",
                "stage": r.stage, "date": r.lo if r.lo == r.hi else None, "outlet": r.outlet,
                "is_original": s.originals.get(r.article_key, True),
                "data": {"report": r.to_dict(), **({"also": also[r.article_key]} if r.article_key in also else {})}}
               for r in s.reports]
    return row, members


def regroup(reports: Sequence[Report], p: Params) -> list[SagaResult]:
    """Sagas (without likelihood) from a set of reports."""
    out: list[SagaResult] = []
    used: set[str] = set()
    for link in cluster_links(reports, p):
        for epoch, reps in enumerate(split_epochs(link.reports, p)):
            sid = saga_id(link, epoch, reps[0])
            base, n = sid, 2
            while sid in used:
                sid = f"{base[:250]}-{n}"
                n += 1
            used.add(sid)
            mine = {r.article_key for r in reps}
            s = assemble(link, epoch, sid, reps, p)
            out.append(replace(s, extras=tuple(x for x in link.extra if x.article_key in mine)))
    return out


def _candidates(store: Any, conn: Any, reports: Sequence[Report], p: Params) -> set[str]:
    """Sagas the new reports may join: found by their look-up keys, kept when the player's name is compatible."""
    wanted: dict[str, list[tuple[str, ...]]] = {}
    for r in reports:
        toks = player_tokens(r.player)
        for k in lookup_keys(r.player, r.from_club, r.to_club, p):
            wanted.setdefault(k, []).append(toks)
    found = store.sagas_indexed(conn, wanted)
    heads = store.saga_link_keys(conn, {sid for _k, sid in found})
    out: set[str] = set()
    for key, sid in found:
        if sid not in out and sid in heads:
            tokens = tuple(heads[sid].split("|")[0].split())
            if any(same_player(tokens, n) for n in set(wanted[key])):
                out.add(sid)
    return out


def with_state(s: SagaResult, by: dict[str, Any] | None) -> SagaResult:
    """The saga with its own status, or "superseded" (and by what) when another saga of the player was done."""
    data = {k: v for k, v in s.data.items() if k != "superseded_by"}
    own = (data.get("state") or {}).get("status") or s.status
    if by:
        data["superseded_by"] = by
    return replace(s, status="superseded" if by else own, data=data)


def _supersession(store: Any, conn: Any, results: Sequence[SagaResult], old_rows: dict[str, dict[str, Any]],
                  touched: set[str], p: Params) -> dict[str, dict[str, Any] | None]:
    """Supersession among the written sagas and the players' other stored sagas; the stored ones whose state
    changed are written here, the written ones' states are returned."""
    players = {s.player_key for s in results} | {r["player_key"] for r in old_rows.values()}
    mine = touched | {s.id for s in results}
    others = [o for o in store.sagas_of_players(conn, players) if o["id"] not in mine]
    entries = [{"id": s.id, "player_key": s.player_key, "to_club": s.to_club, "resolved": s.resolved,
                "state": s.data.get("state")} for s in results]
    entries += [{"id": o["id"], "player_key": o["player_key"], "to_club": o["to_club"], "resolved": o["resolved"],
                 "state": (o.get("data") or {}).get("state")} for o in others]
    by = supersede(entries, p)
    changed = []
    for o in others:
        data = dict(o.get("data") or {})
        if not data.get("state"):
            continue  # written before saga states: left as it is until its own next update
        new = with_state(replace_data(o, data), by.get(o["id"]))
        if new.status != o["status"] or new.data.get("superseded_by") != data.get("superseded_by"):
            changed.append({"id": o["id"], "status": new.status, "data": new.data})
    store.set_saga_states(conn, changed)
    return by


def replace_data(row: dict[str, Any], data: dict[str, Any]) -> SagaResult:
    """A stored saga row as a (report-less) result, for :func:`with_state`."""
    return SagaResult(id=row["id"], link_key=row["link_key"], epoch=row["epoch"], player=row["player"],
                      player_key=row["player_key"], from_club=row["from_club"], to_club=row["to_club"],
                      status=row["status"], resolved=bool(row["resolved"]), outcome=row["outcome"],
                      likelihood=row["likelihood"], first_date=row["first_date"], last_date=row["last_date"],
                      n_articles=row["n_articles"], n_sources=row["n_sources"], langs=list(row.get("langs") or []),
                      data=data, reports=(), stale_after=row.get("stale_after"))


def update(store: Any, article_keys: Sequence[str], *, params: Params | None = None) -> int:
    """Fold these articles into their sagas (incrementally, idempotently); returns the number of sagas written."""
    p = params or load_params()
    keys = sorted(set(article_keys))
    if not keys:
        return 0
    with store.stories_tx() as conn:
        new_reports = [r for row in store.story_facts(conn, keys) for r in reports_from_facts(row, p)]
        touched = store.sagas_holding(conn, keys)
        touched |= _candidates(store, conn, new_reports, p)
        keyset = set(keys)
        member_rows = store.saga_member_rows(conn, touched)
        old_reports = [Report.from_dict(d) for m in member_rows if m["article_key"] not in keyset
                       for d in [(m.get("data") or {}).get("report"), *((m.get("data") or {}).get("also") or [])]
                       if d]
        results = regroup(old_reports + new_reports, p)
        old_rows = store.saga_rows_by_id(conn, touched)
        delta: dict[str, list[Any]] = {}
        for old in old_rows.values():
            _add(delta, dict((old.get("data") or {}).get("contrib") or {}), -1)
        for s in results:
            _add(delta, s.contrib, +1)
        totals = store.reliability_rows(conn, set(delta) | {"*"})
        existing = set(totals)
        for key, (kind, res, hits, _orig, _rere, _name) in delta.items():
            row = totals.setdefault(key, {"source": key, "kind": kind, "resolved": 0, "hits": 0})
            row["resolved"] += res
            row["hits"] += hits
        old_members: dict[str, list[Any]] = {}
        for m in member_rows:
            old_members.setdefault(m["saga_id"], []).append(_norm(m))
        rows, members, index = [], [], []
        by = _supersession(store, conn, results, old_rows, touched, p)
        for s in results:
            s = with_state(score_saga(s, totals, p), by.get(s.id))
            row, mem = saga_rows(s)
            old = old_rows.get(s.id)
            if old is not None and _norm({k: v for k, v in old.items() if k != "updated_at"}) == _norm(row) \
                    and sorted(old_members.get(s.id, []), key=str) == sorted((_norm(m) for m in mem), key=str):
                continue  # nothing changed: keep the row (and its updated_at) as it is
            rows.append(row)
            members.extend(mem)
            index.extend((k, s.id) for k in s.index_keys)
        kept = {s.id for s in results}
        priors = {k: source_prior(v[5], v[0], p) for k, v in delta.items() if k != "*"}
        reliab = {k: shrunk(totals[k]["hits"], totals[k]["resolved"], priors[k], p) for k in priors}
        delta = {k: v for k, v in delta.items() if any(v[1:5]) or k not in existing}
        store.replace_sagas(conn, touched - kept, rows, members, index)
        store.apply_reliability(conn, delta, priors, reliab)
    log.debug("stories: %d article(s), %d saga(s) touched, %d rewritten", len(keys), len(results), len(rows))
    return len(results)
