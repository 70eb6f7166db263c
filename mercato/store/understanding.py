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


def _mark_unsettled(conn: sa.Connection, keys: Sequence[str]) -> None:
    u = t.understanding
    conn.execute(u.update().where(u.c.article_key.in_(list(keys)), ~u.c.pipeline_version.endswith(UNSETTLED))
                 .values(pipeline_version=u.c.pipeline_version + UNSETTLED))


def _patch_claims(conn: sa.Connection, key: str, changes: dict[int, dict[str, Any]]) -> None:
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
        """Replace what is stored for each article (with the revision it was computed on) in one transaction.

        The row is stored *unsettled* (its pipeline version marked with ``~``) until :meth:`mark_settled`:
        what reads across articles (player registry, links, sagas) has not seen it yet, and a run killed
        before that finds it stale and does it again."""
        when = now_iso()
        with self._write() as conn:
            for u, revision in items:
                key = u.article_key
                conn.execute(t.claims.delete().where(t.claims.c.article_key == key))
                conn.execute(t.citations.delete().where(t.citations.c.article_key == key))
                data = {"mentions": [m.to_dict() for m in u.mentions], "claims": [c.to_dict() for c in u.claims],
                        "citations": [c.to_dict() for c in u.citations], "links": [dict(x) for x in u.links]}
                row = {"article_key": key, "revision": revision, "pipeline_version": u.pipeline_version + UNSETTLED,
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


class PlayersRepo:
    """The player registry (table ``players``) and the renaming of claims to canonical names."""

    engine: sa.Engine

    def _write(self):  # provided by Store
        raise NotImplementedError

    def claim_players(self, keys: Sequence[str] | None = None, *, unresolved: bool = False) -> list[tuple]:
        """(article_key, idx, player, lang) of the claims of ``keys`` (all when None), or only of claims whose
        player is not a registry name when ``unresolved``."""
        c, u, p = t.claims, t.understanding, t.players
        joined = c.join(u, u.c.article_key == c.c.article_key)
        if unresolved:
            joined = joined.outerjoin(p, p.c.key == c.c.player_key)
        stmt = sa.select(c.c.article_key, c.c.idx, c.c.player, u.c.lang).select_from(joined)
        if unresolved:
            stmt = stmt.where(p.c.key.is_(None))
        if keys is not None:
            stmt = stmt.where(c.c.article_key.in_(list(keys)))
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(stmt.order_by(c.c.article_key, c.c.idx))]

    def registry_names(self) -> list[tuple[str, int]]:
        with self.engine.connect() as conn:
            return [(r.name, int(r.n_articles)) for r in conn.execute(sa.select(t.players.c.name, t.players.c.n_articles))]

    def add_players(self, names: dict[str, str]) -> None:
        """Register canonical names (player_key → display name) and refresh their article counts."""
        if not names:
            return
        when = now_iso()
        c = t.claims
        with self._write() as conn:
            counts = dict(conn.execute(
                sa.select(c.c.player_key, sa.func.count(sa.distinct(c.c.article_key)))
                .where(c.c.player_key.in_(list(names))).group_by(c.c.player_key)).all())
            for key, name in sorted(names.items()):
                row = {"key": key, "name": name, "surname_key": key.split()[-1], "aliases": None, "clubs": None,
                       "n_articles": int(counts.get(key, 1)), "first_seen": when}
                conn.execute(upsert(self.engine, t.players, ["key"], ["n_articles"]).values(**row))

    def rename_claim_players(self, changes: Sequence[tuple[str, int, str]]) -> None:
        """Give claims (article_key, idx) their canonical player name, in the claims table and the stored
        understanding alike."""
        if not changes:
            return
        by_article: dict[str, dict[int, str]] = {}
        for key, idx, name in changes:
            by_article.setdefault(key, {})[idx] = name
        with self._write() as conn:
            _mark_unsettled(conn, sorted(by_article))
            for key, renames in by_article.items():
                for idx, name in renames.items():
                    conn.execute(t.claims.update().where(t.claims.c.article_key == key, t.claims.c.idx == idx)
                                 .values(player=name, player_key=player_key(name)))
                _patch_claims(conn, key, {idx: {"player": name} for idx, name in renames.items()})

    def link_evidence(self, player_keys: Sequence[str]) -> list[tuple]:
        """(article_key, idx, player_key, to_club, from_club, evidence) of every claim of these players."""
        if not player_keys:
            return []
        c, u = t.claims, t.understanding
        stmt = (sa.select(c.c.article_key, c.c.idx, c.c.player_key, c.c.to_club, c.c.from_club, u.c.data)
                .select_from(c.join(u, u.c.article_key == c.c.article_key))
                .where(c.c.player_key.in_(sorted(set(player_keys))))
                .order_by(c.c.article_key, c.c.idx))
        out = []
        with self.engine.connect() as conn:
            for key, idx, pk, to_club, from_club, data in conn.execute(stmt):
                links = (data or {}).get("links") or []
                out.append((key, idx, pk, to_club, from_club, links[idx] if idx < len(links) else {}))
        return out

    def player_keys_of(self, keys: Sequence[str]) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.claims.c.player_key).distinct().where(
                t.claims.c.article_key.in_(list(keys))))
            return sorted(r[0] for r in rows if r[0])

    def set_claim_clubs(self, changes: Sequence[tuple[str, int, str, str | None]]) -> None:
        """Change the clubs of claims (article_key, idx, to_club, from_club) in the claims table and the
        stored understanding alike."""
        if not changes:
            return
        with self._write() as conn:
            _mark_unsettled(conn, sorted({c[0] for c in changes}))
            for key, idx, to_club, from_club in changes:
                conn.execute(t.claims.update().where(t.claims.c.article_key == key, t.claims.c.idx == idx)
                             .values(to_club=to_club, from_club=from_club))
                _patch_claims(conn, key, {idx: {"to_club": to_club, "from_club": from_club}})

    def claimless(self, keys: Sequence[str]) -> list[str]:
        """Those of ``keys`` that were understood but yielded no claim."""
        u, c = t.understanding, t.claims
        stmt = (sa.select(u.c.article_key).where(u.c.article_key.in_(list(keys)))
                .where(~sa.exists().where(c.c.article_key == u.c.article_key)).order_by(u.c.article_key))
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(stmt)]

    def mark_settled(self, keys: Sequence[str], version: str) -> None:
        """These articles' understanding has been seen by everything that reads across articles."""
        u = t.understanding
        keys = list(keys)
        with self._write() as conn:
            for i in range(0, len(keys), 500):
                conn.execute(u.update().where(u.c.article_key.in_(keys[i:i + 500]),
                                              u.c.pipeline_version == version + UNSETTLED)
                             .values(pipeline_version=version))
