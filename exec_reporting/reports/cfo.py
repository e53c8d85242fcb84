"""The CFO report: how fast each business burns cash (operating burn and cash burn), how long the
cash lasts, where the cash went (the statement of cash flows: owner money and debt service named),
revenue on each business's basis bridged from the cash received, the balance sheet, when it breaks
even, and where spare cash should go."""

from __future__ import annotations

from datetime import date

from duckdb import DuckDBPyConnection

from exec_reporting.charts import bar_chart, line_chart
from exec_reporting.config import ReportingConfig, Scenario
from exec_reporting.formatting import Formatter
from exec_reporting.reports.common import (
    data_notes,
    entity_grades,
    figure_clause,
    floats,
    month_end,
    month_labels,
    month_series,
    previous_month,
)
from exec_reporting.reports.model import Chart, Column, Headline, Report, Section, Table
from exec_reporting.reports.spec import ReportSpec
from exec_reporting.reports.upcoming import cfo_section
from exec_reporting.sqlfiles import query

BURN_COLUMNS = [
    Column("name", "Entity"),
    Column("cash_received", "Cash received (cash basis)", "money"),
    Column("gross_burn", "Gross burn", "money"),
    Column("net_burn", "Operating burn", "money"),
    Column("net_burn_avg_3m", "Operating burn, 3-mo avg", "money"),
    Column("cash_burn", "Cash burn", "money"),
    Column("cash_burn_avg_3m", "Cash burn, 3-mo avg", "money"),
    Column("cash_end", "Cash", "money"),
    Column("cash_runway_months", "Runway on cash burn", "months"),
]

# The statement of cash flows (metrics.cash_flows, metrics.portfolio_cash_flows). In transit and
# unclassified are shown only in a month that has them.
CASH_FLOW_COLUMNS = [
    Column("name", "Entity"),
    Column("cash_start", "Cash at start", "money"),
    Column("operating", "Operating", "money"),
    Column("investing", "Investing", "money"),
    Column("owner_contributions", "Owner contributions", "money"),
    Column("owner_draws", "Owner draws", "money"),
    Column("loan_proceeds", "Loan proceeds", "money"),
    Column("loan_principal", "Loan principal", "money"),
    Column("intercompany_net", "Sister businesses, net", "money"),
    Column("in_transit", "In transit", "money"),
    Column("unclassified", "Unclassified", "money"),
    Column("net_change", "Net change", "money"),
    Column("cash_end", "Cash at end", "money"),
]
# Always shown: where the month started and ended, the operations and the change. The other
# columns only in a month where some entity has a flow in them (a column of zeros says nothing,
# and the report must stay under the size at which Gmail clips a message).
ALWAYS_SHOWN = ("name", "cash_start", "operating", "net_change", "cash_end")

# The revenue bridge: the convention every report that shows an operational revenue figure
# follows (docs/developing-reports.md, "One story"): line and amount, ending on the revenue.
BRIDGE_COLUMNS = [
    Column("name", "Entity"),
    Column("line", "Line", "text", glossary=None),
    Column("amount", "Amount", "money", glossary=None),
]

# Total assets and liabilities are the sums of the columns beside them: left to the CSV reader.
BALANCE_SHEET_COLUMNS = [
    Column("name", "Entity"),
    Column("cash_end", "Cash", "money"),
    Column("receivables_owed", "Receivables", "money"),
    Column("fixed_assets", "Fixed assets", "money"),
    Column("deferred_revenue", "Deferred revenue", "money"),
    Column("loans_outstanding", "Loans outstanding", "money"),
    Column("owner_equity", "Owner equity", "money"),
]

BREAK_EVEN_COLUMNS = [
    Column("name", "Entity"),
    Column("fixed_costs", "Fixed costs", "money"),
    Column("variable_costs", "Variable costs", "money"),
    Column("contribution_margin_ratio", "Contribution margin", "percent"),
    Column("break_even_revenue", "Break-even revenue", "money"),
    Column("revenue_gap", "Gap to break-even", "money"),
    Column("outlook", "Break-even", "text", "break_even_status"),
]

