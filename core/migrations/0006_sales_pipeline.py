from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.models.channels import Channel
from core.models.sales import RefusalReason, ReminderRecipient, RequestState
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_company_vat')]

    initial = False

    operations = [
        ops.CreateModel(
            name='QuoteRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('models.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='quote_requests', on_delete=OnDelete.CASCADE)),
                ('manager', fields.ForeignKeyField('models.Employee', source_field='manager_id', null=True, db_constraint=True, to_field='id', related_name='quote_requests', on_delete=OnDelete.SET_NULL)),
                ('channel', fields.CharEnumField(null=True, description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat', enum_type=Channel, max_length=10)),
                ('origin', fields.ForeignKeyField('models.Location', source_field='origin_id', null=True, db_constraint=True, to_field='id', related_name='requests_from', on_delete=OnDelete.SET_NULL)),
                ('destination', fields.ForeignKeyField('models.Location', source_field='destination_id', null=True, db_constraint=True, to_field='id', related_name='requests_to', on_delete=OnDelete.SET_NULL)),
                ('origin_text', fields.CharField(default='', max_length=200)),
                ('destination_text', fields.CharField(default='', max_length=200)),
                ('cargo_type', fields.CharField(max_length=30)),
                ('weight_kg', fields.DecimalField(max_digits=14, decimal_places=3)),
                ('volume_m3', fields.DecimalField(default=0, max_digits=14, decimal_places=3)),
                ('pieces', fields.IntField(default=1)),
                ('ready_on', fields.DateField()),
                ('priority', fields.IntField(default=3)),
                ('state', fields.CharEnumField(default=RequestState.NEW, description='NEW: new\nQUOTED: quoted\nORDERED: ordered\nIN_TRANSIT: in_transit\nDELIVERED: delivered\nREFUSED: refused\nEXPIRED: expired', enum_type=RequestState, max_length=12)),
                ('needs_manager', fields.BooleanField(default=False)),
                ('taken_by', fields.ForeignKeyField('models.Employee', source_field='taken_by_id', null=True, db_constraint=True, to_field='id', related_name='requests_taken', on_delete=OnDelete.SET_NULL)),
                ('taken_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('refusal_reason', fields.CharEnumField(null=True, description='TOO_EXPENSIVE: too_expensive\nTOO_SLOW: too_slow\nJUST_CHECKING: just_checking\nOTHER: other', enum_type=RefusalReason, max_length=20)),
                ('refusal_note', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('state_changed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'quote_request', 'app': 'models', 'pk_attr': 'id', 'table_description': 'What a client asked to move. Places the matcher did not know keep the typed text.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Quote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('models.QuoteRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='quotes', on_delete=OnDelete.CASCADE)),
                ('price_list', fields.ForeignKeyField('models.PriceList', source_field='price_list_id', null=True, db_constraint=True, to_field='id', related_name='quotes', on_delete=OnDelete.SET_NULL)),
                ('created_by', fields.ForeignKeyField('models.Employee', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='quotes_made', on_delete=OnDelete.SET_NULL)),
                ('currency', fields.CharField(max_length=3)),
                ('options', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('override_reason', fields.TextField(default='', unique=False)),
                ('submission', fields.CharField(null=True, unique=True, max_length=64)),
                ('valid_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('accepted_option', fields.IntField(null=True)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminders_sent', fields.IntField(default=0)),
                ('last_reminder_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'quote', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The options offered for a request, frozen as shown, with their validity.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Order',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(null=True, unique=True, max_length=20)),
                ('request', fields.OneToOneField('models.QuoteRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='order', on_delete=OnDelete.CASCADE)),
                ('quote', fields.ForeignKeyField('models.Quote', source_field='quote_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.CASCADE)),
                ('client', fields.ForeignKeyField('models.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.CASCADE)),
                ('manager', fields.ForeignKeyField('models.Employee', source_field='manager_id', null=True, db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.SET_NULL)),
                ('option', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('currency', fields.CharField(max_length=3)),
                ('price', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('vat', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('total', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('cost', fields.DecimalField(null=True, max_digits=14, decimal_places=2)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'sales_order', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An accepted option: route and price frozen from the quote, with a number to quote.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QuoteReminder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('quote', fields.ForeignKeyField('models.Quote', source_field='quote_id', db_constraint=True, to_field='id', related_name='reminders', on_delete=OnDelete.CASCADE)),
                ('recipient', fields.CharEnumField(description='CLIENT: client\nMANAGER: manager', enum_type=ReminderRecipient, max_length=10)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', null=True, db_constraint=True, to_field='id', related_name='quote_reminders', on_delete=OnDelete.SET_NULL)),
                ('channel', fields.CharEnumField(null=True, description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat', enum_type=Channel, max_length=10)),
                ('delivered', fields.BooleanField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'quote_reminder', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One reminder about an unanswered quote, kept so the reports can count them.'},
            bases=['Model'],
        ),
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
