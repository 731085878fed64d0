"""A small shop API used by tests/codemods/test_behaviour_fastapi_apps.py (plain vs instrumented)."""
