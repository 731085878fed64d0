"""GoalGen: generate multi-agent projects and add distributed tracing to Python code.

``goalgen.__version__`` is looked up on first use: ``importlib.metadata`` costs ~40 ms to import,
which every ``goalgen instrument --check`` in a pre-commit hook would pay for nothing.
"""


def __getattr__(name: str) -> str:
    if name != "__version__":
        raise AttributeError(f"module 'goalgen' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("goalgen")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
