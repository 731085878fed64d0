"""The project generator: render templates for a goal spec, then write them atomically.

`render_project(spec)` returns the files in memory (what `--dry-run` lists); `write_project`
moves them into place in one rename. The project vendors the runtime as a wheel
(`runtime_wheel`), so it installs without GoalGen.
"""

from goalgen.generator.render import RenderedFile, render_project, template_root
from goalgen.generator.runtime_wheel import RuntimeMetadataError
from goalgen.generator.writer import OutputError, WriteResult, check_output, write_project

__all__ = [
    "OutputError", "RenderedFile", "RuntimeMetadataError", "WriteResult", "check_output",
    "render_project", "template_root", "write_project",
]
