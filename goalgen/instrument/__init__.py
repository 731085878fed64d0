"""The engine of ``goalgen instrument``.

Finds files (``files``), decodes them byte-exactly (``source``), builds one project index and
runs the codemods (``engine``, ``transform``, ``concurrency``), diffs/checks/writes the result
(``diff``), remembers files that need nothing (``cache``), and returns one ``Report`` whose
``return_code`` is the command's exit status. Settings come from ``Options`` and the target's
``[tool.goalgen.instrument]`` (``config``).

    from goalgen.instrument import Mode, Options, run
    report = run([Path("src")], Options(mode=Mode.CHECK))
    raise SystemExit(report.return_code)
"""

from __future__ import annotations

from goalgen.instrument.engine import run
from goalgen.instrument.options import Mode, OptionError, Options
from goalgen.instrument.report import FileResult, Report

__all__ = ["run", "Mode", "Options", "OptionError", "Report", "FileResult"]
