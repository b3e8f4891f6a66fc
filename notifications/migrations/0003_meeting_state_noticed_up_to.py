"""Change notices come from the meetings' change log (``meetings.MeetingChange``) instead of
comparing a snapshot: a meeting whose members were summoned (a snapshot was taken) is told of
every change recorded from now on (``noticed_up_to`` 0); one never summoned stays without a
baseline (``None``), as before."""

from django.db import migrations, models


def summoned_meetings_start_at_zero(apps, schema_editor):
    MeetingState = apps.get_model("notifications", "MeetingState")
    for state in MeetingState.objects.all().only("pk", "snapshot"):
        if state.snapshot:
            MeetingState.objects.filter(pk=state.pk).update(noticed_up_to=0)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_suppression_history"),
        ("meetings", "0010_meeting_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingstate",
            name="noticed_up_to",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(summoned_meetings_start_at_zero, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="meetingstate",
            name="snapshot",
        ),
    ]
