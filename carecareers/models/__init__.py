"""The data model; import from here so Alembic and the services see every table."""

from carecareers.models.addresses import PersonAddress
from carecareers.models.alerts import AlertConsent, AlertMatch, AlertRecipient, JobAlert
from carecareers.models.base import Base
from carecareers.models.campaigns import Campaign, CampaignVisit, Conversation, WidgetCount
from carecareers.models.delivery import OutboxMessage, SendMark, SuppressedAddress
from carecareers.models.events import Booking, CheckIn, Event
from carecareers.models.leads import Consent, FollowUp, Lead, LeadRoute
from carecareers.models.people import Adviser, AuditEvent, Provider
from carecareers.models.picture import PictureCount, PictureCounted
from carecareers.models.questions import PendingTrackerChange, UnansweredQuestion
from carecareers.models.sessions import AdviserSession
from carecareers.models.stories import StaffStory
from carecareers.models.threads import AdviserThread, ThreadMessage
from carecareers.models.vacancies import FeedImport, Vacancy, VacancyWeek
from carecareers.models.values import ValuesCheck, ValuesCompletion, ValuesResult, ValuesTally

__all__ = [
    "AlertConsent",
    "AlertMatch",
    "AlertRecipient",
    "Adviser",
    "AdviserSession",
    "AdviserThread",
    "AuditEvent",
    "Base",
    "Booking",
    "Campaign",
    "CampaignVisit",
    "CheckIn",
    "Consent",
    "Conversation",
    "Event",
    "FeedImport",
    "FollowUp",
    "JobAlert",
    "Lead",
    "LeadRoute",
    "OutboxMessage",
    "PendingTrackerChange",
    "PersonAddress",
    "PictureCount",
    "PictureCounted",
    "Provider",
    "SendMark",
    "StaffStory",
    "SuppressedAddress",
    "ThreadMessage",
    "UnansweredQuestion",
    "Vacancy",
    "VacancyWeek",
    "ValuesCheck",
    "ValuesCompletion",
    "ValuesResult",
    "ValuesTally",
    "WidgetCount",
]
