"""The one list of the portal's own apps, in dependency order: each app may use the apps
before it and never one after it (the import-linter contract in pyproject.toml checks the
imports; keep the two in the same order).

Everything that needs "every portal app" derives it from here: ``INSTALLED_APPS`` (settings),
the URL configuration and sitemaps (scrutiny.urls), the demo data (load_demo_data), the page
cache's invalidation (scrutiny.cache) and the audit trail's tracked models (scrutiny.audit).
A new app is added here once, in its place in the chain. This module imports nothing, so the
settings can read it.
"""

PORTAL_APPS: tuple[str, ...] = (
    "scrutiny",
    "meetings",
    "meetings.minutes",
    "decisions",
    "performance",
    "workprogramme",
    "meetings.packs",
    "notifications",
    "imports",
    "opendata",
)

# The app labels (the last part of each name: the nested apps set theirs to it explicitly).
PORTAL_APP_LABELS: frozenset[str] = frozenset(name.rpartition(".")[2] for name in PORTAL_APPS)

# The apps whose records democracy officers create and edit (their permissions make up the
# officers' role, scrutiny.roles): every portal app but opendata, whose records (search index,
# public records, calendar entries) are derived by tasks and edited by no one, and
# notifications, whose outbox and subscriptions are written by its own pages and tasks.
DERIVED_ONLY_APP_LABELS: frozenset[str] = frozenset({"opendata", "notifications"})
OFFICER_EDITED_APP_LABELS: frozenset[str] = PORTAL_APP_LABELS - DERIVED_ONLY_APP_LABELS
