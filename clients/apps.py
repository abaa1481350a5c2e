from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Organizations, members and clients"

    def ready(self) -> None:
        # Session logins and failed passwords are audited through Django's auth signals.
        from clients import signals  # noqa: F401
