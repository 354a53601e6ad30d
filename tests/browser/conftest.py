"""Browser fixtures are in tests/conftest.py, shared by every test directory."""
