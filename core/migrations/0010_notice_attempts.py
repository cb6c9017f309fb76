from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0009_one_reminder_one_open_chat')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ShipmentNotice',
            name='attempts',
            field=fields.IntField(default=0),
        ),
    ]
