"""The vacancy searches a "yes" to an offered button can ask for (as in stories/rules.yml)."""

from __future__ import annotations

from carecareers.topics import Topic, register

TOPIC = register(Topic("vacancies", intents={
    "more_vacancies": "action_more_vacancies",
    "widen_search": "action_widen_search",
}))
