"""Test helper, run as a separate process by tests/packs/test_worker_kill.py: django-tasks-db's
real ``db_worker`` command, with the pack builder made to pause for ``PACK_SLOW_SECONDS``
inside ``builder.build_pdf`` — after the build has been claimed (its lease and heartbeat are
running) and its temporary folder made — so the test can kill the worker mid-build at a
known point. ``PACK_BUILD_LEASE_SECONDS`` shortens the lease so the test need not wait a
minute. Nothing in the portal imports this file; production code has no such hook.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from meetings.packs import builder  # noqa: E402

settings.PACK_BUILD_LEASE_SECONDS = float(os.environ["PACK_BUILD_LEASE_SECONDS"])
real_build_pdf = builder.build_pdf


def slow_build_pdf(*args, **kwargs):
    time.sleep(float(os.environ["PACK_SLOW_SECONDS"]))
    return real_build_pdf(*args, **kwargs)


builder.build_pdf = slow_build_pdf
call_command("db_worker", queue_name="default", interval=0.2, startup_delay=False, reload=False)
