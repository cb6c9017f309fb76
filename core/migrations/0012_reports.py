from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.models.reports import DigestFrequency
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

async def leg_prices_from_orders(apps, schema_editor) -> None:
    """Shipments made before this migration get each leg's price and cost from the option
    frozen on their order (the same figures new legs are given when they are made)."""
    import json
    from decimal import Decimal

    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    _, rows = await client.execute_query(
        "SELECT l.id, l.position, o.option FROM shipment_leg l "
        "JOIN shipment s ON s.id = l.shipment_id JOIN sales_order o ON o.id = s.order_id"
    )
    for row in rows:
        option = row["option"]
        legs = (json.loads(option) if isinstance(option, str) else option or {}).get("legs", [])
        if row["position"] >= len(legs):
            continue
        leg = legs[row["position"]]
        values = [
            Decimal(leg["price"]) if leg.get("price") is not None else None,
            Decimal(leg["cost"]) if leg.get("cost") is not None else None,
            row["id"],
        ]
        if not postgres:
            values = [str(v) if isinstance(v, Decimal) else v for v in values]
        sql = (
            "UPDATE shipment_leg SET price = $1, cost = $2 WHERE id = $3"
            if postgres
            else "UPDATE shipment_leg SET price = ?, cost = ? WHERE id = ?"
        )
        await client.execute_query(sql, values)


async def nothing(apps, schema_editor) -> None:
    return None


class StateOnlyAdd(ops.AddField):
    """The field for Tortoise's state; the column is added by add_reliability_weights, with a
    database default, so a company row that already exists gets {} (a NOT NULL column added
    without one fails on a table with rows, on both databases)."""

    async def database_forward(self, *args, **kwargs) -> None:
        return None

    async def database_backward(self, *args, **kwargs) -> None:
        return None


async def add_reliability_weights(apps, schema_editor) -> None:
    client = schema_editor.client
    kind = "JSONB" if client.capabilities.dialect == "postgres" else "JSON"
    await client.execute_script(
        f"ALTER TABLE company ADD COLUMN reliability_weights {kind} NOT NULL DEFAULT '{{}}'"
    )


async def drop_reliability_weights(apps, schema_editor) -> None:
    await schema_editor.client.execute_script("ALTER TABLE company DROP COLUMN reliability_weights")


class Migration(migrations.Migration):
    dependencies = [('models', '0011_mailings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MarketingCost',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('source', fields.CharField(max_length=100)),
                ('month', fields.DateField()),
                ('amount', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('note', fields.CharField(default='', max_length=200)),
                ('created_by', fields.ForeignKeyField('models.Employee', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='marketing_costs', on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'marketing_cost', 'app': 'models', 'unique_together': (('source', 'month'),), 'pk_attr': 'id', 'table_description': 'What an acquisition source cost in one month, entered by the marketer.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReportDigest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='report_digests', on_delete=OnDelete.CASCADE)),
                ('report', fields.CharField(max_length=40)),
                ('frequency', fields.CharEnumField(description='WEEKLY: weekly\nMONTHLY: monthly', enum_type=DigestFrequency, max_length=10)),
                ('last_period_start', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'report_digest', 'app': 'models', 'unique_together': (('employee', 'report', 'frequency'),), 'pk_attr': 'id', 'table_description': 'A report a person asked to receive in the bot every week or month.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Campaign',
            name='cost',
            field=fields.DecimalField(null=True, max_digits=14, decimal_places=2),
        ),
        StateOnlyAdd(
            model_name='Company',
            name='reliability_weights',
            field=fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='ShipmentLeg',
            name='cost',
            field=fields.DecimalField(null=True, max_digits=14, decimal_places=2),
        ),
        ops.AddField(
            model_name='ShipmentLeg',
            name='price',
            field=fields.DecimalField(null=True, max_digits=14, decimal_places=2),
        ),
        ops.RunPython(add_reliability_weights, drop_reliability_weights),
        ops.RunPython(leg_prices_from_orders, nothing),
    ]
