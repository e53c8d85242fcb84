"""The CTO report: the stack relations (sql/metrics/stack_*.sql) on a small portfolio whose figures
were worked out by hand (each expected value is a literal, with the arithmetic behind it), the
builder on that portfolio, its JSON against the metric store, a portfolio with a ledger
only, and the demo portfolio."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from conftest import build_report, load_warehouse, rows, write_portfolio

from exec_reporting.metrics import relation as relation_named
from exec_reporting.metrics import relations, run_check
from exec_reporting.reports.cto import NO_STACK

# "None" or "nan" printed for a missing value (as words: "tenant" is fine)
MISSING = re.compile(r"\b(None|nan)\b")
JAN, FEB, MAR, APR, MAY = (date(2026, m, 1) for m in range(1, 6))
MONTHS = (JAN, FEB, MAR, APR, MAY)


def D(value: str) -> Decimal:
    return Decimal(value)


STACK_HEADER = (
    "component,provider,category,monthly_cost,mfa,backups,tls_expires_on,last_deploy_on,"
    "dependencies_updated_on,ci,monitoring\n"
)

# alpha runs five components. Month ends: 2026-01-31, 02-28, 03-31, 04-30, 05-31.
# - web: TLS expires 2026-05-30 (30 days after April's end: expiring; 1 day before May's end:
#   expired); deployed and dependencies updated 2026-01-30 (90 days before April's end).
# - app: MFA off, no CI, no monitoring; deployed 2026-01-31 (89 days before April's end, 120
#   before May's); dependencies 2025-12-02 (180 days before May's end); no TLS.
# - api: provider "render" (lower case: the same provider as app); every date in 2027 or after
#   most month ends, so nothing to find.
# - mail: SaaS without backups; ci and monitoring "no" but its vendor runs them.
# - dns: "SaaS" (any case); TLS expires 2026-03-31 (31 days after February's end: valid; on
#   March's last day: expiring; then expired); listed at 0.00 and never paid (no history).
ALPHA_STACK = STACK_HEADER + (
    "web,Netlify,website,20.00,yes,yes,2026-05-30,2026-01-30,2026-01-30,yes,yes\n"
    "app,Render,app,45.00,no,yes,,2026-01-31,2025-12-02,no,no\n"
    "api,render,app,15.00,yes,yes,2027-01-01,2026-05-20,2026-05-20,yes,yes\n"
    "mail,Google Workspace,saas,12.00,yes,no,,,,no,no\n"
    "dns,Cloudflare,SaaS,0.00,yes,yes,2026-03-31,,,no,no\n"
)

# Chart (conftest DEFAULT_CHART): 4000 sales, 6100 software (expense, fixed).
# Render's bill is shared by api (listed 15.00) and app (listed 45.00): api takes 15/60 of it.
# T09 is money in (a refund from Netlify) and T16 is paid to "Render Inc": neither counts.
ALPHA_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
T01,2026-01-02,4000,1000.00,Charter,Client A
T02,2026-01-05,6100,-20.00,Hosting,Netlify
T03,2026-01-06,6100,-60.00,Hosting,Render
T04,2026-01-07,6100,-12.00,Mail,Google Workspace
T05,2026-02-06,6100,-60.00,Hosting,RENDER
T06,2026-02-09,6100,-12.00,Mail,google workspace
T07,2026-03-06,6100,-61.00,Hosting,Render
T08,2026-03-09,6100,-12.00,Mail,Google Workspace
T09,2026-03-10,6100,20.00,Refund,Netlify
T10,2026-04-06,6100,-25.00,Hosting,Netlify
T11,2026-04-07,6100,-70.00,Hosting,Render
T12,2026-04-08,6100,-12.00,Mail,Google Workspace
T13,2026-05-05,6100,-25.00,Hosting,Netlify
T14,2026-05-06,6100,-33.33,Hosting,Render
T15,2026-05-20,4000,500.00,Charter,Client B
T16,2026-05-21,6100,-99.00,Consulting,Render Inc
"""

