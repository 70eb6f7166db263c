"""Stories: claims grouped into transfer sagas, with provenance, contradictions, status and likelihood."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["update"]


def update(store: Any, article_keys: Sequence[str]) -> int:
    """Fold these articles into their sagas (incrementally); returns the number of sagas touched."""
    return 0
