from tortoise import migrations
from tortoise.migrations import operations as ops
from core.models.channels import ConsentPurpose
from core.models.shipments import DocumentKind, EventSource, NotificationState, ShipmentStatus
from core.models.staff import Role
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_workspace')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Shipment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=20)),
                ('order', fields.OneToOneField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='shipment', on_delete=OnDelete.CASCADE)),
                ('client', fields.ForeignKeyField('models.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='shipments', on_delete=OnDelete.CASCADE)),
                ('manager', fields.ForeignKeyField('models.Employee', source_field='manager_id', null=True, db_constraint=True, to_field='id', related_name='shipments', on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharEnumField(default=ShipmentStatus.BOOKED, description='BOOKED: booked\nPICKED_UP: picked_up\nIN_TRANSIT: in_transit\nAT_TERMINAL: at_terminal\nOUT_FOR_DELIVERY: out_for_delivery\nDELIVERED: delivered\nDELAYED: delayed\nDAMAGED: damaged\nLOST: lost\nRETURNED: returned', enum_type=ShipmentStatus, max_length=20)),
                ('current_leg', fields.IntField(default=0)),
                ('promised_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('eta', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_event_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('missing_proof', fields.BooleanField(default=False)),
                ('late_alerted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('tracking_token', fields.CharField(unique=True, max_length=64)),
                ('tracking_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'shipment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One per order, with the order number, so the client quotes one number for both.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShipmentEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('leg', fields.IntField(null=True)),
                ('status', fields.CharEnumField(description='BOOKED: booked\nPICKED_UP: picked_up\nIN_TRANSIT: in_transit\nAT_TERMINAL: at_terminal\nOUT_FOR_DELIVERY: out_for_delivery\nDELIVERED: delivered\nDELAYED: delayed\nDAMAGED: damaged\nLOST: lost\nRETURNED: returned', enum_type=ShipmentStatus, max_length=20)),
                ('note', fields.TextField(default='', unique=False)),
                ('place', fields.CharField(default='', max_length=200)),
                ('occurred_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('source', fields.CharEnumField(description='STAFF: staff\nCARRIER: carrier\nAPI: api\nIMPORT: import\nSYSTEM: system', enum_type=EventSource, max_length=10)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', null=True, db_constraint=True, to_field='id', related_name='shipment_events', on_delete=OnDelete.SET_NULL)),
                ('carrier', fields.ForeignKeyField('models.Carrier', source_field='carrier_id', null=True, db_constraint=True, to_field='id', related_name='shipment_events', on_delete=OnDelete.SET_NULL)),
                ('overridden', fields.BooleanField(default=False)),
                ('late_minutes', fields.IntField(default=0)),
                ('idempotency_key', fields.CharField(null=True, unique=True, max_length=100)),
            ],
            options={'table': 'shipment_event', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Append-only. The idempotency key makes a retried report from a carrier system land once.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShipmentDocument',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.CASCADE)),
                ('event', fields.ForeignKeyField('models.ShipmentEvent', source_field='event_id', null=True, db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.SET_NULL)),
                ('kind', fields.CharEnumField(description='PHOTO: photo\nDOCUMENT: document\nPROOF: proof', enum_type=DocumentKind, max_length=10)),
                ('key', fields.CharField(unique=True, max_length=200)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.IntField()),
                ('name', fields.CharField(default='', max_length=200)),
                ('recipient_name', fields.CharField(default='', max_length=200)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', null=True, db_constraint=True, to_field='id', related_name='shipment_documents', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'shipment_document', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A photo or file attached to a shipment. The bytes live in the media store under key.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShipmentLeg',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='legs', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('mode', fields.CharField(max_length=10)),
                ('origin', fields.CharField(max_length=200)),
                ('destination', fields.CharField(max_length=200)),
                ('origin_location', fields.ForeignKeyField('models.Location', source_field='origin_location_id', null=True, db_constraint=True, to_field='id', related_name='shipment_legs_from', on_delete=OnDelete.SET_NULL)),
                ('destination_location', fields.ForeignKeyField('models.Location', source_field='destination_location_id', null=True, db_constraint=True, to_field='id', related_name='shipment_legs_to', on_delete=OnDelete.SET_NULL)),
                ('lane', fields.ForeignKeyField('models.Lane', source_field='lane_id', null=True, db_constraint=True, to_field='id', related_name='shipment_legs', on_delete=OnDelete.SET_NULL)),
                ('carrier', fields.ForeignKeyField('models.Carrier', source_field='carrier_id', null=True, db_constraint=True, to_field='id', related_name='shipment_legs', on_delete=OnDelete.SET_NULL)),
                ('departs_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('arrives_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'shipment_leg', 'app': 'models', 'unique_together': (('shipment', 'position'),), 'pk_attr': 'id', 'table_description': 'A leg of the frozen route. A dispatcher can change its carrier.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShipmentNotice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('models.ShipmentEvent', source_field='event_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.CASCADE)),
                ('identity', fields.ForeignKeyField('models.ChannelIdentity', source_field='identity_id', db_constraint=True, to_field='id', related_name='shipment_notices', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharEnumField(default=NotificationState.PENDING, description='PENDING: pending\nSENT: sent\nSKIPPED: skipped\nFAILED: failed', enum_type=NotificationState, max_length=10)),
                ('due_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reason', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'shipment_notice', 'app': 'models', 'unique_together': (('event', 'identity'),), 'pk_attr': 'id', 'table_description': 'A client notification about an event, held until `due_at` (quiet hours) and sent once.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='ApiKey',
            name='role',
            field=fields.CharEnumField(description='ADMIN: admin\nDIRECTOR: director\nHEAD_OF_SALES: head_of_sales\nMANAGER: manager\nDISPATCHER: dispatcher\nACCOUNTANT: accountant\nMARKETER: marketer\nCARRIER: carrier', enum_type=Role, max_length=20),
        ),
        ops.AddField(
            model_name='ApiKey',
            name='carrier',
            field=fields.ForeignKeyField('models.Carrier', source_field='carrier_id', null=True, db_constraint=True, to_field='id', related_name='api_keys', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Consent',
            name='purpose',
            field=fields.CharEnumField(default=ConsentPurpose.MESSAGES, description='MESSAGES: messages\nSERVICE: service', enum_type=ConsentPurpose, max_length=20),
        ),
        ops.AlterField(
            model_name='ConsentState',
            name='purpose',
            field=fields.CharEnumField(default=ConsentPurpose.MESSAGES, description='MESSAGES: messages\nSERVICE: service', enum_type=ConsentPurpose, max_length=20),
        ),
        ops.AlterField(
            model_name='Employee',
            name='role',
            field=fields.CharEnumField(description='ADMIN: admin\nDIRECTOR: director\nHEAD_OF_SALES: head_of_sales\nMANAGER: manager\nDISPATCHER: dispatcher\nACCOUNTANT: accountant\nMARKETER: marketer\nCARRIER: carrier', enum_type=Role, max_length=20),
        ),
        ops.AddField(
            model_name='Employee',
            name='carrier',
            field=fields.ForeignKeyField('models.Carrier', source_field='carrier_id', null=True, db_constraint=True, to_field='id', related_name='people', on_delete=OnDelete.CASCADE),
        ),
    ]
