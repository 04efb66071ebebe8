"""Browser end-to-end tests (pytest marker ``e2e``); see conftest.py for requirements."""
