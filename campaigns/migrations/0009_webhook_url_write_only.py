"""Organization.webhook_url becomes write-only: existing URLs move into an encrypted
field, and the plain column goes from the table and from every history row."""

from django.db import migrations, models


def encrypt_existing(apps, schema_editor):
    from campaigns.credentials import encrypt_secret

    Organization = apps.get_model("campaigns", "Organization")
    for org in Organization.objects.exclude(webhook_url="").only("pk", "webhook_url"):
        Organization.objects.filter(pk=org.pk).update(
            webhook_url_ciphertext=encrypt_secret(org.webhook_url)
        )


def decrypt_back(apps, schema_editor):
    from campaigns.credentials import decrypt_secret

    Organization = apps.get_model("campaigns", "Organization")
    for org in Organization.objects.exclude(webhook_url_ciphertext=""):
        Organization.objects.filter(pk=org.pk).update(
            webhook_url=decrypt_secret(org.webhook_url_ciphertext)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0008_outbound_url_policy"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="webhook_url_ciphertext",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(encrypt_existing, decrypt_back),
        migrations.RemoveField(
            model_name="historicalorganization",
            name="webhook_url",
        ),
        migrations.RemoveField(
            model_name="organization",
            name="webhook_url",
        ),
    ]
