from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_sales_pipeline')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Company',
            name='factor_air',
            field=fields.DecimalField(default=167, max_digits=10, decimal_places=3),
        ),
        ops.AddField(
            model_name='Company',
            name='factor_rail',
            field=fields.DecimalField(default=333, max_digits=10, decimal_places=3),
        ),
        ops.AddField(
            model_name='Company',
            name='factor_road',
            field=fields.DecimalField(default=333, max_digits=10, decimal_places=3),
        ),
        ops.AddField(
            model_name='Company',
            name='factor_sea',
            field=fields.DecimalField(default=1000, max_digits=10, decimal_places=3),
        ),
    ]
