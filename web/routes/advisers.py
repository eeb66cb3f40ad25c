"""The adviser dashboard."""

from fastapi import APIRouter

router = APIRouter()
