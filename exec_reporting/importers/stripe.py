"""Stripe's balance transactions export (Dashboard: Balances, Export; or the "Balance change from
activity" itemized report): every movement of the Stripe balance, with its gross amount, Stripe's
fee and the net.

A charge becomes a revenue line of its gross amount and a fee line of its own; a refund is
negative revenue; a payout is money moved to the bank, a transfer to the source's
`payout_account`, never revenue, so that the bank statement's deposit of it (mapped to the same
account by the rules) cancels it out and revenue is counted once. The mapping is in SQL
(sql/ingest/stripe_balance.sql); each line's day is its Created (UTC) time in the portfolio's
time zone. The file covers its data through the latest of those days: the export says no period
of its own.
"""

from __future__ import annotations

from exec_reporting.config import StripeBalanceSource
from exec_reporting.importers.base import ImportContext, SourceFile, Staged
from exec_reporting.importers.export_csv import ExportLayout, read_export
from exec_reporting.sqlfiles import execute

LAYOUT = ExportLayout(
    what="Stripe's balance transactions export",
    names={
        # the Dashboard's export first, then the itemized report's names
        "id": ("id", "balance_transaction_id"),
        "type": ("Type", "reporting_category"),
        "source": ("Source", "source_id"),
        "amount": ("Amount", "gross"),
        "fee": ("Fee",),
        "net": ("Net",),
        "currency": ("Currency",),
        "created": ("Created (UTC)", "created_utc"),
        "description": ("Description",),
    },
    required=("id", "type", "amount", "currency", "created"),
)


class StripeBalanceImporter:
    format = "stripe_balance"

    def stage(self, conn, file: SourceFile, context: ImportContext) -> Staged:
        source = file.source
        assert isinstance(source, StripeBalanceSource), source
        read = read_export(conn, file, context.locale, context.scratch, LAYOUT)
        if isinstance(read, str):
            return Staged(problems=[read])
        execute(
            conn,
            "ingest/stripe_balance",
            source_file=file.name,
            entity_id=file.entity_id,
            timezone=context.timezone,
            currency=context.currency,
            revenue_account=source.revenue_account,
            fee_account=source.fee_account,
            payout_account=source.payout_account,
            **{f"{role}_column": read.columns.get(role) for role in LAYOUT.names},
        )
        covers = conn.execute("select max(day) from stripe_parsed").fetchall()[0][0]
        return Staged(
            covers_through=covers,
            ignored_columns=read.ignored_columns,
            notes=list(read.readable.changes),
        )
