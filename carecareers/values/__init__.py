"""'Is care for me?': the values check (check.py), what it keeps (results.py) and its content."""

from carecareers.values.check import START_PAYLOAD, content, outcome_of, start_check
from carecareers.values.results import Hardness, ResultSummary, hardest_situations, result_summary

__all__ = ["START_PAYLOAD", "Hardness", "ResultSummary", "content", "hardest_situations",
           "outcome_of", "result_summary", "start_check"]
