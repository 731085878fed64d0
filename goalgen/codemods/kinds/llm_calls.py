"""Model calls: frmk's LLMs and the OpenAI SDK through ``trace_llm``, LangChain chat models
through their ``callbacks``.

Call sites of frmk's ``complete`` and of the OpenAI SDK's ``chat.completions.create`` /
``responses.create`` are wrapped with ``trace_llm`` (from ``frmk.utils.tracing.genai``), a
callee edit (see :func:`goalgen.codemods.apply.wrap_callee`), marked on the line ending the statement::

    answer = await self.llm.complete(messages)
    ->
    answer = await trace_llm(self.llm.complete)(messages)  # goalgen: instrument

- frmk: ``self.llm.complete(...)`` in methods of classes deriving from ``frmk.agents.BaseAgent``
  (the index's class kinds, as the ``agent`` kind knows them), and ``<name>.complete(...)`` on a
  name bound to ``frmk.llm`` ``get_llm(...)`` / ``LocalLLM(...)`` / ``ChatModelLLM(...)`` or
  annotated with those classes, anywhere in the module (flow-insensitive, as the mapper kind);
- OpenAI SDK: ``<name>.chat.completions.create(...)`` and ``<name>.responses.create(...)`` on a
  name (``client``, ``self.client``) bound to ``openai`` ``OpenAI(...)``, ``AsyncOpenAI(...)``,
  ``AzureOpenAI(...)`` or ``AsyncAzureOpenAI(...)``, or annotated with one of them.

LangChain chat models get ``callbacks=langchain_callbacks()`` (from
``frmk.utils.tracing.langchain``) as the last argument of their constructor, so every
``invoke``/``ainvoke``/``stream``/``astream`` is covered: ``ChatOpenAI``, ``AzureChatOpenAI``
(``langchain_openai``), ``ChatOllama`` (``langchain_ollama``), ``ChatAnthropic``
(``langchain_anthropic``) and ``langchain.chat_models.init_chat_model``. A constructor already
passing ``callbacks`` or ``**kwargs`` is skipped. A call already wrapped by frmk's
``trace_llm`` or passed its ``langchain_callbacks()`` is reported present. Targets carry the
span name ``chat`` (the runtime names it ``chat <model>``).
"""

from __future__ import annotations

import ast

from goalgen.codemods.imports import dotted_name
from goalgen.codemods.plan import CallEdit, Context
from goalgen.codemods.registry import Kind
from goalgen.codemods.scan import CallInfo

SPAN = "chat"
FRMK_FACTORIES = ("get_llm", "LocalLLM", "ChatModelLLM")
FRMK_TYPES = ("LocalLLM", "ChatModelLLM")
OPENAI_CLIENTS = ("OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI")
OPENAI_METHODS = (".chat.completions.create", ".responses.create")
CHAT_MODELS: tuple[tuple[str, frozenset[str]], ...] = (
    ("langchain_openai", frozenset({"ChatOpenAI", "AzureChatOpenAI"})),
    ("langchain_ollama", frozenset({"ChatOllama"})),
    ("langchain_anthropic", frozenset({"ChatAnthropic"})),
    ("langchain.chat_models", frozenset({"init_chat_model"})),
)
CALLBACKS = ("callbacks", "langchain_callbacks")


def _from(qualified: str, package: str, names) -> bool:
    head, _, last = qualified.rpartition(".")
    return last in names and (head == package or head.startswith(package + "."))


def _receivers(ctx: Context, package: str, factories, types) -> set[str]:
    """Dotted names bound to an instance made by ``package``'s ``factories`` (or annotated
    with its ``types``) anywhere in the module (flow-insensitive)."""
    found: set[str] = set()
    for target, call in ctx.scan.assigns:
        if _from(ctx.index.resolve(call.qualified), package, factories):
            found.add(target)
    for text, annotation in ctx.scan.annotated:
        if _from(ctx.index.resolve(annotation), package, types):
            found.update((text, f"self.{text}"))
    return found


def _in_agent(ctx: Context, scope_key: str) -> bool:
    """Is ``scope_key`` inside a method of a ``BaseAgent`` subclass?"""
    scope = ctx.scan.scopes[scope_key]
    while scope is not None and scope.kind != "class":
        scope = scope.parent
    return scope is not None and "agent" in ctx.class_kinds(scope.key)


class _Calls:
    """Which callees of the module are model calls to wrap."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.frmk = _receivers(ctx, "frmk.llm", FRMK_FACTORIES, FRMK_TYPES)
        self.openai = _receivers(ctx, "openai", OPENAI_CLIENTS, OPENAI_CLIENTS)

    def is_model_call(self, callee: str, scope_key: str) -> bool:
        if callee.endswith(".complete"):
            receiver = callee.removesuffix(".complete")
            return receiver in self.frmk or (
                receiver == "self.llm" and _in_agent(self.ctx, scope_key)
            )
        return any(
            callee.endswith(method) and callee.removesuffix(method) in self.openai
            for method in OPENAI_METHODS
        )


def _wrapped_present(ctx: Context, calls: _Calls) -> None:
    """Report model calls already wrapped by frmk's ``trace_llm`` as present."""
    for call in ctx.scan.calls_named("trace_llm"):
        args = call.node.args
        if not ctx.is_runtime(call.qualified, "trace_llm") or len(args) != 1:
            continue
        inner = dotted_name(args[0])
        if inner is not None and calls.is_model_call(inner, call.scope_key):
            ctx.present("llm", inner, call.line, SPAN)


def _chat_model(ctx: Context, call: CallInfo) -> None:
    keyword, value = CALLBACKS
    passed = next((kw for kw in call.node.keywords if kw.arg == keyword), None)
    if passed is not None:
        fn = passed.value.func if isinstance(passed.value, ast.Call) else passed.value
        if ctx.is_runtime(ctx.scan.imports.resolve(dotted_name(fn) or ""), value):
            ctx.present("llm", call.callee, call.line, SPAN)
        else:
            ctx.skip("llm", call.callee, call.line, f"already passes {keyword}", SPAN)
    elif any(kw.arg is None for kw in call.node.keywords):
        ctx.skip("llm", call.callee, call.line, "passes **kwargs", SPAN)
    else:
        edit = CallEdit("kwarg", span=SPAN, keyword=keyword, value=value)
        ctx.edit_call(call, "llm", call.callee, edit)


def trace_llm_calls(ctx: Context) -> None:
    calls = _Calls(ctx)
    _wrapped_present(ctx, calls)
    for call in ctx.scan.calls:
        if calls.is_model_call(call.callee, call.scope_key):
            edit = CallEdit("callee", span=SPAN, value="trace_llm")
            ctx.edit_call(call, "llm", call.callee, edit)
            continue
        qualified = ctx.index.resolve(call.qualified)
        if any(_from(qualified, package, names) for package, names in CHAT_MODELS):
            _chat_model(ctx, call)


KIND = Kind(
    name="llm",
    order=6,
    plan=trace_llm_calls,
    words=("get_llm", "LocalLLM", "ChatModelLLM", "openai", "langchain"),
    call_names=frozenset(
        {"complete", "create", "trace_llm", *FRMK_FACTORIES, *OPENAI_CLIENTS}
        | {name for _, names in CHAT_MODELS for name in names}
    ),
    runtime={
        "trace_llm": "frmk.utils.tracing.genai",
        "langchain_callbacks": "frmk.utils.tracing.langchain",
    },
    client_args=dict((CALLBACKS,)),
    wrappers=("trace_llm",),
)
