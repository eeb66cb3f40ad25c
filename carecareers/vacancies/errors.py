"""The business errors of the vacancy importers."""

from __future__ import annotations


class FeedError(Exception):
    """A feed file (or URL) cannot be read as a whole: missing, truncated or malformed.

    Raised before any vacancy is changed; the message says what is wrong and where.
    """


class UnknownSource(ValueError):
    """A source name that names no known feed format."""
