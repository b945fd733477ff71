"""Helpers shared by the whole test suite (tests/ is on sys.path through tests/conftest.py)."""
