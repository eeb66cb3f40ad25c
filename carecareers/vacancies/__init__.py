"""Vacancies: feed importers, normalisation and search."""
