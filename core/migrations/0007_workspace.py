from tortoise import migrations
from tortoise.migrations import operations as ops
from core.models.channels import Channel
from core.models.workspace import RelayState, StaffReminderKind, TaskKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_sales_pipeline')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CannedReply',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('language', fields.CharField(db_index=True, max_length=5)),
                ('text', fields.CharField(max_length=500)),
                ('position', fields.IntField(default=0)),
                ('is_active', fields.BooleanField(default=True)),
            ],
            options={'table': 'canned_reply', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A ready answer a manager sends with one tap in a live chat, per language.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContactSubject',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=60)),
                ('name', fields.CharField(default='', max_length=60)),
                ('position', fields.IntField(default=0)),
                ('is_active', fields.BooleanField(default=True)),
            ],
            options={'table': 'contact_subject', 'app': 'models', 'pk_attr': 'id', 'table_description': 'What a logged contact was about. Built-in ones have a `code` and translated labels,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Plan',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=200)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='plans', on_delete=OnDelete.CASCADE)),
                ('client', fields.ForeignKeyField('models.Client', source_field='client_id', null=True, db_constraint=True, to_field='id', related_name='plans', on_delete=OnDelete.SET_NULL)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('created_by', fields.ForeignKeyField('models.Employee', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='plans_set', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'plan', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A list of tasks management sets for one manager over a period, maybe about one client.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RelaySession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('models.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='relays', on_delete=OnDelete.CASCADE)),
                ('identity', fields.ForeignKeyField('models.ChannelIdentity', source_field='identity_id', db_constraint=True, to_field='id', related_name='relays', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharEnumField(description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat', enum_type=Channel, max_length=10)),
                ('manager', fields.ForeignKeyField('models.Employee', source_field='manager_id', null=True, db_constraint=True, to_field='id', related_name='relays', on_delete=OnDelete.SET_NULL)),
                ('request', fields.ForeignKeyField('models.QuoteRequest', source_field='request_id', null=True, db_constraint=True, to_field='id', related_name='relays', on_delete=OnDelete.SET_NULL)),
                ('state', fields.CharEnumField(default=RelayState.WAITING, description='WAITING: waiting\nACTIVE: active\nCLOSED: closed', enum_type=RelayState, max_length=10)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('taken_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('first_reply_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('waiting_since', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('alerted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_by', fields.CharField(null=True, max_length=10)),
            ],
            options={'table': 'relay_session', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A live chat between a client and a manager through the bot.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffReminder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='reminders', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='TASKS_DUE: tasks_due\nSTALE_REQUEST: stale_request\nSLOW_REPLY: slow_reply', enum_type=StaffReminderKind, max_length=20)),
                ('request', fields.ForeignKeyField('models.QuoteRequest', source_field='request_id', null=True, db_constraint=True, to_field='id', related_name='staff_reminders', on_delete=OnDelete.CASCADE)),
                ('relay', fields.ForeignKeyField('models.RelaySession', source_field='relay_id', null=True, db_constraint=True, to_field='id', related_name='alerts', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField(null=True)),
                ('sent_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff_reminder', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A reminder or alert sent to an employee: kept so it is sent once and can be counted.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Task',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('plan', fields.ForeignKeyField('models.Plan', source_field='plan_id', null=True, db_constraint=True, to_field='id', related_name='tasks', on_delete=OnDelete.CASCADE)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='tasks', on_delete=OnDelete.CASCADE)),
                ('client', fields.ForeignKeyField('models.Client', source_field='client_id', null=True, db_constraint=True, to_field='id', related_name='tasks', on_delete=OnDelete.SET_NULL)),
                ('kind', fields.CharEnumField(default=TaskKind.CALL, description='CALL: call\nMEETING: meeting\nOFFER: offer\nPAYMENT: payment\nOTHER: other', enum_type=TaskKind, max_length=10)),
                ('title', fields.CharField(max_length=200)),
                ('due_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('models.Employee', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='tasks_set', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('result', fields.TextField(default='', unique=False)),
                ('late', fields.BooleanField(default=False)),
                ('quality', fields.IntField(null=True)),
                ('quality_comment', fields.TextField(default='', unique=False)),
                ('rated_by', fields.ForeignKeyField('models.Employee', source_field='rated_by_id', null=True, db_constraint=True, to_field='id', related_name='tasks_rated', on_delete=OnDelete.SET_NULL)),
                ('rated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'task', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One thing to do by a due time. `late` is fixed when it is done, for the reports.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Employee',
            name='head',
            field=fields.ForeignKeyField('models.Employee', source_field='head_id', null=True, db_constraint=True, to_field='id', related_name='team', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Employee',
            name='on_duty',
            field=fields.BooleanField(default=True),
        ),
        ops.AddField(
            model_name='Employee',
            name='reminder_time',
            field=fields.CharField(default='09:00', max_length=5),
        ),
        ops.AddField(
            model_name='Interaction',
            name='attachment_kind',
            field=fields.CharField(null=True, max_length=20),
        ),
        ops.AddField(
            model_name='Interaction',
            name='attachment_ref',
            field=fields.CharField(null=True, max_length=300),
        ),
        ops.AddField(
            model_name='Interaction',
            name='is_private',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Interaction',
            name='relay',
            field=fields.ForeignKeyField('models.RelaySession', source_field='relay_id', null=True, db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.SET_NULL),
        ),
    ]
