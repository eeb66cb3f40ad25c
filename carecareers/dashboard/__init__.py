"""What the adviser dashboard shows: leads in scope, campaigns, feeds, unanswered questions."""

from carecareers.advisers.scope import visible_to
from carecareers.dashboard.leads import (
    FilterChoices,
    LeadDetail,
    LeadNotFound,
    LeadPage,
    export_leads,
    filter_choices,
    find_visible_lead,
    lead_detail,
    list_leads,
    view_lead,
)
from carecareers.dashboard.questions import QuestionGroup, group_unanswered
from carecareers.leads.filters import LeadFilters, parse_filters

__all__ = [
    "FilterChoices",
    "LeadDetail",
    "LeadFilters",
    "LeadNotFound",
    "LeadPage",
    "QuestionGroup",
    "export_leads",
    "filter_choices",
    "find_visible_lead",
    "group_unanswered",
    "lead_detail",
    "list_leads",
    "parse_filters",
    "view_lead",
    "visible_to",
]
