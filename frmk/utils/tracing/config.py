"""Tracing settings, read from the environment once and changeable with ``configure``.

``TRACING_ENABLED`` (default true), ``TRACE_SAMPLE_RATE`` (0.0-1.0, default 1.0),
``TRACING_OUTPUT`` (stderr | stdout | a file path | otlp | none), ``TRACING_SERVICE_NAME``
(falls back to ``OTEL_SERVICE_NAME``), ``TRACING_RECORD_CONTENT`` (default false: user text in
metadata such as ``message`` is not written), ``TRACING_FILE_MODE`` (octal permissions of a span
file the sink creates, default 0600). The same settings may come from a file (``config_file``:
``TRACING_CONFIG`` or ``[tool.goalgen.tracing]`` in pyproject.toml); a set variable wins.
"""

from __future__ import annotations

import atexit
import os
import sys
import warnings
from typing import Any

from frmk.utils.tracing.config_file import file_settings
from frmk.utils.tracing.sinks import DEFAULT_FILE_MODE, FileSink, NullSink, Sink, StreamSink

_FileValues = dict[str, tuple[str, str]]


def _lookup(name: str, file_values: _FileValues) -> tuple[str | None, str]:
    """A setting's raw text and a label for warnings: the environment first, then the file."""
    raw = os.environ.get(name)
    if raw is not None and raw.strip():
        return raw, name
    if name in file_values:
        return file_values[name]
    return raw, name


def sink_for(output: str, file_values: _FileValues | None = None) -> Sink:
    """The sink ``TRACING_OUTPUT`` names: stderr, stdout, none, otlp, or a file path.

    Choosing lives here, not in ``sinks``: the OTLP sink builds on ``sinks.Sink`` and is
    imported only when asked for, so neither module imports the other back.
    """
    key = output.strip().lower()
    if key in ("", "stderr", "stdout"):
        return StreamSink(key or "stderr")
    if key in ("none", "off", "false"):
        return NullSink()
    if key == "otlp":
        from frmk.utils.tracing.otlp import OtlpSink

        return OtlpSink()
    return FileSink(os.path.expanduser(output.strip()), mode=_file_mode(file_values or {}))


def _file_mode(file_values: _FileValues) -> int:
    raw, label = _lookup("TRACING_FILE_MODE", file_values)
    raw = (raw or "").strip()
    if not raw:
        return DEFAULT_FILE_MODE
    try:
        mode = int(raw, 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o777:
        warnings.warn(f"{label}={raw!r} is not an octal file mode such as 0644; "
                      f"using {DEFAULT_FILE_MODE:04o}", stacklevel=4)
        return DEFAULT_FILE_MODE
    return mode

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Settings:
    """The live settings. The span path reads these attributes directly."""

    __slots__ = ("enabled", "sample_rate", "service", "sink", "record_content")

    def __init__(self) -> None:
        self.enabled = True
        self.sample_rate = 1.0
        self.service = "unknown_service"
        self.sink: Sink = sink_for("none")
        self.record_content = False


settings = Settings()


def _bool(name: str, default: bool, file_values: _FileValues) -> bool:
    raw, label = _lookup(name, file_values)
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    warnings.warn(f"{label}={raw!r} is not a boolean; using {default}", stacklevel=3)
    return default


def _rate(file_values: _FileValues) -> float:
    raw, label = _lookup("TRACE_SAMPLE_RATE", file_values)
    if raw is None or not raw.strip():
        return 1.0
    try:
        rate = float(raw)
    except ValueError:
        warnings.warn(f"{label}={raw!r} is not a number; using 1.0", stacklevel=3)
        return 1.0
    return _clamp(rate)


def _clamp(rate: float) -> float:
    if not 0.0 <= rate <= 1.0:
        warnings.warn(f"sample rate {rate} is outside 0.0-1.0; clamped", stacklevel=4)
    return min(1.0, max(0.0, rate))


def _default_service(file_values: _FileValues) -> str:
    name = (os.environ.get("TRACING_SERVICE_NAME") or os.environ.get("OTEL_SERVICE_NAME")
            or file_values.get("TRACING_SERVICE_NAME", ("", ""))[0])
    if name:
        return name
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    prog = prog[:-3] if prog.endswith(".py") else prog
    return prog or "unknown_service"


def configure(
    *,
    output: str | Sink | None = None,
    sample_rate: float | None = None,
    enabled: bool | None = None,
    service: str | None = None,
    record_content: bool | None = None,
) -> Settings:
    """Re-read the environment and settings file, then apply the given overrides.

    Returns the live settings. The previous sink is flushed and closed. ``output`` may be a sink
    object (e.g. ``MemorySink``).
    """
    old = settings.sink
    values = file_settings()
    settings.enabled = _bool("TRACING_ENABLED", True, values) if enabled is None else enabled
    settings.sample_rate = _rate(values) if sample_rate is None else _clamp(float(sample_rate))
    settings.service = service or _default_service(values)
    settings.record_content = (
        _bool("TRACING_RECORD_CONTENT", False, values) if record_content is None else record_content
    )
    if output is None:
        output = _lookup("TRACING_OUTPUT", values)[0] or "stderr"
    settings.sink = sink_for(output, values) if isinstance(output, str) else output
    if old is not settings.sink:
        try:
            old.close()
        except Exception:
            pass
    return settings


def flush() -> None:
    """Write out buffered spans now (also done at exit and twice a second)."""
    try:
        settings.sink.flush()
    except Exception:
        pass


def stats() -> dict[str, Any]:
    """How many spans the current sink wrote and dropped."""
    sink = settings.sink
    return {"written": sink.written, "dropped": sink.dropped, "sink": type(sink).__name__}


def _after_fork() -> None:
    if isinstance(settings.sink, FileSink):
        settings.sink.after_fork()


atexit.register(lambda: settings.sink.close())
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)
