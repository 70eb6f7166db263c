"""What the understanding stage read from each article: language, topic, claims, citations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from mercato.models import Claim, Understanding
from mercato.store import schema as t
from mercato.store.articles import now_iso
from mercato.store.dialect import upsert

UNSETTLED = "~"


def mark_unsettled(conn: sa.Connection, keys: Sequence[str]) -> None:
    u = t.understanding
    conn.execute(u.update().where(u.c.article_key.in_(list(keys)), ~u.c.pipeline_version.endswith(UNSETTLED))
                 .values(pipeline_version=u.c.pipeline_version + UNSETTLED))


def patch_claims(conn: sa.Connection, key: str, changes: dict[int, dict[str, Any]]) -> None:
    """Apply field changes to claims (by index) inside an article's stored understanding."""
    row = conn.execute(sa.select(t.understanding.c.data).where(t.understanding.c.article_key == key)).first()
    if row is None or not row.data:
        return
    data = dict(row.data)
    claims = [dict(x) for x in data.get("claims", [])]
    for idx, fields in changes.items():
        if idx < len(claims):
            claims[idx].update(fields)
    data["claims"] = claims
    conn.execute(t.understanding.update().where(t.understanding.c.article_key == key).values(data=data))


def player_key(name: str) -> str:
    """A folded key for a player name (accents and case removed)."""
    from anyascii import anyascii

    return " ".join(anyascii(name).lower().replace("-", " ").split())


def _claim_row(key: str, i: int, c: Claim, first: bool = True) -> dict[str, Any]:
    return {
        "article_key": key,
        "idx": i,
        "player": c.player,
        "player_key": player_key(c.player),
        "from_club": c.from_club,
        "to_club": c.to_club,
        "stage": c.stage.value,
        "fee_eur_m": c.fee.eur_m if c.fee else None,
        "fee_raw": c.fee.raw if c.fee else None,
        "fee": c.fee.to_dict() if c.fee else None,
        "contract_years": c.contract_years,
        "evidence": c.evidence,
        "hedged": c.hedged,
        "is_primary": c.primary,
        "raw_player": c.player,
        "raw_player_key": player_key(c.player),
        "raw_from_club": c.from_club,
        "raw_to_club": c.to_club,
        "first": first,
    }


class UnderstandingRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine

    def _write(self):  # provided by Store
        raise NotImplementedError

    def save_understanding(self, items: Sequence[tuple[Understanding, int]], *,
                           names: dict[str, Sequence[str]] | None = None,
                           second: dict[str, dict[str, str]] | None = None) -> None:
        """Replace what is stored for each article (with the revision it was computed on) in one transaction.

        The row is stored *unsettled* (its pipeline version marked with ``~``) until :meth:`mark_settled`:
        what reads across articles (player registry, links, sagas) has not seen it yet, and a run killed
        before that finds it stale and does it again.

        A first reading (the default) replaces the article's ``names`` (the words a known surname could make
        a player of, kept for claimless articles); a *second* reading (``second``: article key → the registry
        surnames it was read with) keeps them, and its claims do not feed the player registry."""
        when = now_iso()
        second = second or {}
        with self._write() as conn:
            for u, revision in items:
                key = u.article_key
                conn.execute(t.claims.delete().where(t.claims.c.article_key == key))
                conn.execute(t.citations.delete().where(t.citations.c.article_key == key))
                if key not in second:
                    conn.execute(t.article_names.delete().where(t.article_names.c.article_key == key))
                    toks = sorted({x[:255] for x in (names or {}).get(key) or ()})
                    if toks:
                        conn.execute(t.article_names.insert(), [{"article_key": key, "token": x} for x in toks])
                data = {"mentions": [m.to_dict() for m in u.mentions], "claims": [c.to_dict() for c in u.claims],
                        "citations": [c.to_dict() for c in u.citations], "links": [dict(x) for x in u.links]}
                if second.get(key):
                    data["reread_with"] = dict(sorted(second[key].items()))
                row = {"article_key": key, "revision": revision, "pipeline_version": u.pipeline_version + UNSETTLED,
                       "lang": u.lang, "is_transfer": u.is_transfer, "transfer_score": u.transfer_score,
                       "data": data, "computed_at": when}
                conn.execute(upsert(self.engine, t.understanding, ["article_key"], list(row)[1:]).values(**row))
                if u.claims:
                    conn.execute(t.claims.insert(), [_claim_row(key, i, c, first=key not in second)
                                                     for i, c in enumerate(u.claims)])
                if u.citations:
                    conn.execute(
                        t.citations.insert(),
                        [{"article_key": key, "idx": i, "name": c.name, "kind": c.kind, "surface": c.surface,
                          "evidence": c.evidence} for i, c in enumerate(u.citations)],
                    )

    def get_understanding(self, key: str) -> Understanding | None:
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(t.understanding).where(t.understanding.c.article_key == key)).first()
        if r is None:
            return None
        m = r._mapping
        data = m["data"] or {}
        return Understanding.from_dict({
            "article_key": key, "lang": m["lang"], "is_transfer": bool(m["is_transfer"]),
            "transfer_score": m["transfer_score"] or 0.0, "pipeline_version": m["pipeline_version"],
            "claims": data.get("claims", []), "citations": data.get("citations", []),
            "mentions": data.get("mentions", []), "links": data.get("links", []),
        })

    def stale_article_keys(self, version: str) -> list[str]:
        """Keys of articles with no understanding, an older pipeline version, or an older revision."""
        a, u = t.articles, t.understanding
        stmt = (
            sa.select(a.c.key)
            .select_from(a.outerjoin(u, u.c.article_key == a.c.key))
            .where(sa.or_(u.c.article_key.is_(None), u.c.pipeline_version != version, u.c.revision != a.c.revision))
            .order_by(a.c.key)
        )
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(stmt)]

    def understood(self, keys: Iterable[str] | None = None) -> dict[str, Understanding]:
        """Understanding of many articles at once (all when ``keys`` is None)."""
        out: dict[str, Understanding] = {}
        stmt = sa.select(t.understanding)
        if keys is not None:
            stmt = stmt.where(t.understanding.c.article_key.in_(list(keys)))
        with self.engine.connect() as conn:
            for r in conn.execute(stmt):
                m = r._mapping
                data = m["data"] or {}
                out[m["article_key"]] = Understanding.from_dict({
                    "article_key": m["article_key"], "lang": m["lang"], "is_transfer": bool(m["is_transfer"]),
                    "transfer_score": m["transfer_score"] or 0.0, "pipeline_version": m["pipeline_version"],
                    "claims": data.get("claims", []), "citations": data.get("citations", []),
                    "mentions": data.get("mentions", []), "links": data.get("links", []),
                })
        return out
