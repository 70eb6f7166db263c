"""Feeds followed and their health (owned by the feeds work; see mercato.sources.feeds)."""

from __future__ import annotations

import sqlalchemy as sa


class FeedsRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine
