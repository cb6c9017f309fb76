from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.models.channels import Channel, ConsentPurpose
from core.models.crm import InteractionKind
from core.models.parties import ClientKind
from core.models.staff import Role
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Carrier',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('phone', fields.CharField(null=True, max_length=20)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('country', fields.CharField(null=True, max_length=2)),
                ('modes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'carrier', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Employee',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('role', fields.CharEnumField(description='ADMIN: admin\nDIRECTOR: director\nHEAD_OF_SALES: head_of_sales\nMANAGER: manager\nDISPATCHER: dispatcher\nACCOUNTANT: accountant\nMARKETER: marketer', enum_type=Role, max_length=20)),
                ('login', fields.CharField(null=True, unique=True, max_length=100)),
                ('password_hash', fields.CharField(null=True, max_length=200)),
                ('language', fields.CharField(default='en', max_length=5)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'employee', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditLog',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', null=True, db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.SET_NULL)),
                ('actor_label', fields.CharField(max_length=200)),
                ('action', fields.CharField(max_length=60)),
                ('object_type', fields.CharField(max_length=60)),
                ('object_id', fields.CharField(null=True, max_length=60)),
                ('details', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'audit_log', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Client',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(default=ClientKind.INDIVIDUAL, description='INDIVIDUAL: individual\nLEGAL_ENTITY: legal_entity', enum_type=ClientKind, max_length=20)),
                ('name', fields.CharField(max_length=200)),
                ('company_name', fields.CharField(null=True, max_length=200)),
                ('phone', fields.CharField(null=True, unique=True, max_length=20)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('city', fields.CharField(null=True, max_length=100)),
                ('language', fields.CharField(default='en', max_length=5)),
                ('source', fields.CharField(null=True, max_length=100)),
                ('manager', fields.ForeignKeyField('models.Employee', source_field='manager_id', null=True, db_constraint=True, to_field='id', related_name='clients', on_delete=OnDelete.SET_NULL)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'client', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ChannelIdentity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('channel', fields.CharEnumField(description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat', enum_type=Channel, max_length=10)),
                ('external_id', fields.CharField(max_length=128)),
                ('chat_id', fields.BigIntField(null=True)),
                ('display_name', fields.CharField(default='', max_length=200)),
                ('language', fields.CharField(null=True, max_length=5)),
                ('client', fields.ForeignKeyField('models.Client', source_field='client_id', null=True, db_constraint=True, to_field='id', related_name='identities', on_delete=OnDelete.SET_NULL)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', null=True, db_constraint=True, to_field='id', related_name='identities', on_delete=OnDelete.SET_NULL)),
                ('subscribed', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'channel_identity', 'app': 'models', 'unique_together': (('channel', 'external_id'), ('channel', 'chat_id')), 'pk_attr': 'id', 'table_description': 'One account on one channel. `chat_id` is the number the aiogram engine addresses.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Consent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('models.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='consents', on_delete=OnDelete.CASCADE)),
                ('identity', fields.ForeignKeyField('models.ChannelIdentity', source_field='identity_id', null=True, db_constraint=True, to_field='id', related_name='consents', on_delete=OnDelete.SET_NULL)),
                ('channel', fields.CharEnumField(description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat', enum_type=Channel, max_length=10)),
                ('purpose', fields.CharEnumField(default=ConsentPurpose.MESSAGES, description='MESSAGES: messages', enum_type=ConsentPurpose, max_length=20)),
                ('granted', fields.BooleanField()),
                ('text_version', fields.CharField(max_length=40)),
                ('text_shown', fields.TextField(unique=False)),
                ('language', fields.CharField(max_length=5)),
                ('evidence', fields.CharField(max_length=200)),
                ('recorded_by', fields.ForeignKeyField('models.Employee', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='consents_recorded', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'consent', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Append-only: each row is one grant or withdrawal with the exact text the person saw.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContactPerson',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('models.Client', source_field='client_id', null=True, db_constraint=True, to_field='id', related_name='contacts', on_delete=OnDelete.CASCADE)),
                ('carrier', fields.ForeignKeyField('models.Carrier', source_field='carrier_id', null=True, db_constraint=True, to_field='id', related_name='contacts', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
                ('position', fields.CharField(null=True, max_length=100)),
                ('phone', fields.CharField(null=True, max_length=20)),
                ('email', fields.CharField(null=True, max_length=254)),
            ],
            options={'table': 'contact_person', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A person at a client or carrier company. Exactly one of the two links is set.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Interaction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('models.Client', source_field='client_id', null=True, db_constraint=True, to_field='id', related_name='interactions', on_delete=OnDelete.CASCADE)),
                ('identity', fields.ForeignKeyField('models.ChannelIdentity', source_field='identity_id', null=True, db_constraint=True, to_field='id', related_name='interactions', on_delete=OnDelete.SET_NULL)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', null=True, db_constraint=True, to_field='id', related_name='interactions', on_delete=OnDelete.SET_NULL)),
                ('channel', fields.CharEnumField(null=True, description='TELEGRAM: telegram\nVIBER: viber\nWEBCHAT: webchat', enum_type=Channel, max_length=10)),
                ('kind', fields.CharEnumField(default=InteractionKind.MESSAGE, description='MESSAGE: message\nCALL: call\nMEETING: meeting\nEMAIL: email\nSYSTEM: system', enum_type=InteractionKind, max_length=10)),
                ('subject', fields.CharField(max_length=60)),
                ('summary', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'interaction', 'app': 'models', 'pk_attr': 'id', 'table_description': '`subject` is a stable key the panel translates, `summary` what was said or chosen.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffInvite',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='invites', on_delete=OnDelete.CASCADE)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff_invite', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A single-use code that links a messenger account to an Employee. Only its hash is kept.'},
            bases=['Model'],
        ),
    ]
