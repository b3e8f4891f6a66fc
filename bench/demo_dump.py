#!/usr/bin/env python
"""Dump the demo council's rows in a comparable form, to check that a change to the demo's
loaders loads the same data (docs/fixtures.md, "How the conversion was checked").

    DATABASE_URL=sqlite:////tmp/old.sqlite3 .venv/bin/python bench/demo_dump.py > old.json
    DATABASE_URL=sqlite:////tmp/new.sqlite3 .venv/bin/python bench/demo_dump.py > new.json
    .venv/bin/python bench/demo_dump.py --compare old.json new.json

The dump is ``scrutiny.backup.canonical_dump()`` (every backed-up row, natural keys for users
and groups, many-to-many values sorted) with what differs between two loads of the same data
left out: dates and times taken from the clock during the load (modification times, text
extraction, minutes published and approved "now"), password hashes, stored files' names,
sizes and hashes, the search index, the task queue's rows and history rows' contents (those
are counted per model).
``--compare`` prints the row counts per model that differ and, per model, the rows that are
only in one dump; it exits 1 when anything differs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections import Counter
from pathlib import Path

# The repository, not bench/ (whose email.py would hide the standard library's).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

# Fields whose values depend on when or where the load ran, not on the data.
VOLATILE = {
    "created",
    "created_at",
    "modified_at",
    "modified",
    "updated",
    "updated_at",
    "last_login",
    "date_joined",
    "password",
    "file",
    "pdf",
    "size",
    "sha256",
    "checksum",
    "content_hash",
    "etag",
    "stored_name",
    "history_date",
    "timestamp",
    "at",
}


def _from_clock(value) -> bool:
    """A date and time taken from the clock during the load (within the last two days), not
    from the data (the demo's dates are 2015-2018)."""
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    if moment.tzinfo is None:
        return False
    return abs(dt.datetime.now(dt.UTC) - moment) < dt.timedelta(days=2)


def _comparable(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if k not in VOLATILE and not _from_clock(v)}


def dump() -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
    django.setup()
    from scrutiny.backup import canonical_dump

    rows = json.loads(canonical_dump())
    counts: Counter = Counter()
    kept = []
    for row in rows:
        model = row["model"]
        counts[model] += 1
        if model.startswith(("opendata.", "django_tasks")) or ".historical" in model:
            continue  # the search index is rebuilt; history is counted, not compared
        fields = _comparable(row["fields"])
        kept.append({"model": model, "pk": row.get("pk"), "fields": fields})
    return {"counts": dict(sorted(counts.items())), "rows": kept}


def compare(old_path: str, new_path: str) -> int:
    old = json.loads(Path(old_path).read_text())
    new = json.loads(Path(new_path).read_text())
    status = 0
    models = sorted(set(old["counts"]) | set(new["counts"]))
    for model in models:
        a, b = old["counts"].get(model, 0), new["counts"].get(model, 0)
        if a != b:
            status = 1
            print(f"count {model}: {a} -> {b}")

    def keyed(rows):
        by_model: dict[str, Counter] = {}
        for row in rows:
            if row["model"].startswith("django_tasks"):
                continue
            fields = _comparable(row["fields"])
            key = json.dumps({"pk": row["pk"], **fields}, sort_keys=True)
            by_model.setdefault(row["model"], Counter())[key] += 1
        return by_model

    a_rows, b_rows = keyed(old["rows"]), keyed(new["rows"])
    for model in sorted(set(a_rows) | set(b_rows)):
        only_old = a_rows.get(model, Counter()) - b_rows.get(model, Counter())
        only_new = b_rows.get(model, Counter()) - a_rows.get(model, Counter())
        if only_old or only_new:
            status = 1
            print(
                f"rows {model}: {sum(only_old.values())} only before, "
                f"{sum(only_new.values())} only after"
            )
            for key in list(only_old)[:3]:
                print(f"  - {key[:400]}")
            for key in list(only_new)[:3]:
                print(f"  + {key[:400]}")
    total = sum(new["counts"].values())
    print("identical" if status == 0 else "DIFFERENT", f"({total} rows, {len(models)} models)")
    return status


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    json.dump(dump(), sys.stdout, indent=0, sort_keys=True)
