"""The Accounting report: are the books right? Revenue recognition (prepayments sitting in
revenue, cancellations whose money was kept), the chart of accounts (codes missing from it,
accounts used against their type) and the expense audit (flags, unusual months, recurring
payments)."""

from __future__ import annotations

from datetime import date
from typing import Any

from duckdb import DuckDBPyConnection

from exec_reporting.charts import bar_chart, line_chart
from exec_reporting.config import ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import (
    MONTH_COLUMN,
    data_notes,
    figure_clause,
    findings_table,
    floats,
    month_labels,
    month_series,
    plural,
    previous_month,
)
from exec_reporting.reports.model import Chart, Column, Headline, Report, Section, Table
from exec_reporting.reports.spec import ReportSpec
from exec_reporting.sqlfiles import query

# The optional input files this report reads (the ledger and the chart are required).
OPTIONAL_TABLES = ("bookings",)
NO_BOOKINGS = (
    "No bookings.csv for any entity: add data/<entity>/bookings.csv (see docs/data-contract.md)."
)

RECOGNITION_COLUMNS = [
    Column("name", "Entity"),
    Column("deferred_balance", "Deferred, confirmed bookings", "money"),
    Column("deferred_change", "Change", "money"),
    Column("prepaid_in_revenue", "Prepaid in revenue", "money"),
    Column("prepaid_bookings", "Bookings", "integer"),
    Column("unreturned_cash", "Not refunded", "money"),
    Column("unreturned_bookings", "Bookings", "integer"),
    Column("basis", "Basis"),
    Column("deferred_revenue", "Deferred revenue, all items", "money"),
    Column("receivables_owed", "Receivables", "money"),
]
# Detail tables list the largest rows only, so the email stays short; the line above a table
# says how many there are in all.
DETAIL_LIMIT = 10

PREPAID_COLUMNS = [
    Column("name", "Entity"),
    Column("booking_id", "Booking"),
    Column("payment_txn_id", "Payment line"),
    Column("payment_date", "In revenue on", "date"),
    Column("service_date", "Service date", "date"),
    Column("booking_amount", "Amount", "money"),
]

UNMAPPED_COLUMNS = [
    Column("name", "Entity"),
    Column("account_code", "Code"),
    Column("month_lines", "Lines this month", "integer"),
    Column("lines_to_date", "Lines to date", "integer"),
    Column("net_to_date", "Net to date", "money"),
    Column("first_used_on", "First used", "date"),
    Column("in_quarantine", "Row quarantined"),
]

UNCATEGORIZED_COLUMNS = [
    Column("name", "Entity"),
    Column("rules_file", "Rules file to edit"),
    Column("uncategorized_month_lines", "Lines this month", "integer"),
    Column("uncategorized_lines", "Lines to date", "integer"),
    Column("uncategorized_in", "Money in", "money"),
    Column("uncategorized_out", "Money out", "money"),
]

UNCATEGORIZED_LINE_COLUMNS = [
    Column("name", "Entity"),
    Column("date", "Date", "date", glossary=None),
    Column("amount", "Amount", "money", glossary=None),
    Column("description", "Description", glossary=None),
    Column("counterparty", "Counterparty", glossary=None),
    Column("source_file", "File"),
    Column("line", "Line", "integer", glossary=None),
]

MISUSED_COLUMNS = [
    Column("name", "Entity"),
    Column("account", "Account", glossary="account_name"),
    Column("account_type", "Type"),
    Column("month_lines", "Lines", "integer"),
    Column("money_in", "Money in", "money"),
    Column("money_out", "Money out", "money"),
    Column("month_net", "Net", "money"),
]

RULE_COLUMNS = [
    Column("rule_label", "Rule"),
    Column("findings", "Open", "integer"),
    Column("new_findings", "New", "integer"),
    Column("amount", "Amount", "money"),
]

OUTLIER_COLUMNS = [
    Column("name", "Entity"),
    MONTH_COLUMN,
    Column("account", "Account", glossary="account_name"),
    Column("account_spend", "Spend", "money"),
    Column("median_spend", "Usual month", "money"),
    Column("outlier_ratio", "Times usual", "number"),
    Column("history_months", "Months compared", "integer"),
]

