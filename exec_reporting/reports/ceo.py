"""The CEO report: are the businesses where they should be, and what do I do this month?
Revenue and cash against their targets per entity and for the portfolio, every KPI against its
target, a 30-day action plan ranked by the money at stake, what was done since last month, and
what the businesses own.

The action plan comes from a rules file (exec_reporting/rules/actions.yaml, or config
`ceo.action_rules`) that the owner can review: each rule turns a missed KPI, a critical finding
or a high finding customers see into an action with an owner, a due date and an impact in money.
The file is validated with the configuration (exec_reporting/action_rules.py) and written into
config.action_rules; the matching, the merging of findings with one cause, the impact (money
counted once), the ranking and what each action names are SQL (sql/reports/ceo_actions.sql).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from duckdb import DuckDBPyConnection

from exec_reporting.charts import bar_chart
from exec_reporting.config import ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import (
    GRADE_COLUMN,
    GRADES,
    MONTH_COLUMN,
    against_budget,
    data_notes,
    entity_grades,
    floats,
    grade_causes,
    kpi_format,
    kpi_label,
    kpi_value,
    money_kpis,
    month_end,
    month_start,
    plural,
    previous_month,
)
from exec_reporting.reports.model import (
    Chart,
    Column,
    DataNotes,
    Headline,
    Report,
    Section,
    Table,
)
from exec_reporting.reports.spec import ReportSpec
from exec_reporting.reports.upcoming import ceo_section
from exec_reporting.sqlfiles import query

OWNER_LABELS = {"ceo": "CEO", "cto": "CTO", "cfo": "CFO", "cmo": "CMO", "accounting": "Accounting"}
DEFAULT_RULES_NAME = "exec_reporting/rules/actions.yaml"


# -- presenting figures ----------------------------------------------------------------------------


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _from_kpi(row: dict) -> bool:
    """An action's item is a missed KPI or a finding: the `kind` of the rules file's matches
    (match.kind) and of the rows of ceo_actions.sql."""
    return row["kind"] == "kpi"


def _names(names: list[str]) -> str:
    """Names in a sentence: a; a and b; a, b and c."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _account(row: dict, key: str, fmt: Formatter, month: date) -> str:
    """A cost account of the month as an action names it: "6400 Payroll, $16,364.62 in
    October 2026"."""
    if row.get(key) is None:
        return "the largest costs"
    return f"{row[key]}, {fmt.money(row[key + '_amount'])} in {fmt.month(month)}"


def _channel(row: dict, fmt: Formatter, month: date) -> str:
    if row.get("channel") is not None:
        cost = fmt.money(row["channel_cost_per_booking"])
        return f"{row['channel']} (the lowest cost per booking: {cost})"
    if row.get("revenue_account") is not None:
        # no channels.csv to compare channels: what sells best, by the ledger
        amount = fmt.money(row["revenue_account_amount"])
        return (
            f"what sells best, {row['revenue_account']} ({amount} in {fmt.month(month)}; no "
            "channels.csv to compare channels)"
        )
    return "the channel with the lowest cost per booking"


def _collect_actions(row: dict, fmt: Formatter) -> str:
    """What the plan's Collect actions bring toward the cash gap: the cash action counts only
    the rest (ceo_actions.sql, the `counted` step)."""
    if not row.get("collecting"):
        return ""
    clients = _names(row["collect_clients"] or [])
    brought = fmt.money(row["collecting"])
    one = len(row["collect_clients"] or []) == 1
    actions = "action" if one else "actions"
    bring = "brings" if one else "bring"
    if row["impact"] == 0:
        return f"the Collect {actions} for {clients} {bring} {brought}, enough on its own; else "
    return (
        f"the Collect {actions} for {clients} {bring} {brought}; for the other "
        f"{fmt.money(row['impact'])}, "
    )


def _owed(row: dict, fmt: Formatter) -> str:
    if not row.get("owed_amount"):
        return "what is owed"
    clients = row["owed_clients"]
    invoices = row["owed_invoices"]
    besides = " besides" if row.get("collecting") else ""
    return (
        f"the {fmt.money(row['owed_amount'])} past due that {_names(clients)} "
        f"{'owes' if len(clients) == 1 else 'owe'}{besides} ({', '.join(invoices)})"
    )


