#!/usr/bin/env python
"""Email benchmark (issue 18, item 7): an agenda published to 5,000 subscribers and 60
members, sent to a real SMTP server on loopback (aiosmtpd) by a worker that is killed half-way
and started again.

    .venv/bin/python bench/email.py [--subscribers 5000] [--members 60]

It sets Django up against a temporary SQLite database (or ``--database-url``), with the
database task backend (nothing is sent while the fan-out runs), then:

1. queues the publication: ``notifications.tasks.fan_out("published", meeting)`` writes one
   outbox row per member (the summons) and per subscriber (the alert);
2. starts a worker process (``--worker``: ``notifications.sending.send_pending`` in a loop),
   SIGKILLs it once half the messages have arrived, and starts a new one, which takes over the
   killed worker's claimed rows once their claim runs out (``EMAIL_CLAIM_SECONDS``, 2 s here);
3. prints messages per second (sending time of both workers, claim wait excluded), the peak
   memory (maximum resident set size) of the fan-out and of each worker, and counts what the
   server received by ``Message-ID``: every row delivered, and how many arrived twice.

Targets: at least 200 messages/s on 2 cores; at most 200 MB. A message arrives twice only if
the worker is killed between the server's "250 OK" and the row's update; the copy carries the
same ``Message-ID`` (docs/email.md, "Exactly once").
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

# This file is called email.py: its folder must not shadow the standard library's email package
# (none of the modules above imports it).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database_url: str, port: int) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["TASKS_IMMEDIATE"] = "false"
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    os.environ["EMAIL_RATE_PER_MINUTE"] = "1000000"
    os.environ["DJANGO_SETTINGS_MODULE"] = "scrutiny.settings"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_CLAIM_SECONDS = 2


def peak_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def worker(database_url: str, port: int) -> None:
    setup_django(database_url, port)
    from notifications.models import Outbox
    from notifications.sending import send_pending

    while True:
        sent = send_pending(limit=500)
        if sent:
            continue
        pending = Outbox.objects.filter(
            status__in=[Outbox.Status.QUEUED, Outbox.Status.SENDING]
        ).exists()
        if not pending:
            break
        time.sleep(0.2)
    print(f"worker peak memory {peak_mb():.0f} MB", flush=True)


class Counting:
    def __init__(self):
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        content = envelope.content
        start = content.find(b"Message-ID:")
        end = content.find(b"\n", start)
        with self.lock:
            self.ids[content[start:end].strip().decode()] += 1
        return "250 OK"

    @property
    def received(self) -> int:
        with self.lock:
            return sum(self.ids.values())


def populate(subscribers: int, members: int):
    from django.utils import timezone

    from meetings.models import AgendaItem, Meeting, MeetingStatus
    from notifications.models import Subscriber
    from scrutiny.models import Committee, Membership, Person

    committee = Committee.objects.create(name="Bench Scrutiny Panel", slug="bench-panel")
    people = Person.objects.bulk_create(
        [
            Person(
                name=f"Bench Member {n}",
                slug=f"bench-member-{n}",
                sort_name=f"member {n}",
                email=f"member{n}@bench.example",
                email_consent=True,
            )
            for n in range(members)
        ]
    )
    import datetime as dt

    Membership.objects.bulk_create(
        [Membership(person=p, committee=committee, start_date=dt.date(2020, 5, 1)) for p in people]
    )
    now = timezone.now()
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"reader{n}@bench.example",
                all_committees=True,
                topics=["agendas"],
                confirmed_at=now,
            )
            for n in range(subscribers)
        ]
    )
    meeting = Meeting.all_objects.create(
        committee=committee,
        start=now + dt.timedelta(days=10),
        venue="Bench Chamber",
        status=MeetingStatus.AGENDA_PUBLISHED,
        published_at=now,
    )
    for n in range(1, 11):
        AgendaItem.all_objects.create(
            meeting=meeting,
            order=n,
            number=str(n),
            title=f"Bench item {n}",
            description="To consider the report of the Strategic Director.",
        )
    return meeting


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--members", type=int, default=60)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2 cores)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.database_url, args.port)
        return

    from aiosmtpd.controller import Controller

    sys.path.insert(0, str(ROOT))
    from tests.hardening.servers import free_port

    workdir = Path(tempfile.mkdtemp(prefix="bench-email-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    port = free_port()
    inbox = Counting()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    setup_django(database_url, port)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from notifications.models import Outbox
    from notifications.tasks import fan_out

    meeting = populate(args.subscribers, args.members)
    started = time.perf_counter()
    queued = fan_out.call("published", meeting.pk)
    queue_seconds = time.perf_counter() - started
    total = Outbox.objects.count()
    assert queued == total == args.subscribers + args.members, (queued, total)
    print(
        f"queued {total} messages in {queue_seconds:.1f} s (fan-out peak memory {peak_mb():.0f} MB)"
    )

    command = [
        sys.executable,
        __file__,
        "--worker",
        "--database-url",
        database_url,
        "--port",
        str(port),
    ]
    sending = 0.0
    started = time.perf_counter()
    first = [subprocess.Popen(command) for _ in range(args.workers)]
    while inbox.received < total // 2 and any(w.poll() is None for w in first):
        time.sleep(0.005)
    for w in first:
        w.send_signal(signal.SIGKILL)
    for w in first:
        w.wait()
    sending += time.perf_counter() - started
    at_kill = inbox.received
    print(f"{args.workers} worker(s) killed (SIGKILL) after {at_kill} messages")
    time.sleep(2.1)  # the killed workers' claims run out
    started = time.perf_counter()
    second = [subprocess.Popen(command) for _ in range(args.workers)]
    for w in second:
        assert w.wait() == 0
    sending += time.perf_counter() - started
    time.sleep(0.2)
    controller.stop()

    ids = inbox.ids
    received = sum(ids.values())
    twice = sum(1 for count in ids.values() if count > 1)
    sent_rows = Outbox.objects.filter(status=Outbox.Status.SENT).count()
    rate = received / sending if sending else 0.0
    print(
        f"received {received} messages, {len(ids)} distinct Message-IDs, "
        f"{sent_rows}/{total} rows sent"
    )
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (usage.ru_utime + usage.ru_stime) / max(received, 1)
    print(
        f"sent {rate:.0f} messages/s (target >= 200); workers' CPU {cpu * 1000:.1f} ms a "
        f"message, so {2 / cpu:.0f} messages/s if 2 idle cores were the only limit "
        f"(load average now {os.getloadavg()[0]:.1f})"
    )
    print(
        f"worker peak memory (largest child) {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB "
        "(target <= 200)"
    )
    print(
        f"exactly once: {'yes' if len(ids) == total and twice == 0 else 'NO'} "
        f"({twice} delivered twice, {total - len(ids)} missing)"
    )


if __name__ == "__main__":
    main()
