from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.models.channels import Channel, ConsentPurpose
from core.models.mailings import CampaignState, MailChannel, OutboxState, TextKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class ChoicesOnly(ops.AlterField):
    """Only the enum's listed choices grew (email and SMS channels, the marketing purpose):
    the column is the same VARCHAR, so the database is left alone. On SQLite an AlterField
    rebuilds the whole table, and the rebuild drops its unique constraints and indexes."""

    async def database_forward(self, *args, **kwargs) -> None:
        return None

    async def database_backward(self, *args, **kwargs) -> None:
        return None


async def restore_consent_state_unique(apps, schema_editor) -> None:
    """0008 altered consent_state on SQLite by rebuilding it, which lost its unique
    (client, channel, purpose). Keep the newest row of any duplicate, then restore it."""
    client = schema_editor.client
    if client.capabilities.dialect != "sqlite":
        return
    await client.execute_script(
        "DELETE FROM consent_state WHERE id NOT IN "
        "(SELECT MAX(id) FROM consent_state GROUP BY client_id, channel, purpose)"
    )
    await client.execute_script(
        "CREATE UNIQUE INDEX IF NOT EXISTS uid_consent_state_client_channel_purpose "
        "ON consent_state (client_id, channel, purpose)"
    )


async def nothing(apps, schema_editor) -> None:
    return None


class Migration(migrations.Migration):
    dependencies = [('models', '0010_notice_attempts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MailTemplate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=120)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'mail_template', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A message in several languages and channel variants.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Segment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=120)),
                ('filters', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_by', fields.ForeignKeyField('models.Employee', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='segments', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'mail_segment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A named audience: filters kept as data and evaluated again at each send.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=120)),
                ('segment', fields.ForeignKeyField('models.Segment', source_field='segment_id', db_constraint=True, to_field='id', related_name='campaigns', on_delete=OnDelete.RESTRICT)),
                ('template', fields.ForeignKeyField('models.MailTemplate', source_field='template_id', db_constraint=True, to_field='id', related_name='campaigns', on_delete=OnDelete.RESTRICT)),
                ('channels', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('link_url', fields.CharField(default='', max_length=500)),
                ('state', fields.CharEnumField(default=CampaignState.DRAFT, description='DRAFT: draft\nSCHEDULED: scheduled\nRUNNING: running\nPAUSED: paused\nCANCELLED: cancelled\nDONE: done', enum_type=CampaignState, max_length=10)),
                ('scheduled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('allow_paid_broadcast', fields.BooleanField(default=False)),
                ('paid_budget_stars', fields.IntField(default=0)),
                ('created_by', fields.ForeignKeyField('models.Employee', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='campaigns', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mail_campaign', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An audience, a template and the channels to try, in order, from a start time on.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='outbox', on_delete=OnDelete.CASCADE)),
                ('client', fields.ForeignKeyField('models.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='mail_outbox', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharEnumField(description='TELEGRAM: telegram\nVIBER: viber\nEMAIL: email\nSMS: sms', enum_type=MailChannel, max_length=10)),
                ('address', fields.CharField(default='', max_length=254)),
                ('language', fields.CharField(default='en', max_length=5)),
                ('state', fields.CharEnumField(default=OutboxState.QUEUED, description='QUEUED: queued\nSENDING: sending\nSENT: sent\nFAILED: failed\nSKIPPED: skipped', enum_type=OutboxState, max_length=10)),
                ('reason', fields.CharField(default='', max_length=300)),
                ('provider_id', fields.CharField(default='', max_length=200)),
                ('attempts', fields.IntField(default=0)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('lease_owner', fields.CharField(null=True, max_length=64)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('token', fields.CharField(unique=True, max_length=32)),
                ('clicks', fields.IntField(default=0)),
                ('first_click_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'mail_outbox', 'app': 'models', 'unique_together': (('campaign', 'client', 'channel'),), 'indexes': [Index(fields=['state', 'due_at', 'id']), Index(fields=['campaign_id', 'state'])], 'pk_attr': 'id', 'table_description': 'One message of a campaign to one client on one channel.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TemplateText',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('template', fields.ForeignKeyField('models.MailTemplate', source_field='template_id', db_constraint=True, to_field='id', related_name='texts', on_delete=OnDelete.CASCADE)),
                ('language', fields.CharField(max_length=5)),
                ('kind', fields.CharEnumField(description='MESSENGER: messenger\nEMAIL: email\nSMS: sms', enum_type=TextKind, max_length=10)),
                ('subject', fields.CharField(default='', max_length=200)),
                ('body', fields.TextField(unique=False)),
                ('html', fields.TextField(default='', unique=False)),
                ('buttons', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'mail_template_text', 'app': 'models', 'unique_together': (('template', 'language', 'kind'),), 'pk_attr': 'id', 'table_description': 'One language and channel variant of a template. Buttons are label and URL pairs.'},
            bases=['Model'],
        ),
        ChoicesOnly(
            model_name='ChannelIdentity',
            name='channel',
            field=fields.CharEnumField(description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat\nEMAIL: email\nSMS: sms', enum_type=Channel, max_length=10),
        ),
        ChoicesOnly(
            model_name='Consent',
            name='channel',
            field=fields.CharEnumField(description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat\nEMAIL: email\nSMS: sms', enum_type=Channel, max_length=10),
        ),
        ChoicesOnly(
            model_name='Consent',
            name='purpose',
            field=fields.CharEnumField(default=ConsentPurpose.MESSAGES, description='MESSAGES: messages\nSERVICE: service\nMARKETING: marketing', enum_type=ConsentPurpose, max_length=20),
        ),
        ChoicesOnly(
            model_name='ConsentState',
            name='channel',
            field=fields.CharEnumField(description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat\nEMAIL: email\nSMS: sms', enum_type=Channel, max_length=10),
        ),
        ChoicesOnly(
            model_name='ConsentState',
            name='purpose',
            field=fields.CharEnumField(default=ConsentPurpose.MESSAGES, description='MESSAGES: messages\nSERVICE: service\nMARKETING: marketing', enum_type=ConsentPurpose, max_length=20),
        ),
        ChoicesOnly(
            model_name='Interaction',
            name='channel',
            field=fields.CharEnumField(null=True, description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat\nEMAIL: email\nSMS: sms', enum_type=Channel, max_length=10),
        ),
        ChoicesOnly(
            model_name='QuoteReminder',
            name='channel',
            field=fields.CharEnumField(null=True, description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat\nEMAIL: email\nSMS: sms', enum_type=Channel, max_length=10),
        ),
        ChoicesOnly(
            model_name='QuoteRequest',
            name='channel',
            field=fields.CharEnumField(null=True, description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat\nEMAIL: email\nSMS: sms', enum_type=Channel, max_length=10),
        ),
        ChoicesOnly(
            model_name='RelaySession',
            name='channel',
            field=fields.CharEnumField(description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat\nEMAIL: email\nSMS: sms', enum_type=Channel, max_length=10),
        ),
        ops.RunPython(restore_consent_state_unique, nothing),
    ]