RECURRING_SUMMARY_COLUMNS = [
    Column("name", "Entity"),
    Column("payments", "Recurring payments", "integer"),
    Column("new_payments", "New this month", "integer", "new_recurring"),
    Column("monthly_amount", "A month", "money"),
    Column("annualized_cost", "A year", "money"),
]

RECURRING_COLUMNS = [
    Column("name", "Entity"),
    Column("counterparty", "Paid to"),
    Column("account_code", "Account"),
    Column("monthly_amount", "A month", "money"),
    Column("annualized_cost", "A year", "money"),
    Column("months_running", "Months in a row", "integer"),
    Column("new_recurring", "New"),
]


def verdict(row: dict, fmt: Formatter, month: date) -> str:
    """One sentence per entity that answers "are the books right?" on its own."""
    name = row["name"]
    if not row["has_month"]:
        last = row.get("last_ledger_date")
        ends = f" (data ends {last.isoformat()})" if last else ""
        return f"{name}: no ledger data for {fmt.month(month)}{ends}."
    fixes = []
    if row["prepaid_bookings"]:
        fixes.append(
            f"{fmt.money_compact(row['prepaid_in_revenue'])} of prepayments for "
            f"{plural(row['prepaid_bookings'], 'future service')} sit in revenue"
        )
    if row["unreturned_bookings"]:
        fixes.append(
            f"{fmt.money_compact(row['unreturned_cash'])} kept on "
            f"{plural(row['unreturned_bookings'], 'cancelled booking')} with no refund"
        )
    if row["uncategorized_lines"]:
        fixes.append(
            f"{plural(row['uncategorized_lines'], 'imported line')} no mapping rule matches "
            f"(add rules to {row['uncategorized_rules_file']})"
        )
    if row["unmapped_codes"]:
        fixes.append(
            f"{plural(row['unmapped_lines'], 'ledger line')} on "
            f"{'code' if row['unmapped_codes'] == 1 else 'codes'} {row['unmapped_list']}, "
            "missing from the chart"
        )
    if row["misused_accounts"]:
        fixes.append(f"{plural(row['misused_accounts'], 'account')} used against its type")
    review = ""
    if row["expense_findings"]:
        review = (
            f"{plural(row['expense_findings'], 'expense finding')} to review "
            f"({fmt.money_compact(row['expense_finding_amount'])})"
        )
    unchecked = "" if row["has_bookings"] else " Revenue recognition not checked: no bookings.csv."
    if fixes:
        sentence = f"{name}: books not right: " + "; ".join(fixes)
        if review:
            sentence += f"; also {review}"
        return sentence + "." + unchecked
    if review:
        return f"{name}: books right; {review}." + unchecked
    return f"{name}: books right, nothing open." + unchecked


