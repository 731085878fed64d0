"""Checks used by scripts/realworld_langgraph.sh; each prints its numbers and exits 1 on failure.

checks.py junit-summary RESULTS.xml
checks.py junit-compare BEFORE.xml AFTER.xml
checks.py count-nodes REPORT.json TREE MIN
checks.py count-spans SPANS.jsonl
checks.py compare-trees PRISTINE TREE
"""

from __future__ import annotations

import collections
import filecmp
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

IGNORED_DIRS = {"__pycache__", ".pytest_cache"}


def junit_outcomes(path: str) -> dict[str, str]:
    """Test id -> passed | failed | error | skipped, from a pytest junit XML file."""
    outcomes: dict[str, str] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test_id = f"{case.get('classname')}::{case.get('name')}"
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed"}.get(child.tag, child.tag)
        outcomes[test_id] = outcome
    return outcomes


def junit_summary(path: str) -> int:
    counts = collections.Counter(junit_outcomes(path).values())
    print(", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no tests")
    return 0


def junit_compare(before_path: str, after_path: str) -> int:
    before, after = junit_outcomes(before_path), junit_outcomes(after_path)
    differences = [
        f"  {test_id}: {before.get(test_id, 'absent')} -> {after.get(test_id, 'absent')}"
        for test_id in sorted(set(before) | set(after))
        if before.get(test_id) != after.get(test_id)
    ]
    if differences:
        print(f"{len(differences)} tests changed outcome after instrumenting:")
        print("\n".join(differences[:50]))
        return 1
    print(f"identical outcomes for all {len(before)} tests")
    return 0


def count_nodes(report_path: str, tree: str, minimum: str) -> int:
    report = json.loads(Path(report_path).read_text())
    added = collections.Counter()
    skipped = collections.Counter()
    runs = run_skips = 0
    for entry in report["files"]:
        for target in entry["targets"]:
            if target["kind"] != "node":
                continue
            if target["span"] == "langgraph.run":  # a `with TraceSpan(...)` around a graph run
                runs += target["action"] == "added"
                run_skips += target["action"] == "skipped"
                continue
            if target["action"] == "added":
                added[entry["path"]] += 1
            elif target["kind"] == "node" and target["action"] == "skipped":
                skipped[target["reason"]] += 1
    in_files = sum(
        p.read_text("utf-8", "replace").count('@trace_span("langgraph.node.')
        for p in Path(tree).rglob("*.py")
    )
    total = sum(added.values())
    print(f"node functions decorated: {total} (report) / {in_files} (decorators in files)")
    for path in ("tests/test_pregel.py", "tests/test_pregel_async.py"):
        print(f"  {path}: {added.get(path, 0)}")
    print(
        f"  other files: {total - added.get('tests/test_pregel.py', 0) - added.get('tests/test_pregel_async.py', 0)}"
    )
    print(f"graph runs wrapped in a langgraph.run span: {runs} ({run_skips} left alone)")
    print(f"node registrations left alone: {sum(skipped.values())}")
    for reason, n in skipped.most_common():
        print(f"  {n:5d}  {reason}")
    print("targets by kind:", json.dumps(report["summary"]["targets"]))
    if total < int(minimum):
        print(f"FAIL: fewer than {minimum} node functions decorated")
        return 1
    if total != in_files:
        print("FAIL: the report and the files disagree on the number of node decorators")
        return 1
    return 0


def count_spans(path: str) -> int:
    names = collections.Counter()
    lines = 0
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                lines += 1
                names[json.loads(line)["name"].split(".", 2)[0]] += 1
    except FileNotFoundError:
        pass
    node_spans = sum(n for name, n in names.items() if name == "langgraph")
    print(
        f"spans written while the instrumented tests ran: {lines} ({node_spans} langgraph.node.*)"
    )
    if node_spans == 0:
        print("FAIL: the instrumented tests wrote no node spans")
        return 1
    return 0


def compare_trees(pristine: str, tree: str) -> int:
    """Every file byte-for-byte equal, and no file added or missing (caches ignored)."""
    problems: list[str] = []
    compared = 0

    def walk(left: Path, right: Path) -> None:
        nonlocal compared
        names_left = {p.name for p in left.iterdir() if p.name not in IGNORED_DIRS}
        names_right = {p.name for p in right.iterdir() if p.name not in IGNORED_DIRS}
        for name in sorted(names_left ^ names_right):
            problems.append(
                f"only in {'pristine' if name in names_left else 'tree'}: {left / name}"
            )
        for name in sorted(names_left & names_right):
            a, b = left / name, right / name
            if a.is_dir() and b.is_dir():
                walk(a, b)
            elif a.is_file() and b.is_file():
                compared += 1
                if not filecmp.cmp(a, b, shallow=False):
                    problems.append(f"differs: {b}")
            else:
                problems.append(f"type differs: {b}")

    walk(Path(pristine), Path(tree))
    if problems:
        print(f"{len(problems)} differences after --remove:")
        print("\n".join(problems[:50]))
        return 1
    print(f"all {compared} files byte-for-byte identical to the pristine sdist")
    return 0


def main(argv: list[str]) -> int:
    commands = {
        "junit-summary": junit_summary,
        "junit-compare": junit_compare,
        "count-nodes": count_nodes,
        "count-spans": count_spans,
        "compare-trees": compare_trees,
    }
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]](*argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
