"""Mercato: football transfer news read in any language and turned into a checkable rumour board."""

import logging

from mercato.models import Article, Citation, Claim, Fee, RawArticle, Stage, Understanding

__version__ = "0.1.0"
__all__ = ["Article", "Citation", "Claim", "Fee", "RawArticle", "Stage", "Understanding"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