SCENARIO_COLUMNS = [
    Column("name", "Entity"),
    Column("base_cash", "Base: cash in 12 mo", "money", "projected_cash"),
    Column("base_out", "Base: runs out", "text", "runs_out_month"),
    Column("best_cash", "Best: cash", "money", "projected_cash"),
    Column("best_out", "Best: runs out", "text", "runs_out_month"),
    Column("worst_cash", "Worst: cash", "money", "projected_cash"),
    Column("worst_out", "Worst: runs out", "text", "runs_out_month"),
]

CAPITAL_COLUMNS = [
    Column("payback_rank", "Rank", "integer", position=True),
    Column("candidate", "Use of cash"),
    Column("entity", "Entity"),
    Column("cost", "Cost", "money"),
    Column("monthly_return", "Return a month", "money"),
    Column("payback_months", "Payback", "months"),
    Column("cumulative_cost", "Cumulative cost", "money"),
    Column("room_before", "Room above floor", "money"),
    Column("decision", "Decision", "text"),
    Column("transfer_from_name", "Transfer from", "text", "transfer_from"),
    Column("transfer_amount", "Transfer", "money"),
]

# What the base projection is made of, over the horizon (decision 36).
PROJECTION_COLUMNS = [
    Column("name", "Entity"),
    Column("seasonal_basis", "Starts from", "text"),
    Column("known_receipts", "Booked or billed", "money"),
    Column("unbooked_revenue", "Not yet booked", "money"),
    Column("costs", "Costs", "money"),
    Column("loan_principal", "Loan principal", "money", glossary="projected_loan_principal"),
    Column("owner_draws", "Owner draws", "money", glossary="projected_owner_draws"),
    Column("capital_spend", "Capital plan", "money"),
    Column("transfers", "Transfers", "money"),
    Column("projected_cash", "Cash at the end", "money"),
]


BUDGET_COLUMNS = [
    Column("name", "Entity"),
    Column("line_name", "Line", "text", "budget_line"),
    Column("budget", "Budget", "money"),
    Column("month_actual", "Actual", "money"),
    Column("variance", "Variance", "money"),
    Column("variance_pct", "Variance %", "percent"),
    Column("ytd_budget", "Budget, year to date", "money"),
    Column("ytd_actual", "Actual, year to date", "money"),
    Column("ytd_variance", "Variance, year to date", "money"),
    Column("last_year_actual", "Same month last year", "money"),
]


def verdict(row: dict, fmt: Formatter, owner: dict | None = None, grade: str | None = None) -> str:
    """One sentence per entity that answers the CFO's question on its own: its grade (the CEO
    report's, sql/reports/entity_grades.sql), burn on both levels, the runway on cash burn,
    break-even, and the owner money that holds its cash up."""
    name = f"{row['name']}, {grade}" if grade else row["name"]
    if row.get("cash_end") is None:
        last = row.get("last_ledger_date")
        return f"{name}: no ledger data for this month" + (f" (data ends {last})." if last else ".")
    burn = row["cash_burn_avg_3m"]
    if burn is not None and burn > 0:
        sentence = (
            f"{name}: cash burn {fmt.money_compact(burn)} a month, "
            f"{fmt.number(row['cash_runway_months'], 1)} months of cash"
        )
    else:
        rising = -burn if burn is not None else None
        sentence = (
            f"{name}: cash not falling, up {fmt.money_compact(rising)} a month on average after "
            "draws and debt service"
        )
    operating = row["net_burn_avg_3m"]
    if operating is not None and operating > 0:
        sentence += f"; operating burn {fmt.money_compact(operating)} a month"
    else:
        earning = -operating if operating is not None else None
        sentence += f"; operations earning {fmt.money_compact(earning)} a month"
    gap = row.get("revenue_gap")
    if row.get("break_even_revenue") is None:
        sentence += "; no break-even point at the current cost structure"
    elif gap is not None and gap > 0:
        sentence += f"; {fmt.money_compact(gap)} below break-even revenue (cash basis)"
    else:
        sentence += "; above break-even"
    if owner and _held_up_by_owner(owner):
        sentence += (
            f"; cash above its {fmt.money_compact(owner['cash_target'])} target only because the "
            f"owner put in {fmt.money_compact(owner['owner_contributions_ytd'])} this year"
        )
    return sentence + "."


