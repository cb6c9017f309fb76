from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0008_shipments')]

    initial = False

    operations = [
        ops.AddConstraint(
            model_name='StaffReminder',
            constraint=UniqueConstraint(fields=('employee', 'kind', 'day'), name=None),
        ),
        # At most one open live chat per client chat: a double tap cannot open two.
        ops.RunSQL(
            "CREATE UNIQUE INDEX relay_one_open_per_identity "
            "ON relay_session (identity_id) WHERE state <> 'closed'",
            reverse_sql="DROP INDEX relay_one_open_per_identity",
        ),
    ]
