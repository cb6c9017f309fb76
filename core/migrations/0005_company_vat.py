from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_network_pricing')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Company',
            name='prices_include_vat',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Company',
            name='vat_rate',
            field=fields.DecimalField(default=0, max_digits=6, decimal_places=4),
        ),
    ]
