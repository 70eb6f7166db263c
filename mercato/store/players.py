"""The player registry (table ``players``) and the claims' cross-article fields (registry names, links).

Every claim keeps the reader's own reading (``raw_*``); the registry is a function of the first readings of
all articles, and the effective ``player``, ``to_club`` and ``from_club`` are recomputed from the raw ones
(:mod:`mercato.settle`), never applied on top of an earlier change. Only rows are read and written here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from mercato.store import schema as t
from mercato.store.articles import now_iso
from mercato.store.dialect import chunks
from mercato.store.understanding import UNSETTLED, mark_unsettled, patch_claims, player_key


class PlayersRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine

    def _write(self):  # provided by Store
        raise NotImplementedError

    # ------------------------------------------------------------------------------------------- the registry

    def first_reading_names(self) -> list[tuple[str, str, str | None, str]]:
        """(raw player, raw player key, lang, article_key) of every claim of a first reading (what the registry
        is learned from), distinct per article."""
        c, u = t.claims, t.understanding
        stmt = (sa.select(c.c.raw_player, c.c.raw_player_key, u.c.lang, c.c.article_key).distinct()
                .select_from(c.join(u, u.c.article_key == c.c.article_key)).where(c.c.first.is_(True)))
        with self.engine.connect() as conn:
            return [(r[0] or "", r[1] or "", r[2], r[3]) for r in conn.execute(stmt)]

    def registry_rows(self) -> dict[str, tuple[str, int]]:
        """The stored registry: key → (name, n_articles)."""
        p = t.players
        with self.engine.connect() as conn:
            return {r.key: (r.name, int(r.n_articles)) for r in conn.execute(sa.select(p.c.key, p.c.name,
                                                                                      p.c.n_articles))}

    def registry_names(self) -> list[tuple[str, int]]:
        """(name, n_articles) of the registry, in key order."""
        return [v for _k, v in sorted(self.registry_rows().items())]

    def sync_players(self, wanted: dict[str, tuple[str, int]]) -> set[str]:
        """Make the registry exactly ``wanted`` (key → (name, n_articles)); returns the keys changed."""
        have = self.registry_rows()
        gone = sorted(set(have) - set(wanted))
        changed = sorted(k for k, v in wanted.items() if have.get(k) != v)
        if not gone and not changed:
            return set()
        p = t.players
        when = now_iso()
        with self._write() as conn:
            for chunk in chunks(gone):
                conn.execute(p.delete().where(p.c.key.in_(chunk)))
            for key in changed:
                name, n = wanted[key]
                if key in have:
                    conn.execute(p.update().where(p.c.key == key).values(name=name, n_articles=n))
                else:
                    conn.execute(p.insert().values(key=key, name=name, surname_key=key.split()[-1], aliases=None,
                                                   clubs=None, n_articles=n, first_seen=when))
        return set(gone) | set(changed)

    # ------------------------------------------------------------------------------------------- player names

    def claims_for_names(self, keys: Sequence[str] | None = None) -> list[tuple[str, int, str, str | None, str]]:
        """(article_key, idx, raw player, lang, player) of the claims of ``keys``; with ``keys`` None, of every
        claim whose raw name is not a registry name or that was renamed (those a registry change may move)."""
        c, u, p = t.claims, t.understanding, t.players
        joined = c.join(u, u.c.article_key == c.c.article_key)
        stmt = sa.select(c.c.article_key, c.c.idx, sa.func.coalesce(c.c.raw_player, c.c.player), u.c.lang,
                         c.c.player)
        out: list[tuple] = []
        with self.engine.connect() as conn:
            if keys is None:
                stmt = stmt.select_from(joined.outerjoin(p, p.c.key == c.c.raw_player_key)).where(
                    sa.or_(p.c.key.is_(None), c.c.player != c.c.raw_player))
                out = [tuple(r) for r in conn.execute(stmt)]
            else:
                for chunk in chunks(sorted(set(keys))):
                    out.extend(tuple(r) for r in conn.execute(stmt.select_from(joined)
                                                              .where(c.c.article_key.in_(chunk))))
        return sorted(out, key=lambda r: (r[0], r[1]))

    def rename_claim_players(self, changes: Sequence[tuple[str, int, str]]) -> None:
        """Give claims (article_key, idx) their player name, in the claims table and the stored understanding."""
        if not changes:
            return
        by_article: dict[str, dict[int, str]] = {}
        for key, idx, name in changes:
            by_article.setdefault(key, {})[idx] = name
        with self._write() as conn:
            mark_unsettled(conn, sorted(by_article))
            for key, renames in sorted(by_article.items()):
                for idx, name in renames.items():
                    conn.execute(t.claims.update().where(t.claims.c.article_key == key, t.claims.c.idx == idx)
                                 .values(player=name, player_key=player_key(name)))
                patch_claims(conn, key, {idx: {"player": name} for idx, name in renames.items()})

    def player_keys_of(self, keys: Sequence[str]) -> set[str]:
        out: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in chunks(sorted(set(keys))):
                out.update(r[0] for r in conn.execute(sa.select(t.claims.c.player_key).distinct().where(
                    t.claims.c.article_key.in_(chunk))) if r[0])
        return out

    # ------------------------------------------------------------------------------------------- links

    def link_evidence(self, player_keys: Iterable[str]) -> list[tuple]:
        """(article_key, idx, player_key, raw to_club, raw from_club, evidence, to_club, from_club) of every
        claim of these players, in key order."""
        pks = sorted(set(player_keys))
        if not pks:
            return []
        c, u = t.claims, t.understanding
        raw_to = sa.case((c.c.raw_player.is_(None), c.c.to_club), else_=c.c.raw_to_club)
        raw_from = sa.case((c.c.raw_player.is_(None), c.c.from_club), else_=c.c.raw_from_club)
        stmt = (sa.select(c.c.article_key, c.c.idx, c.c.player_key, raw_to, raw_from, u.c.data, c.c.to_club,
                          c.c.from_club)
                .select_from(c.join(u, u.c.article_key == c.c.article_key)))
        out = []
        with self.engine.connect() as conn:
            for chunk in chunks(pks):
                for key, idx, pk, to_raw, from_raw, data, to_club, from_club in conn.execute(
                        stmt.where(c.c.player_key.in_(chunk))):
                    links = (data or {}).get("links") or []
                    out.append((key, idx, pk, to_raw, from_raw, links[idx] if idx < len(links) else {},
                                to_club, from_club))
        return sorted(out, key=lambda r: (r[0], r[1]))

    def set_claim_clubs(self, changes: Sequence[tuple[str, int, str | None, str | None]]) -> None:
        """Change the clubs of claims (article_key, idx, to_club, from_club) in the claims table and the
        stored understanding alike."""
        if not changes:
            return
        with self._write() as conn:
            mark_unsettled(conn, sorted({c[0] for c in changes}))
            for key, idx, to_club, from_club in changes:
                conn.execute(t.claims.update().where(t.claims.c.article_key == key, t.claims.c.idx == idx)
                             .values(to_club=to_club, from_club=from_club))
                patch_claims(conn, key, {idx: {"to_club": to_club, "from_club": from_club}})

    # ------------------------------------------------------------------------------------------- second readings

    def first_claimless(self, keys: Sequence[str] | None = None, tokens: Iterable[str] = ()) -> dict[str, list[str]]:
        """Claimless first readings, with the words kept for their second reading: those of ``keys`` and those
        holding one of ``tokens``. Article key → its words."""
        n = t.article_names
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in chunks(sorted(set(keys or ()))):
                found.update(r[0] for r in conn.execute(sa.select(n.c.article_key).distinct()
                                                        .where(n.c.article_key.in_(chunk))))
            for chunk in chunks(sorted(set(tokens))):
                found.update(r[0] for r in conn.execute(sa.select(n.c.article_key).distinct()
                                                        .where(n.c.token.in_(chunk))))
            out: dict[str, list[str]] = {}
            for chunk in chunks(sorted(found)):
                for key, tok in conn.execute(sa.select(n.c.article_key, n.c.token).where(n.c.article_key.in_(chunk))):
                    out.setdefault(key, []).append(tok)
        return {k: sorted(v) for k, v in sorted(out.items())}

    def reread_with(self, keys: Sequence[str]) -> dict[str, dict[str, str]]:
        """The registry surnames each of these articles was last read with ({} for a first reading)."""
        u = t.understanding
        out: dict[str, dict[str, str]] = {}
        with self.engine.connect() as conn:
            for chunk in chunks(sorted(set(keys))):
                for key, data in conn.execute(sa.select(u.c.article_key, u.c.data).where(u.c.article_key.in_(chunk))):
                    out[key] = dict((data or {}).get("reread_with") or {})
        return out

    def mark_settled(self, keys: Sequence[str], version: str) -> None:
        """These articles' understanding has been seen by everything that reads across articles."""
        u = t.understanding
        keys = list(keys)
        with self._write() as conn:
            for i in range(0, len(keys), 500):
                conn.execute(u.update().where(u.c.article_key.in_(keys[i:i + 500]),
                                              u.c.pipeline_version == version + UNSETTLED)
                             .values(pipeline_version=version))