# beta: no stack.csv; its Netlify payment is nobody's component.
BETA_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
B1,2026-02-03,6100,-20.00,Hosting,Netlify
B2,2026-03-20,4000,100.00,Charter,Client Z
"""

ENTITIES = [
    {"id": "alpha", "name": "Alpha Charters", "kind": "charter"},
    {"id": "beta", "name": "Beta Hauling", "kind": "hauling"},
]


@pytest.fixture(scope="module")
def fixture_path(tmp_path_factory):
    return write_portfolio(
        tmp_path_factory.mktemp("cto"),
        {
            "alpha/ledger.csv": ALPHA_LEDGER,
            "alpha/stack.csv": ALPHA_STACK,
            "beta/ledger.csv": BETA_LEDGER,
        },
        entities=ENTITIES,
        personas={"cto": {"to": ["cto@example.com"]}},
    )


@pytest.fixture(scope="module")
def warehouse(fixture_path):
    conn = load_warehouse(fixture_path)
    yield conn
    conn.close()


def test_fixture_loaded_without_quarantine(warehouse):
    assert rows(warehouse, "select count(*) as n from quarantine.rows") == [{"n": 0}]


# -- metrics.stack_health -------------------------------------------------------------------------


def health(conn, component: str) -> list[tuple]:
    return [
        tuple(r.values())
        for r in rows(
            conn,
            "select month, tls_days_left, tls_status, days_since_deploy, deploy_stale, "
            "days_since_dependency_update, dependencies_stale from metrics.stack_health "
            "where entity_id = 'alpha' and component = $c order by month",
            {"c": component},
        )
    ]


def test_stack_health_web_tls_and_deploy_boundaries(warehouse):
    # TLS 2026-05-30 - month end; deploy and dependencies 2026-01-30: month end - that day.
    assert health(warehouse, "web") == [
        (JAN, 119, "valid", 1, False, 1, False),  # 2026-01-31 -> 2026-05-30: 119 days
        (FEB, 91, "valid", 29, False, 29, False),
        (MAR, 60, "valid", 60, False, 60, False),
        (APR, 30, "expiring", 90, True, 90, False),  # exactly 30 days: expiring; 90: stale
        (MAY, -1, "expired", 121, True, 121, False),  # expired the day before the month's end
    ]


def test_stack_health_app_deploy_89_days_and_dependencies_180_days(warehouse):
    # no TLS: no status. Deploy 2026-01-31: 0, 28, 59, 89, 120 days; dependencies 2025-12-02:
    # 60 (29 + 31), 88, 119, 149, 180 days.
    assert health(warehouse, "app") == [
        (JAN, None, None, 0, False, 60, False),
        (FEB, None, None, 28, False, 88, False),
        (MAR, None, None, 59, False, 119, False),
        (APR, None, None, 89, False, 149, False),  # 89 days: not stale yet
        (MAY, None, None, 120, True, 180, True),  # exactly 180 days: stale
    ]


def test_stack_health_dates_after_the_month_end_give_no_age(warehouse):
    # api: deployed and updated 2026-05-20, after the January to April month ends: no age, not
    # stale; May: 11 days. TLS 2027-01-01 from 2026-01-31: 334 + 1 = 335 days.
    assert health(warehouse, "api") == [
        (JAN, 335, "valid", None, None, None, None),
        (FEB, 307, "valid", None, None, None, None),
        (MAR, 276, "valid", None, None, None, None),
        (APR, 246, "valid", None, None, None, None),
        (MAY, 215, "valid", 11, False, 11, False),
    ]


def test_stack_health_tls_on_the_last_day_is_expiring(warehouse):
    # dns: TLS 2026-03-31; 31 days after February's end is outside the 30-day warning.
    assert [(r[0], r[1], r[2]) for r in health(warehouse, "dns")] == [
        (JAN, 59, "valid"),
        (FEB, 31, "valid"),
        (MAR, 0, "expiring"),
        (APR, -30, "expired"),
        (MAY, -61, "expired"),
    ]


def test_stack_health_vendor_run_is_saas_in_any_case(warehouse):
    assert rows(
        warehouse,
        "select component, component_category, vendor_run, provider from metrics.stack_health "
        "where month = $m order by component",
        {"m": MAY},
    ) == [
        {
            "component": "api",
            "component_category": "app",
            "vendor_run": False,
            "provider": "render",
        },
        {
            "component": "app",
            "component_category": "app",
            "vendor_run": False,
            "provider": "Render",
        },
        {
            "component": "dns",
            "component_category": "SaaS",
            "vendor_run": True,
            "provider": "Cloudflare",
        },
        {
            "component": "mail",
            "component_category": "saas",
            "vendor_run": True,
            "provider": "Google Workspace",
        },
        {
            "component": "web",
            "component_category": "website",
            "vendor_run": False,
            "provider": "Netlify",
        },
    ]


# -- metrics.stack_issues -------------------------------------------------------------------------

APP_ALWAYS = [
    ("app", "mfa_off", "critical"),
    ("app", "no_ci", "medium"),
    ("app", "no_monitoring", "medium"),
]
MAIL = [("mail", "no_backups", "high")]


def issues(conn, month: date) -> list[tuple]:
    return [
        (r["component"], r["rule"], r["severity"])
        for r in rows(
            conn,
            "select component, rule, severity from metrics.stack_issues where month = $m "
            "order by component, rule",
            {"m": month},
        )
    ]


def test_stack_issues_month_by_month(warehouse):
    # dns and mail are SaaS: their ci/monitoring "no" raises nothing. api breaks no rule.
    assert issues(warehouse, JAN) == APP_ALWAYS + MAIL
    assert issues(warehouse, FEB) == APP_ALWAYS + MAIL
    assert issues(warehouse, MAR) == APP_ALWAYS + [("dns", "tls_expiry", "high")] + MAIL
    assert issues(warehouse, APR) == APP_ALWAYS + [("dns", "tls_expiry", "high")] + MAIL + [
        ("web", "stale_deploy", "low"),
        ("web", "tls_expiry", "high"),
    ]
    assert issues(warehouse, MAY) == APP_ALWAYS + [
        ("app", "stale_dependencies", "medium"),
        ("app", "stale_deploy", "low"),
        ("dns", "tls_expiry", "high"),
    ] + MAIL + [("web", "stale_deploy", "low"), ("web", "tls_expiry", "high")]
    assert rows(
        warehouse, "select count(*) as n from metrics.stack_issues where entity_id = 'beta'"
    ) == [{"n": 0}]


# -- metrics.stack_findings -----------------------------------------------------------------------

# Ids: 'F-' || upper(left(md5('stack|alpha|<rule>|<component>'), 8)).
ID_APP_MFA = "F-F9766040"  # md5('stack|alpha|mfa_off|app')
ID_APP_CI = "F-4F5511EB"  # md5('stack|alpha|no_ci|app')
ID_APP_MONITORING = "F-A4CEE83A"  # md5('stack|alpha|no_monitoring|app')
ID_APP_DEPENDENCIES = "F-2392B630"  # md5('stack|alpha|stale_dependencies|app')
ID_APP_DEPLOY = "F-60616A39"  # md5('stack|alpha|stale_deploy|app')
ID_DNS_TLS = "F-B370B018"  # md5('stack|alpha|tls_expiry|dns')
ID_MAIL_BACKUPS = "F-1E1DDB7C"  # md5('stack|alpha|no_backups|mail')
ID_WEB_DEPLOY = "F-85194281"  # md5('stack|alpha|stale_deploy|web')
ID_WEB_TLS = "F-0C7960D5"  # md5('stack|alpha|tls_expiry|web')


def findings(conn, month: date) -> dict[str, dict]:
    return {
        r["finding_id"]: r
        for r in rows(conn, "select * from metrics.stack_findings where month = $m", {"m": month})
    }


def test_stack_findings_may(warehouse):
    found = findings(warehouse, MAY)
    assert {k: (v["rule"], v["severity"], v["title"], v["detail"]) for k, v in found.items()} == {
        ID_APP_MFA: (
            "mfa_off",
            "critical",
            "MFA off: app",
            "app (Render) lets people sign in without multi-factor authentication.",
        ),
        ID_APP_CI: (
            "no_ci",
            "medium",
            "No CI: app",
            "Changes to app (Render) ship without an automated build and test (CI).",
        ),
        ID_APP_MONITORING: (
            "no_monitoring",
            "medium",
            "No monitoring: app",
            "Nobody is alerted when app (Render) goes down.",
        ),
        ID_APP_DEPENDENCIES: (
            "stale_dependencies",
            "medium",
            "Stale dependencies: app",
            "The dependencies of app (Render) were last updated on 2025-12-02, 180 days before "
            "the month's end (limit 180 days).",
        ),
        ID_APP_DEPLOY: (
            "stale_deploy",
            "low",
            "No recent deploy: app",
            "app (Render) was last deployed on 2026-01-31, 120 days before the month's end "
            "(limit 90 days).",
        ),
        ID_DNS_TLS: (
            "tls_expiry",
            "high",
            "TLS certificate expired: dns",
            "The certificate of dns (Cloudflare) expired on 2026-03-31, 61 days before the "
            "month's end: visitors see a security warning.",
        ),
        ID_MAIL_BACKUPS: (
            "no_backups",
            "high",
            "No backups: mail",
            "mail (Google Workspace) has no backups: data lost there cannot be restored.",
        ),
        ID_WEB_DEPLOY: (
            "stale_deploy",
            "low",
            "No recent deploy: web",
            "web (Netlify) was last deployed on 2026-01-30, 121 days before the month's end "
            "(limit 90 days).",
        ),
        ID_WEB_TLS: (
            "tls_expiry",
            "high",
            "TLS certificate expired: web",
            "The certificate of web (Netlify) expired on 2026-05-30, 1 day before the month's "
            "end: visitors see a security warning.",
        ),
    }
    assert {
        (r["source"], r["entity_id"], r["amount"], r["open_until"]) for r in found.values()
    } == {("stack", "alpha", None, None)}


def test_stack_findings_tls_wording_before_expiry(warehouse):
    march = findings(warehouse, MAR)[ID_DNS_TLS]
    assert (march["title"], march["detail"]) == (
        "TLS certificate expiring: dns",
        "The certificate of dns (Cloudflare) expires on 2026-03-31, the month's last day: "
        "renew it now.",
    )
    april = findings(warehouse, APR)[ID_WEB_TLS]
    assert (april["title"], april["detail"]) == (
        "TLS certificate expiring: web",
        "The certificate of web (Netlify) expires on 2026-05-30, 30 days after the month's end "
        "(warning at 30 days).",
    )


def test_stack_findings_keep_their_id_and_status_when_tls_expires(warehouse):
    # web's certificate: expiring in April (new), expired in May (the same finding, still open)
    assert rows(
        warehouse,
        "select month, status, title from metrics.finding_status where finding_id = $f "
        "order by month",
        {"f": ID_WEB_TLS},
    ) == [
        {"month": APR, "status": "new", "title": "TLS certificate expiring: web"},
        {"month": MAY, "status": "still open", "title": "TLS certificate expired: web"},
    ]
    # the stack findings are in the union of every report's findings
    assert rows(
        warehouse,
        "select count(*) as n from metrics.findings where source = 'stack' and month = $m",
        {"m": MAY},
    ) == [{"n": 9}]


# -- metrics.stack_costs --------------------------------------------------------------------------


def costs(conn, month: date) -> list[tuple]:
    return [
        tuple(r.values())
        for r in rows(
            conn,
            "select component, paid_to_provider, software_cost, software_cost_3m_before, "
            "software_cost_change, cost_trend from metrics.stack_costs "
            "where entity_id = 'alpha' and month = $m order by component",
            {"m": month},
        )
    ]


def test_stack_costs_split_a_shared_provider_to_the_cent(warehouse):
    # Render: api 15/60 of the bill, app the rest. January 60.00 -> 15.00 + 45.00; March
    # 61.00 -> 15.25 + 45.75; April 70.00 -> 17.50 + 52.50; May 33.33 -> 8.3325 = 8.33 + 25.00.
    # T16 (Render Inc) and T09 (money in) are not counted.
    assert [
        (r["month"], r["component"], r["paid_to_provider"])
        for r in rows(
            warehouse,
            "select month, component, paid_to_provider from metrics.stack_costs "
            "where component in ('api', 'app') order by month, component",
        )
    ] == [
        (JAN, "api", D("15.00")),
        (JAN, "app", D("45.00")),
        (FEB, "api", D("15.00")),
        (FEB, "app", D("45.00")),
        (MAR, "api", D("15.25")),
        (MAR, "app", D("45.75")),
        (APR, "api", D("17.50")),
        (APR, "app", D("52.50")),
        (MAY, "api", D("8.33")),
        (MAY, "app", D("25.00")),
    ]


def test_stack_costs_too_recent_in_the_first_three_months(warehouse):
    # January: the month three months before (October 2025) is not in the series. dns: never
    # paid, so its listed 0.00 is its cost.
    assert costs(warehouse, JAN) == [
        ("api", D("15.00"), D("15.00"), None, None, "too recent"),
        ("app", D("45.00"), D("45.00"), None, None, "too recent"),
        ("dns", None, D("0.00"), None, None, "no history"),
        ("mail", D("12.00"), D("12.00"), None, None, "too recent"),
        ("web", D("20.00"), D("20.00"), None, None, "too recent"),
    ]
    # February: nothing paid to Netlify, but it has a history: 0.00, not empty.
    assert costs(warehouse, FEB)[4] == ("web", D("0.00"), D("0.00"), None, None, "too recent")


def test_stack_costs_april_against_january(warehouse):
    assert costs(warehouse, APR) == [
        ("api", D("17.50"), D("17.50"), D("15.00"), D("2.50"), "up"),  # 17.50 - 15.00
        ("app", D("52.50"), D("52.50"), D("45.00"), D("7.50"), "up"),  # 52.50 - 45.00
        ("dns", None, D("0.00"), None, None, "no history"),
        ("mail", D("12.00"), D("12.00"), D("12.00"), D("0.00"), "flat"),
        ("web", D("25.00"), D("25.00"), D("20.00"), D("5.00"), "up"),  # 25.00 - 20.00
    ]


def test_stack_costs_may_against_february(warehouse):
    assert costs(warehouse, MAY) == [
        ("api", D("8.33"), D("8.33"), D("15.00"), D("-6.67"), "down"),  # 8.33 - 15.00
        ("app", D("25.00"), D("25.00"), D("45.00"), D("-20.00"), "down"),  # 25.00 - 45.00
        ("dns", None, D("0.00"), None, None, "no history"),
        ("mail", D("0.00"), D("0.00"), D("12.00"), D("-12.00"), "stopped"),  # nothing in May
        ("web", D("25.00"), D("25.00"), D("0.00"), D("25.00"), "new"),  # nothing in February
    ]


# -- metrics.stack_summary ------------------------------------------------------------------------


def test_stack_summary(warehouse):
    got = [
        tuple(r.values())
        for r in rows(
            warehouse,
            "select entity_id, month, components, components_passing, open_stack_findings, "
            "critical_stack_findings, high_stack_findings, medium_stack_findings, "
            "low_stack_findings, dev_cycle_gaps, components_without_history, software_cost, "
            "software_cost_3m_before, software_cost_change, cost_trend "
            "from metrics.stack_summary order by entity_id, month",
        )
    ]
    assert got == [
        # issues as in test_stack_issues_month_by_month; passing: 5 minus the components with
        # an issue (app, mail; + dns from March; + web from April). Cost: the sum of the five.
        # January 15 + 45 + 0 + 12 + 20 = 92.00; February 15 + 45 + 0 + 12 + 0 = 72.00.
        ("alpha", JAN, 5, 3, 4, 1, 1, 2, 0, 2, 1, D("92.00"), None, None, "too recent"),
        ("alpha", FEB, 5, 3, 4, 1, 1, 2, 0, 2, 1, D("72.00"), None, None, "too recent"),
        # 15.25 + 45.75 + 0 + 12 + 0 = 73.00
        ("alpha", MAR, 5, 2, 5, 1, 2, 2, 0, 2, 1, D("73.00"), None, None, "too recent"),
        # 17.50 + 52.50 + 0 + 12 + 25 = 107.00 against January's 92.00 (dns at its listed 0.00)
        ("alpha", APR, 5, 1, 7, 1, 3, 2, 1, 3, 1, D("107.00"), D("92.00"), D("15.00"), "up"),
        # 8.33 + 25 + 0 + 0 + 25 = 58.33 against February's 72.00; gaps: no_ci, no_monitoring,
        # stale_dependencies and two stale_deploy
        ("alpha", MAY, 5, 1, 9, 1, 3, 3, 2, 5, 1, D("58.33"), D("72.00"), D("-13.67"), "down"),
        # no stack.csv: 0 components, nothing else
        ("beta", FEB, 0, None, None, None, None, None, None, None, None, None, None, None, None),
        ("beta", MAR, 0, None, None, None, None, None, None, None, None, None, None, None, None),
    ]


def test_column_types(warehouse):
    types = {
        (r["table_name"], r["column_name"]): r["data_type"]
        for r in rows(
            warehouse,
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'metrics' and table_name like 'stack%'",
        )
    }
    money = "DECIMAL(18,2)"
    for column in (
        "listed_monthly_cost",
        "paid_to_provider",
        "software_cost",
        "software_cost_3m_before",
        "software_cost_change",
    ):
        assert types[("stack_costs", column)] == money, column
    for column in ("software_cost", "software_cost_3m_before", "software_cost_change"):
        assert types[("stack_summary", column)] == money, column
    assert types[("stack_findings", "amount")] == money
    assert types[("stack_findings", "open_until")] == "DATE"
    assert types[("stack_health", "tls_days_left")] == "BIGINT"


# -- thresholds from the config, a component without a provider, a bill split in equal parts ----

SOLO_STACK = STACK_HEADER + (
    "site,,website,5.00,yes,yes,2026-04-10,2026-03-01,2026-01-30,yes,yes\n"
    "a,Host Co,website,0.00,yes,yes,2026-04-11,2026-03-02,2026-01-31,yes,yes\n"
    "b,Host Co,website,0.00,yes,yes,2026-04-11,2026-03-02,2026-01-31,yes,yes\n"
    "c,Host Co,website,0.00,yes,yes,2026-04-11,2026-03-02,2026-01-31,yes,yes\n"
)
SOLO_LEDGER = """\
txn_id,date,account_code,amount,description,counterparty
S1,2026-03-01,4000,100.00,Sale,Client
S2,2026-03-15,6100,-10.00,Hosting,Host Co
S3,2026-03-31,4000,50.00,Sale,Client
"""


def test_thresholds_come_from_the_config(portfolio):
    conn = load_warehouse(
        portfolio(
            {"solo/ledger.csv": SOLO_LEDGER, "solo/stack.csv": SOLO_STACK},
            cto={"tls_warning_days": 10, "stale_deploy_days": 30, "stale_dependencies_days": 60},
        )
    )
    # From 2026-03-31: site's TLS in 10 days (expiring), deploy 30 days ago, dependencies 60
    # days ago (1 + 28 + 31): all at their limit. a, b and c: 11, 29 and 59 days: fine.
    assert rows(
        conn, "select component, rule, severity from metrics.stack_issues order by rule"
    ) == [
        {"component": "site", "rule": "stale_dependencies", "severity": "medium"},
        {"component": "site", "rule": "stale_deploy", "severity": "low"},
        {"component": "site", "rule": "tls_expiry", "severity": "high"},
    ]
    # no provider: the component is named alone
    assert rows(conn, "select detail from metrics.stack_findings where rule = 'tls_expiry'") == [
        {
            "detail": "The certificate of site expires on 2026-04-10, 10 days after the month's "
            "end (warning at 10 days)."
        }
    ]
    # Host Co's 10.00, all three listed at 0.00: equal parts by running total, a = 3.33
    # (10/3 rounded), b = 6.67 - 3.33 = 3.34, c = 10.00 - 6.67 = 3.33. site: no provider, no
    # history, its listed 5.00.
    assert rows(
        conn,
        "select component, paid_to_provider, software_cost, cost_trend from metrics.stack_costs "
        "order by component",
    ) == [
        {
            "component": "a",
            "paid_to_provider": D("3.33"),
            "software_cost": D("3.33"),
            "cost_trend": "too recent",
        },
        {
            "component": "b",
            "paid_to_provider": D("3.34"),
            "software_cost": D("3.34"),
            "cost_trend": "too recent",
        },
        {
            "component": "c",
            "paid_to_provider": D("3.33"),
            "software_cost": D("3.33"),
            "cost_trend": "too recent",
        },
        {
            "component": "site",
            "paid_to_provider": None,
            "software_cost": D("5.00"),
            "cost_trend": "no history",
        },
    ]
    # 4 components, 3 passing; 3.33 + 3.34 + 3.33 + 5.00 = 15.00
    assert rows(
        conn,
        "select components, components_passing, open_stack_findings, dev_cycle_gaps, "
        "software_cost from metrics.stack_summary",
    ) == [
        {
            "components": 4,
            "components_passing": 3,
            "open_stack_findings": 3,
            "dev_cycle_gaps": 2,
            "software_cost": D("15.00"),
        }
    ]


# -- checks ----------------------------------------------------------------------------------------

STACK_RELATIONS = ("stack_health", "stack_issues", "stack_findings", "stack_costs", "stack_summary")


def test_every_stack_relation_has_its_checks():
    checks = {r.name: r.checks for r in relations() if r.name in STACK_RELATIONS}
    assert checks == {
        "stack_health": ["one_row_per_component_month", "tls_status_matches_expiry"],
        "stack_issues": ["grain", "known_rule_severity"],
        "stack_findings": ["one_row_per_issue"],
        "stack_costs": ["one_row_per_component_month", "reconciles_ledger"],
        "stack_summary": ["grain", "matches_components"],
    }


def test_every_stack_check_passes_on_the_fixture(warehouse):
    results = {
        (r.name, check): run_check(warehouse, r, check)[0]
        for r in relations()
        if r.name in STACK_RELATIONS or r.name in ("findings", "finding_status")
        for check in r.checks
    }
    assert {key: count for key, count in results.items() if count} == {}


BREAKAGES = [
    (
        "stack_health",
        "one_row_per_component_month",
        "delete from metrics.stack_health where component = 'web' and month = date '2026-02-01'",
    ),
    (
        "stack_health",
        "tls_status_matches_expiry",
        "update metrics.stack_health set tls_status = 'valid' "
        "where component = 'web' and month = date '2026-05-01'",
    ),
    (
        "stack_issues",
        "grain",
        "insert into metrics.stack_issues select * from metrics.stack_issues "
        "where component = 'mail' and month = date '2026-01-01'",
    ),
    (
        "stack_issues",
        "known_rule_severity",
        "update metrics.stack_issues set severity = 'low' "
        "where component = 'mail' and month = date '2026-01-01'",
    ),
    (
        "stack_findings",
        "one_row_per_issue",
        "delete from metrics.stack_findings where finding_id = 'F-1E1DDB7C' "
        "and month = date '2026-01-01'",
    ),
    (
        "stack_costs",
        "one_row_per_component_month",
        "insert into metrics.stack_costs select * from metrics.stack_costs "
        "where component = 'web' and month = date '2026-03-01'",
    ),
    (
        "stack_costs",
        "reconciles_ledger",
        "update metrics.stack_costs set paid_to_provider = paid_to_provider + 0.01 "
        "where component = 'api' and month = date '2026-05-01'",
    ),
    (
        "stack_summary",
        "grain",
        "delete from metrics.stack_summary where entity_id = 'beta' and month = date '2026-03-01'",
    ),
    (
        "stack_summary",
        "matches_components",
        "update metrics.stack_summary set software_cost = software_cost + 1 "
        "where entity_id = 'alpha' and month = date '2026-04-01'",
    ),
]


@pytest.mark.parametrize(("relation", "check", "breakage"), BREAKAGES)
def test_check_catches_a_broken_table(warehouse, relation, check, breakage):
    assert run_check(warehouse, relation_named(relation), check)[0] == 0
    # broken inside a transaction that is rolled back: the module's warehouse stays intact
    warehouse.execute("begin transaction")
    try:
        warehouse.execute(breakage)
        assert run_check(warehouse, relation_named(relation), check)[0] == 1
    finally:
        warehouse.execute("rollback")


# -- the builder ---------------------------------------------------------------------------------


def test_builder_headlines_verdicts_and_sections(warehouse, fixture_path):
    model, rendered = build_report(warehouse, fixture_path, "cto", "2026-05")
    assert [(h.label, h.value, h.previous, h.target) for h in model.headlines] == [
        ("Open stack findings", 9, 7, 0),
        ("Critical findings", 1, 1, 0),
        ("Software cost this month", D("58.33"), D("107.00"), None),
        ("Dev-cycle gaps", 5, 3, 0),
    ]
    # compact, as every verdict (decision 39): the headline above holds the exact 58.33
    assert model.verdicts == [
        "Alpha Charters: 9 open findings, the most severe a critical one (MFA off: app); "
        "1 of 5 components passes every check; software costs $58 a month, down $14 on "
        "February 2026.",
        "Beta Hauling: no ledger data for May 2026, so nothing to judge.",
    ]
    assert [s.key for s in model.sections] == ["security", "costs", "dev_cycle"]
    assert all(s.empty is None and s.tables for s in model.sections)
    security, costs_section, dev_cycle = model.sections
    assert security.lines[0] == "1 of 5 components passes every check."
    # new before still open, then severity, then id
    assert [(r["finding_id"], r["status"]) for r in security.tables[1].rows] == [
        (ID_APP_DEPENDENCIES, "new"),
        (ID_APP_DEPLOY, "new"),
        (ID_APP_MFA, "still open"),
        (ID_WEB_TLS, "still open"),
        (ID_MAIL_BACKUPS, "still open"),
        (ID_DNS_TLS, "still open"),
        (ID_APP_CI, "still open"),
        (ID_APP_MONITORING, "still open"),
        (ID_WEB_DEPLOY, "still open"),
    ]
    assert security.tables[1].attachment == "stack_findings.csv"
    assert [c.name for c in costs_section.charts] == ["cost", "cost_history"]
    # most expensive first; dns (0.00, no history) last
    assert [r["component"] for r in costs_section.tables[1].rows] == [
        "app",
        "web",
        "api",
        "dns",
        "mail",
    ]
    # components the business runs itself (not SaaS), most gaps first: app has 4 (no CI, no
    # monitoring, stale deploy and dependencies), web 2 (stale deploy, TLS), api none
    assert [(r["component"], r["gaps"]) for r in dev_cycle.tables[0].rows] == [
        ("app", "no CI, no monitoring, stale dependencies, no recent deploy"),
        ("web", "no recent deploy, TLS certificate"),
        ("api", "none"),
    ]
    assert dev_cycle.lines[1] == (
        "2 SaaS components run by their vendor are left out: the vendor builds, ships and "
        "watches them."
    )
    assert model.data.missing_files == ["beta/stack.csv"]
    for text in (rendered.html, rendered.text, rendered.markdown):
        assert not MISSING.search(text)


def test_builder_verdicts_without_a_stack_and_without_changes(warehouse, fixture_path):
    model, _ = build_report(warehouse, fixture_path, "cto", "2026-03")
    assert model.verdicts == [
        "Alpha Charters: 5 open findings, the most severe a critical one (MFA off: app); "
        "2 of 5 components pass every check; software costs $73 a month (no data for "
        "December 2025 to compare).",
        "Beta Hauling: no stack.csv, so its software is not audited; add data/beta/stack.csv.",
    ]
    assert model.sections[0].lines[-1] == "Not audited (no stack.csv): Beta Hauling."


def test_json_matches_the_metric_store(warehouse, fixture_path):
    _, rendered = build_report(warehouse, fixture_path, "cto", "2026-04")
    report_json = json.loads(rendered.json)
    store = rows(
        warehouse,
        "select * from metrics.stack_summary where entity_id = 'alpha' and month = $m",
        {"m": APR},
    )[0]
    headlines = {h["label"]: h["value"] for h in report_json["headlines"]}
    assert headlines == {
        "Open stack findings": store["open_stack_findings"],
        "Critical findings": store["critical_stack_findings"],
        "Software cost this month": float(store["software_cost"]),
        "Dev-cycle gaps": store["dev_cycle_gaps"],
    }
    sections = {s["key"]: s for s in report_json["sections"]}
    audit = sections["security"]["tables"][0]["rows"][0]
    assert (audit["components"], audit["components_passing"], audit["high_stack_findings"]) == (
        store["components"],
        store["components_passing"],
        store["high_stack_findings"],
    )
    entity_costs = sections["costs"]["tables"][0]["rows"][0]
    assert [entity_costs[k] for k in ("software_cost", "software_cost_3m_before")] == [
        float(store["software_cost"]),
        float(store["software_cost_3m_before"]),
    ]
    component_costs = {
        r["component"]: (r["software_cost"], r["software_cost_change"], r["cost_trend"])
        for r in sections["costs"]["tables"][1]["rows"]
    }
    assert component_costs == {
        r["component"]: (
            float(r["software_cost"]),
            None if r["software_cost_change"] is None else float(r["software_cost_change"]),
            r["cost_trend"],
        )
        for r in rows(warehouse, "select * from metrics.stack_costs where month = $m", {"m": APR})
    }
    finding_ids = {r["finding_id"] for r in sections["security"]["tables"][1]["rows"]}
    assert finding_ids == {
        r["finding_id"]
        for r in rows(
            warehouse, "select finding_id from metrics.stack_findings where month = $m", {"m": APR}
        )
    }


def test_a_ledger_only_portfolio_builds_with_no_data_sections(portfolio):
    config_path = portfolio(
        {
            "solo/ledger.csv": """\
            txn_id,date,account_code,amount,description,counterparty
            S1,2026-03-02,4000,100.00,Sale,Client
            S2,2026-03-20,6100,-20.00,Hosting,Netlify
            """
        }
    )
    conn = load_warehouse(config_path)
    model, rendered = build_report(conn, config_path, "cto", "2026-03")
    assert [s.empty for s in model.sections] == [NO_STACK, NO_STACK, NO_STACK]
    assert [h.value for h in model.headlines] == [None, None, None, None]
    assert model.verdicts == [
        "Solo: no stack.csv, so its software is not audited; add data/solo/stack.csv."
    ]
    for text in (rendered.html, rendered.text, rendered.markdown):
        assert not MISSING.search(text)
        assert "No stack.csv for any entity" in text


# -- the demo portfolio --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_warehouse):
    config_path, conn = demo_warehouse
    return conn, config_path


def test_demo_report_has_every_section_and_finding(demo):
    conn, config_path = demo
    model, rendered = build_report(conn, config_path, "cto", "2026-10")
    for section in model.sections:
        assert section.empty is None, section.key
        assert section.tables and all(t.rows for t in section.tables), section.key
    assert model.charts
    # every deliberate stack finding of the demo (exec_reporting/demo.py)
    titles = {r["title"] for r in model.sections[0].tables[1].rows}
    assert titles == {
        "MFA off: dispatch-app",
        "No backups: tenant-ledger",
        "TLS certificate expiring: jada-website",
        "TLS certificate expired: queen-website",
        "No recent deploy: queen-website",
        "No monitoring: trip-tracker",
        "No CI: quote-form",
        "Stale dependencies: client-portal-legacy",
    }
    assert len(model.verdicts) == 6
    for text in (rendered.html, rendered.text, rendered.markdown):
        assert not MISSING.search(text)