def action_text(row: dict, fmt: Formatter) -> str:
    """The rule's template filled in for one item (a row of ceo_actions.sql)."""
    month = row["month"]
    if _from_kpi(row):
        kpi = row["metric"]
        values = {
            "entity": row["name"],
            "kpi": kpi_label(kpi).lower(),
            "actual": kpi_value(fmt, kpi, row["actual"]),
            "target": kpi_value(fmt, kpi, row["target"]),
            "gap": kpi_value(fmt, kpi, abs(row["gap"]), gap=True),
            "channel": _channel(row, fmt, month),
            "collect_actions": _collect_actions(row, fmt),
            "owed": _owed(row, fmt),
        }
        for key in (
            "largest_cost",
            "largest_expense",
            "largest_fixed_cost",
            "largest_direct_cost",
            "largest_variable_cost",
        ):
            values[key] = _account(row, key, fmt, month)
    else:
        invoices = row.get("invoice_ids") or []
        values = {
            "entity": row["name"],
            "finding_id": row["finding_id"],
            "title": row["title"] or "",
            "detail": (row["detail"] or "").rstrip("."),
            "amount": fmt.money(row["amount"]) if row["amount"] is not None else "the amount",
            "rule": row["finding_rule"] or "",
            "source": row["source"] or "",
            "severity": row["severity"] or "",
            "component": row.get("component") or "the component",
            "client": row.get("client") or "the client",
            "invoices": _names(invoices) if invoices else row["finding_id"],
            "days_past_due": (
                str(row["days_past_due"]) if row.get("days_past_due") else "an unknown number of"
            ),
        }
    return _sentence(row["action"].format_map(values))


def _item(row: dict) -> str:
    """What an action comes from, in a few words."""
    if _from_kpi(row):
        return f"missed KPI: {kpi_label(row['metric'])}"
    return f"{row['finding_id']}: {row['source']}, {row['severity']}"


# -- sections --------------------------------------------------------------------------------------

SHORTFALL_COLUMNS = [
    Column("name", "Entity"),
    GRADE_COLUMN,
    Column("basis", "Revenue basis", "text"),
    Column("revenue", "Revenue (on its basis)", "money"),
    Column("gross_margin_pct", "Gross margin", "percent"),
    Column("revenue_target", "Revenue target", "money"),
    Column("revenue_shortfall", "Revenue short by", "money"),
    Column("cash_end", "Cash", "money"),
    Column("cash_target", "Cash target", "money"),
    Column("cash_shortfall", "Cash short by", "money"),
]

KPI_COLUMNS = [
    Column("name", "Entity"),
    Column("kpi_label", "KPI", "text", "kpi"),
    Column("basis", "Basis", "text", "kpi_basis"),
    Column("actual", "Actual", "money"),
    Column("target", "Target", "money"),
    Column("gap", "Gap", "money"),
    Column("months_missed", "Missed for (months)", "integer", "kpi_months_missed"),
    Column("previous_actual", "Last month", "money", "kpi_last_month"),
]
# Against the month's budget, for a KPI budget.csv budgets (metrics.budget_variance): columns of
# the table only when a KPI has a budget that month; in the CSV file, and in the section's lines
# for the email (decision 46).
KPI_BUDGET_COLUMNS = [
    Column("budget", "Budget", "money"),
    Column("budget_variance", "Against budget", "money", "variance"),
    Column("ytd_actual", "Actual, year to date", "money"),
    Column("ytd_budget", "Budget, year to date", "money"),
    Column("last_year_actual", "Same month last year", "money"),
]
# The KPI table's key columns in an email; the budget's figures are in its CSV file and lines.
KPI_EMAIL = ("name", "kpi_label", "basis", "actual")

ACTION_COLUMNS = [
    Column("rank", "#", "integer", position=True),
    Column("action_id", "Id", "text"),
    Column("status", "Status", "status", "action_status"),
    Column("name", "Entity"),
    Column("action_text", "Action", "text"),
    Column("owner_label", "Owner", "text", "action_owner"),
    Column("due_on", "Due", "date", "action_due_on"),
    Column("impact", "Impact", "money", "action_impact"),
]

