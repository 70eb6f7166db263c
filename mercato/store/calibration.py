"""Calibration of the likelihood, scored on what the board said BEFORE each saga resolved.

A resolved saga's current likelihood already knows the outcome (the resolving reports are in it), so scoring it
says little. Each resolved saga is scored instead on its likelihood as of the day before its resolving report
(the report of the outcome's terminal stage surely published first: done or loan for "done", collapsed for
"collapsed"; an undated report counts from the day it was first seen, as in the stories stage's as-of view):
the last point of its likelihood history before that day, else the stories stage's as-of replay of the day
before. A saga that resolved at its first report (nothing was known before) has no forecast to score and is
counted under ``skipped``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from mercato.store import schema as t
from mercato.store.board import _cached
from mercato.stories.records import TERMINAL_DONE, Report

TERMINAL = {"done": TERMINAL_DONE, "collapsed": ("collapsed",)}
MAX_LISTED = 500


def _day(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def resolving_day(reports: list[Report], outcome: str) -> str | None:
    """The first day a report saying the saga ended as it did was surely published."""
    return min((r.hi for r in reports if r.hi and r.stage in TERMINAL.get(outcome, ())), default=None)


def before(history: list[Any], day: str) -> dict[str, Any] | None:
    """The last point of a likelihood history strictly before ``day``."""
    points = [h for h in history if isinstance(h, dict) and isinstance(h.get("likelihood"), (int, float))
              and (_day(h.get("date")) or "9999") < day]
    return max(points, key=lambda h: h["date"]) if points else None


class CalibrationRepo:
    """Mixed into :class:`mercato.store.Store`."""

    engine: sa.Engine

    @_cached
    def board_calibration(self, bins: int = 10) -> dict[str, Any]:
        """Reliability diagram of resolved sagas: the likelihood each had before it resolved (mean per bin)
        against the share that happened, with counts, the Brier score and what was skipped and why."""
        s = t.sagas
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(
                s.c.id, s.c.player, s.c.outcome, s.c.likelihood, s.c.data["likelihood_history"].label("history"),
            ).where(s.c.resolved.is_(sa.true()), s.c.outcome.in_(tuple(TERMINAL))).order_by(s.c.id)).all()
            reports: dict[str, list[Report]] = {}
            for m in self.saga_member_rows(conn, [r.id for r in rows]):  # type: ignore[attr-defined]
                rep = (m.get("data") or {}).get("report")
                if isinstance(rep, dict):
                    reports.setdefault(m["saga_id"], []).append(Report.from_dict(rep))
        scored: list[dict[str, Any]] = []
        skipped: dict[str, int] = {}
        for r in rows:
            mine = reports.get(r.id, [])
            day = resolving_day(mine, r.outcome)
            if day is None:
                skipped["no terminal report"] = skipped.get("no terminal report", 0) + 1
                continue
            point = before(r.history if isinstance(r.history, list) else [], day)
            if point is None and any(x.hi and x.hi < day for x in mine):
                point = self._replayed(r.id, day)
            if point is None:
                skipped["resolved at its first report"] = skipped.get("resolved at its first report", 0) + 1
                continue
            scored.append({"id": r.id, "player": r.player, "outcome": r.outcome, "resolved_on": day,
                           "as_of": point["date"], "likelihood": float(point["likelihood"]),
                           "final_likelihood": r.likelihood})
        acc = [[0, 0.0, 0] for _ in range(bins)]
        brier = 0.0
        for x in scored:
            p = min(max(x["likelihood"], 0.0), 1.0)
            y = 1 if x["outcome"] == "done" else 0
            b = acc[min(int(p * bins), bins - 1)]
            b[0] += 1
            b[1] += p
            b[2] += y
            brier += (p - y) ** 2
        out_bins = [{"lo": i / bins, "hi": (i + 1) / bins, "n": n, "predicted": round(sp / n, 4) if n else None,
                     "observed": round(sy / n, 4) if n else None} for i, (n, sp, sy) in enumerate(acc)]
        return {"n": len(scored), "brier": round(brier / len(scored), 4) if scored else None, "bins": out_bins,
                "scored_on": "the likelihood each saga had the day before its resolving report",
                "skipped": skipped, "sagas": scored[:MAX_LISTED]}

    def _replayed(self, saga_id: str, day: str) -> dict[str, Any] | None:
        """The stories stage's as-of view of the day before ``day`` (history points may have been trimmed)."""
        from mercato.stories.views import as_of

        prev = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
        try:
            view = as_of(self, saga_id, prev)
        except KeyError:
            return None
        lk = view.get("likelihood")
        return {"date": prev, "likelihood": lk} if isinstance(lk, (int, float)) else None
