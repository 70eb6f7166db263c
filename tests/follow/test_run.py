"""The end of a real ingest run notes the changes and fires the webhook of a followed saga."""

from __future__ import annotations

import json

from mercato.follow import follow
from mercato.follow import webhooks as w
from mercato.models import RawArticle
from mercato.pipeline import ingest
from mercato.store import Store
from tests.follow._receiver import Receiver

FIRST = RawArticle(origin="test", url="https://news.example.net/a1", outlet="Example Sport", date="2025-07-01",
                   title="Chelsea weigh up a move for Marc Guéhi",
                   text="Chelsea are interested in Crystal Palace defender Marc Guéhi, Example Sport understands. "
                        "The club have made enquiries about the England international.")
SECOND = RawArticle(origin="test", url="https://news.example.net/a2", outlet="Example Daily", date="2025-07-09",
                    title="Guéhi completes Chelsea move",
                    text="Marc Guéhi has completed his move from Crystal Palace to Chelsea for €50m. The defender "
                         "passed his medical and signed a five-year contract, the club announced.")


def test_an_ingest_run_fires_the_webhook_of_a_followed_saga(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MERCATO_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("MERCATO_WEBHOOK_BACKOFF_S", "0.01")
    store = Store.open("sqlite:///" + str(tmp_path / "run.db"))
    try:
        ingest(store, [FIRST])
        [saga] = [store.get_saga(i) for i in store.board_saga_ids() if "guehi" in i]
        assert store.saga_events_of([saga["id"]])[0]["kind"] == "new"
        follow(store, "Chelsea", kind="club")
        with Receiver() as rx:
            w.add(store, rx.url, "run-secret-123")
            ingest(store, [SECOND])
        after = store.get_saga(saga["id"])
        assert after["status"] != saga["status"]
        assert rx.requests, "no webhook reached the receiver"
        payload = json.loads(rx.requests[-1]["body"])
        assert payload["event"] == "saga.status" and payload["saga"]["id"] == saga["id"]
        assert payload["change"]["status"] == [saga["status"], after["status"]]
        assert store.delivery_log()[0]["state"] == "delivered"
    finally:
        store.close()
