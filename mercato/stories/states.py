"""A saga's state beyond its own reports: the transfer window it concerns, when it goes stale, and whether
another saga of the player has superseded it.

* **Window**: a report concerns the first window (``[windows]`` of ``data/reliability.toml``) closing on or
  after the day it is placed on (its publication day, else the day it was ingested).
* **Stale**: a live saga whose window closed more than ``stale_grace_days`` before the news clock with no
  report since. The day is stored (``sagas.stale_after``); the board compares it with the clock when it reads,
  so no write is needed when time passes.
* **Superseded**: a done move of the player (done or loan) supersedes his other live sagas of the same window
  whose last report is not later than the move's; a later report revives them. It is a function of the
  player's sagas only (:func:`supersede`), applied whenever one of them is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from mercato.stories.likelihood import Status
from mercato.stories.params import Params
from mercato.stories.records import TERMINAL_DONE, Report, add_days

#: statuses that are not on the live board (with ``resolved`` ones)
NOT_LIVE = ("superseded", "stale", "background")


def placed(r: Report) -> str | None:
    """The day a report is placed on: its earliest publication day, else the day it was ingested."""
    return r.lo or r.hi


def window_close(day: str, p: Params) -> str:
    """The first window close on or after ``day`` (ISO)."""
    d = dt.date.fromisoformat(day[:10])
    closes = sorted(dt.date(y, int(c[:2]), int(c[3:5])) for y in (d.year, d.year + 1) for _o, c in p.windows)
    return next(c for c in closes if c >= d).isoformat()


def state_of(reports: Sequence[Report], st: Status, p: Params) -> dict[str, Any]:
    """What the cross-saga rules need of one saga, kept in its ``data["state"]``: its own status, the day of
    its last (non-background, dated when any is) report and that report's window, the day the move was done, and the day it goes
    stale when nothing new comes."""
    current = [r for r in reports if not r.background]
    # an undated report is not known to be later than a dated one: it places the saga only when none is dated
    days = [r.lo for r in current if r.lo] or [r.hi for r in current if r.hi]
    last = max(days) if days else None
    done_on = placed(st.evidence) if st.outcome == "done" and st.status in TERMINAL_DONE and st.evidence else None
    close = window_close(last, p) if last else None
    return {"status": st.status, "last_on": last, "window": close, "done_on": done_on,
            "stale_after": add_days(close, p.stale_grace_days) if close else None}


def supersede(sagas: Iterable[dict[str, Any]], p: Params) -> dict[str, dict[str, Any] | None]:
    """For sagas ``{"id", "player_key", "to_club", "resolved", "state"}`` of some players: id → what supersedes
    it (``{"id", "to_club", "date"}``) or None."""
    by_player: dict[str, list[dict[str, Any]]] = {}
    for s in sagas:
        by_player.setdefault(s["player_key"] or "", []).append(s)
    out: dict[str, dict[str, Any] | None] = {}
    for group in by_player.values():
        done = sorted((s for s in group if (s.get("state") or {}).get("done_on")),
                      key=lambda s: (s["state"]["done_on"], s["id"]))
        for s in group:
            st = s.get("state") or {}
            out[s["id"]] = None
            if s["resolved"] or st.get("status") == "background" or not st.get("last_on"):
                continue
            for d in done:
                on = d["state"]["done_on"]
                if d["id"] != s["id"] and st["window"] == window_close(on, p) and st["last_on"] <= on:
                    out[s["id"]] = {"id": d["id"], "to_club": d.get("to_club"), "date": on}
                    break
    return out


def news_clock(latest: str | None, today: str | None = None) -> str | None:
    """The day the board is read at: the latest report stored, never later than today (a mistyped future date
    must not age every saga)."""
    today = today or dt.date.today().isoformat()
    return min(latest, today) if latest else None
