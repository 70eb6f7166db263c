"""Webhooks: a signed JSON POST to each registered URL when a followed saga changes.

A delivery is queued (``webhook_deliveries``, with the exact body) in the transaction that notes the change, so
nothing is lost when the receiver is down or the run is killed: pending deliveries are sent at the end of every
run. One run tries a delivery ``webhook_attempts`` times with exponential back-off (``webhook_backoff_s``, then
doubled); a receiver that fails them all is left alone until the next run (its other deliveries wait too). After
``webhook_max_attempts`` tries over all runs, or a 4xx answer that retrying cannot fix, the delivery is kept as
failed (``mercato webhooks retry`` queues it again).

Every request carries ``X-Mercato-Signature: sha256=<hex>``, the HMAC-SHA256 of the body with the webhook's
secret, and ``X-Mercato-Timestamp`` (Unix seconds of the attempt), ``X-Mercato-Event`` and
``X-Mercato-Delivery``. Receivers verify the signature over the raw body; the body's ``event_id`` is unique
per change, so a retried delivery can be recognised. Outgoing requests obey the fetch SSRF policy: private and
loopback addresses only with ``allow_private`` (``MERCATO_ALLOW_PRIVATE``); redirects are not followed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

from mercato.errors import BlockedAddress, FollowError, MercatoError
from mercato.follow.watchlists import check_list_name, followers
from mercato.models import SagaChange
from mercato.settings import Settings
from mercato.sources.addresses import check_url
from mercato.store.articles import now_iso

log = logging.getLogger(__name__)

#: answers that retrying may fix; any other 4xx is final
RETRYABLE_4XX = frozenset({408, 425, 429})
MAX_BACKOFF_S = 300.0


def sign(secret: str, body: bytes) -> str:
    """The ``X-Mercato-Signature`` value of ``body``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def add(store: Any, url: str, secret: str | None = None, list_name: str | None = None) -> tuple[int, str]:
    """Register a webhook (its URL's scheme and host checked now, its address at every send); returns (id, secret)."""
    url = (url or "").strip()
    try:
        check_url(url)
    except MercatoError as exc:
        raise FollowError(f"webhook URL refused: {exc.reason}", where=url or "(empty)") from None
    if list_name is not None:
        check_list_name(list_name)
    secret = secret if secret is not None else secrets.token_hex(32)
    if not secret or len(secret) < 8:
        raise FollowError("the webhook secret must have at least 8 characters", where=url)
    return store.add_webhook(url, secret, list_name), secret


def body_of(change: SagaChange, head: dict[str, Any], followed: Sequence[dict[str, Any]]) -> str:
    """The JSON sent for one change (compact, keys sorted: the bytes that are signed)."""
    payload = {
        "event": f"saga.{change.kind}",
        "event_id": change.id,
        "at": change.at,
        "saga": {"id": change.saga_id, "player": head.get("player"), "from_club": head.get("from_club"),
                 "to_club": head.get("to_club"), "status": change.new_status, "likelihood": change.new_likelihood,
                 "path": "/sagas/" + quote(change.saga_id, safe="")},
        "change": {"status": [change.old_status, change.new_status],
                   "likelihood": [change.old_likelihood, change.new_likelihood]},
        "followed_by": [{"watchlist": f["list_name"], "kind": f["kind"], "name": f["label"]} for f in followed],
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def enqueue(store: Any, conn: Any, changes: Sequence[SagaChange], heads: dict[str, dict[str, Any]]) -> int:
    """Queue one delivery per (webhook, change of a followed saga); returns how many."""
    hooks = store.list_webhooks(conn)
    if not hooks or not changes:
        return 0
    follow = followers(store.watchlist_items(), {c.saga_id: heads[c.saga_id] for c in changes})
    when = now_iso()
    rows = []
    for c in changes:
        for h in hooks:
            matched = [f for f in follow.get(c.saga_id, []) if h["list_name"] in (None, f["list_name"])]
            if matched:
                rows.append({"webhook_id": h["id"], "event_id": c.id, "body": body_of(c, heads[c.saga_id], matched),
                             "state": "pending", "attempts": 0, "created_at": when})
    store.add_deliveries(conn, rows)
    return len(rows)


def _post(client: Any, d: dict[str, Any]) -> tuple[int | None, str | None, bool]:
    """(HTTP status, error, whether trying again now may help) of one attempt."""
    import httpx

    body = d["body"].encode("utf-8")
    headers = {"Content-Type": "application/json", "X-Mercato-Event": json.loads(d["body"]).get("event", ""),
               "X-Mercato-Delivery": str(d["id"]), "X-Mercato-Timestamp": str(int(time.time())),
               "X-Mercato-Signature": sign(d["secret"], body)}
    try:
        check_url(d["url"])
        resp = client.post(d["url"], content=body, headers=headers)
    except BlockedAddress as exc:  # refused by the SSRF policy: only a change of settings helps
        return None, exc.reason, False
    except MercatoError as exc:  # the name does not resolve
        return None, exc.reason, True
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc or 'no detail'}", True
    if 200 <= resp.status_code < 300:
        return resp.status_code, None, False
    if 300 <= resp.status_code < 400:
        return resp.status_code, f"HTTP {resp.status_code}: redirects are not followed", False
    return resp.status_code, f"HTTP {resp.status_code}", True


def _final(status: int | None) -> bool:
    """An answer that retrying cannot fix: a redirect, or a 4xx other than timeout/too-early/too-many."""
    return status is not None and 300 <= status < 500 and status not in RETRYABLE_4XX


def deliver_pending(store: Any, settings: Settings, *, sleep: Callable[[float], None] = time.sleep,
                    limit: int = 1000) -> dict[str, int]:
    """Send the pending deliveries (oldest first); returns counts of delivered, failed and still pending."""
    pending = store.pending_deliveries(limit)
    counts = {"delivered": 0, "failed": 0, "pending": 0}
    if not pending:
        return counts
    import httpx

    from mercato.sources.fetch import guarded_transport

    resting: set[int] = set()  # webhooks that failed every try of this run
    with httpx.Client(transport=guarded_transport(settings.allow_private), follow_redirects=False, trust_env=False,
                      timeout=settings.webhook_timeout_s, headers={"User-Agent": settings.user_agent}) as client:
        for d in pending:
            if d["webhook_id"] in resting:
                counts["pending"] += 1
                continue
            attempts = int(d["attempts"])
            outcome = "pending"
            for k in range(max(1, settings.webhook_attempts)):
                if k:
                    sleep(min(MAX_BACKOFF_S, settings.webhook_backoff_s * 2 ** (k - 1)))
                status, error, again = _post(client, d)
                attempts += 1
                if error is None:
                    outcome = "delivered"
                elif _final(status) or attempts >= settings.webhook_max_attempts:
                    outcome = "failed"
                store.record_delivery_attempt(d["id"], state=outcome, status=status, error=error)
                if error is not None:
                    log.info("webhook delivery %s to %s, try %d: %s", d["id"], d["url"], attempts, error)
                if outcome != "pending" or not again:
                    break
            counts[outcome] += 1
            if outcome == "pending":
                resting.add(d["webhook_id"])
    if counts["failed"] or counts["pending"]:
        log.warning("webhooks: %(delivered)d delivered, %(failed)d failed, %(pending)d pending", counts)
    return counts
