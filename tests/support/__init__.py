"""Helpers the tests and the benchmarks share: one fake Rasa, PostgreSQL, rolled-back sessions."""
