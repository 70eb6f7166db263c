"""Clubs: gazetteer hits with the ambiguous forms decided by rules (``data/ambiguity.toml``)."""

from __future__ import annotations

import logging
import tomllib
from importlib import resources
from pathlib import Path

from mercato.understand.gazetteer import Folding, Hit, fold_key, load_clubs

log = logging.getLogger(__name__)


def _rules() -> dict:
    path = Path(str(resources.files("mercato") / "data" / "ambiguity.toml"))
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _has_case(surface: str) -> bool:
    """True for scripts with upper and lower case (Latin, Greek, Cyrillic), where capitals mark names."""
    ch = next((c for c in surface if c.isalpha()), "")
    return bool(ch) and (ch.isupper() or ch.islower())


class ClubFinder:
    """Club mentions of a text, ambiguity resolved."""

    def __init__(self) -> None:
        self.gazetteer = load_clubs()
        rules = _rules()
        default = rules.get("default", {})
        self.default = ({fold_key(w) for w in default.get("reject_before", [])},
                        {fold_key(w) for w in default.get("reject_after", [])})
        self.forms = {fold_key(k): ({fold_key(w) for w in v.get("reject_before", [])},
                                    {fold_key(w) for w in v.get("reject_after", [])})
                      for k, v in rules.get("forms", {}).items()}

    def find(self, text: str, folded: str, index: list[int], folding: Folding | None = None) -> list[Hit]:
        """Club hits of ``text``; ``folded``/``index`` are the reader's folding (decimals protected), ``folding``
        is ``fold(text)`` itself when already known."""
        import bisect

        try:
            hits = self.gazetteer.find(text, folding)
        except Exception:  # noqa: BLE001 - a gazetteer bug must not lose the rest of the article
            log.exception("club gazetteer failed on a text of %d characters", len(text))
            return []
        full = {h.name for h in hits if h.kind != "ambiguous"}
        out = []
        for h in hits:
            # club names are proper nouns: "porto", "como", "reds" in running text are words; long
            # nicknames ("rossoneri", "blaugrana") are written in lower case by the press
            if not h.capitalised and _has_case(h.surface) and (h.kind != "nickname" or len(h.surface) < 7):
                continue
            if h.kind != "ambiguous":
                out.append(h)
                continue
            if not h.capitalised:
                continue
            fs = bisect.bisect_left(index, h.start)
            fe = bisect.bisect_left(index, h.end)
            before = folded[max(0, fs - 25):fs].split()
            after = folded[fe:fe + 25].split()
            rb, ra = self.forms.get(fold_key(h.surface), self.default)
            rb, ra = rb | self.default[0], ra | self.default[1]
            b1, b2 = " ".join(before[-1:]), " ".join(before[-2:])
            a1, a2 = " ".join(after[:1]), " ".join(after[:2])
            if b1 in rb or b2 in rb or a1 in ra or a2 in ra:
                continue
            name = next((c for c in h.candidates if c in full), h.name)
            out.append(Hit(h.start, h.end, h.surface, name, h.kind, h.lang, h.candidates))
        return out
