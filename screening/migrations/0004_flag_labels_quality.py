"""Flags say "not validated" and carry a screen label; results carry response quality and the
unscored items they report (issue 13).

Existing flags: `instrument_validated` is taken from their instrument version's definition, and a
label that names a disorder ("Borderline personality disorder (BPD)") is rewritten as a possible
pattern and a screen, so no inbox or EHR banner keeps showing a diagnosis-like label. Scores,
messages and evidence are not touched (a completed screening is never rescored).
"""

from django.db import migrations, models

from screening.flag_labels import flag_label


def forwards(apps, schema_editor):
    Flag = apps.get_model("screening", "Flag")
    flags = Flag.objects.select_related("screening__instrument_version").only(
        "id", "condition_name", "screening__instrument_version__definition"
    )
    for flag in flags.iterator(chunk_size=500):
        definition = flag.screening.instrument_version.definition
        rules = {rule["id"]: rule for rule in definition.get("rules", [])}
        rule = rules.get(flag.rule_id, {})
        flag.instrument_validated = bool(definition.get("validated", True))
        flag.condition_name = flag_label(rule.get("label"), flag.condition_name)
        flag.save(update_fields=["instrument_validated", "condition_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0003_idempotencyrecord"),
    ]

    operations = [
        migrations.AddField(
            model_name="flag",
            name="instrument_validated",
            field=models.BooleanField(default=True),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="flag",
            name="response_quality",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="screeningresult",
            name="response_quality",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="screeningresult",
            name="reported_items",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
