"""Fixtures for a fresh service database on SQLite and on PostgreSQL."""
