"""The shared engine suite: every test runs over each engine on the same data (see conftest.py)."""