def _held_up_by_owner(owner: dict) -> bool:
    """The cash target is met, and would not be without the owner's contributions this year."""
    target = owner.get("cash_target")
    return (
        target is not None
        and owner["owner_contributions_ytd"] > 0
        and owner["cash_end"] >= target
        and owner["cash_without_contributions"] < target
    )


# What each column of the statement did to cash, in words: (when it took cash away, when it
# brought cash in).
FLOW_WORDS = {
    "operating": ("operating loss", "from operations"),
    "investing": ("asset purchases", "asset sales"),
    "owner_contributions": (None, "owner contributions"),
    "owner_draws": ("owner draws", None),
    "loan_proceeds": (None, "loan proceeds"),
    "loan_principal": ("loan principal", None),
    "intercompany_net": ("sent to sister businesses", "from sister businesses"),
    "in_transit": ("in transit to its own accounts", "back from its own accounts"),
    "unclassified": ("on account codes missing from the chart", "on account codes missing"),
}
# Columns shown positive that take cash away.
OUTFLOWS = ("owner_draws", "loan_principal")


def cash_story(row: dict, month: date, fmt: Formatter) -> str:
    """Where the month's cash went, in one sentence: "Portfolio: cash fell $17,726.36 in October
    2026 ($273,906.53 to $256,180.17): $3,917.30 operating loss, $9,000.00 owner draws..."."""
    away: list[str] = []
    brought: list[str] = []
    for key, (out_word, in_word) in FLOW_WORDS.items():
        value = row[key]
        if not value:
            continue
        if key in OUTFLOWS:
            away.append(f"{fmt.money(value)} {out_word}")
        elif key in ("owner_contributions", "loan_proceeds"):
            brought.append(f"{fmt.money(value)} {in_word}")
        elif value < 0:
            away.append(f"{fmt.money(-value)} {out_word}")
        else:
            brought.append(f"{fmt.money(value)} {in_word}")
    change = row["net_change"]
    span = f"in {fmt.month(month)} ({fmt.money(row['cash_start'])} to {fmt.money(row['cash_end'])})"
    if change < 0:
        text = f"{row['name']}: cash fell {fmt.money(-change)} {span}: {', '.join(away)}"
        return text + (f"; against {', '.join(brought)}." if brought else ".")
    if change > 0:
        text = f"{row['name']}: cash rose {fmt.money(change)} {span}: {', '.join(brought)}"
        return text + (f"; less {', '.join(away)}." if away else ".")
    return f"{row['name']}: cash unchanged {span}."


