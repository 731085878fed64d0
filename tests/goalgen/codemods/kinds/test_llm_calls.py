"""LLM codemod: frmk and OpenAI SDK calls wrapped in trace_llm, LangChain chat models given
callbacks; instrumented code still talks to a real Chat Completions server on loopback."""

from __future__ import annotations

import json

import pytest
from codemod_cases import actions, check, check_noop, dedent, remove, run

LLM = ("llm",)

REWRITES = [
    pytest.param(
        """
        from frmk.agents import BaseAgent


        class Flights(BaseAgent):
            async def invoke(self, state):
                answer = await self.llm.complete(state["messages"])
                return {"answer": answer}
        """,
        """
        from frmk.agents import BaseAgent
        from frmk.utils.tracing.genai import trace_llm


        class Flights(BaseAgent):
            async def invoke(self, state):
                answer = await trace_llm(self.llm.complete)(state["messages"])  # goalgen: instrument
                return {"answer": answer}
        """,
        id="agent-self-llm",
    ),
    pytest.param(
        """
        from frmk import llm as frmk_llm
        from frmk.llm import ChatModelLLM, LocalLLM


        class Router:
            def __init__(self, model):
                self.llm = frmk_llm.get_llm(provider="local")
                self.other = ChatModelLLM(model, "openai", "gpt-4o")

            async def route(self, text, local: LocalLLM):
                return [
                    await self.llm.complete(text),
                    await self.other.complete(
                        text,
                        temperature=0,
                    ),
                    await local.complete(text),
                ]
        """,
        """
        from frmk import llm as frmk_llm
        from frmk.llm import ChatModelLLM, LocalLLM
        from frmk.utils.tracing.genai import trace_llm


        class Router:
            def __init__(self, model):
                self.llm = frmk_llm.get_llm(provider="local")
                self.other = ChatModelLLM(model, "openai", "gpt-4o")

            async def route(self, text, local: LocalLLM):
                return [
                    await trace_llm(self.llm.complete)(text),
                    await trace_llm(self.other.complete)(
                        text,
                        temperature=0,
                    ),
                    await trace_llm(local.complete)(text),
                ]  # goalgen: instrument
        """,
        id="frmk-factories-and-annotations",
    ),
    pytest.param(
        """
        import openai
        from openai import AsyncAzureOpenAI as Azure

        client = openai.OpenAI(base_url="http://127.0.0.1:1/v1", api_key="k")


        class Service:
            def __init__(self):
                self.client = Azure(azure_endpoint="http://x", api_key="k", api_version="v")

            async def ask(self, q):
                return await self.client.chat.completions.create(model="m", messages=q)


        def answer(q):
            return client.responses.create(model="m", input=q).output_text
        """,
        """
        import openai
        from frmk.utils.tracing.genai import trace_llm
        from openai import AsyncAzureOpenAI as Azure

        client = openai.OpenAI(base_url="http://127.0.0.1:1/v1", api_key="k")


        class Service:
            def __init__(self):
                self.client = Azure(azure_endpoint="http://x", api_key="k", api_version="v")

            async def ask(self, q):
                return await trace_llm(self.client.chat.completions.create)(model="m", messages=q)  # goalgen: instrument


        def answer(q):
            return trace_llm(client.responses.create)(model="m", input=q).output_text  # goalgen: instrument
        """,
        id="openai-sdk",
    ),
    pytest.param(
        """
        from langchain.chat_models import init_chat_model
        from langchain_ollama import ChatOllama
        from langchain_openai import AzureChatOpenAI, ChatOpenAI

        fast = ChatOpenAI(model="gpt-4o-mini")
        local = ChatOllama(
            model="llama3",
            temperature=0,
        )
        azure = AzureChatOpenAI(azure_deployment="d")
        any_model = init_chat_model("gpt-4o", model_provider="openai")
        """,
        """
        from frmk.utils.tracing.langchain import langchain_callbacks
        from langchain.chat_models import init_chat_model
        from langchain_ollama import ChatOllama
        from langchain_openai import AzureChatOpenAI, ChatOpenAI

        fast = ChatOpenAI(model="gpt-4o-mini", callbacks=langchain_callbacks())  # goalgen: instrument
        local = ChatOllama(
            model="llama3",
            temperature=0,
            callbacks=langchain_callbacks(),  # goalgen: instrument
        )
        azure = AzureChatOpenAI(azure_deployment="d", callbacks=langchain_callbacks())  # goalgen: instrument
        any_model = init_chat_model("gpt-4o", model_provider="openai", callbacks=langchain_callbacks())  # goalgen: instrument
        """,
        id="langchain-chat-models",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrites(before: str, after: str) -> None:
    result = check(before, after, kinds=LLM)
    assert {t.span for t in result.targets} == {"chat"}


def test_agent_llm_in_another_module_and_nested_function() -> None:
    base = "from frmk.agents import BaseAgent\n\n\nclass Base(BaseAgent):\n    pass\n"
    code = dedent(
        """
        from app.base import Base


        class Hotels(Base):
            async def invoke(self, state):
                async def ask():
                    return await self.llm.complete([])

                return {"a": await ask()}
        """
    )
    result = run(code, others={"app.base": base}, kinds=LLM)
    assert "return await trace_llm(self.llm.complete)([])  # goalgen: instrument" in result.code
    assert remove(result.code).code == code


def test_lookalikes_are_left_alone() -> None:
    result = check_noop(
        """
        from frmk.utils.tracing.genai import trace_llm
        from mylib import OpenAI, get_llm


        class NotAnAgent:
            async def go(self, q):
                mine = get_llm()
                other = OpenAI()
                return (
                    await self.llm.complete(q),
                    await mine.complete(q),
                    other.chat.completions.create(q),
                    trace_llm(print)(q),
                    task.complete(),
                )
        """,
        kinds=LLM,
    )
    assert result.targets == []


def test_present_and_skipped() -> None:
    result = check_noop(
        """
        from frmk.agents import BaseAgent
        from frmk.utils.tracing import genai
        from frmk.utils.tracing.langchain import langchain_callbacks as cbs
        from langchain_openai import ChatOpenAI


        class A(BaseAgent):
            async def invoke(self, state):
                return {"a": await genai.trace_llm(self.llm.complete)([])}


        a = ChatOpenAI(callbacks=cbs())
        b = ChatOpenAI(callbacks=[handler])
        c = ChatOpenAI(**options)
        """,
        kinds=LLM,
    )
    assert [(t.name, t.action, t.reason) for t in result.targets] == [
        ("self.llm.complete", "present", ""),
        ("ChatOpenAI", "present", ""),
        ("ChatOpenAI", "skipped", "already passes callbacks"),
        ("ChatOpenAI", "skipped", "passes **kwargs"),
    ]


def test_ignored_call_is_skipped() -> None:
    result = check_noop(
        """
        from frmk.llm import get_llm

        llm = get_llm()


        async def ask(q):
            return await llm.complete(q)  # goalgen: ignore
        """,
        kinds=LLM,
    )
    assert [(t.action, t.reason) for t in result.targets] == [("skipped", "goalgen: ignore")]


def test_wrapper_name_taken_goes_in_under_an_alias() -> None:
    check(
        """
        from frmk.llm import get_llm
        from mylib import trace_llm

        llm = get_llm()
        debug = trace_llm


        async def ask(q):
            return await llm.complete(q)
        """,
        """
        from frmk.llm import get_llm
        from frmk.utils.tracing.genai import trace_llm as goalgen_trace_llm
        from mylib import trace_llm

        llm = get_llm()
        debug = trace_llm


        async def ask(q):
            return await goalgen_trace_llm(llm.complete)(q)  # goalgen: instrument
        """,
        kinds=LLM,
    )


MIXED = """
import httpx
from langchain_openai import ChatOpenAI

model = ChatOpenAI(http_async_client=httpx.AsyncClient(timeout=5))
"""


def test_removal_by_kind_keeps_the_other_kinds_edit_on_the_same_line() -> None:
    from goalgen.codemods import ProjectIndex, rewrite

    code = dedent(MIXED)
    traced = run(code).code
    assert (
        "model = ChatOpenAI(http_async_client=trace_client(httpx.AsyncClient)(timeout=5),"
        " callbacks=langchain_callbacks())  # goalgen: instrument" in traced
    )
    only_llm = rewrite(traced, module="app.main", index=ProjectIndex(), remove=True, kinds=LLM)
    assert [(t.kind, t.name) for t in only_llm.targets] == [("llm", "langchain_callbacks")]
    assert "trace_client(httpx.AsyncClient)(timeout=5))  # goalgen: instrument" in only_llm.code
    assert "langchain_callbacks" not in only_llm.code
    assert run(only_llm.code, kinds=("http",)).code == only_llm.code  # http still present
    back = remove(only_llm.code)
    assert [(t.kind, t.name) for t in back.targets] == [("http", "trace_client")]
    assert back.code == code


ROUND_TRIPS = [
    pytest.param("x = await llm.complete(q)\n", id="await"),
    pytest.param("return (await llm.complete(q))\n", id="return-parenthesized"),
    pytest.param("print(await llm.complete(await llm.complete(q)), sep='')\n", id="nested"),
    pytest.param(
        "x = await llm.complete(\n    q,\n    # a comment line\n    temperature=0,  # hot\n)\n",
        id="multi-line-comments",
    ),
    pytest.param("x = [await llm.complete(m) for m in q]; y = 1  # two\n", id="semicolon"),
    pytest.param("if await llm.complete(q): return 1\n", id="if-header-suite"),
    pytest.param("while await llm.complete(\n    q\n):\n    break\n", id="while-header"),
    pytest.param("x = await llm.complete \\\n    (q)\n", id="backslash"),
    pytest.param("x = await (llm).complete(q)\n", id="parenthesized-receiver"),
    pytest.param('x = f"{await llm.complete(q)!r:>10}"\n', id="f-string"),
    pytest.param("match await llm.complete(q):\n    case _:\n        pass\n", id="match"),
    pytest.param(
        "try:\n    pass\nexcept* ValueError:\n    x = await llm.complete(q)\n", id="except-star"
    ),
    pytest.param(
        "x = await llm.complete(q)\n\n\n"
        "def g[T](v: T) -> T:\n    return v\n\n\ntype Alias = list[int]\n",
        id="python-3.12-syntax-elsewhere",
    ),
]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("body", ROUND_TRIPS)
def test_instrument_then_remove_gives_back_the_bytes(body: str, newline: str) -> None:
    lines = body.splitlines(keepends=True)
    head = [line for line in lines if not line.startswith(("def ", "type ", "    return v"))]
    tail = lines[len(head) :] if "def g[T]" in body else []
    head = lines[: len(lines) - len(tail)]
    inner = "".join("    " + line if line.strip() else line for line in head)
    code = "from frmk.llm import get_llm\n\nllm = get_llm()\n\n\nasync def f(q):\n" + inner
    code = (code + "".join(tail)).replace("\n", newline)
    traced = run(code, kinds=LLM)
    added = [t for t in traced.targets if t.action == "added"]
    assert added and traced.code.count("trace_llm(") == len(added)
    assert traced.code.count("# goalgen: instrument") >= 1
    again = run(traced.code, kinds=LLM)
    assert again.code == traced.code
    assert [t.action for t in again.targets] == ["present"] * len(added)
    back = remove(traced.code)
    assert back.code == code
    assert len(back.targets) == len(added)


def test_check_counts_and_dry_run_shows_the_edit(tmp_path, capsys) -> None:
    from goalgen.cli import main as goalgen_main

    path = tmp_path / "ask.py"
    path.write_text(
        "from frmk.llm import get_llm\n\nllm = get_llm()\n\n\n"
        "async def ask(q):\n    return await llm.complete(q)\n"
    )
    original = path.read_bytes()
    args = [str(tmp_path), "--no-cache", "--jobs", "1", "--no-color", "--select", "llm"]
    assert goalgen_main(["instrument", "--check", *args]) == 1
    assert "ask.py:7 llm llm.complete" in capsys.readouterr().out
    assert goalgen_main(["instrument", "--dry-run", *args]) == 0
    diff = capsys.readouterr().out
    assert "+    return await trace_llm(llm.complete)(q)  # goalgen: instrument" in diff
    assert path.read_bytes() == original


# -- instrumented code against real libraries and a loopback Chat Completions server ----------

APP = """
import httpx
import openai
from frmk.agents import BaseAgent
from frmk.llm import LocalLLM
from langchain_openai import ChatOpenAI


class Echo(BaseAgent):
    async def invoke(self, state):
        return {"answer": await self.llm.complete(state["messages"])}


def sync_ask(base_url, question):
    client = openai.OpenAI(base_url=base_url, api_key="k", http_client=httpx.Client())
    reply = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": question}]
    )
    return reply.choices[0].message.content, reply.usage.total_tokens


async def async_ask(base_url, question):
    client = openai.AsyncOpenAI(base_url=base_url, api_key="k")
    reply = await client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": question}]
    )
    return reply.choices[0].message.content


async def chain_ask(base_url, question):
    model = ChatOpenAI(model="gpt-4o", base_url=base_url, api_key="k", max_retries=0)
    return (await model.ainvoke(question)).content


async def agent_ask(question):
    agent = Echo("echo", llm=LocalLLM())
    return (await agent.invoke({"messages": [{"role": "user", "content": question}]}))["answer"]
"""


async def _chat_server():
    from aiohttp import web

    seen: list[dict] = []

    async def completions(request):
        body = await request.json()
        seen.append(body)
        text = "echo: " + body["messages"][-1]["content"]
        return web.json_response({
            "id": "c1", "object": "chat.completion", "created": 1, "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
        })  # fmt: skip

    app = web.Application()
    app.router.add_post("/v1/chat/completions", completions)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}/v1", seen


async def test_instrumented_calls_still_reach_a_real_server_and_remove_restores(load) -> None:
    import asyncio

    code = dedent(APP)
    traced = run(code, module="llmapp.calls")
    assert [t for t in actions(traced) if t[0] in ("llm", "http")] == [
        ("llm", "chat", "added"),
        ("http", "httpx.Client", "added"),
        ("llm", "chat", "added"),
        ("llm", "chat", "added"),
        ("llm", "chat", "added"),
    ]
    runner, base_url, seen = await _chat_server()
    try:
        module = load({"llmapp.calls": traced.code}, "llmapp.calls")
        sync = await asyncio.to_thread(module.sync_ask, base_url, "one")
        assert sync == ("echo: one", 5)
        assert await module.async_ask(base_url, "two") == "echo: two"
        assert await module.chain_ask(base_url, "three") == "echo: three"
        assert await module.agent_ask("four")
    finally:
        await runner.cleanup()
    assert [json.dumps(b["messages"][-1]["content"]) for b in seen] == [
        '"one"', '"two"', '"three"'
    ]
    assert remove(traced.code).code == code