DONE_COLUMNS = [
    Column("name", "Entity"),
    Column("done_text", "Done", "text"),
    # the finding's id, as every report shows it, or the KPI
    Column("item", "Id", "text", "done_item"),
    Column("done_amount", "Amount", "money"),
]

ASSET_ENTITY_COLUMNS = [
    Column("name", "Entity"),
    Column("asset_count", "Assets", "integer"),
    Column("active_count", "Active", "integer", "asset_active_count"),
    Column("asset_cost", "Cost", "money"),
    Column("asset_book_value", "Book value", "money"),
    Column("book_value_ratio", "Book value / cost", "percent", "asset_book_value_ratio"),
]

ASSET_COLUMNS = [
    Column("name", "Entity"),
    Column("asset_category", "Category", "text"),
    Column("asset_status", "Status", "text"),
    Column("asset_count", "Assets", "integer"),
    Column("asset_cost", "Cost", "money"),
    Column("asset_book_value", "Book value", "money"),
]


def _target_cells(row: dict, value: str, target: str, shortfall: str) -> dict:
    """Words where a figure means nothing: no target set, target reached, no data."""
    out = dict(row)
    if not row.get("has_month", True):
        out[value] = out[target] = out[shortfall] = "no data"
    elif row.get(target) is None:
        out[target] = "no target"
        out[shortfall] = "–"
    elif row.get(shortfall) == 0:
        out[shortfall] = "on target"
    return out


def _shortfall_section(
    entities: list[dict], portfolio: dict, month: date, fmt: Formatter
) -> Section:
    shaped = []
    for row in entities:
        row = _target_cells(row, "revenue", "revenue_target", "revenue_shortfall")
        shaped.append(_target_cells(row, "cash_end", "cash_target", "cash_shortfall"))
    total = {**portfolio, "name": "Portfolio", "basis": "each entity's"}
    if portfolio["revenue_target"] is None:
        total["revenue"] = portfolio["revenue_all"]
    if portfolio["cash_target"] is None:
        total["cash_end"] = portfolio["cash_all"]
    total = _target_cells(total, "revenue", "revenue_target", "revenue_shortfall")
    total = _target_cells(total, "cash_end", "cash_target", "cash_shortfall")
    section = Section("shortfall", "Shortfall: revenue and cash against target")
    with_month = [row for row in entities if row["has_month"]]
    if not with_month:
        section.empty = (
            f"No ledger lines for {fmt.month(month)} in any entity's ledger.csv: add the month's "
            "lines to data/<entity>/ledger.csv (see docs/data-contract.md)."
        )
        return section
    table = Table(
        SHORTFALL_COLUMNS,
        shaped,
        total=total,
        attachment="shortfall.csv",
        key=("entity_id",),
        label=("name",),
    )
    section.tables.append(table)
    section.lines.append(
        "Revenue and gross margin are on each entity's basis (its Revenue basis column: cash, "
        "when the money arrives; accrual, when it is earned); cash is the bank's at month end. "
        "Targets are the revenue and cash_end KPIs of reporting.yaml. Entities furthest short "
        "come first; the portfolio row adds up actuals and targets over the entities that have "
        "a target."
    )
    n = portfolio["entities"]
    if portfolio["revenue_entities"] not in (0, n) or portfolio["cash_entities"] not in (0, n):
        section.lines.append(
            f"Portfolio totals cover the {portfolio['revenue_entities']} of {n} entities with a "
            f"revenue target and the {portfolio['cash_entities']} with a cash target."
        )
    for chart in (
        _target_chart("revenue", "Revenue", "revenue_target", "revenue_shortfall", entities, fmt),
        _target_chart("cash", "Cash at month end", "cash_target", "cash_shortfall", entities, fmt),
    ):
        if chart:
            chart.title = f"{chart.title}, {fmt.month(month)}"
            section.charts.append(chart)
    return section


