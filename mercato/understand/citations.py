"""Cited sources: outlets, journalists and agencies the article credits, canonicalised by the gazetteer."""

from __future__ import annotations

from mercato.models import Citation


def find_citations(text: str, outlets, evidence_of) -> list[Citation]:
    """Every gazetteer outlet/journalist/agency named in the text (once each, in order)."""
    out: dict[str, Citation] = {}
    for h in outlets.find(text):
        if h.name in out:
            continue
        if not h.capitalised and h.surface.lower() == h.surface and len(h.surface) <= 4:
            continue  # "as", "sport" in running text
        out[h.name] = Citation(name=h.name, kind=h.kind, surface=h.surface, evidence=evidence_of(h.start))
    return list(out.values())
