"""Sources: where articles come from. Each yields RawArticle records or SourceError values, streaming."""

from mercato.sources.files import read_paths
from mercato.sources.jsonl import read_jsonl

__all__ = ["read_jsonl", "read_paths"]
