"""The CFO report: how fast each business burns cash, how long the cash lasts, break-even."""

from __future__ import annotations

from datetime import date

from exec_reporting.config import ReportingConfig
from exec_reporting.formatting import Formatter, rounded
from exec_reporting.reports.base import Report, month_key
from exec_reporting.sqlfiles import query

MONEY = (
    "revenue",
    "gross_burn",
    "net_burn",
    "net_burn_avg_3m",
    "cash_end",
    "fixed_costs",
    "variable_costs",
    "break_even_revenue",
    "revenue_gap",
    "prev_net_burn_avg_3m",
    "prev_cash_end",
)


def _round_row(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        if key in MONEY:
            out[key] = rounded(value, 2)
        elif key in ("runway_months", "prev_runway_months"):
            out[key] = rounded(value, 1)
        elif key == "contribution_margin_ratio":
            out[key] = rounded(value, 3)
        elif isinstance(value, date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def verdict(row: dict, fmt: Formatter) -> str:
    """One sentence per entity that answers the CFO's question on its own."""
    name = row["name"]
    if row.get("cash_end") is None:
        last = row.get("last_ledger_date")
        return f"{name}: no ledger data for this month" + (f" (data ends {last})." if last else ".")
    burn = row["net_burn_avg_3m"]
    if burn is not None and burn > 0:
        runway = row["runway_months"]
        sentence = (
            f"{name}: burning {fmt.money_compact(burn)} a month, "
            f"{fmt.number(runway, 1)} months of cash"
        )
    else:
        earning = -burn if burn is not None else None
        sentence = f"{name}: not burning (earning {fmt.money_compact(earning)} a month on average)"
    gap = row.get("revenue_gap")
    if row.get("break_even_revenue") is None:
        sentence += "; no break-even point at the current cost structure"
    elif gap is not None and gap > 0:
        sentence += f"; {fmt.money_compact(gap)} below break-even revenue"
    else:
        sentence += "; above break-even"
    return sentence + "."


def build(conn, config: ReportingConfig, month: date) -> Report:
    report = Report(kind="cfo", role="CFO", title="CFO report", config=config, month=month)
    fmt = report.fmt
    entities = [_round_row(row) for row in query(conn, "reports/cfo_entities", month=month)]
    portfolio = _round_row(query(conn, "reports/cfo_portfolio", month=month)[0])
    for row in entities:
        row["verdict"] = verdict(row, fmt)
    report.figures = {
        "report": "cfo",
        "subject": report.subject,
        "organization": config.organization,
        "month": month_key(month),
        "currency": config.currency,
        "portfolio": portfolio,
        "entities": entities,
    }
    return report
