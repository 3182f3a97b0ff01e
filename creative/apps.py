from django.apps import AppConfig


class CreativeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "creative"
    verbose_name = "AI"
