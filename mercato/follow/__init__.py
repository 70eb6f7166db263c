"""Follow: watchlists of clubs and players, Atom feeds of saga updates, and webhooks when a followed saga changes.

At the end of every ingest, understand and watch run (after the stories are refreshed) :func:`after_run` notes
what changed in each saga since it was last noted (:mod:`.changes`), queues a signed JSON delivery to every
webhook for the changes of followed sagas, and sends what is pending (:mod:`.webhooks`). Feeds are built from
the same notes and from the sagas' reports (:mod:`.atom`).
"""

from __future__ import annotations

import logging
from typing import Any

from mercato.errors import ConfigError
from mercato.follow.changes import note_changes
from mercato.follow.watchlists import DEFAULT_LIST, check_list_name, follow, resolve, unfollow
from mercato.follow.webhooks import deliver_pending
from mercato.settings import Settings, load_settings

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_LIST", "after_run", "check_list_name", "deliver_pending", "follow", "note_changes", "resolve",
           "unfollow"]


def after_run(store: Any, settings: Settings | None = None) -> dict[str, int]:
    """Note the sagas' changes, queue the webhook deliveries they cause and send every pending one."""
    if settings is None:
        try:
            settings = load_settings()
        except ConfigError as exc:  # the run's work is stored; notifying waits for valid settings
            log.warning("follow: changes not noted: %s", exc)
            return {}
    changes = note_changes(store, settings)
    out = {"changes": len(changes)}
    out.update(deliver_pending(store, settings))
    return out
