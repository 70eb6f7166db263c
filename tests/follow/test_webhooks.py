"""Webhooks against receivers the tests start on 127.0.0.1: signed, retried with back-off, nothing lost."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket

import pytest

from mercato.errors import FollowError
from mercato.follow import deliver_pending, follow, note_changes
from mercato.follow import webhooks as w
from tests.follow._receiver import Receiver
from tests.follow.conftest import fast, set_saga

SECRET = "s3cret-for-tests"


def _followed_change(store, *, url: str) -> str:
    """Note the baseline, follow one saga's buying club, register the webhook, change that saga's status."""
    note_changes(store, fast())
    saga = store.get_saga(store.board_saga_ids(1)[0])
    follow(store, saga["to_club"], kind="club", list_name="mine")
    w.add(store, url, SECRET)
    set_saga(store, saga["id"], status="collapsed" if saga["status"] != "collapsed" else "done")
    changes = note_changes(store, fast())
    assert [c.saga_id for c in changes] == [saga["id"]]
    return saga["id"]


def test_signed_delivery_after_failures(sagas_store) -> None:
    sleeps: list[float] = []
    with Receiver(fail_first=2) as rx:
        sid = _followed_change(sagas_store, url=rx.url)
        counts = deliver_pending(sagas_store, fast(webhook_attempts=3), sleep=sleeps.append)
    assert counts == {"delivered": 1, "failed": 0, "pending": 0}
    assert len(rx.requests) == 3 and sleeps == [0.01, 0.02]  # exponential back-off between the tries
    bodies = {r["body"] for r in rx.requests}
    assert len(bodies) == 1  # the same bytes every try
    req = rx.requests[-1]
    expected = "sha256=" + hmac.new(SECRET.encode(), req["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(req["headers"]["x-mercato-signature"], expected)
    assert req["headers"]["x-mercato-timestamp"].isdigit() and req["headers"]["content-type"] == "application/json"
    payload = json.loads(req["body"])
    assert payload["event"] == "saga.status" and payload["saga"]["id"] == sid
    assert payload["followed_by"][0]["watchlist"] == "mine"
    [log] = sagas_store.delivery_log()
    assert log["state"] == "delivered" and log["attempts"] == 3 and log["last_status"] == 200


def test_receiver_down_keeps_the_delivery_until_it_is_back(sagas_store) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    url = f"http://127.0.0.1:{port}/hook"
    _followed_change(sagas_store, url=url)
    counts = deliver_pending(sagas_store, fast(webhook_attempts=2), sleep=lambda _s: None)
    assert counts == {"delivered": 0, "failed": 0, "pending": 1}
    [log] = sagas_store.delivery_log()
    assert log["state"] == "pending" and log["attempts"] == 2 and log["last_error"]
    with Receiver(port=port) as rx:  # the next run finds the receiver up
        assert deliver_pending(sagas_store, fast(), sleep=lambda _s: None)["delivered"] == 1
    assert len(rx.requests) == 1 and sagas_store.delivery_log()[0]["state"] == "delivered"


def test_gives_up_after_the_max_attempts_and_keeps_the_log(sagas_store) -> None:
    with Receiver(fail_first=100) as rx:
        _followed_change(sagas_store, url=rx.url)
        s = fast(webhook_attempts=2, webhook_max_attempts=3)
        assert deliver_pending(sagas_store, s, sleep=lambda _s: None)["pending"] == 1
        assert deliver_pending(sagas_store, s, sleep=lambda _s: None)["failed"] == 1
        assert deliver_pending(sagas_store, s, sleep=lambda _s: None) == {"delivered": 0, "failed": 0, "pending": 0}
    assert len(rx.requests) == 3
    [log] = sagas_store.delivery_log()
    assert log["state"] == "failed" and log["attempts"] == 3 and log["last_status"] == 503
    assert sagas_store.requeue_failed() == 1 and sagas_store.pending_deliveries()


def test_a_4xx_is_not_retried(sagas_store) -> None:
    with Receiver(fail_first=100, status=410) as rx:
        _followed_change(sagas_store, url=rx.url)
        assert deliver_pending(sagas_store, fast(), sleep=lambda _s: None)["failed"] == 1
    assert len(rx.requests) == 1


def test_loopback_is_refused_without_allow_private(sagas_store) -> None:
    with Receiver() as rx:
        _followed_change(sagas_store, url=rx.url)
        counts = deliver_pending(sagas_store, fast(allow_private=False), sleep=lambda _s: None)
        assert counts["pending"] == 1 and rx.requests == []
        [log] = sagas_store.delivery_log()
        assert "loopback" in log["last_error"] and log["attempts"] == 1
        assert deliver_pending(sagas_store, fast(), sleep=lambda _s: None)["delivered"] == 1  # allowed: sent
    assert len(rx.requests) == 1


def test_changes_of_sagas_nobody_follows_send_nothing(sagas_store) -> None:
    note_changes(sagas_store, fast())
    with Receiver() as rx:
        w.add(sagas_store, rx.url, SECRET)
        sid = sagas_store.board_saga_ids(1)[0]
        set_saga(sagas_store, sid, status="collapsed", likelihood=0.01)
        assert note_changes(sagas_store, fast())
        assert deliver_pending(sagas_store, fast()) == {"delivered": 0, "failed": 0, "pending": 0}
    assert rx.requests == [] and sagas_store.delivery_log() == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)", "", "http://"])
def test_bad_webhook_urls_are_refused_when_added(sagas_store, url) -> None:
    with pytest.raises(FollowError, match="webhook URL refused"):
        w.add(sagas_store, url, SECRET)
    assert sagas_store.list_webhooks() == []