def _deferred_chart(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Chart | None:
    history = query(conn, "reports/accounting_deferred_history", month=month)
    if not history:
        return None
    months, series = month_series(history, "deferred_balance")
    title = "Deferred revenue at month end, last 12 months"
    return Chart(
        "deferred",
        title,
        line_chart(title, month_labels(months), series, fmt.money_compact),
        "One line per entity with bookings: cash held for services still to come at each month "
        "end; each line is labelled with its balance at the end of the report month.",
    )


def _rules_chart(rules: list[dict], fmt: Formatter) -> Chart | None:
    flagged = [r for r in rules if r["findings"]]
    if not flagged:
        return None
    title = "Expense findings open, money at stake by rule"
    return Chart(
        "expense_rules",
        title,
        bar_chart(
            title,
            [f"{r['rule_label']} ({r['findings']})" for r in flagged],
            floats(flagged, "amount"),
            fmt.money_compact,
        ),
        "One bar per rule with open findings, labelled with the amount flagged; the number of "
        "findings is in brackets after the rule.",
    )


def _recognition_section(
    conn: DuckDBPyConnection,
    config: ReportingConfig,
    month: date,
    entities: list[dict],
    total: dict | None,
    fmt: Formatter,
) -> Section:
    section = Section("revenue_recognition", "Revenue recognition")
    with_bookings = [r for r in entities if r["has_bookings"]]
    if not with_bookings:
        section.empty = NO_BOOKINGS
        return section
    without = [r["name"] for r in entities if not r["has_bookings"]]
    section.lines.append(
        "Deferred revenue is cash for confirmed bookings whose service is still to come. "
        "Prepayments in revenue are the part of it booked to a revenue account: move them to "
        "deferred revenue at month end."
    )
    section.lines.append(
        "Deferred revenue, all items, and receivables are those of metrics.revenue, on which "
        "each entity's revenue (its basis in the table) is bridged from cash: deferred revenue "
        "also holds money on cancelled or refunded bookings still owed back and invoices paid "
        "ahead; receivables hold invoices, trips, charters and rent earned and not yet paid."
    )
    if (
        total
        and total["deferred_balance"]
        and total["deferred_balance"] == total["prepaid_in_revenue"]
    ):
        section.lines.append(
            f"All of the deferred revenue, {fmt.money(total['deferred_balance'])}, sits in "
            "revenue: none of it is booked as deferred."
        )
    if without:
        section.lines.append(
            f"No bookings.csv for {', '.join(without)}: their revenue recognition is not checked."
        )
    chart = _deferred_chart(conn, month, fmt)
    if chart:
        section.charts.append(chart)
    rows = sorted(
        [r for r in with_bookings if r["has_month"]],
        key=lambda r: (-(r["prepaid_in_revenue"] + r["unreturned_cash"]), -r["deferred_balance"]),
    )
    section.tables.append(
        Table(
            RECOGNITION_COLUMNS,
            rows,
            total=total if rows else None,
            title="Deferred revenue and revenue-recognition issues at month end",
            empty=f"No entity with bookings has data for {fmt.month(month)}.",
            attachment="revenue_recognition.csv",
            key=("entity_id",),
            label=("name",),
        )
    )
    prepaid = query(conn, "reports/accounting_prepaid_bookings", month=month, limit=DETAIL_LIMIT)
    shown = (
        f"the {len(prepaid)} largest of {prepaid[0]['bookings']}"
        if prepaid and prepaid[0]["bookings"] > len(prepaid)
        else "all"
    )
    section.tables.append(
        Table(
            PREPAID_COLUMNS,
            prepaid,
            total={"name": "Portfolio, all bookings", "booking_amount": total["prepaid_in_revenue"]}
            if prepaid and total
            else None,
            title=f"Bookings paid for services after the month end, in revenue ({shown})",
            empty="No cash for a future service sits in revenue at the month end.",
            key=("entity_id", "booking_id"),
            label=("name", "booking_id"),
        )
    )
    section.tables.append(
        _findings(conn, config, month, "revenue_recognition", "No revenue-recognition findings.")
    )
    return section


def _chart_section(
    conn: DuckDBPyConnection,
    config: ReportingConfig,
    month: date,
    total: dict | None,
    fmt: Formatter,
) -> Section:
    section = Section("chart_of_accounts", "Chart of accounts")
    unmapped = query(conn, "reports/accounting_unmapped", month=month)
    misused = query(conn, "reports/accounting_misused", month=month)
    findings = _findings(conn, config, month, "chart", "No chart-of-accounts findings.")
    uncategorized = _uncategorized_tables(conn, config, month, fmt)
    if not unmapped and not misused and not uncategorized:
        section.lines.append(
            f"Every account code in the ledger is in the chart, and no account was used against "
            f"its type in {fmt.month(month)}."
        )
        if findings.rows:  # resolved last month
            section.tables.append(findings)
        return section
    section.lines.append(
        "Lines on a code missing from the chart count in cash but in no profit-and-loss "
        "line. An account is used against its type when its month nets the wrong way: money "
        "in on a cost account, money out on a revenue account."
    )
    section.tables.append(
        Table(
            UNMAPPED_COLUMNS,
            unmapped,
            total={"name": "Portfolio", **total} if unmapped and total else None,
            title="Account codes missing from the chart",
            empty="Every account code in the ledger is in the chart of accounts.",
            key=("entity_id", "account_code"),
            label=("name", "account_code"),
        )
    )
    if uncategorized:
        section.lines.append(
            f"Imported lines no mapping rule matched carry the uncategorized account "
            f"{config.accounting.uncategorized_account}: a rule in the entity's rules file that "
            "matches their description or counterparty gives them an account at the next load "
            "(docs/importing.md)."
        )
        section.tables += uncategorized
    section.tables.append(
        Table(
            MISUSED_COLUMNS,
            misused,
            title=f"Accounts used against their type in {fmt.month(month)}",
            empty=f"No account was used against its type in {fmt.month(month)}.",
            key=("entity_id", "account_code"),
            label=("name", "account"),
        )
    )
    section.tables.append(findings)
    return section


def _uncategorized_tables(
    conn: DuckDBPyConnection, config: ReportingConfig, month: date, fmt: Formatter
) -> list[Table]:
    """The imported lines no mapping rule matched up to the month's end: per entity with the
    rules file to edit, and the largest lines themselves; none when there are none."""
    by_entity = query(conn, "reports/accounting_uncategorized", month=month)
    if not by_entity:
        return []
    lines = query(conn, "reports/accounting_uncategorized_lines", month=month, limit=DETAIL_LIMIT)
    total = {
        "name": "Portfolio",
        **{
            key: sum(row[key] for row in by_entity)
            for key in (
                "uncategorized_month_lines",
                "uncategorized_lines",
                "uncategorized_in",
                "uncategorized_out",
            )
        },
    }
    shown = (
        f"the {len(lines)} largest of {lines[0]['lines']}"
        if lines and lines[0]["lines"] > len(lines)
        else "all, the largest first"
    )
    return [
        Table(
            UNCATEGORIZED_COLUMNS,
            by_entity,
            total=total,
            title=f"Imported lines no mapping rule matched, to the end of {fmt.month(month)}",
            key=("entity_id", "rules_file"),
            label=("name",),
        ),
        Table(
            UNCATEGORIZED_LINE_COLUMNS,
            lines,
            title=f"Uncategorized lines ({shown})",
            key=("entity_id", "txn_id"),
            label=("name", "txn_id"),
        ),
    ]


def _expense_section(
    conn: DuckDBPyConnection, config: ReportingConfig, month: date, fmt: Formatter
) -> Section:
    section = Section("expense_audit", "Expense audit")
    settings = config.accounting
    section.lines.append(
        "Flags: possible duplicates, weekend spending and one-off round amounts (codes missing "
        "from the chart are findings of the chart of accounts above). Unusual spending: a month above {fmt.number(settings.outlier_factor, 1)} "
        "times the account's usual (median) month of the previous twelve. Each finding is "
        f"reviewed for {plural(settings.review_months, 'month')}."
    )
    rules = query(conn, "reports/accounting_expense_rules", month=month)
    chart = _rules_chart(rules, fmt)
    if chart:
        section.charts.append(chart)
    rule_total = query(conn, "reports/accounting_expense_rules_total", month=month)[0]
    findings = _findings(
        conn, config, month, "expense", "No expense findings.", attachment="expense_findings.csv"
    )
    if rule_total["findings"]:
        section.tables.append(
            Table(
                RULE_COLUMNS,
                rules,
                total={"rule_label": "All rules", **rule_total},
                title="Open findings by rule",
                key=("rule",),
                label=("rule_label",),
            )
        )
    else:
        section.lines.append(f"No expense finding is open in {fmt.month(month)}.")
    if findings.rows:
        section.tables.append(findings)
    section.tables.append(
        Table(
            OUTLIER_COLUMNS,
            query(conn, "reports/accounting_outliers", month=month),
            title="Unusual spending under review",
            empty=(
                "No unusual month of spending under review (an account needs 3 months of "
                "history to be compared)."
            ),
            key=("entity_id", "month", "account_code"),
            label=("name", "month", "account"),
        )
    )
    by_entity = query(conn, "reports/accounting_recurring_by_entity", month=month)
    recurring = query(conn, "reports/accounting_recurring", month=month, limit=DETAIL_LIMIT)
    entity_rows = [r for r in by_entity if not r["is_total"]]
    total = next((r for r in by_entity if r["is_total"]), None)
    empty = (
        f"No recurring payment: none was paid to the same counterparty in "
        f"{settings.recurring_min_months} consecutive months within 10% of its median."
    )
    section.tables.append(
        Table(
            RECURRING_SUMMARY_COLUMNS,
            entity_rows,
            total=total if entity_rows else None,
            title="Recurring payments (subscriptions, rent, payroll) per entity",
            empty=empty,
            key=("entity_id",),
            label=("name",),
        )
    )
    if recurring:
        shown = (
            f"the {DETAIL_LIMIT} most costly of {recurring[0]['payments']}, and any new this month"
            if recurring[0]["payments"] > len(recurring)
            else "all, the most costly first"
        )
        section.tables.append(
            Table(
                RECURRING_COLUMNS,
                recurring,
                title=f"Recurring payments ({shown})",
                key=("entity_id", "counterparty"),
                label=("name", "counterparty"),
            )
        )
    return section


def _findings(
    conn: DuckDBPyConnection,
    config: ReportingConfig,
    month: date,
    source: str,
    empty: str,
    **kwargs: Any,
) -> Table:
    rows = query(conn, "reports/findings", month=month, sources=[source])
    return findings_table(rows, config, title="Findings", empty=empty, **kwargs)


# The headline of every open finding (no glossary entry of its own: the findings are listed).
OPEN_FINDINGS = "Open findings"


def build(
    conn: DuckDBPyConnection, config: ReportingConfig, month: date, entity_id: str | None = None
) -> Report:
    report = Report(SPEC, config, month)
    fmt = report.fmt
    entities = query(conn, "reports/accounting_entities", month=month)
    portfolio = next(iter(query(conn, "reports/accounting_portfolio", month=month)), None)
    previous = next(
        iter(query(conn, "reports/accounting_portfolio", month=previous_month(month))), {}
    )
    has_bookings = any(r["has_bookings"] for r in entities)

    def figure(row: dict | None, key: str) -> Any:
        return row.get(key) if row else None

    report.headlines = [
        Headline(
            OPEN_FINDINGS,
            "integer",
            figure(portfolio, "open_findings"),
            figure(previous, "open_findings"),
            target=0,
            better="lower",
        ),
    ]
    if has_bookings:
        # Two labels never show one figure: when every prepayment sits in revenue, as where the
        # deposits are booked to sales, the deferred revenue is the prepayments in revenue, and
        # the one headline is the figure to correct (the recognition section says it is all of
        # the deferred revenue). Decision 42.
        deferred = (figure(portfolio, "deferred_balance"), figure(previous, "deferred_balance"))
        prepaid = (figure(portfolio, "prepaid_in_revenue"), figure(previous, "prepaid_in_revenue"))
        if deferred != prepaid:
            report.headlines.append(
                Headline("Deferred revenue", "money", *deferred, glossary="deferred_balance")
            )
        report.headlines += [
            Headline(
                "Prepayments in revenue",
                "money",
                *prepaid,
                target=0,
                better="lower",
                glossary="prepaid_in_revenue",
            ),
            Headline(
                "Cancelled, not refunded",
                "money",
                figure(portfolio, "unreturned_cash"),
                figure(previous, "unreturned_cash"),
                target=0,
                better="lower",
                glossary="unreturned_cash",
            ),
        ]
    report.headlines += [
        Headline(
            "Lines on unmapped codes",
            "integer",
            figure(portfolio, "lines_to_date"),
            figure(previous, "lines_to_date"),
            target=0,
            better="lower",
            glossary="lines_to_date",
        ),
    ]
    report.verdicts = [verdict(row, fmt, month) for row in entities]
    report.sections = [
        _recognition_section(conn, config, month, entities, portfolio, fmt),
        _chart_section(conn, config, month, portfolio, fmt),
        _expense_section(conn, config, month, fmt),
    ]
    report.data = data_notes(conn, month, tables=OPTIONAL_TABLES)
    return report


def verdict_clauses(report: Report) -> list[str]:
    """Accounting's subject: the open items to fix, the money they put in the wrong place."""
    clauses = [
        figure_clause(report, OPEN_FINDINGS, "open findings"),
        figure_clause(report, "prepaid_in_revenue", "prepaid in revenue", change=False),
        figure_clause(report, "unreturned_cash", "not refunded", change=False),
        figure_clause(report, "lines_to_date", "unmapped lines", change=False),
    ]
    return [c for c in clauses if c]


SPEC = ReportSpec(
    report="accounting",
    role="Accounting",
    title="Accounting report",
    persona="accounting",
    entity_kind=None,
    build=build,
    module=__file__,
    doc=__doc__,
    shared_sql=("reports/findings",),
    verdict_clauses=verdict_clauses,
)
