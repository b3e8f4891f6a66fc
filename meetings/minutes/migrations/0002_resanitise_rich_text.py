"""Re-sanitise the rich text stored before the one sanitiser (scrutiny.sanitise) existed.

Minutes used nh3's default URL schemes (so a ``file:`` link could be stored) and amendments
could add attributes; report sections had their own rules. Every stored minute, public summary
and report section goes through the current sanitiser once; a row that is already clean is not
written. History rows are left as they were (they are never rendered as HTML).
"""

from django.db import migrations


def resanitise(apps, schema_editor):
    from scrutiny.sanitise import sanitise

    Minute = apps.get_model("minutes", "Minute")
    ReportSection = apps.get_model("meetings", "ReportSection")
    for model, fields in ((Minute, ("text", "public_summary")), (ReportSection, ("body",))):
        for row in model.objects.only("pk", *fields).iterator(chunk_size=500):
            changed = {}
            for field in fields:
                value = getattr(row, field) or ""
                clean = sanitise(value)
                if clean != value:
                    changed[field] = clean
            if changed:
                model.objects.filter(pk=row.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [
        ("minutes", "0001_initial"),
        ("meetings", "0003_report_section_history"),
    ]

    operations = [migrations.RunPython(resanitise, migrations.RunPython.noop)]
