from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.models.locations import LocationKind
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_panel_api_webhooks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Location',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(db_index=True, max_length=200)),
                ('kind', fields.CharEnumField(default=LocationKind.CITY, description='CITY: city\nTERMINAL: terminal\nPORT: port\nAIRPORT: airport', enum_type=LocationKind, max_length=10)),
                ('country', fields.CharField(null=True, db_index=True, max_length=2)),
                ('latitude', fields.DecimalField(null=True, max_digits=9, decimal_places=6)),
                ('longitude', fields.DecimalField(null=True, max_digits=9, decimal_places=6)),
                ('population', fields.BigIntField(default=0)),
                ('names', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('geonameid', fields.BigIntField(null=True, unique=True)),
                ('transfer_minutes', fields.IntField(default=0)),
                ('transfer_cost', fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'location', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A node of the transport network. Names holds other spellings and languages for matching.'},
            bases=['Model'],
        ),
    ]
