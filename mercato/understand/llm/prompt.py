"""The LLM reader's prompt and answer schema: versioned data files under ``mercato/data/llm/``.

``prompt-vN.md`` holds the system message (after a ``## system`` heading) and the user message template (after
``## user``, with ``{outlet}``, ``{date}``, ``{text}``); ``schema-vN.json`` is the JSON schema the answer must
match. The highest N present is the current prompt; its version is part of the cache key, so a new prompt never
reuses answers given to an old one.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from mercato.errors import UnderstandError

__all__ = ["Prompt", "current", "load", "validate"]


@dataclass(frozen=True, slots=True)
class Prompt:
    version: str  # "v1"
    system: str
    user: str  # template: {outlet}, {date}, {text}
    schema: dict[str, Any]

    def user_message(self, text: str, outlet: str | None, date: str | None) -> str:
        return (self.user.replace("{outlet}", outlet or "unknown").replace("{date}", date or "unknown")
                .replace("{text}", text))


def _dir() -> Path:
    return Path(str(resources.files("mercato") / "data" / "llm"))


def _sections(text: str, where: str) -> dict[str, str]:
    parts = re.split(r"^## (\w+)\s*$", text, flags=re.M)
    found = {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    for need in ("system", "user"):
        if not found.get(need):
            raise UnderstandError(f"no '## {need}' section", where=where)
    return found


@functools.cache
def load(version: str) -> Prompt:
    """The prompt and schema of ``version`` ("v1")."""
    d = _dir()
    p, s = d / f"prompt-{version}.md", d / f"schema-{version}.json"
    if not p.is_file() or not s.is_file():
        raise UnderstandError(f"prompt version {version!r} not found (needs {p.name} and {s.name})", where=str(d))
    sections = _sections(p.read_text(encoding="utf-8"), p.name)
    try:
        schema = json.loads(s.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UnderstandError(f"invalid JSON: {exc}", where=s.name) from None
    return Prompt(version, sections["system"], sections["user"], schema)


def current() -> Prompt:
    """The newest prompt shipped (highest N of ``prompt-vN.md``)."""
    versions = sorted((int(m.group(1)) for f in _dir().glob("prompt-v*.md")
                       if (m := re.fullmatch(r"prompt-v(\d+)\.md", f.name))), reverse=True)
    if not versions:
        raise UnderstandError("no prompt-vN.md", where=str(_dir()))
    return load(f"v{versions[0]}")


_TYPES: dict[str, tuple[type, ...]] = {"object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
                                       "number": (int, float), "integer": (int,), "null": (type(None),)}


def validate(value: Any, schema: dict[str, Any], path: str = "$") -> None:
    """Check ``value`` against the subset of JSON schema the answer schemas use (type, enum, properties,
    required, additionalProperties, items, maxItems, maxLength); raises ValueError naming the first mismatch."""
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        ok = any(isinstance(value, _TYPES[k]) and not (k in ("number", "integer") and isinstance(value, bool))
                 for k in kinds)
        if not ok:
            raise ValueError(f"{path}: expected {' or '.join(kinds)}, got {type(value).__name__}")
    if "enum" in schema and value not in schema["enum"]:
        raise ValueError(f"{path}: {value!r} is not one of {', '.join(map(str, schema['enum']))}")
    if isinstance(value, str) and "maxLength" in schema and len(value) > schema["maxLength"]:
        raise ValueError(f"{path}: longer than {schema['maxLength']} characters")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for k in schema.get("required", ()):
            if k not in value:
                raise ValueError(f"{path}: missing {k!r}")
        for k, v in value.items():
            if k in props:
                validate(v, props[k], f"{path}.{k}")
            elif schema.get("additionalProperties") is False:
                raise ValueError(f"{path}: unexpected {k!r}")
    if isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            raise ValueError(f"{path}: more than {schema['maxItems']} items")
        for i, v in enumerate(value):
            validate(v, schema.get("items", {}), f"{path}[{i}]")
