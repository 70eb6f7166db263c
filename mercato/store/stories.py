"""Sagas, their articles and learned source reliability (owned by the stories work)."""

from __future__ import annotations

import sqlalchemy as sa


class StoriesRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine
