from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and agendas"

    def ready(self):
        from django.db.models.signals import post_delete

        from meetings.conversion import delete_original_file
        from meetings.models import Conversion

        post_delete.connect(
            delete_original_file, sender=Conversion, dispatch_uid="conversion-original"
        )
