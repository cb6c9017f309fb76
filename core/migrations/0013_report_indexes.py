"""Indexes for the reports (issue 8), found with EXPLAIN on the bench data set (bench/reports.py,
docs/performance.md "Reports"): one statement per index, which both databases accept.

Most are covering: every column a report reads from the table is in the index, so PostgreSQL
answers with an index-only scan and SQLite with a covering index instead of reading the wide
rows (quotes and orders carry their frozen options as JSON).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0012_reports")]

    initial = False

    operations = [
        # Orders of a period: revenue, margin, counts per manager, client, month, and the joins
        # to their requests and shipments (reports 1-7).
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS sales_order_period_idx ON sales_order (created_at, "
            "cancelled_at, manager_id, client_id, request_id, price, cost, id)",
            reverse_sql="DROP INDEX IF EXISTS sales_order_period_idx",
        ),
        # A client's orders: "never ordered" (report 2) and orders after a campaign (report 4).
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS sales_order_client_idx ON sales_order (client_id, "
            "created_at, cancelled_at, price)",
            reverse_sql="DROP INDEX IF EXISTS sales_order_client_idx",
        ),
        # A client's last contact (report 2): without it, a scan of the dossier per client.
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS interaction_client_idx ON interaction (client_id, "
            "created_at)",
            reverse_sql="DROP INDEX IF EXISTS interaction_client_idx",
        ),
        # Requests of a period per handler and client (reports 1, 2, 3).
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS quote_request_period_idx ON quote_request (created_at, "
            "taken_by_id, manager_id, client_id, id)",
            reverse_sql="DROP INDEX IF EXISTS quote_request_period_idx",
        ),
        # Time to take a request (report 1).
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS quote_request_taken_idx ON quote_request (taken_at, "
            "taken_by_id, created_at)",
            reverse_sql="DROP INDEX IF EXISTS quote_request_taken_idx",
        ),
        # Refusals of a period with their reasons (reports 1, 2).
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS quote_request_refused_idx ON quote_request (state, "
            "state_changed_at, refusal_reason, taken_by_id, manager_id, client_id)",
            reverse_sql="DROP INDEX IF EXISTS quote_request_refused_idx",
        ),
        # A request's quotes (the foreign key had none) and the first one sent (reports 1, 2, 3).
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS quote_request_sent_idx ON quote (request_id, "
            "sent_at, created_by_id)",
            reverse_sql="DROP INDEX IF EXISTS quote_request_sent_idx",
        ),
        # Quotes sent in a period (reports 1, 2, 3).
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS quote_sent_idx ON quote (sent_at, request_id, "
            "created_by_id)",
            reverse_sql="DROP INDEX IF EXISTS quote_sent_idx",
        ),
        # From a reminder to its request without reading the quote rows (report 1).
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS quote_id_request_idx ON quote (id, request_id)",
            reverse_sql="DROP INDEX IF EXISTS quote_id_request_idx",
        ),
        # Reminders of a period (report 1).
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS quote_reminder_period_idx ON quote_reminder (created_at, "
            "recipient, delivered, quote_id)",
            reverse_sql="DROP INDEX IF EXISTS quote_reminder_period_idx",
        ),
        # New clients of a period (reports 1, 4).
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS client_created_idx ON client (created_at)",
            reverse_sql="DROP INDEX IF EXISTS client_created_idx",
        ),
        # Live chats of a period (report 1).
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS relay_session_started_idx ON relay_session (started_at)",
            reverse_sql="DROP INDEX IF EXISTS relay_session_started_idx",
        ),
        # Delays, damage and losses per carrier (report 6).
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS shipment_event_status_idx ON shipment_event (status, "
            "shipment_id, leg)",
            reverse_sql="DROP INDEX IF EXISTS shipment_event_status_idx",
        ),
    ]
