"""One page per source: an outlet, journalist or agency under every spelling it has, with its record.

A source is known by the key its record is kept under in ``source_reliability`` (the stories stage's
``source_key`` of the outlets gazetteer's name): "Sky Sports", "skysports", "skysports.com" and "Sky Sports UK"
are one source, ``skysports``, shown as "Sky Sports". Outlets the gazetteer lists apart stay apart (Sky Sport
is Sky Sport Italia, Sky is sky.com). Its page gathers the articles it published (every hostname with that
key), the times it was cited (every cited name with that key), the sagas of both, and which resolved sagas it
called right or wrong: those its record counts (each saga's ``contrib``), so the page and the figure agree.

Reliability is shown with its sample size and a 95 % Wilson interval on the shrunk record (the record plus the
prior's pseudo-counts); a source with no resolved saga shows only its prior, labelled so.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import sqlalchemy as sa

from mercato.store import schema as t
from mercato.store.board import _cached
from mercato.stories.params import Params, load_params
from mercato.stories.provenance import canonical_source, source_prior
from mercato.stories.records import source_key

PRIOR_LABEL = "prior, no resolved saga yet"
Z95 = 1.96


def wilson(share: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share observed over ``n`` (pseudo-)trials."""
    if n <= 0:
        return 0.0, 1.0
    share = min(1.0, max(0.0, share))
    denom = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


def reliability_summary(resolved: int, hits: int, prior: float | None, learned: float | None,
                        p: Params | None = None) -> dict[str, Any]:
    """What to show of a source's reliability: the shrunk record with its interval, or only the prior."""
    p = p or load_params()
    prior = p.unknown_prior if prior is None else float(prior)
    if resolved <= 0:
        return {"estimate": "prior", "label": PRIOR_LABEL, "value": round(prior, 4), "reliability": None,
                "interval": None, "sample": 0}
    value = float(learned) if learned is not None else (hits + p.shrinkage * prior) / (resolved + p.shrinkage)
    return {"estimate": "learned", "value": round(value, 4), "reliability": round(value, 4), "sample": resolved,
            "interval": list(wilson(value, resolved + p.shrinkage)),
            "label": f"{hits} of {resolved} resolved saga(s) called right, shrunk toward the prior {prior:.0%}"}


@functools.lru_cache(maxsize=1)
def _gazetteer() -> Any:
    from mercato.understand.gazetteer import load_outlets

    return load_outlets()


@functools.lru_cache(maxsize=1)
def _by_key() -> dict[str, str]:
    """source key -> gazetteer name, from names first, then aliases and domains."""
    p, g = load_params(), _gazetteer()
    out: dict[str, str] = {}
    for o in g.outlets.values():
        out.setdefault(source_key(o.name, p), o.name)
    for o in g.outlets.values():
        for form in (*o.aliases, o.domain):
            if form:
                out.setdefault(source_key(form, p), o.name)
    return out


@functools.lru_cache(maxsize=65536)
def source_identity(ref: str) -> dict[str, Any]:
    """The source any spelling names: its key, display name and what the gazetteer says of it."""
    p, g = load_params(), _gazetteer()
    ref = ref.strip()
    found = g.resolve(ref)
    name = found[0] if found else None
    if name is None and "." in ref:
        name = g.by_domain(ref)
    if name is None:
        name = _by_key().get(source_key(ref, p))
    o = g.get(name) if name else None
    key = source_key(name, p) if name else source_key(ref, p)
    return {"source": key, "name": name, "known": o is not None, "kind": o.kind if o else None,
            "country": o.country if o else None, "domain": o.domain if o else None, "tier": o.tier if o else None}


def host_key(host: str) -> str:
    """The key of an article's outlet: a hostname through the gazetteer's domains, an outlet stored by name
    ("Спорт-Экспресс", no dot) through its names."""
    name = canonical_source(host, host=True)
    if name == host and "." not in host:
        name = canonical_source(host)
    return source_key(name, load_params())


def name_key(name: str) -> str:
    return source_key(canonical_source(name), load_params())


def display_name(key: str) -> str | None:
    """The gazetteer's name of a source key, if it has one."""
    return _by_key().get(key)


class OutletPagesRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine

    @_cached
    def source_spellings(self) -> dict[str, dict[str, list[str]]]:
        """source key -> {"hosts": hostnames of its articles, "cited": names it was cited under}."""
        a, c = t.articles, t.citations
        out: dict[str, dict[str, list[str]]] = {}
        with self.engine.connect() as conn:
            hosts = [r[0] for r in conn.execute(sa.select(a.c.outlet).where(a.c.outlet.is_not(None)).distinct())]
            cited = [r[0] for r in conn.execute(sa.select(c.c.name).distinct())]
        for h in sorted(hosts):
            out.setdefault(host_key(h), {"hosts": [], "cited": []})["hosts"].append(h)
        for n in sorted(cited):
            out.setdefault(name_key(n), {"hosts": [], "cited": []})["cited"].append(n)
        return out

    def source_ref(self, ref: str) -> dict[str, Any]:
        """The identity of the source ``ref`` names, with a display name even when the gazetteer lacks it."""
        ident = dict(source_identity(ref))
        if not ident["name"]:
            seen = self.source_spellings().get(ident["source"]) or {}
            ident["name"] = next(iter(seen.get("cited") or seen.get("hosts") or []), None) or ref
        return ident

    @_cached
    def board_get_outlet(self, ref: str) -> dict[str, Any] | None:
        """A source under any spelling: its reliability, sagas, record (called right / wrong) and articles."""
        ident = self.source_ref(ref)
        key = ident["source"]
        seen = self.source_spellings().get(key) or {"hosts": [], "cited": []}
        r, sa_, s, a, c = t.source_reliability, t.saga_articles, t.sagas, t.articles, t.citations
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(r).where(r.c.source == key)).first()
            n_articles = _count(conn, a, a.c.outlet, seen["hosts"])
            n_cited = _count(conn, c, c.c.name, seen["cited"])
            if row is None and n_articles == 0 and n_cited == 0:
                return None
            cols = (sa_.c.saga_id, sa_.c.article_key, sa_.c.stage, sa_.c.date, sa_.c.is_original, sa_.c.outlet)
            reports = []
            if seen["hosts"]:
                reports += conn.execute(sa.select(*cols).where(sa_.c.outlet.in_(seen["hosts"]))).all()
            if seen["cited"]:
                citing = sa.select(c.c.article_key).where(c.c.name.in_(seen["cited"]))
                reports += conn.execute(sa.select(*cols).where(sa_.c.article_key.in_(citing))).all()
            ids = sorted({x.saga_id for x in reports})
            sagas_rows = {x.id: x for x in conn.execute(
                sa.select(s.c.id, s.c.player, s.c.from_club, s.c.to_club, s.c.status, s.c.resolved, s.c.outcome,
                          s.c.last_date, s.c.data["contrib"].label("contrib")).where(s.c.id.in_(ids)))} if ids else {}
            arts = conn.execute(sa.select(a.c.key, a.c.title, a.c.published, a.c.url)
                                .where(a.c.outlet.in_(seen["hosts"] or [""]))
                                .order_by(a.c.published.desc().nulls_last(), a.c.key).limit(50)).all()
        p = load_params()
        m = dict(row._mapping) if row is not None else {}
        kind = m.get("kind") or ident["kind"] or "outlet"
        prior = m.get("prior") if m.get("prior") is not None else source_prior(ident["name"], kind, p)
        sagas = _sagas(key, reports, sagas_rows)
        record = [d for d in sagas if d["counted"]]
        record.sort(key=lambda d: (d["last_date"] or "", d["id"]))
        history, hits = [], 0
        for i, d in enumerate(record, 1):
            hits += int(d["hit"])
            history.append({"date": d["last_date"], "saga_id": d["id"], "hit": d["hit"], "resolved": i,
                            "reliability": round(hits / i, 4)})
        return {
            **ident, "kind": kind,
            "reliability": {"source": key, "kind": kind, "resolved": int(m.get("resolved") or 0),
                            "hits": int(m.get("hits") or 0), "originals": int(m.get("originals") or 0),
                            "rereports": int(m.get("rereports") or 0), "prior": prior,
                            "updated_at": m.get("updated_at"), "name": ident["name"],
                            **reliability_summary(int(m.get("resolved") or 0), int(m.get("hits") or 0), prior,
                                                  m.get("reliability"), p)},
            "n_articles": n_articles, "n_cited": n_cited, "hosts": seen["hosts"], "cited_as": seen["cited"],
            "sagas": sagas, "called_right": [d for d in record if d["hit"]],
            "called_wrong": [d for d in record if not d["hit"]], "history": history,
            "articles": [{"key": x.key, "title": x.title, "date": x.published, "url": x.url} for x in arts],
        }


def _count(conn: Any, table: sa.Table, col: Any, values: list[str]) -> int:
    if not values:
        return 0
    return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(col.in_(values))).scalar_one())


def _sagas(key: str, reports: list[Any], rows: dict[str, Any]) -> list[dict[str, Any]]:
    """Per saga: the stages this source reported and what its record took from the saga (``contrib``)."""
    out: dict[str, dict[str, Any]] = {}
    done: set[tuple[str, Any]] = set()
    for x in sorted(reports, key=lambda x: (x.date or "", x.saga_id)):
        row = rows.get(x.saga_id)
        if row is None:
            continue
        d = out.get(x.saga_id)
        if d is None:
            contrib = row.contrib if isinstance(row.contrib, dict) else {}
            mine = contrib.get(key) if isinstance(contrib.get(key), list) else None
            counted = bool(mine and int(mine[1] or 0) > 0)
            d = out[x.saga_id] = {
                "id": row.id, "player": row.player, "from_club": row.from_club, "to_club": row.to_club,
                "status": row.status, "resolved": bool(row.resolved), "outcome": row.outcome,
                "last_date": row.last_date, "stages": [], "originals": 0, "reports": 0, "counted": counted,
                "hit": bool(int(mine[2] or 0) > 0) if counted else None}
        if (x.saga_id, x) in done:
            continue
        done.add((x.saga_id, x))
        d["reports"] += 1
        d["originals"] += 1 if x.is_original else 0
        if x.stage:
            d["stages"].append(x.stage)
    return sorted(out.values(), key=lambda d: (d["last_date"] or "", d["id"]))