def _target_chart(
    key: str, label: str, target: str, shortfall: str, entities: list[dict], fmt: Formatter
) -> Chart | None:
    value = "cash_end" if key == "cash" else "revenue"
    rows = [r for r in entities if r["has_month"]]
    if not any(r[target] is not None for r in rows):
        return None
    png = bar_chart(
        f"{label} against target",
        [r["name"] for r in rows],
        floats(rows, value),
        fmt.money_compact,
        good=[None if r[target] is None else r[shortfall] == 0 for r in rows],
        targets=floats(rows, target),
    )
    missing = [r["name"] for r in rows if r[target] is None]
    return Chart(
        f"{key}_target",
        f"{label} against target",
        png,
        f"One bar per entity: its {label.lower()} for the month, labelled with the amount; the "
        "black tick is its target. Green bars reached the target, red bars fell short"
        + (
            f"; {', '.join(missing)} {'has' if len(missing) == 1 else 'have'} no target"
            if missing
            else ""
        )
        + ".",
    )


def _kpi_section(
    kpis: list[dict], portfolio: dict, config: ReportingConfig, month: date, fmt: Formatter
) -> Section:
    section = Section("kpi_gaps", "KPI gaps")
    if not kpis:
        if not any(entity.kpis for entity in config.entities):
            section.empty = (
                "No KPIs in reporting.yaml: add kpis under each entity (see docs/configuration.md)."
            )
        else:
            section.empty = (
                f"No KPI figures for {fmt.month(month)}: no entity with KPIs has ledger lines "
                "in that month (data/<entity>/ledger.csv)."
            )
        return section
    shaped = []
    for row in kpis:
        if row["met"] is True:
            continue  # met KPIs are in the chart and in one line below the table
        kpi = row["kpi"]
        out = dict(row, kpi_label=kpi_label(kpi))
        if kpi_format(kpi) != "money":
            # figures in another unit than money are written out in their own unit
            for key in ("actual", "target", "previous_actual"):
                out[key] = kpi_value(fmt, kpi, row[key])
            out["gap"] = "n/a" if row["gap"] is None else _signed(fmt, kpi, row["gap"])
        if row["met"] is None:
            out["months_missed"] = "not measurable"
        if row["previous_actual"] is None:
            out["previous_actual"] = "n/a"
        if row["budget"] is None:
            out["budget"] = "no budget"
            for key in ("budget_variance", "ytd_actual", "ytd_budget", "last_year_actual"):
                out[key] = "–"
        elif row["last_year_actual"] is None:
            out["last_year_actual"] = "n/a"
        shaped.append(out)
    section.lines.append(
        f"{portfolio['kpis_missed']} of {portfolio['kpis']} KPIs missed their target in "
        f"{fmt.month(month)}. The gap is signed so that positive is good; a ratio's gap is in "
        "percentage points. Revenue, gross profit, gross margin and operating income are on the "
        "entity's basis, the other KPIs (costs, burn, cash, break-even) on the cash basis: the "
        "Basis column says which."
    )
    budgeted = any(row["budget"] is not None for row in kpis)
    section.tables.append(
        Table(
            KPI_COLUMNS + KPI_BUDGET_COLUMNS if budgeted else KPI_COLUMNS,
            shaped,
            empty=f"Every KPI met its target in {fmt.month(month)}.",
            key=("entity_id", "kpi"),
            label=("name", "kpi_label"),
            email=KPI_EMAIL,
        )
    )
    met: dict[str, list[str]] = {}
    for row in kpis:
        if row["met"] is True:
            met.setdefault(row["name"], []).append(kpi_label(row["kpi"]).lower())
    if met:
        listed = "; ".join(f"{name}: {', '.join(labels)}" for name, labels in met.items())
        section.lines.append(f"Met: {listed}.")
    section.lines += _budget_lines(kpis, month, fmt)
    chart = _kpi_chart(kpis, month, fmt)
    if chart:
        section.charts.append(chart)
    return section


def _budget_lines(kpis: list[dict], month: date, fmt: Formatter) -> list[str]:
    """The KPIs budget.csv budgets for the month, met or missed, against their budget: the email
    shows the KPI table's key columns only, so these lines carry the budget's figures."""
    budgeted = [row for row in kpis if row["budget"] is not None]
    if not budgeted:
        return []
    lines = [
        f"Against the {fmt.month(month)} budget (budget.csv), the "
        f"{plural(len(budgeted), 'KPI')} it budgets, met or missed: the table's CSV file has "
        "the same figures for those missed, the CFO report every budget line."
    ]
    for row in budgeted:
        figures = {**row, "variance": row["budget_variance"]}
        subject = f"{row['name']} {kpi_label(row['kpi']).lower()}"
        lines.append(f"{subject}: {against_budget(row['actual'], figures, month, fmt)}.")
    return lines


