"""The adviser dashboard, under /advisers: one router made of a module per topic."""

from fastapi import APIRouter

from web.routes.advisers import (
    alerts,
    campaigns,
    content,
    events,
    leads,
    login,
    picture,
    referrals,
    reports,
    stories,
    vacancies,
    website,
)

router = APIRouter(prefix="/advisers")
for module in (login, leads, campaigns, events, stories, referrals, vacancies, reports,
               alerts, content, website, picture):
    router.include_router(module.router)

__all__ = ["router"]
