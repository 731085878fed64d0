"""GoalGen: generate multi-agent projects and add distributed tracing to Python code."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("goalgen")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
