from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.models.network import TransportMode
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_locations')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Lane',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('carrier', fields.ForeignKeyField('models.Carrier', source_field='carrier_id', db_constraint=True, to_field='id', related_name='lanes', on_delete=OnDelete.CASCADE)),
                ('origin', fields.ForeignKeyField('models.Location', source_field='origin_id', db_constraint=True, to_field='id', related_name='lanes_out', on_delete=OnDelete.CASCADE)),
                ('destination', fields.ForeignKeyField('models.Location', source_field='destination_id', db_constraint=True, to_field='id', related_name='lanes_in', on_delete=OnDelete.CASCADE)),
                ('mode', fields.CharEnumField(description='ROAD: road\nRAIL: rail\nSEA: sea\nAIR: air', enum_type=TransportMode, max_length=10)),
                ('transit_minutes', fields.IntField()),
                ('departure_days', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('departure_time', fields.CharField(null=True, max_length=5)),
                ('cargo_types', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('capacity_kg', fields.DecimalField(null=True, max_digits=14, decimal_places=3)),
                ('valid_from', fields.DateField(null=True)),
                ('valid_to', fields.DateField(null=True)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'lane', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An offer of a carrier between two locations. Its cost is a Tariff linked to it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PriceList',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('currency', fields.CharField(max_length=3)),
                ('is_main', fields.BooleanField(default=False)),
                ('client', fields.ForeignKeyField('models.Client', source_field='client_id', null=True, db_constraint=True, to_field='id', related_name='price_lists', on_delete=OnDelete.CASCADE)),
                ('valid_from', fields.DateField(null=True)),
                ('valid_to', fields.DateField(null=True)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'price_list', 'app': 'models', 'pk_attr': 'id', 'table_description': "The main list (is_main) or the own list of one client, from its contract."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Zone',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=200)),
                ('locations', fields.ManyToManyField('models.Location', unique=True, db_constraint=True, through='zone_location', forward_key='location_id', backward_key='zone_id', related_name='zones', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'zone', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A named set of locations, so one tariff can price many lanes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Tariff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('price_list', fields.ForeignKeyField('models.PriceList', source_field='price_list_id', null=True, db_constraint=True, to_field='id', related_name='tariffs', on_delete=OnDelete.CASCADE)),
                ('lane', fields.ForeignKeyField('models.Lane', source_field='lane_id', null=True, db_constraint=True, to_field='id', related_name='tariffs', on_delete=OnDelete.CASCADE)),
                ('mode', fields.CharEnumField(description='ROAD: road\nRAIL: rail\nSEA: sea\nAIR: air', enum_type=TransportMode, max_length=10)),
                ('basis', fields.CharField(max_length=20)),
                ('currency', fields.CharField(max_length=3)),
                ('origin', fields.ForeignKeyField('models.Location', source_field='origin_id', null=True, db_constraint=True, to_field='id', related_name='tariffs_from', on_delete=OnDelete.CASCADE)),
                ('destination', fields.ForeignKeyField('models.Location', source_field='destination_id', null=True, db_constraint=True, to_field='id', related_name='tariffs_to', on_delete=OnDelete.CASCADE)),
                ('origin_zone', fields.ForeignKeyField('models.Zone', source_field='origin_zone_id', null=True, db_constraint=True, to_field='id', related_name='tariffs_from', on_delete=OnDelete.CASCADE)),
                ('destination_zone', fields.ForeignKeyField('models.Zone', source_field='destination_zone_id', null=True, db_constraint=True, to_field='id', related_name='tariffs_to', on_delete=OnDelete.CASCADE)),
                ('rate', fields.DecimalField(default=0, max_digits=14, decimal_places=4)),
                ('breaks', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('cargo_types', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('minimum_charge', fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                ('surcharges', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('next_break_cheaper', fields.BooleanField(default=True)),
                ('valid_from', fields.DateField(null=True)),
                ('valid_to', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'tariff', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One pricing rule: of a price list (client price) or of a lane (carrier cost).'},
            bases=['Model'],
        ),
    ]
