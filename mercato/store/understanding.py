"""What the understanding stage read from each article: language, topic, claims, citations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from mercato.models import Claim, Understanding
from mercato.store import schema as t
from mercato.store.articles import now_iso
from mercato.store.dialect import upsert


def player_key(name: str) -> str:
    """A folded key for a player name (accents and case removed)."""
    from anyascii import anyascii

    return " ".join(anyascii(name).lower().replace("-", " ").split())


def _claim_row(key: str, i: int, c: Claim) -> dict[str, Any]:
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
    }


class UnderstandingRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine

    def _write(self):  # provided by Store
        raise NotImplementedError

    def save_understanding(self, items: Sequence[tuple[Understanding, int]]) -> None:
        """Replace what is stored for each article (with the revision it was computed on) in one transaction."""
        when = now_iso()
        with self._write() as conn:
            for u, revision in items:
                key = u.article_key
                conn.execute(t.claims.delete().where(t.claims.c.article_key == key))
                conn.execute(t.citations.delete().where(t.citations.c.article_key == key))
                data = {"mentions": [m.to_dict() for m in u.mentions], "claims": [c.to_dict() for c in u.claims],
                        "citations": [c.to_dict() for c in u.citations]}
                row = {"article_key": key, "revision": revision, "pipeline_version": u.pipeline_version,
                       "lang": u.lang, "is_transfer": u.is_transfer, "transfer_score": u.transfer_score,
                       "data": data, "computed_at": when}
                conn.execute(upsert(self.engine, t.understanding, ["article_key"], list(row)[1:]).values(**row))
                if u.claims:
                    conn.execute(t.claims.insert(), [_claim_row(key, i, c) for i, c in enumerate(u.claims)])
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
            "mentions": data.get("mentions", []),
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
                    "mentions": data.get("mentions", []),
                })
        return out
