"""The careers questions a "yes" to an offered button can ask (the rules in stories/rules.yml
answer the same intents with the same actions)."""

from __future__ import annotations

from carecareers.topics import Topic, register

TOPIC = register(Topic("careers", intents={
    "ask_roles": "action_list_roles",
    "ask_role_info": "action_role_info",
    "ask_pay": "action_pay",
    "ask_entry_requirements": "action_entry_requirements",
    "ask_career_path": "action_career_path",
    "ask_apprenticeships": "action_apprenticeships",
    "ask_rotational_apprenticeship": "action_rotational_apprenticeship",
    "ask_graduate_pathway": "action_graduate_pathway",
}))