def _cash_chart(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Chart | None:
    history = query(conn, "reports/cfo_cash_history", month=month)
    if not history:
        return None
    months, series = month_series(history, "cash_end")
    png = line_chart(
        "Cash at month end, last 12 months", month_labels(months), series, fmt.money_compact
    )
    return Chart(
        "cash",
        "Cash at month end, last 12 months",
        png,
        "One line per entity; each is labelled with its cash at the end of the report month.",
    )


def _runway_chart(rows: list[dict], fmt: Formatter) -> Chart | None:
    burning = [r for r in rows if not isinstance(r.get("cash_runway_months"), str | None)]
    if not burning:
        return None
    png = bar_chart(
        "Runway on cash burn, in months (entities whose cash falls)",
        [r["name"] for r in burning],
        floats(burning, "cash_runway_months"),
        lambda v: f"{v:.1f} mo",
        good=[r["cash_runway_months"] >= 6 for r in burning],
    )
    return Chart(
        "runway",
        "Runway on cash burn, in months",
        png,
        "Months of cash left at the 3-month average cash burn (owner draws and loan principal "
        "included), for each entity whose cash falls on average; green at six months or more.",
    )


def _outlook(row: dict, fmt: Formatter) -> str | None:
    status = row.get("break_even_status")
    if status == "projected":
        return f"reached by {fmt.month(row['projected_break_even_month'])} on the current trend"
    return status


def _runs_out(month: date | None, fmt: Formatter) -> str:
    return fmt.month(month) if month else "not within 12 months"


def _scenarios(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Section:
    rows = query(conn, "reports/cfo_scenarios", month=month)
    if not rows:
        return Section("scenarios", "Scenarios", empty="No burn figures for this month.")
    by_entity: dict[str, dict] = {}
    for row in rows:
        entry = by_entity.setdefault(
            row["entity_id"], {"entity_id": row["entity_id"], "name": row["name"]}
        )
        entry[f"{row['scenario']}_cash"] = row["cash_at_horizon"]
        entry[f"{row['scenario']}_out"] = _runs_out(row["runs_out_month"], fmt)
    scenarios = query(conn, "reports/cfo_portfolio_projection", month=month)
    names = sorted({r["scenario"] for r in scenarios})
    total = {"name": "Portfolio"}
    for name in names:
        path = [r for r in scenarios if r["scenario"] == name]
        total[f"{name}_cash"] = path[-1]["projected_cash"]
        out = [r["projected_month"] for r in path if r["projected_cash"] < 0]
        total[f"{name}_out"] = _runs_out(out[0] if out else None, fmt)
    months, series = month_series(
        scenarios, "projected_cash", by="scenario", month="projected_month"
    )
    chart = line_chart(
        "Portfolio cash, projected 12 months by scenario",
        month_labels(months),
        series,
        fmt.money_compact,
    )
    settings = "; ".join(
        f"{name}: revenue {fmt.percent(s.revenue_growth)} and costs {fmt.percent(s.cost_growth)} "
        "a month"
        for name, s in _scenario_settings(conn).items()
    )
    parts = query(conn, "reports/cfo_projection_parts", month=month)
    return Section(
        "scenarios",
        "Scenarios: cash 12 months ahead",
        lines=[
            "Revenue and costs start from the same month last year (the 3-month average before "
            "13 months of history) and grow each month at the scenario's rate "
            f"({settings}); what is already booked or billed, recurring payments, loan "
            "payments, the owner's average draw and the capital plan's funded items are added "
            "as they are in every scenario.",
        ],
        tables=[
            Table(
                SCENARIO_COLUMNS,
                list(by_entity.values()),
                total=total,
                key=("entity_id",),
                label=("name",),
            ),
            Table(
                PROJECTION_COLUMNS,
                parts,
                title="Base projection, what it is made of",
                key=("entity_id",),
                label=("name",),
            ),
        ],
        charts=[
            Chart(
                "scenarios",
                "Portfolio cash, projected 12 months by scenario",
                chart,
                "Projected portfolio cash month by month in the base, best and worst scenarios; "
                "each line is labelled with its cash at the end of the horizon.",
            )
        ],
    )


def _thirteen_weeks(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Section:
    weeks = query(conn, "reports/cfo_forecast_weeks", month=month)
    if not weeks:
        return Section("forecast_13_weeks", "13-week cash forecast", empty="No cash figures.")
    largest: dict[str, list[dict]] = {}
    for flow in query(conn, "reports/cfo_forecast_largest_flows", month=month):
        largest.setdefault(flow["entity_id"], []).append(flow)
    by_entity: dict[str, list[dict]] = {}
    for week in weeks:
        by_entity.setdefault(week["entity_id"], []).append(week)
    lines = [
        "Known flows only, each dated: open invoices by due date, unpaid bookings, trips and "
        "rent, loan payments, recurring payments, the owner's average draw and the capital "
        "plan; revenue not yet booked and costs that do not recur are not in it."
    ]
    # One row a week, one column of cash at the week's end per entity: a table per entity would
    # push the HTML past the 102 KB at which Gmail clips a message.
    grid: dict[int, dict] = {}
    columns = [Column("week_start", "Week of", "date")]
    for rows in by_entity.values():
        first, last = rows[0], rows[-1]
        low = min(rows, key=lambda r: r["cash_end"])
        flows = "; ".join(
            f"{f['description']} {fmt.money(f['amount'])} on {fmt.date(f['flow_date'])}"
            for f in largest.get(first["entity_id"], [])
        )
        lines.append(
            f"{first['name']}: {fmt.money(first['cash_start'])} to {fmt.money(last['cash_end'])}"
            f" in 13 weeks, lowest {fmt.money(low['cash_end'])} in the week of "
            f"{fmt.date(low['week_start'])}" + (f"; largest: {flows}." if flows else ".")
        )
        columns.append(Column(first["entity_id"], first["name"], "money", "week_cash_end"))
        for week in rows:
            grid.setdefault(week["week"], {"week": week["week"], "week_start": week["week_start"]})
            grid[week["week"]][first["entity_id"]] = week["cash_end"]
    table = Table(
        columns,
        [grid[week] for week in sorted(grid)],
        title="Cash at each week's end",
        key=("week",),
        label=("week_start",),
    )
    return Section("forecast_13_weeks", "13-week cash forecast", lines=lines, tables=[table])


def _scenario_settings(conn: DuckDBPyConnection) -> dict[str, Scenario]:
    return {
        row["scenario"]: Scenario(
            revenue_growth=row["revenue_growth"], cost_growth=row["cost_growth"]
        )
        for row in query(conn, "reports/cfo_scenario_settings")
    }


def _capital(
    conn: DuckDBPyConnection, month: date, config: ReportingConfig, fmt: Formatter
) -> Section:
    reserve = query(conn, "reports/cfo_reserve", month=month)
    plan = query(conn, "reports/cfo_capital", month=month)
    if not reserve:
        return Section("capital", "Capital deployment", empty="No cash figures for this month.")
    r = reserve[0]
    # each burn figure with its basis: the reserve's average is not the month's burn the burn
    # table shows, and a reader compares the two
    window = fmt.month(r["average_from"])
    if r["average_from"] != month:
        window += f" to {fmt.month(month)}"
    lines = [
        f"Cash {fmt.money(r['cash'])}; reserve {fmt.money(r['reserve'])}: "
        f"{fmt.number(r['reserve_months'], 1)} months of the gross burn averaged over {window}, "
        f"{fmt.money(r['gross_burn_avg_3m'])} a month ({fmt.month(month)} alone: "
        f"{fmt.money(r['month_gross_burn'])}, the burn table's total); deployable "
        f"{fmt.money(r['deployable_cash'])}."
    ]
    funded = [p for p in plan if p["decision"] != "cannot fund"]
    if plan:
        lines.append(
            f"Fund {len(funded)} of {len(plan)} candidates, each only while its own business "
            "stays at or above its cash floor (its cash target, else its reserve) through the "
            "base projection"
            + (f": {', '.join(p['candidate'] for p in funded)}." if funded else ".")
        )
    for p in plan:
        if p["decision"] == "fund with transfer":
            lines.append(
                f"{p['candidate']} needs a transfer of {fmt.money(p['transfer_amount'])} from "
                f"{p['transfer_from_name']}, which keeps {fmt.money(p['donor_room_after'])} "
                "above its own floor after it."
            )
        elif p["decision"] == "fund" and p["entity_id"] is None:
            lines.append(f"{p['candidate']} is paid by {p['paid_by_name']}.")
        elif p["decision"] == "cannot fund":
            lines.append(
                f"{p['candidate']} cannot be funded: no business can send what "
                + (f"{p['entity']} is missing" if p["entity"] else "it costs")
                + " and stay at or above its own floor."
            )
    section = Section("capital", "Capital deployment", lines=lines)
    if plan:
        section.tables.append(
            Table(
                CAPITAL_COLUMNS,
                plan,
                attachment="capital_plan.csv",
                # the candidate (and its entity), never its payback rank
                key=("candidate", "entity_id"),
                label=("candidate",),
            )
        )
    else:
        section.empty = (
            "No candidate uses of cash configured: list them under cfo.capital_candidates in "
            "reporting.yaml (docs/configuration.md)."
        )
    return section


def _budget(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Section | None:
    """Budget against actual for the month and the year to date, per entity; None when
    budget.csv holds no budget at all (nothing to compare, nothing to say)."""
    rows = query(conn, "reports/cfo_budget", month=month)
    if not rows or not rows[0]["budgeted_lines"]:
        return None
    rows = [row for row in rows if row["entity_id"] is not None]
    if not rows:
        return Section(
            "budget",
            "Budget vs actual",
            empty=f"No budget for {fmt.month(month)}: add its lines to budget.csv "
            "(docs/data-contract.md).",
        )
    basis = sorted({row["basis"] for row in rows})
    missed = [row for row in rows if not row["favorable"]]
    lines = [
        "Actual against the month's budget and the year to date (the budgeted months of the "
        f"year so far), on a {' and '.join(basis)} basis; revenue and costs both positive, a "
        "variance is actual minus budget.",
        f"{len(missed)} of {len(rows)} budget lines on the wrong side of their budget"
        + (
            ": " + "; ".join(f"{row['name']} {row['line_name']}" for row in missed) + "."
            if missed
            else "."
        ),
    ]
    return Section(
        "budget",
        "Budget vs actual",
        lines=lines,
        tables=[
            Table(
                BUDGET_COLUMNS,
                rows,
                attachment="budget_variance.csv",
                key=("entity_id", "line_kind", "budget_line"),
                label=("name", "line_name"),
            )
        ],
    )


def _cash_flows(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Section:
    """The statement of cash flows, per entity and for the portfolio, and where the cash went in
    words: owner money and debt service named where they move cash."""
    rows = query(conn, "reports/cfo_cash_flows", month=month)
    entities = [row for row in rows if not row["is_total"]]
    total = next((row for row in rows if row["is_total"]), None)
    if not entities or total is None:
        return Section(
            "cash_flows", "Where the cash went: statement of cash flows", empty="No cash figures."
        )
    shown = [c for c in CASH_FLOW_COLUMNS if c.key in ALWAYS_SHOWN or any(r[c.key] for r in rows)]
    left_out = [c.label.lower() for c in CASH_FLOW_COLUMNS if c not in shown]
    lines = [
        "Every bank line in one column: operating (revenue, costs and expenses: the operating "
        "burn's lines), investing (assets), owner money, loans (principal; the interest is an "
        "expense, in operating) and money between the businesses, netted out of the portfolio.",
        cash_story(total, month, fmt),
        *(cash_story(row, month, fmt) for row in entities),
    ]
    lines += _owner_money_lines(conn, month, fmt)
    if left_out:
        lines.append(f"Nothing this month in: {', '.join(left_out)}.")
    return Section(
        "cash_flows",
        "Where the cash went: statement of cash flows",
        lines=lines,
        tables=[
            Table(
                shown,
                entities,
                total=total,
                attachment="cash_flows.csv",
                key=("entity_id",),
                label=("name",),
            )
        ],
    )


def _owner_money_lines(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> list[str]:
    """Owner money and debt service over the year so far, and the cash targets met only because
    the owner put money in."""
    rows = query(conn, "reports/cfo_owner_money", month=month)
    year = month.year
    lines = []
    for key, words in (
        ("owner_contributions_ytd", f"Owner contributions in {year}"),
        ("owner_draws_ytd", f"Owner draws in {year}"),
        ("loan_proceeds_ytd", f"Loans drawn in {year}"),
        ("loan_principal_ytd", f"Loan principal repaid in {year}"),
    ):
        moved = [row for row in rows if row[key]]
        if moved:
            listed = ", ".join(f"{row['name']} {fmt.money(row[key])}" for row in moved)
            lines.append(f"{words}: {listed}.")
    for row in rows:
        if _held_up_by_owner(row):
            lines.append(
                f"{row['name']}'s cash of {fmt.money(row['cash_end'])} is above its "
                f"{fmt.money(row['cash_target'])} target only because the owner put in "
                f"{fmt.money(row['owner_contributions_ytd'])} this year: without it, "
                f"{fmt.money(row['cash_without_contributions'])}."
            )
    return lines


def _revenue_bridge(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Section:
    """Each entity's revenue on its basis, bridged from the cash it received (the figure burn
    and break-even count)."""
    rows = query(conn, "reports/cfo_revenue_bridge", month=month)
    if not rows:
        return Section("revenue_bridge", "Revenue on each entity's basis", empty="No revenue.")
    return Section(
        "revenue_bridge",
        "Revenue on each entity's basis",
        lines=[
            "Each entity counts revenue on its basis (reporting.yaml `basis`): cash, when the "
            "money arrives; accrual, when it is earned (a trip or charter on its date, rent in "
            "the month it is due, an invoice when issued). Burn and break-even count the cash "
            "received; each bridge leads from it to the entity's revenue, the figure every "
            "report shows."
        ],
        tables=[
            Table(
                BRIDGE_COLUMNS,
                rows,
                key=("entity_id", "line"),
                label=("name", "line"),
            )
        ],
    )


def _balance_sheet(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Section:
    rows = query(conn, "reports/cfo_balance_sheet", month=month)
    entities = [row for row in rows if not row["is_total"]]
    total = next((row for row in rows if row["is_total"]), None)
    if not entities:
        return Section("balance_sheet", "Balance sheet", empty="No cash figures.")
    lines = [
        f"At {fmt.date(month_end(month))}: cash, receivables and fixed assets at assets.csv's book "
        "value, less deferred revenue and loans outstanding (opening balances from "
        "reporting.yaml), is the owner equity. Receivables and deferred revenue are the revenue "
        "bridge's (every booking, trip, lease month and invoice earned and unpaid, or paid and "
        "not yet earned); an entity on the cash basis has none on its balance sheet."
    ]
    for row in entities:
        if row["memo_receivables_owed"] or row["memo_deferred_revenue"]:
            lines.append(
                f"{row['name']} (cash basis), off the balance sheet: "
                f"{fmt.money(row['memo_receivables_owed'])} earned and not yet paid, "
                f"{fmt.money(row['memo_deferred_revenue'])} paid and not yet earned."
            )
        if row["unconfigured_loan_accounts"]:
            lines.append(
                f"{row['name']}: {row['unconfigured_loan_accounts']} loan account(s) without an "
                "opening balance in reporting.yaml, counted from 0."
            )
    return Section(
        "balance_sheet",
        "Balance sheet",
        lines=lines,
        tables=[
            Table(
                BALANCE_SHEET_COLUMNS,
                entities,
                total=total,
                key=("entity_id",),
                label=("name",),
            )
        ],
    )


def _next_30_days(conn: DuckDBPyConnection, month: date, fmt: Formatter) -> Section:
    """The money known to fall due in the 30 days after the month, loan payments named."""
    return cfo_section(conn, month, fmt)


def build(
    conn: DuckDBPyConnection, config: ReportingConfig, month: date, entity_id: str | None = None
) -> Report:
    report = Report(SPEC, config, month)
    fmt = report.fmt
    entities = query(conn, "reports/cfo_entities", month=month)
    portfolio = query(conn, "reports/cfo_portfolio", month=month)[0]
    previous = query(conn, "reports/cfo_portfolio", month=previous_month(month))[0]
    owner = {row["entity_id"]: row for row in query(conn, "reports/cfo_owner_money", month=month)}
    for row in entities:
        if row["cash_runway_months"] is None and row["cash_end"] is not None:
            row["cash_runway_months"] = "cash not falling"
        row["outlook"] = _outlook(row, fmt)
    total = {"name": "Portfolio", **portfolio}
    if total["cash_runway_months"] is None:
        total["cash_runway_months"] = "cash not falling"
    burn_table = Table(BURN_COLUMNS, entities, total=total, key=("entity_id",), label=("name",))
    burn_table.attachment = "burn.csv"
    rows = burn_table.rows

    report.headlines = [
        Headline(
            "Cash at month end",
            "money",
            portfolio["cash_end"],
            previous["cash_end"],
            glossary="cash_end",
        ),
        Headline(
            "Cash burn, 3-month average",
            "money",
            portfolio["cash_burn_avg_3m"],
            previous["cash_burn_avg_3m"],
            better="lower",
            glossary="cash_burn_avg_3m",
        ),
        Headline(
            "Runway on cash burn",
            "months",
            portfolio["cash_runway_months"],
            previous["cash_runway_months"],
            glossary="cash_runway_months",
            note="cash not falling",
        ),
        Headline(
            "Operating burn, 3-month average",
            "money",
            portfolio["net_burn_avg_3m"],
            previous["net_burn_avg_3m"],
            better="lower",
            glossary="net_burn_avg_3m",
        ),
        Headline(
            "Revenue, each entity on its basis",
            "money",
            portfolio["revenue"],
            previous["revenue"],
            glossary="revenue",
        ),
    ]
    # each entity's grade, as the CEO report gives it; the sentences in its order (act first)
    grades = {row["entity_id"]: row for row in entity_grades(conn, month)}
    by_grade = sorted(rows, key=lambda row: grades[row["entity_id"]]["position"])
    report.grades = {row["entity_id"]: grades[row["entity_id"]]["grade"] for row in by_grade}
    report.verdicts = [
        verdict(row, fmt, owner.get(row["entity_id"]), grades[row["entity_id"]]["grade"])
        for row in by_grade
    ]

    burn = Section(
        "burn",
        "Burn and runway",
        lines=[
            "Burn on two levels. Operating burn: costs minus the cash received from sales (the "
            "profit and loss on the cash basis; negative means the operations made money). Cash "
            "burn: how much cash fell before new money from the owner, a lender or a sister "
            "business, so owner draws, loan principal and asset purchases are in it. The runway "
            "is on cash burn."
        ],
        tables=[burn_table],
    )
    for chart in (_cash_chart(conn, month, fmt), _runway_chart(rows, fmt)):
        if chart:
            burn.charts.append(chart)
    break_even = Section(
        "break_even",
        "Break-even",
        lines=[
            "Break-even revenue covers the fixed costs at the month's contribution margin; a "
            "positive gap is revenue still missing. On the cash basis: revenue here is the cash "
            "received, as in the operating burn."
        ],
        tables=[
            Table(
                BREAK_EVEN_COLUMNS,
                entities,
                total={"name": "Portfolio", **portfolio},
                key=("entity_id",),
                label=("name",),
            )
        ],
    )
    report.sections = [
        burn,
        _cash_flows(conn, month, fmt),
        _revenue_bridge(conn, month, fmt),
        _balance_sheet(conn, month, fmt),
        _scenarios(conn, month, fmt),
        _thirteen_weeks(conn, month, fmt),
        _next_30_days(conn, month, fmt),
        _capital(conn, month, config, fmt),
        break_even,
    ]
    budget = _budget(conn, month, fmt)
    if budget:
        report.sections.append(budget)
    report.data = data_notes(conn, month)
    return report


def verdict_clauses(report: Report) -> list[str]:
    """The CFO's subject: cash and its change on last month, the runway on cash burn, the
    entities to act on (the CEO's grades)."""
    clauses = [
        figure_clause(report, "cash_end", "cash"),
        figure_clause(report, "cash_runway_months", "runway", change=False),
    ]
    acting = list(report.grades.values()).count("act")
    return [c for c in clauses if c] + ([f"{acting} act"] if acting else [])


SPEC = ReportSpec(
    report="cfo",
    role="CFO",
    title="CFO report",
    persona="cfo",
    entity_kind=None,
    build=build,
    module=__file__,
    doc=__doc__,
    shared_sql=("reports/upcoming", "reports/entity_grades"),
    verdict_clauses=verdict_clauses,
)
