"""Job alerts: new matching vacancies pushed by email or in the person's chat, with consent."""

from carecareers.alerts.consent import alert_consent_wording
from carecareers.alerts.conversation import (
    AlertAsked,
    consent_question,
    criteria_for,
    set_up_alert,
)
from carecareers.alerts.criteria import AlertCriteria, build_criteria
from carecareers.alerts.dashboard import AlertCount, active_alert_counts
from carecareers.alerts.errors import (
    AlertError,
    AlertNotAllowed,
    ConfirmationPending,
    InvalidAlert,
    UnknownToken,
)
from carecareers.alerts.queueing import QueueReport, criteria_of, queue_alerts
from carecareers.alerts.retention import erase_alerts_for, expire_alerts, stop_failed_recipients
from carecareers.alerts.sending import SendReport, send_alerts
from carecareers.alerts.subscriptions import (
    AlertRequest,
    alerts_for_sender,
    confirm_alert,
    request_chat_alert,
    request_email_alert,
    stop_alerts_for_sender,
    unsubscribe,
)

__all__ = [
    "AlertAsked",
    "AlertCount",
    "AlertCriteria",
    "AlertError",
    "AlertNotAllowed",
    "AlertRequest",
    "ConfirmationPending",
    "InvalidAlert",
    "QueueReport",
    "SendReport",
    "UnknownToken",
    "active_alert_counts",
    "alert_consent_wording",
    "alerts_for_sender",
    "build_criteria",
    "confirm_alert",
    "consent_question",
    "criteria_for",
    "criteria_of",
    "erase_alerts_for",
    "expire_alerts",
    "queue_alerts",
    "request_chat_alert",
    "request_email_alert",
    "send_alerts",
    "set_up_alert",
    "stop_alerts_for_sender",
    "stop_failed_recipients",
    "unsubscribe",
]
