"""Bots used by tests/codemods/test_behaviour_bots.py (plain vs instrumented)."""
