"""The alert links (confirm, stop) and the advisers' alert counts, through the web app."""

from __future__ import annotations

from sqlalchemy import Engine

from carecareers.models import JobAlert
from carecareers.settings import Settings
from tests.factories import dashboard, make_adviser
from tests.integration.alert_helpers import email_alert


def test_confirm_needs_a_press_and_stop_works_on_opening(engine: Engine,
                                                         settings: Settings) -> None:
    with dashboard(engine, settings) as app:
        alert = email_alert(app.session, confirm=False)
        token = alert.confirm_token or ""
        app.session.flush()

        page = app.client.get(f"/alerts/confirm/{token}")
        assert page.status_code == 200 and f'action="/alerts/confirm/{token}"' in page.text
        assert app.fresh().get(JobAlert, alert.id).status == "pending"  # type: ignore[union-attr]

        done = app.client.post(f"/alerts/confirm/{token}")
        assert done.status_code == 200 and "Your job alerts are on" in done.text
        assert "healthcare assistant jobs within 10 miles of ST4" in done.text
        fresh = app.fresh().get(JobAlert, alert.id)
        assert fresh is not None and fresh.status == "active"
        assert app.client.post(f"/alerts/confirm/{token}").status_code == 404

        stop_path = f"/alerts/unsubscribe/{fresh.recipient.unsubscribe_token}"
        stopped = app.client.get(stop_path)
        assert stopped.status_code == 200 and "Job alerts stopped" in stopped.text
        assert app.fresh().get(JobAlert, alert.id).status == "stopped"  # type: ignore[union-attr]
        assert app.client.post(stop_path).status_code == 200  # the one-click POST
        assert app.client.get("/alerts/unsubscribe/nonsense").status_code == 404


def test_advisers_see_counts_by_area_and_role_without_addresses(engine: Engine,
                                                                settings: Settings) -> None:
    with dashboard(engine, settings) as app:
        email_alert(app.session, email="sam.secret@example.org", sender="w1", what="HCA")
        email_alert(app.session, email="ali.secret@example.org", sender="w2", what="HCA")
        assert app.client.get("/advisers/alerts", follow_redirects=False).status_code in (
            302, 303, 401)
        app.log_in_as(make_adviser(app.session))
        page = app.client.get("/advisers/alerts")
        assert page.status_code == 200
        assert "2 active alerts" in page.text and "healthcare assistant" in page.text
        assert "ST4" in page.text and "secret" not in page.text
