"""The LLM reader: an OpenAI-compatible model server (llama.cpp, Ollama, vLLM, LM Studio, a hosted API) reads
each article with the label rules (``mercato/data/llm/prompt-vN.md``) and answers JSON constrained by a schema.

``LlmReader`` has the offline :class:`~mercato.understand.Reader`'s interface (``read``, ``models``) plus
``read_many`` (bounded concurrency over one batch). Per article: the answer cache (the store's ``llm_cache``,
keyed by text hash, model and prompt version) first; else a request with a total deadline and retries
(:mod:`.client`); the validated answer is kept in the cache and mapped to the offline reader's records
(:mod:`.mapping`). When the server gives no usable answer, that article is read by the offline reader instead,
counted as ``fallback/llm/<kind>``. Counts of the run: ``llm/requests``, ``llm/cached``, ``llm/tokens_in``,
``llm/tokens_out`` (on :attr:`LlmReader.usage` and on the run's :class:`~mercato.stats.RunStats`).
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from mercato import stats as run_stats
from mercato.errors import ConfigError, LlmError
from mercato.models import Article, Understanding
from mercato.understand.llm import prompt as prompts
from mercato.understand.llm.client import ChatClient
from mercato.understand.llm.mapping import to_understanding

__all__ = ["AnswerCache", "LlmReader", "reader_for"]

log = logging.getLogger(__name__)

#: consecutive "unavailable" answers after which the rest of the run goes straight to the offline reader
DOWN_AFTER = 2


class AnswerCache(Protocol):
    """Where answers are kept (:class:`mercato.store.Store` is one)."""

    def llm_cached(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]: ...

    def save_llm_answers(self, rows: Sequence[dict[str, Any]]) -> None: ...


def _sha(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


class LlmReader:
    """Reads articles through a model server; the offline reader is its fallback (and its ``models``)."""

    def __init__(self, *, url: str, model: str, api_key: str = "", concurrency: int = 4, timeout_s: float = 120.0,
                 max_tokens: int = 1500, cache: AnswerCache | None = None, fallback: Any = None,
                 prompt: prompts.Prompt | None = None, transport: Any = None) -> None:
        from mercato.understand import Reader

        if not url or not model:
            raise ConfigError("the LLM reader needs llm_url (MERCATO_LLM_URL, an OpenAI-compatible …/v1) "
                               "and llm_model (MERCATO_LLM_MODEL)")
        self.fallback = fallback if fallback is not None else Reader.shared()
        self.models = self.fallback.models
        self.clubs = self.fallback.clubs.gazetteer
        self.outlets = self.fallback.outlets
        self.prompt = prompt or prompts.current()
        self.client = ChatClient(url, model, api_key, max_tokens=max_tokens, transport=transport)
        self.model = model
        self.name = f"llm:{model}"
        self.concurrency = concurrency
        self.timeout_s = timeout_s
        self.cache = cache
        self.usage: collections.Counter[str] = collections.Counter()
        #: called with (articles, tokens) as each article is read (the CLI's progress bar)
        self.on_read: Callable[[int, int], None] | None = None
        self._unavailable = 0
        #: indices (in the last :meth:`read_many` call) of the articles the offline reader read instead
        self.last_fallbacks: set[int] = set()

    def __repr__(self) -> str:  # never the key
        return f"LlmReader(url={self.client.url!r}, model={self.model!r}, prompt={self.prompt.version!r})"

    def _count(self, what: str, n: int = 1) -> None:
        self.usage[what] += n
        if what.startswith(("fallback/", "dropped/")):
            run_stats.note(what, n)
        else:
            run_stats.tally(what, n)

    # ------------------------------------------------------------------ reading

    def read(self, article: Article, surnames: dict[str, str] | None = None,
             collect: list | None = None) -> Understanding:
        """One article (see :meth:`read_many`); ``collect`` (training features) is the offline reader's."""
        if collect is not None:
            return self.fallback.read(article, surnames=surnames, collect=collect)
        out = self.read_many([article], surnames=surnames)[0]
        if isinstance(out, BaseException):
            raise out
        return out

    def read_many(self, articles: Sequence[Article],
                  surnames: dict[str, str] | None = None) -> list[Understanding | BaseException]:
        """Every article's understanding (or the error the offline fallback raised too), in order."""
        from mercato.understand import PIPELINE_VERSION, normalize
        from mercato.understand.language import detect_language

        texts, keys, msgs = [], [], []
        for a in articles:
            text = normalize.clean(a.text or "")
            if a.title and a.title not in text[:300]:
                text = a.title.strip() + "\n" + text
            user = self.prompt.user_message(text, a.outlet, a.published or a.date_partial)
            th = _sha(self.prompt.system + "\n" + user)
            texts.append(text)
            msgs.append((th, [{"role": "system", "content": self.prompt.system}, {"role": "user", "content": user}]))
            keys.append(_sha(f"{th}|{self.model}|{self.prompt.version}"))
        cached = self.cache.llm_cached(keys) if self.cache is not None else {}
        todo = [i for i, k in enumerate(keys) if k not in cached]
        answers: dict[int, dict[str, Any] | LlmError] = {}
        for i, k in enumerate(keys):
            if k in cached:
                answers[i] = cached[k]["answer"]
                self._count("llm/cached")
                if self.on_read:
                    self.on_read(1, 0)
        if todo:
            got = _run(self._ask_all([(i, articles[i].key, msgs[i][1]) for i in todo]))
            rows = []
            for i, res in got.items():
                answers[i] = res if isinstance(res, LlmError) else res[0]
                if not isinstance(res, LlmError):
                    rows.append({"key": keys[i], "text_hash": msgs[i][0], "model": self.model,
                                 "prompt_version": self.prompt.version, "answer": res[0], "tokens_in": res[1],
                                 "tokens_out": res[2]})
            if self.cache is not None and rows:
                self.cache.save_llm_answers(rows)
        out: list[Understanding | BaseException] = []
        self.last_fallbacks = set()
        for i, a in enumerate(articles):
            ans = answers[i]
            if isinstance(ans, LlmError):
                self.last_fallbacks.add(i)
                self._count(f"fallback/llm/{ans.kind}")
                log.warning("%s read by the offline reader: %s", a.key, ans)
                out.append(self._fallback(a, surnames))
                continue
            lang = detect_language(texts[i])
            out.append(to_understanding(a, texts[i], lang, ans, reader=self.name, clubs=self.clubs,
                                        outlets=self.outlets, surnames=surnames, note=self._count,
                                        version=PIPELINE_VERSION))
        return out

    def _fallback(self, a: Article, surnames: dict[str, str] | None) -> Understanding | BaseException:
        try:
            return self.fallback.read(a, surnames=surnames)
        except Exception as exc:  # noqa: BLE001 - handed back for the runner to count
            return exc

    async def _ask_all(self, jobs: list[tuple[int, str, list[dict[str, str]]]]
                       ) -> dict[int, tuple[dict[str, Any], int, int] | LlmError]:
        sem = asyncio.Semaphore(self.concurrency)
        out: dict[int, tuple[dict[str, Any], int, int] | LlmError] = {}
        async with self.client.session(self.concurrency) as http:
            async def one(i: int, key: str, messages: list[dict[str, str]]) -> None:
                async with sem:
                    out[i] = await self._ask(http, key, messages)
                    tokens = 0 if isinstance(out[i], LlmError) else out[i][2]  # type: ignore[index]
                    if self.on_read:
                        self.on_read(1, tokens)

            await asyncio.gather(*(one(*j) for j in jobs))
        return out

    async def _ask(self, http: Any, key: str, messages: list[dict[str, str]]
                   ) -> tuple[dict[str, Any], int, int] | LlmError:
        if self._unavailable >= DOWN_AFTER:
            return LlmError("model server unreachable earlier in this run", kind="unavailable", where=key)
        self._count("llm/requests")
        try:
            c = await self.client.complete(http, messages, self.prompt.schema,
                                           deadline=time.monotonic() + self.timeout_s, where=key)
        except LlmError as exc:
            if exc.kind == "unavailable":
                self._unavailable += 1
            return exc
        self._unavailable = 0
        self._count("llm/tokens_in", c.tokens_in)
        self._count("llm/tokens_out", c.tokens_out)
        try:
            answer = json.loads(c.content)
            prompts.validate(answer, self.prompt.schema)
        except ValueError as exc:
            kind = "truncated" if c.finish_reason == "length" else "invalid-answer"
            return LlmError(f"the answer does not match the schema: {str(exc)[:200]}", kind=kind, where=key)
        return answer, c.tokens_in, c.tokens_out


def _run(coro: Any) -> Any:
    """Run a coroutine to the end from synchronous code, also when this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        return ex.submit(asyncio.run, coro).result()


def reader_for(settings: Any, cache: AnswerCache | None = None) -> LlmReader | None:
    """The reader the settings ask for: an :class:`LlmReader` when ``reader = "llm"``, else None (the offline one)."""
    if settings.reader != "llm":
        return None
    return LlmReader(url=settings.llm_url, model=settings.llm_model, api_key=settings.llm_api_key,
                     concurrency=settings.llm_concurrency, timeout_s=settings.llm_timeout_s,
                     max_tokens=settings.llm_max_tokens, cache=cache)