def _signed(fmt: Formatter, kpi: str, gap: Decimal) -> str:
    text = kpi_value(fmt, kpi, abs(gap), gap=True)
    return "-" + text if gap < 0 else text


def _kpi_chart(kpis: list[dict], month: date, fmt: Formatter) -> Chart | None:
    shown = [r for r in kpis if r["gap_share"] is not None and r["met"] is not None]
    if not shown:
        return None
    left_out = [f"{r['name']} {kpi_label(r['kpi']).lower()}" for r in kpis if r not in shown]
    png = bar_chart(
        f"KPIs: distance from target, {fmt.month(month)}",
        [f"{r['name']}: {kpi_label(r['kpi'])}" for r in shown],
        [r["gap_share"] for r in shown],
        lambda v: f"{v:+.0%}",
        good=[r["met"] for r in shown],
    )
    missed = sum(1 for r in shown if not r["met"])
    alt = (
        "One bar per KPI: how far its actual is from its target, as a share of the target; "
        "bars to the right are on the good side. "
        f"{missed} red (missed), {len(shown) - missed} green (met)."
    )
    if left_out:
        alt += f" Not shown (zero target or no figure): {', '.join(left_out)}."
    return Chart("kpi_gaps", "KPIs: distance from target", png, alt)


def _rules_name(config: ReportingConfig) -> str:
    if config.ceo.action_rules is None:
        return DEFAULT_RULES_NAME
    return str(config.ceo.action_rules)


def _actions_section(
    actions: list[dict], config: ReportingConfig, month: date, fmt: Formatter, rule_count: int
) -> Section:
    section = Section("actions", "30-day action plan")
    planned = [r for r in actions if r["rank"] is not None]
    unmatched = [r for r in actions if r["rank"] is None]
    rules_name = _rules_name(config)
    if not actions:
        if not any(entity.kpis for entity in config.entities):
            section.empty = (
                "No KPIs in reporting.yaml and no critical findings or findings customers see "
                "open: add kpis under each entity (see docs/configuration.md) to plan against "
                "them."
            )
        else:
            section.empty = (
                f"Every KPI met and no critical finding or finding customers see open in "
                f"{fmt.month(month)}: no actions this month."
            )
        return section
    shaped = [
        dict(
            r,
            action_text=action_text(r, fmt),
            owner_label=OWNER_LABELS.get(r["owner"], r["owner"]),
            impact=r["impact"] if r["impact"] is not None else "not in money",
        )
        for r in planned
    ]
    section.lines.append(
        f"Each missed KPI, each critical finding and each high finding customers see becomes an "
        f"action by the rules of {rules_name} ({plural(rule_count, 'rule')}); one client's "
        "overdue invoices are one action, and the cash action counts only what the Collect "
        "actions leave, so no money is counted twice. Ranked by impact, the money at stake, "
        f"then by due date; due dates count from {fmt.date(month_end(month))}."
    )
    if shaped:
        section.tables.append(
            Table(
                ACTION_COLUMNS,
                shaped,
                attachment="actions.csv",
                # the action id (from what the action is about), never its rank
                key=("action_id",),
                label=("name", "action_id"),
            )
        )
    if unmatched:
        names = "; ".join(f"{r['name']}, {_item(r)}" for r in unmatched)
        section.lines.append(f"No rule of {rules_name} matches: {names}. Add a rule for them.")
    return section


def _done_text(row: dict, last_month: date, fmt: Formatter) -> str:
    """One thing done, in words: the finding and that it is resolved, or the KPI back on target."""
    if row["kind"] == "finding":
        return f"Resolved: {row['title']}."
    kpi = row["metric"]
    return (
        f"{kpi_label(kpi)} back on target: {kpi_value(fmt, kpi, row['actual'])} against "
        f"{kpi_value(fmt, kpi, row['target'])}, from {kpi_value(fmt, kpi, row['previous_actual'])} "
        f"in {fmt.month(last_month)}."
    )


