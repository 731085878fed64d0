"""Cost of ``goalgen.codemods.rewrite`` on a 1000-line module, against one LibCST parse of the same file.

The codemods decide on an ``ast`` scan and let LibCST parse only the top-level statements they
change, so instrumenting a file should cost less than parsing it once with LibCST; re-running on
an instrumented file (nothing to do) should cost a small fraction of that. Measured in one run,
best of several repeats.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import libcst as cst

from goalgen.codemods import build_index, rewrite

REPEATS = 7


def big_module(targets: int = 4, lines: int = 1000) -> str:
    parts = ["from botbuilder.core import ActivityHandler\nimport os\n\n"]
    for i in range(targets):
        parts.append(
            f"\nclass Bot{i}(ActivityHandler):\n    async def on_turn(self, tc):\n        return {i}\n\n"
        )
    i = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(
            f"\ndef helper_{i}(a, b=None, *args, **kwargs):\n"
            f"    '''Helper {i}.'''\n"
            f"    value = [x * 2 for x in range(a) if x % 3]  # comment {i}\n"
            f"    if b is not None:\n        value.append(os.path.join(str(b), 'x'))\n"
            f"    return {{'value': value, 'n': len(value)}}\n\n"
        )
        i += 1
    return "".join(parts)


def best_of(fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    code = big_module()
    index = build_index({"big": code})
    done = rewrite(code, module="big", index=index).code
    done_index = build_index({"big": done})
    parse = best_of(lambda: cst.parse_module(code))
    add = best_of(lambda: rewrite(code, module="big", index=index))
    again = best_of(lambda: rewrite(done, module="big", index=done_index))
    remove = best_of(lambda: rewrite(done, module="big", index=done_index, remove=True))
    lines = code.count("\n")
    print(f"codemods on a {lines}-line module with 4 targets (best of {REPEATS})")
    print(f"  LibCST parse_module (anchor): {parse * 1e3:7.1f} ms")
    print(f"  instrument:                   {add * 1e3:7.1f} ms  ratio {add / parse:.2f}")
    print(f"  instrument again (no-op):     {again * 1e3:7.1f} ms  ratio {again / parse:.2f}")
    print(f"  remove:                       {remove * 1e3:7.1f} ms  ratio {remove / parse:.2f}")
    return 0 if add < parse else 1


if __name__ == "__main__":
    sys.exit(main())
