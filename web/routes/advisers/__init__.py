"""The adviser dashboard, under /advisers: one router made of a module per topic."""

from fastapi import APIRouter

from web.routes.advisers import (
    alerts,
    campaigns,
    content,
    events,
    leads,
    login,
    reports,
    stories,
    vacancies,
)

router = APIRouter(prefix="/advisers")
for module in (login, leads, campaigns, events, stories, vacancies, reports, alerts,
               content):
    router.include_router(module.router)

__all__ = ["router"]