def _done_section(done: list[dict], month: date, fmt: Formatter) -> Section:
    last_month = previous_month(month)
    section = Section("done", "Done since last month")
    if not done:
        section.empty = (
            f"Nothing done since {fmt.month(last_month)}: no finding was resolved in "
            f"{fmt.month(month)} and no KPI missed in {fmt.month(last_month)} met its target."
        )
        return section
    section.lines.append(
        f"Findings resolved in {fmt.month(month)} (open at the end of {fmt.month(last_month)}, "
        f"not now) and the KPIs missed in {fmt.month(last_month)}, each an action of its plan, "
        "that met their target now. Largest amount first."
    )
    rows = [
        dict(
            r,
            done_text=_done_text(r, last_month, fmt),
            done_amount=r["amount"] if r["amount"] is not None else "–",
        )
        for r in done
    ]
    section.tables.append(
        Table(DONE_COLUMNS, rows, key=("entity_id", "kind", "item"), label=("name", "item"))
    )
    return section


def _assets_section(
    assets: list[dict], by_entity: list[dict], notes: DataNotes, month: date, fmt: Formatter
) -> Section:
    section = Section("assets", "Asset inventory")
    entities = [r for r in by_entity if not r["is_total"]]
    total = next((r for r in by_entity if r["is_total"]), None)
    missing = [f for f in notes.missing_files if f.endswith("/assets.csv")]
    if not assets:
        if len(missing) == len(notes.as_of):
            section.empty = (
                "No assets.csv for any entity: add data/<entity>/assets.csv (see "
                "docs/data-contract.md)."
            )
        else:
            section.empty = (
                f"No asset in any assets.csv was acquired by {fmt.date(month_end(month))}."
            )
        return section
    section.lines.append(
        f"Assets acquired by {fmt.date(month_end(month))}, as listed in each entity's "
        "assets.csv (status and book value as the file gives them). Most valuable first."
    )
    if total and total["asset_unvalued_count"]:
        section.lines.append(
            f"{total['asset_unvalued_count']} "
            f"{'asset has' if total['asset_unvalued_count'] == 1 else 'assets have'} no book "
            "value in assets.csv: the book value totals leave them out."
        )
    if missing:
        section.lines.append(f"No assets.csv for: {', '.join(missing)}.")
    total_row = {**total, "name": "Portfolio"} if total else None
    section.tables.append(
        Table(
            ASSET_ENTITY_COLUMNS,
            entities,
            total=total_row,
            title="By entity",
            key=("entity_id",),
            label=("name",),
        )
    )
    section.tables.append(
        Table(
            ASSET_COLUMNS,
            assets,
            title="By entity, category and status",
            key=("entity_id", "asset_category", "asset_status"),
            label=("name", "asset_category", "asset_status"),
        )
    )
    return section


