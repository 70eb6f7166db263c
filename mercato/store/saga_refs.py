"""Short saga ids, like git's short hashes: what the board prints and what ``mercato saga`` accepts.

A saga id is a readable slug (``marc-guehi-crystal-palace-barcelona``), but sagas of one player from one club share
most of it, so a unique prefix of the slug can be as long as the slug. The short id is instead the shortest
unique prefix (at least :data:`SHORT` hex digits) of the SHA-1 of the id, the same width for every saga.

A reference resolves to a saga when it is the saga's id, or a prefix of at least :data:`MIN_PREFIX` characters of
exactly one saga's id or short code; an exact id always wins.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable

import sqlalchemy as sa

from mercato.store import schema as t
from mercato.store.board import BadQuery

#: the shortest prefix accepted for a saga id or code (shorter input must be an exact id)
MIN_PREFIX = 6
#: the digits a short id has at least (more when another saga's code starts the same)
SHORT = 7
#: how many candidates an ambiguity error names
SHOWN = 5
_HEX = re.compile(r"[0-9a-f]+")


class SagaRefError(BadQuery):
    """A saga reference that names no saga (``status`` 404) or several (``status`` 400)."""

    code = "saga-ref"

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def saga_code(saga_id: str) -> str:
    """The full hex code of a saga id; its short id is a prefix of it."""
    return hashlib.sha1(saga_id.encode("utf-8")).hexdigest()


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def short_codes(ids: Iterable[str], everyone: Iterable[str]) -> dict[str, str]:
    """Each of ``ids``' shortest code prefix (≥ :data:`SHORT` digits) that no other id in ``everyone`` shares."""
    codes = sorted({saga_code(i) for i in everyone})
    out = {}
    for i in ids:
        code = saga_code(i)
        at = bisect.bisect_left(codes, code)
        near = [codes[j] for j in (at - 1, at, at + 1) if 0 <= j < len(codes) and codes[j] != code]
        out[i] = code[:max([SHORT] + [_common(code, o) + 1 for o in near])]
    return out


class SagaRefsRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine

    def _all_saga_ids(self) -> list[str]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(sa.select(t.sagas.c.id))]

    def saga_short_ids(self, ids: Iterable[str]) -> dict[str, str]:
        """Each id's short id: its shortest unique code prefix among all stored sagas."""
        ids = list(dict.fromkeys(ids))
        return short_codes(ids, self._all_saga_ids()) if ids else {}

    def resolve_saga_id(self, ref: str) -> str:
        """The full id of the saga ``ref`` names: the id itself, or a unique prefix (≥ 6 characters) of one saga's
        id or short code.

        Raises :class:`SagaRefError` naming ``ref`` when no saga matches or when the prefix matches several.
        """
        s = t.sagas
        with self.engine.connect() as conn:
            if conn.execute(sa.select(s.c.id).where(s.c.id == ref)).first() is not None:
                return ref
            if len(ref) < MIN_PREFIX:
                raise SagaRefError(f"no saga {ref!r} (a short id has at least {MIN_PREFIX} characters)", status=404)
            found = {r[0] for r in conn.execute(
                sa.select(s.c.id).where(sa.func.substr(s.c.id, 1, len(ref)) == ref).limit(SHOWN + 1))}
        if _HEX.fullmatch(ref):
            found |= {i for i in self._all_saga_ids() if saga_code(i).startswith(ref)}
        if not found:
            raise SagaRefError(f"no saga {ref!r}: it is no saga's id, nor the start of one's id or short id",
                               status=404)
        if len(found) > 1:
            names = sorted(found)
            more = ", …" if len(names) > SHOWN else ""
            raise SagaRefError(f"saga reference {ref!r} is ambiguous: it starts {', '.join(names[:SHOWN])}{more};"
                               " type more of it", status=400)
        return found.pop()
