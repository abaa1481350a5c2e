"""The client index of the audit trail, and on PostgreSQL a trigger that keeps the trail append-only.

The trigger refuses UPDATE and DELETE of any row of either audit table, and TRUNCATE of a table that
holds rows (truncating an empty table loses nothing; Django's test runner flushes that way). Whoever
owns the tables can still drop the trigger: it stops the application and its mistakes, not the
database owner; the hash chain (`manage.py verify_audit`) is what reveals a changed history.
"""

import django.db.models.deletion
from django.db import migrations, models

AUDIT_TABLES = ("clients_auditevent", "clients_auditeventclient")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    has_rows boolean;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
            INTO has_rows;
        IF NOT has_rows THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def install_guards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # params=None: the SQL goes as written (its "%" are PL/pgSQL's, not placeholders).
    schema_editor.execute(CREATE_FUNCTION, params=None)
    for table in AUDIT_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
        )


def remove_guards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in AUDIT_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_append_only()")


def index_existing_events(apps, schema_editor):
    """Events written before this migration get their client rows too."""
    AuditEvent = apps.get_model("clients", "AuditEvent")
    AuditEventClient = apps.get_model("clients", "AuditEventClient")
    batch = []
    events = AuditEvent.objects.exclude(client_ids=[]).values_list("pk", "client_ids")
    for event_id, client_ids in events.iterator(chunk_size=2000):
        batch.extend(
            AuditEventClient(event_id=event_id, client_id=int(client_id))
            for client_id in set(client_ids or [])
        )
        if len(batch) >= 5000:
            AuditEventClient.objects.bulk_create(batch)
            batch = []
    if batch:
        AuditEventClient.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0002_client_records"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEventClient",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("client_id", models.BigIntegerField()),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="client_links",
                        to="clients.auditevent",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("client_id", "event"), name="audit_event_client_unique"
                    )
                ],
            },
        ),
        # Reversing drops the table, so the rows need no reverse step.
        migrations.RunPython(index_existing_events, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(install_guards, remove_guards),
    ]
