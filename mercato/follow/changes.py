"""What changed in each saga since it was last noted: it appeared, its status changed, its likelihood moved.

Each saga's last noted status and likelihood are kept (``saga_state``). At the end of a run every saga is
compared with them: a new saga, another status, or a likelihood at least ``follow_threshold_points`` away from
the one last noted becomes a change (``saga_events``), and the note moves on. A likelihood that drifts by small
steps is compared with the last noted value, so the drifts add up until they make a change. The changes of
followed sagas queue webhook deliveries in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from mercato.models import SagaChange
from mercato.settings import Settings
from mercato.store.articles import now_iso

log = logging.getLogger(__name__)


def moved(old: float | None, new: float | None, points: float) -> bool:
    """Whether the likelihood moved by at least ``points`` percentage points (or appeared, or went away)."""
    if old is None or new is None:
        return (old is None) != (new is None)
    return round(abs(new - old) * 100, 6) >= points


def diff(heads: dict[str, dict[str, Any]], states: dict[str, dict[str, Any]], points: float,
         at: str) -> tuple[list[SagaChange], list[dict[str, Any]], set[str]]:
    """(changes, new state rows, ids of sagas gone) from the sagas now and the state last noted."""
    changes: list[SagaChange] = []
    rows: list[dict[str, Any]] = []
    for sid in sorted(heads):
        h = heads[sid]
        st = states.get(sid)
        status, lk = h["status"], h["likelihood"]
        if st is None:
            changes.append(SagaChange(saga_id=sid, kind="new", new_status=status, new_likelihood=lk, at=at))
        elif st["status"] != status:
            changes.append(SagaChange(saga_id=sid, kind="status", old_status=st["status"], new_status=status,
                                      old_likelihood=st["likelihood"], new_likelihood=lk, at=at))
        elif moved(st["likelihood"], lk, points):
            changes.append(SagaChange(saga_id=sid, kind="likelihood", old_status=status, new_status=status,
                                      old_likelihood=st["likelihood"], new_likelihood=lk, at=at))
        else:
            continue
        rows.append({"saga_id": sid, "status": status, "likelihood": lk, "noted_at": at})
    return changes, rows, set(states) - set(heads)


def note_changes(store: Any, settings: Settings) -> list[SagaChange]:
    """Note every saga's changes since the last note and queue their webhook deliveries; returns the changes."""
    from mercato.follow import webhooks

    at = now_iso()
    with store.follow_tx() as conn:
        heads = store.saga_heads(conn)
        changes, rows, gone = diff(heads, store.saga_states(conn), settings.follow_threshold_points, at)
        if not changes and not gone:
            return []
        store.write_saga_states(conn, rows, gone)
        ids = store.add_saga_events(conn, [{k: v for k, v in c.to_dict().items() if k != "id"} for c in changes])
        changes = [replace(c, id=i) for c, i in zip(changes, ids, strict=True)]
        queued = webhooks.enqueue(store, conn, changes, heads)
    if changes:
        log.info("follow: %d saga change(s) noted, %d webhook deliveries queued", len(changes), queued)
    return changes
