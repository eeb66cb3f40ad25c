"""Leads: interest recorded with consent, routed to providers, erased on request."""

from carecareers.forms.validation import InvalidAnswer
from carecareers.leads.consent import ConsentWording, consent_wording
from carecareers.leads.erasure import erase_lead, erase_person, purge_expired
from carecareers.leads.recording import InterestDetails, record_interest, route_lead

__all__ = [
    "ConsentWording",
    "InterestDetails",
    "InvalidAnswer",
    "consent_wording",
    "erase_lead",
    "erase_person",
    "purge_expired",
    "record_interest",
    "route_lead",
]
