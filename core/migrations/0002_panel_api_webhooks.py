from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.models.channels import Channel, ConsentPurpose
from core.models.staff import Role
from core.models.webhooks import DeliveryState
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApiKey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('prefix', fields.CharField(unique=True, max_length=16)),
                ('key_hash', fields.CharField(max_length=64)),
                ('role', fields.CharEnumField(description='ADMIN: admin\nDIRECTOR: director\nHEAD_OF_SALES: head_of_sales\nMANAGER: manager\nDISPATCHER: dispatcher\nACCOUNTANT: accountant\nMARKETER: marketer', enum_type=Role, max_length=20)),
                ('created_by', fields.ForeignKeyField('models.Employee', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='api_keys', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_key', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A key for the JSON API. Only a hash is kept, the prefix finds the row quickly.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Company',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(default='Ona', max_length=200)),
                ('currency', fields.CharField(default='NGN', max_length=3)),
                ('timezone', fields.CharField(default='Africa/Lagos', max_length=64)),
                ('work_starts', fields.CharField(null=True, max_length=5)),
                ('work_ends', fields.CharField(null=True, max_length=5)),
                ('work_days', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('quiet_starts', fields.CharField(null=True, max_length=5)),
                ('quiet_ends', fields.CharField(null=True, max_length=5)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'company', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One row. Environment values (CURRENCY, TIMEZONE) only seed it on first start.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConsentState',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('models.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='consent_states', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharEnumField(description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat', enum_type=Channel, max_length=10)),
                ('purpose', fields.CharEnumField(default=ConsentPurpose.MESSAGES, description='MESSAGES: messages', enum_type=ConsentPurpose, max_length=20)),
                ('granted', fields.BooleanField()),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consent_state', 'app': 'models', 'unique_together': (('client', 'channel', 'purpose'),), 'pk_attr': 'id', 'table_description': 'The current answer per client, channel and purpose, kept beside the log for filtering.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginAttempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('login', fields.CharField(db_index=True, max_length=100)),
                ('succeeded', fields.BooleanField()),
                ('remote', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'login_attempt', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Every sign-in attempt, to slow down and cap guessing per account.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MarketingSource',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=100)),
                ('name', fields.CharField(max_length=200)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'marketing_source', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Where clients come from. Client.source holds the code, so channels can set it too.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PanelSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', null=True, db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('csrf', fields.CharField(max_length=64)),
                ('pending_employee_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('user_agent', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'panel_session', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Server-side session: the cookie holds a random token, the table only its hash.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Tag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=60)),
            ],
            options={'table': 'tag', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('url', fields.CharField(max_length=500)),
                ('description', fields.CharField(default='', max_length=200)),
                ('secret', fields.CharField(max_length=200)),
                ('events', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_by', fields.ForeignKeyField('models.Employee', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='webhooks', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'webhook_endpoint', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('endpoint', fields.ForeignKeyField('models.WebhookEndpoint', source_field='endpoint_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('event', fields.CharField(max_length=60)),
                ('event_id', fields.CharField(db_index=True, max_length=36)),
                ('payload', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('state', fields.CharEnumField(default=DeliveryState.PENDING, description='PENDING: pending\nSUCCEEDED: succeeded\nFAILED: failed', enum_type=DeliveryState, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'webhook_delivery', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One event for one endpoint: written in the transaction that caused the event.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookAttempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('delivery', fields.ForeignKeyField('models.WebhookDelivery', source_field='delivery_id', db_constraint=True, to_field='id', related_name='attempt_log', on_delete=OnDelete.CASCADE)),
                ('status_code', fields.IntField(null=True)),
                ('response_body', fields.TextField(default='', unique=False)),
                ('error', fields.CharField(default='', max_length=300)),
                ('duration_ms', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'webhook_attempt', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Carrier',
            name='city',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddField(
            model_name='Carrier',
            name='notes',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AlterField(
            model_name='Client',
            name='source',
            field=fields.CharField(null=True, db_index=True, max_length=100),
        ),
        ops.RemoveField(model_name='Client', name='tags'),
        ops.AddField(
            model_name='Client',
            name='tags',
            field=fields.ManyToManyField('models.Tag', unique=True, db_constraint=True, through='client_tag', forward_key='tag_id', backward_key='client_id', related_name='clients', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='Client',
            name='notes',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='Employee',
            name='email',
            field=fields.CharField(null=True, max_length=254),
        ),
        ops.AddField(
            model_name='Employee',
            name='totp_secret',
            field=fields.CharField(null=True, max_length=300),
        ),
    ]
