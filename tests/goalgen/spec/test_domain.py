"""domain_module: a spec names its own domain's Python; missing or unusable code is an error."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from goalgen.spec import SpecError, load_spec


def write(folder: Path, doc: dict[str, Any], files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    spec = folder / "spec.json"
    spec.write_text(json.dumps(doc), encoding="utf-8")
    return spec


def test_a_module_file_next_to_the_spec_is_read_with_its_hooks(
    tmp_path: Path, sample: dict[str, Any]
) -> None:
    sample["domain_module"] = "desk.py"
    text = "ROUTING_CONCEPTS = {}\n\n\ndef extract_context(message):\n    return {}\n"
    spec = load_spec(write(tmp_path, sample, {"desk.py": text})).spec

    assert spec.domain is not None
    assert spec.domain.files == ((PurePosixPath("workflow/domain.py"), text),)
    assert spec.domain.hooks == {"ROUTING_CONCEPTS", "extract_context"}


def test_a_package_is_read_with_the_hooks_its_init_imports(
    tmp_path: Path, sample: dict[str, Any]
) -> None:
    sample["domain_module"] = "desk"
    files = {"desk/__init__.py": "from .replies import offline_reply as offline_reply\n",
             "desk/replies.py": "def offline_reply(turn):\n    return None\n",
             "desk/notes.txt": "not Python, not copied"}
    spec = load_spec(write(tmp_path, sample, files)).spec

    assert spec.domain is not None
    assert [path.as_posix() for path, _ in spec.domain.files] == [
        "workflow/domain/__init__.py", "workflow/domain/replies.py"]
    assert spec.domain.hooks == {"offline_reply"}


def test_without_the_field_there_is_no_domain_module(sample: dict[str, Any], tmp_path: Path) -> None:
    del sample["domain_module"]
    assert load_spec(write(tmp_path, sample, {})).spec.domain is None


@pytest.mark.parametrize(
    ("value", "files", "message"),
    [
        pytest.param("missing.py", {}, "domain_module: no Python file or package 'missing.py'",
                     id="missing"),
        pytest.param("desk", {"desk/replies.py": "x = 1\n"}, "domain_module: 'desk' is a folder "
                     "without __init__.py", id="package_without_init"),
        pytest.param("desk.py", {"desk.py": "def extract_context(:\n"}, "desk.py line 1: invalid "
                     "Python", id="syntax_error"),
        pytest.param("desk.py", {"desk.py": "def helper():\n    pass\n"}, "desk.py defines none of "
                     "extract_context, offline_reply, ROUTING_CONCEPTS, CONTEXT_EXAMPLES",
                     id="no_hook"),
        pytest.param(7, {}, "domain_module: expected a string", id="not_a_string"),
    ],
)  # fmt: skip
def test_an_unusable_domain_module_is_a_one_line_error(
    tmp_path: Path, sample: dict[str, Any], value: Any, files: dict[str, str], message: str
) -> None:
    sample["domain_module"] = value
    with pytest.raises(SpecError) as caught:
        load_spec(write(tmp_path, sample, files))

    [issue] = caught.value.issues
    assert message in str(issue)
    assert "\n" not in str(issue)