def _next_30_days_section(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Section:
    """What falls due, departs, expires or is due in the 30 days after the month."""
    return ceo_section(conn, month, fmt)


# -- headlines and verdicts ------------------------------------------------------------------------


def _headlines(
    portfolio: dict,
    previous: dict,
    actions: int,
    previous_actions: int,
    revenue_budget: Decimal | None = None,
) -> list[Headline]:
    def target(row: dict, total: str, count: str) -> Any:
        # a target for the whole portfolio only when every entity has one: the figure is every
        # entity's (the shortfall table compares the entities that have a target)
        return row[total] if row["entities"] and row[count] == row["entities"] else None

    kpi_note = "no KPIs configured" if not portfolio["kpis"] else None
    return [
        Headline(
            "Revenue, each entity on its basis",
            "money",
            portfolio["revenue_all"],
            previous["revenue_all"],
            target=target(portfolio, "revenue_target", "revenue_entities"),
            better="higher",
            glossary="revenue",
            # every entity with revenue has a budget for the month, else None (decision 46)
            budget=revenue_budget,
        ),
        Headline(
            "Cash at month end",
            "money",
            portfolio["cash_all"],
            previous["cash_all"],
            target=target(portfolio, "cash_target", "cash_entities"),
            better="higher",
            glossary="cash_end",
        ),
        Headline(
            f"KPIs met (of {portfolio['kpis']})",
            "integer",
            portfolio["kpis_met"] if portfolio["kpis"] else None,
            previous["kpis_met"] if previous["kpis"] else None,
            target=portfolio["kpis"] or None,
            better="higher",
            glossary="kpis_met",
            note=kpi_note,
        ),
        Headline(
            "Open critical findings",
            "integer",
            portfolio["critical_findings"],
            previous["critical_findings"],
            target=0,
            better="lower",
            glossary="open_critical_findings",
        ),
        Headline("Actions, next 30 days", "integer", actions, previous_actions),
    ]


def verdict(row: dict, grade: dict, actions: list[dict], month: date, fmt: Formatter) -> str:
    """One sentence per entity: its grade (act, watch, on track) and the causes that set it
    (sql/reports/entity_grades.sql), its KPIs, revenue and cash against target when they are
    not a cause already, and what the plan asks of it."""
    name = row["name"]
    lead = f"{name}, {grade['grade']}"
    if not row["has_month"]:
        last = row.get("last_ledger_date")
        ends = f" (data ends {last.isoformat()})" if last else ""
        return f"{lead}: no ledger data for {fmt.month(month)}{ends}."
    missed_kpis = {c["subject"] for c in grade["causes"] if c["kind"] == "kpi"}
    configured = row["kpis_configured"]
    met, missed, unjudged = row["kpis_met"], row["kpis_missed"], row["kpis_unjudged"]
    if not configured:
        state = "no KPIs set"
    elif missed:
        state = f"{met} of {configured} KPIs met"
    elif unjudged:
        state = f"{met} of {configured} KPIs met, {unjudged} not measurable this month"
    else:
        state = f"all {configured} KPIs met"
    parts = [*grade_causes(grade, fmt, month), state]
    if "revenue" not in missed_kpis:
        parts.append(
            _against(
                f"revenue ({row['basis']} basis)",
                row["revenue"],
                row["revenue_target"],
                row["revenue_shortfall"],
                fmt,
            )
        )
    if "cash_end" not in missed_kpis:
        parts.append(
            _against("cash", row["cash_end"], row["cash_target"], row["cash_shortfall"], fmt)
        )
    if row["critical_findings"]:
        n = row["critical_findings"]
        parts.append(f"{plural(n, 'critical finding')} open")
    mine = [a for a in actions if a["entity_id"] == row["entity_id"]]
    if mine:
        first = mine[0]  # ranked: the largest impact first
        owner = OWNER_LABELS.get(first["owner"], first["owner"])
        when = f"({owner}, due {fmt.date(first['due_on'])})"
        count = f"{plural(len(mine), 'action')} in the plan"
        if first["impact"] is not None:
            parts.append(f"{count}, the first worth {fmt.money_compact(first['impact'])} {when}")
        else:
            parts.append(f"{count}, the first {when}")
    else:
        parts.append("no actions this month")
    return f"{lead}: " + "; ".join(parts) + "."


def verdict_clauses(report: Report) -> list[str]:
    """The CEO's subject: revenue against target (else against last month), KPIs met, open
    critical findings, how many entities to act on and to watch."""
    fmt = report.fmt
    figures = {h.glossary: h for h in report.headlines}
    clauses = []
    revenue = figures.get("revenue")
    if revenue and revenue.value is not None:
        if revenue.target:
            change = revenue.value / revenue.target - 1
            clauses.append(f"revenue {fmt.change_percent(change)} vs target")
        elif revenue.previous:
            change = revenue.value / revenue.previous - 1
            clauses.append(f"revenue {fmt.change_percent(change)} vs last month")
    kpis = figures.get("kpis_met")
    if kpis and kpis.value is not None:
        clauses.append(f"{kpis.value}/{kpis.target} KPIs met")
    critical = figures.get("open_critical_findings")
    if critical and critical.value:
        clauses.append(f"{critical.value} critical")
    # how many entities to act on, then to watch: two clauses, so that the watch count is the
    # first to go when the subject is long
    grades = list(report.grades.values())
    clauses += [f"{grades.count(grade)} {grade}" for grade in GRADES[:2] if grade in grades]
    return clauses


def _against(
    label: str,
    value: Decimal | None,
    target: Decimal | None,
    shortfall: Decimal | None,
    fmt: Formatter,
) -> str:
    if target is None:
        return f"{label} {fmt.money_compact(value)} (no target)"
    if shortfall:
        return (
            f"{label} {fmt.money_compact(value)}, {fmt.money_compact(shortfall)} short of "
            f"{fmt.money_compact(target)}"
        )
    return f"{label} {fmt.money_compact(value)} against a {fmt.money_compact(target)} target"


# -- the report ------------------------------------------------------------------------------------


HELD_COLUMNS = [
    MONTH_COLUMN,
    Column("name", "Entity"),
    Column("covers_through", "Its data runs through", "date"),
    Column("source_file", "According to", "text"),
]


def _held_section(held: list[dict], fmt: Formatter) -> Section:
    """Earlier months whose pack was held back (period close): nobody got those reports yet."""
    months = sorted({row["period"] for row in held})
    rows = [{**row, "month": month_start(row["period"])} for row in held]
    return Section(
        "period_close",
        "Packs held back: data missing",
        lines=[
            f"The reports of {', '.join(fmt.month(month_start(m)) for m in months)} have not "
            "gone out: an entity's data does not cover the month yet. They go out when the "
            "missing data arrives, or when the month is listed under closed_months in "
            "reporting.yaml."
        ],
        tables=[Table(HELD_COLUMNS, rows, key=("month", "entity_id"), label=("month", "name"))],
    )


def build(
    conn: DuckDBPyConnection, config: ReportingConfig, month: date, entity_id: str | None = None
) -> Report:
    report = Report(SPEC, config, month)
    fmt = report.fmt
    rule_count = query(conn, "reports/ceo_rule_count")[0]["rules"]
    last_month = previous_month(month)

    entities = query(conn, "reports/ceo_entities", month=month)
    portfolio = query(conn, "reports/ceo_portfolio", month=month)[0]
    previous = query(conn, "reports/ceo_portfolio", month=last_month)[0]
    kpis = query(conn, "reports/ceo_kpis", month=month)
    actions = query(conn, "reports/ceo_actions", month=month, money_kpis=money_kpis())
    previous_actions = query(conn, "reports/ceo_actions", month=last_month, money_kpis=money_kpis())
    done = query(conn, "reports/ceo_done", month=month, money_kpis=money_kpis())
    assets = query(conn, "reports/ceo_assets", month=month)
    assets_by_entity = query(conn, "reports/ceo_assets_by_entity", month=month)
    report.data = data_notes(conn, month, tables=("assets",))

    planned = [a for a in actions if a["rank"] is not None]
    report.headlines = _headlines(
        portfolio,
        previous,
        len(planned),
        len([a for a in previous_actions if a["rank"] is not None]),
        query(conn, "reports/ceo_revenue_budget", month=month)[0]["revenue_budget"],
    )
    grades = {row["entity_id"]: row for row in entity_grades(conn, month)}
    # the grade in the entity table; the sentences in the grades' order (act first)
    entities = [dict(row, grade=grades[row["entity_id"]]["grade"]) for row in entities]
    by_grade = sorted(entities, key=lambda row: grades[row["entity_id"]]["position"])
    report.grades = {row["entity_id"]: row["grade"] for row in by_grade}
    report.verdicts = [
        verdict(row, grades[row["entity_id"]], planned, month, fmt) for row in by_grade
    ]
    held = query(conn, "reports/ceo_held_periods", month=month)
    report.sections = [
        *([_held_section(held, fmt)] if held else []),
        _shortfall_section(entities, portfolio, month, fmt),
        _kpi_section(kpis, portfolio, config, month, fmt),
        _actions_section(actions, config, month, fmt, rule_count),
        _done_section(done, month, fmt),
        _next_30_days_section(conn, month, fmt),
        _assets_section(assets, assets_by_entity, report.data, month, fmt),
    ]
    # the definitions of the KPIs the report names, beside those of its columns
    report.glossary_keys = sorted({row["kpi"] for row in kpis})
    return report


SPEC = ReportSpec(
    report="ceo",
    role="CEO",
    title="CEO report",
    persona="ceo",
    entity_kind=None,
    build=build,
    module=__file__,
    doc=__doc__,
    shared_sql=("reports/upcoming", "reports/entity_grades"),
    verdict_clauses=verdict_clauses,
)
