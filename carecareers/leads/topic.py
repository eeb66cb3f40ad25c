"""Leads in the centre: the interest form's answers blanked out of the tracker when it keeps
nothing, and the confirmed erasure. (Erasing and purging leads is the centre's own work, in
`erasure.py`, after every other topic's.)"""

from __future__ import annotations

from carecareers.models import Lead
from carecareers.topics import Topic, register

TOPIC = register(Topic("leads", form_starts=("action_start_interest",), form_slots=("lead_",),
                       intents={"confirm_delete_my_data": "action_erase_my_data"},
                       people=(Lead.sender_id,)))
