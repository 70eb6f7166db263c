"""Stories: claims grouped into transfer sagas, with provenance, contradictions, status and likelihood.

Modules, in the order the work flows: :mod:`.records` (reports, keys, dates), :mod:`.grouping` (links and
epochs), :mod:`.provenance` (re-reports, copies, citation graph), :mod:`.contradictions`, :mod:`.likelihood`
(status, reliability, calibrated likelihood), :mod:`.sagas` (one saga assembled), :mod:`.incremental`
(``update``), :mod:`.rescoring` (``refresh``: sagas rescored when the reliability they used moved),
:mod:`.views` (evaluation view, as-of), :mod:`.report` (reliability diagram and per-saga files).
The model's constants are data: ``mercato/data/reliability.toml``.
"""

from __future__ import annotations

from mercato.stories.incremental import update
from mercato.stories.rescoring import refresh
from mercato.stories.views import as_of, evaluation_view

__all__ = ["as_of", "evaluation_view", "refresh", "update"]
