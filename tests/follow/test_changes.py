"""Noting saga changes at the end of a run: new sagas, status changes, likelihood moves past the threshold."""

from __future__ import annotations

from mercato.follow import note_changes
from mercato.follow.changes import moved
from tests.follow.conftest import fast, set_saga


def test_moved_counts_points_and_appearance() -> None:
    assert moved(0.40, 0.50, 10.0) and moved(0.50, 0.40, 10.0)
    assert not moved(0.40, 0.49, 10.0)
    assert moved(None, 0.3, 10.0) and not moved(None, None, 10.0)


def test_changes_are_noted_once_and_drifts_add_up(sagas_store) -> None:
    s = fast()
    first = note_changes(sagas_store, s)
    assert first and {c.kind for c in first} == {"new"} and all(c.id for c in first)
    assert note_changes(sagas_store, s) == []  # nothing moved: nothing noted twice
    sid = first[0].saga_id
    old = sagas_store.get_saga(sid)
    new_status = "collapsed" if old["status"] != "collapsed" else "talks"
    set_saga(sagas_store, sid, status=new_status)
    [c] = note_changes(sagas_store, s)
    assert (c.saga_id, c.kind, c.old_status, c.new_status) == (sid, "status", old["status"], new_status)
    base = 0.30
    set_saga(sagas_store, sid, likelihood=base)
    note_changes(sagas_store, s)  # the status is the same, the likelihood moved from the old one: noted
    set_saga(sagas_store, sid, likelihood=base + 0.06)
    assert note_changes(sagas_store, s) == []  # 6 points: under the threshold
    set_saga(sagas_store, sid, likelihood=base + 0.11)
    [c] = note_changes(sagas_store, s)  # 11 points from the last noted value (two small drifts)
    assert c.kind == "likelihood" and c.old_likelihood == base and c.new_likelihood == base + 0.11
    assert [e["kind"] for e in sagas_store.saga_events_of([sid])][:2] == ["likelihood", "likelihood"]


def test_a_bigger_threshold_notes_fewer_moves(sagas_store) -> None:
    note_changes(sagas_store, fast())
    sid = sagas_store.board_saga_ids(1)[0]
    lk = sagas_store.get_saga(sid)["likelihood"] or 0.0
    set_saga(sagas_store, sid, likelihood=min(1.0, lk + 0.15) if lk < 0.8 else lk - 0.15)
    assert note_changes(sagas_store, fast(follow_threshold_points=20.0)) == []
    assert [c.kind for c in note_changes(sagas_store, fast(follow_threshold_points=10.0))] == ["likelihood"]
