"""An OpenAI-compatible chat client (``POST {url}/chat/completions``) for the LLM reader, on async httpx.

One call is one article: it has a total deadline (retries and waits included), retries 429 and 5xx with
exponential back-off (honouring ``Retry-After``, seconds or an HTTP date), and asks for JSON constrained by the
answer schema through ``response_format``. The API key goes in the ``Authorization`` header only: it is never
put in a message, a log line or an error.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

import httpx

from mercato.errors import LlmError

__all__ = ["ChatClient", "Completion"]

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
BACKOFF_S = 1.0  # first wait; doubled each retry (with jitter), capped by MAX_WAIT_S and the deadline
MAX_WAIT_S = 30.0
MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Completion:
    content: str
    tokens_in: int
    tokens_out: int
    finish_reason: str | None


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), None when absent/invalid."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class ChatClient:
    """Chat completions against one server and model. ``style`` picks the ``response_format`` shape: ``json_schema``
    (OpenAI, llama.cpp, vLLM, Ollama) or ``json_object`` (``{"type": "json_object", "schema": …}``, older
    llama-cpp-python); when the server refuses the first
    (an error naming ``response_format``), it tries the second once."""

    def __init__(self, url: str, model: str, api_key: str = "", *, max_tokens: int = 1500,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.url = url.rstrip("/")
        self.model = model
        self._key = api_key
        self.max_tokens = max_tokens
        self.transport = transport
        self.style = "json_schema"

    def session(self, concurrency: int) -> httpx.AsyncClient:
        """An HTTP client for one run (connections bounded by ``concurrency``)."""
        headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        loopback = httpx.URL(self.url).host in ("127.0.0.1", "localhost", "::1")  # a local server: no proxy
        return httpx.AsyncClient(headers=headers, limits=limits, transport=self.transport, trust_env=not loopback)

    def _body(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> dict[str, Any]:
        if self.style == "json_schema":
            fmt = {"type": "json_schema", "json_schema": {"name": "transfer_claims", "schema": schema, "strict": True}}
        else:
            fmt = {"type": "json_object", "schema": schema}
        return {"model": self.model, "messages": messages, "temperature": 0, "max_tokens": self.max_tokens,
                "response_format": fmt, "stream": False}

    async def complete(self, http: httpx.AsyncClient, messages: list[dict[str, str]], schema: dict[str, Any], *,
                       deadline: float, where: str) -> Completion:
        """One answer, or :class:`LlmError` (``kind``: timeout, unavailable, http-NNN, invalid-answer)
        once the retries or the ``deadline`` (a ``time.monotonic()`` instant) run out."""
        attempt = 0
        switched = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LlmError("no answer before the deadline", kind="timeout", where=where)
            try:
                r = await asyncio.wait_for(
                    http.post(self.url + "/chat/completions", json=self._body(messages, schema),
                              timeout=httpx.Timeout(left)), left)
            except (TimeoutError, httpx.TimeoutException):
                raise LlmError("no answer before the deadline", kind="timeout", where=where) from None
            except httpx.TransportError as exc:
                attempt += 1
                if attempt >= 3:
                    raise LlmError(f"model server unreachable ({type(exc).__name__})", kind="unavailable",
                                   where=where) from None
                await self._wait(min(BACKOFF_S * attempt, MAX_WAIT_S), deadline, "unavailable", where)
                continue
            if (r.status_code in (400, 422, 500) and not switched and self.style == "json_schema"
                    and ("json_schema" in r.text or "response_format" in r.text)):
                switched = True
                log.info("%s: the server refused response_format json_schema; trying json_object", self.url)
                self.style = "json_object"
                continue
            if r.status_code in RETRY_STATUS:
                attempt += 1
                kind = f"http-{r.status_code}"
                if attempt >= MAX_ATTEMPTS:
                    raise LlmError(f"HTTP {r.status_code} after {attempt} attempts", kind=kind, where=where)
                wait = retry_after(r.headers.get("retry-after"))
                if wait is None:
                    wait = min(BACKOFF_S * 2 ** (attempt - 1), MAX_WAIT_S) * (0.5 + random.random() / 2)
                log.info("%s: HTTP %d, retrying in %.1fs", where, r.status_code, wait)
                await self._wait(wait, deadline, kind, where)
                continue
            if r.status_code != 200:
                raise LlmError(f"HTTP {r.status_code}: {r.text[:200]}", kind=f"http-{r.status_code}", where=where)
            return _completion(r, where)

    @staticmethod
    async def _wait(seconds: float, deadline: float, kind: str, where: str) -> None:
        if time.monotonic() + seconds > deadline:
            raise LlmError(f"the server asks to wait {seconds:.0f}s, past the deadline", kind=kind, where=where)
        await asyncio.sleep(seconds)


def _completion(r: httpx.Response, where: str) -> Completion:
    try:
        d = r.json()
        choice = d["choices"][0]
        content = choice["message"]["content"] or ""
        usage = d.get("usage") or {}
    except (ValueError, KeyError, IndexError, TypeError):
        raise LlmError("the server's answer is not a chat completion", kind="invalid-answer", where=where) from None
    return Completion(content, int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0),
                      choice.get("finish_reason"))
