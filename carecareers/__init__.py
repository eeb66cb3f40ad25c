"""Care Careers Assistant: the core (settings, data model and services)."""
