"""Short saga ids: the shortest unique prefix of a saga id (at least six characters, like git's short hashes),
and the way back from what a user typed to the full id.

A saga id is a readable slug (``viktor-gyokeres-sporting-cp-arsenal``); a prefix of it is unique when no other
saga's id starts with it. An exact id always wins, so an id that is itself the prefix of another
(``x`` and ``x-20250701``) is shown in full.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from mercato.store import schema as t
from mercato.store.board import BadQuery

#: the shortest prefix accepted for a saga id (shorter input must be an exact id)
MIN_PREFIX = 6
#: how many candidates an ambiguity error names
SHOWN = 5


class SagaRefError(BadQuery):
    """A saga reference that names no saga (``status`` 404) or several (``status`` 400)."""

    code = "saga-ref"

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def shortest_prefix(saga_id: str, others: Iterable[str]) -> str:
    """The shortest prefix of ``saga_id`` (≥ :data:`MIN_PREFIX` characters) that no id in ``others`` starts with;
    the whole id when there is none."""
    need = MIN_PREFIX
    for other in others:
        if other != saga_id:
            need = max(need, _common(saga_id, other) + 1)
    return saga_id[:need]


class SagaRefsRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine

    def saga_short_ids(self, ids: Iterable[str]) -> dict[str, str]:
        """Each id's shortest unique prefix among all stored sagas (one query for a page of ids)."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        s = t.sagas
        head = sa.func.substr(s.c.id, 1, MIN_PREFIX)
        heads = sorted({i[:MIN_PREFIX] for i in ids})
        groups: dict[str, list[str]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(heads), 500):
                for (other,) in conn.execute(sa.select(s.c.id).where(head.in_(heads[start:start + 500]))):
                    groups.setdefault(other[:MIN_PREFIX], []).append(other)
        return {i: shortest_prefix(i, groups.get(i[:MIN_PREFIX], ())) for i in ids}

    def resolve_saga_id(self, ref: str) -> str:
        """The full id of the saga ``ref`` names: the id itself, or a unique prefix of ≥ 6 characters.

        Raises :class:`SagaRefError` naming ``ref`` when no saga matches or when the prefix matches several.
        """
        s = t.sagas
        with self.engine.connect() as conn:
            if conn.execute(sa.select(s.c.id).where(s.c.id == ref)).first() is not None:
                return ref
            if len(ref) < MIN_PREFIX:
                raise SagaRefError(f"no saga {ref!r} (a short id needs at least {MIN_PREFIX} characters)",
                                   status=404)
            found = [r[0] for r in conn.execute(
                sa.select(s.c.id).where(sa.func.substr(s.c.id, 1, len(ref)) == ref).order_by(s.c.id)
                .limit(SHOWN + 1))]
        if not found:
            raise SagaRefError(f"no saga {ref!r}: no saga id is or starts with it", status=404)
        if len(found) > 1:
            more = ", …" if len(found) > SHOWN else ""
            raise SagaRefError(f"saga id prefix {ref!r} is ambiguous: it starts {', '.join(found[:SHOWN])}{more};"
                               " type more of the id", status=400)
        return found[0]
