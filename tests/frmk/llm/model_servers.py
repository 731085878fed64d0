"""A loopback model server speaking the real wire protocols, for tests of model clients.

One aiohttp app on 127.0.0.1 (a free port, its own thread and event loop, so sync and async
clients in the test process and services in subprocesses can all call it) serves:

- OpenAI Chat Completions, ``POST /v1/chat/completions`` (Azure OpenAI's
  ``/openai/deployments/<name>/chat/completions`` too): a JSON completion, or with
  ``"stream": true`` server-sent events (a role chunk, one chunk per word, a chunk with the
  finish reason, then a usage chunk when ``stream_options.include_usage`` is true, then
  ``[DONE]``), as api.openai.com sends them;
- OpenAI Responses, ``POST /v1/responses``: a JSON response, or SSE events
  (``response.created``, ``response.output_text.delta`` per word, ``response.completed``);
- Ollama, ``POST /api/chat``: NDJSON chunks with ``prompt_eval_count`` / ``eval_count`` in the
  last one (or one JSON object with ``"stream": false``).

The reply is always :data:`REPLY`. Token counts are the server's own: input = the words of
every message's content (:func:`prompt_tokens`), output = the words of the reply
(:data:`REPLY_TOKENS`). The response model is the requested model plus :data:`MODEL_SUFFIX`
for OpenAI (as OpenAI answers with a dated snapshot), the requested model for Ollama. The model
``rate-limited`` gets a 429 with OpenAI's error body. Every request body is kept in
``requests`` as ``(path, body)``.

Usage: ``with ModelServer() as server: OpenAI(base_url=server.openai_url, ...)``.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from aiohttp import web

REPLY = "Hello from the loopback model."
WORDS = REPLY.split(" ")
REPLY_TOKENS = len(WORDS)
MODEL_SUFFIX = "-2024-07-18"
CREATED = 1_700_000_000


def prompt_tokens(body: dict[str, Any]) -> int:
    """The server's input token count: words in the messages' (or ``input``'s) text."""
    if "input" in body:
        items = body["input"]
        items = [{"content": items}] if isinstance(items, str) else items
    else:
        items = body.get("messages", [])
    count = 0
    for item in items:
        content = item.get("content", "")
        if isinstance(content, list):
            content = " ".join(str(part.get("text", "")) for part in content)
        count += len(str(content).split())
    return count


class ModelServer:
    """The server; a context manager that starts it on enter and stops it on exit."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_url(self) -> str:
        """``base_url`` for OpenAI clients (``OPENAI_BASE_URL``)."""
        return f"{self.url}/v1"

    def __enter__(self) -> ModelServer:
        self._thread.start()
        self._started.wait()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat_completions)
        app.router.add_post("/openai/deployments/{name}/chat/completions", self._chat_completions)
        app.router.add_post("/v1/responses", self._responses)
        app.router.add_post("/api/chat", self._ollama_chat)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._started.set()
        self._loop.run_forever()

    async def _body(self, request: web.Request) -> dict[str, Any]:
        body = await request.json()
        self.requests.append((request.path, body))
        return body

    async def _chat_completions(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        model = body.get("model") or request.match_info["name"]  # Azure: the deployment
        if model == "rate-limited":
            return _rate_limited()
        model += MODEL_SUFFIX
        usage = {
            "prompt_tokens": prompt_tokens(body),
            "completion_tokens": REPLY_TOKENS,
            "total_tokens": prompt_tokens(body) + REPLY_TOKENS,
        }
        head = {"id": "chatcmpl-loopback", "created": CREATED, "model": model}
        if not body.get("stream"):
            return web.json_response({
                **head, "object": "chat.completion",
                "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                             "message": {"role": "assistant", "content": REPLY}}],
                "usage": usage,
            })  # fmt: skip
        head["object"] = "chat.completion.chunk"

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
            return {**head, "choices": [choice]}

        events = [chunk({"role": "assistant", "content": ""})]
        events += [chunk({"content": w if i == 0 else " " + w}) for i, w in enumerate(WORDS)]
        events.append(chunk({}, "stop"))
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append({**head, "choices": [], "usage": usage})
        return await _sse(request, [json.dumps(e) for e in events] + ["[DONE]"])

    async def _responses(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        if body.get("model") == "rate-limited":
            return _rate_limited()
        response = {
            "id": "resp_loopback", "object": "response", "created_at": CREATED,
            "model": body["model"] + MODEL_SUFFIX, "status": "completed",
            "output": [{"type": "message", "id": "msg_loopback", "status": "completed",
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": REPLY, "annotations": []}]}],
            "usage": {"input_tokens": prompt_tokens(body), "output_tokens": REPLY_TOKENS,
                      "total_tokens": prompt_tokens(body) + REPLY_TOKENS,
                      "input_tokens_details": {"cached_tokens": 0},
                      "output_tokens_details": {"reasoning_tokens": 0}},
            "parallel_tool_calls": True, "tool_choice": "auto", "tools": [],
        }  # fmt: skip
        if not body.get("stream"):
            return web.json_response(response)
        started = {**response, "status": "in_progress", "output": [], "usage": None}
        events = [{"type": "response.created", "response": started}]
        events += [
            {"type": "response.output_text.delta", "item_id": "msg_loopback", "output_index": 0,
             "content_index": 0, "delta": w if i == 0 else " " + w}
            for i, w in enumerate(WORDS)
        ]  # fmt: skip
        events.append({"type": "response.completed", "response": response})
        for number, event in enumerate(events):
            event["sequence_number"] = number
        return await _sse(request, [json.dumps(e) for e in events], named=True)

    async def _ollama_chat(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        model = body["model"]
        last = {
            "model": model, "created_at": "2024-07-18T00:00:00Z",
            "message": {"role": "assistant", "content": ""}, "done": True,
            "done_reason": "stop", "total_duration": 1000, "load_duration": 10,
            "prompt_eval_count": prompt_tokens(body), "prompt_eval_duration": 100,
            "eval_count": REPLY_TOKENS, "eval_duration": 500,
        }  # fmt: skip
        if body.get("stream") is False:
            last["message"]["content"] = REPLY
            return web.json_response(last)
        response = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
        await response.prepare(request)
        for i, word in enumerate(WORDS):
            part = {"model": model, "created_at": "2024-07-18T00:00:00Z", "done": False,
                    "message": {"role": "assistant", "content": word if i == 0 else " " + word}}
            await response.write(json.dumps(part).encode() + b"\n")
        await response.write(json.dumps(last).encode() + b"\n")
        await response.write_eof()
        return response


def _rate_limited() -> web.Response:
    error = {"message": "Rate limit reached for requests", "type": "requests",
             "param": None, "code": "rate_limit_exceeded"}  # fmt: skip
    return web.json_response({"error": error}, status=429)


async def _sse(request: web.Request, data: list[str], named: bool = False) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    for item in data:
        event = ""
        if named and item != "[DONE]":
            event = f"event: {json.loads(item)['type']}\n"
        await response.write(f"{event}data: {item}\n\n".encode())
    await response.write_eof()
    return response
