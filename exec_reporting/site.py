"""The executive archive: a static site of every report edition and of the trends across months,
built from reports_dir (the latest edition of each report), the send ledger (the editions that
went out before a correction, with their charts) and the metric store (the trend pages).

Plain HTML and CSS, no JavaScript, one fluid column. A report page stands alone (its charts as
data: URIs, its stylesheet inline), so a presigned link to that one object shows it whole; links
between pages are relative. The same inputs give the same bytes, and only files whose bytes
changed are written, so a publisher uploads only those (docs/decisions.md, 48).
"""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from exec_reporting import corrections
from exec_reporting.charts import Series, css_size, line_chart
from exec_reporting.config import ReportingConfig
from exec_reporting.formatting import Formatter
from exec_reporting.glossary import by_file, glossary
from exec_reporting.reports import spec as report_spec
from exec_reporting.reports import specs
from exec_reporting.reports.common import kpi_label, kpi_value
from exec_reporting.reports.model import Format, display
from exec_reporting.sqlfiles import query

# The kinds of file the site is made of: a file of these kinds that the build no longer makes
# (a report taken out of reporting.yaml) is removed, anything else in the folder is left alone.
SITE_SUFFIXES = (".html", ".png", ".css")
_MONTH_FOLDER = re.compile(r"^\d{4}-\d{2}$")

_env = Environment(
    loader=PackageLoader("exec_reporting", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def site_dir(config: ReportingConfig) -> Path:
    """The folder the archive is built into (and published from): `archive.site_dir`,
    state/archive/site beside reporting.yaml by default."""
    return config.archive_site_path


# -- what the archive holds ---------------------------------------------------------------------


@dataclass(frozen=True)
class Edition:
    """One edition of a report: the figures of its JSON edition and its charts."""

    number: int  # 1 for the first edition sent
    figures: dict[str, Any]
    images: dict[str, bytes]  # the PNG file name reports_dir uses -> its bytes
    # what changed against the edition before, one line each (as the corrected email says it);
    # None for the first edition
    what_changed: list[str] | None
    first_sent: datetime | None  # None: not sent (yet)
    charts_kept: bool = True  # an earlier edition's charts come from the message that carried it


@dataclass
class ArchivedReport:
    """A report of one month and its editions, the latest (reports_dir's) last."""

    period: str
    name: str  # the file stem reports_dir uses: "ceo", "rental-rental_3028_51st_st"
    title: str  # "CFO report", "Rental report: 3028 51st St"
    editions: list[Edition]

    @property
    def latest(self) -> Edition:
        return self.editions[-1]

    def page(self, edition: Edition | None = None) -> str:
        """The page's path from the site's root: the latest edition at <name>.html, an earlier
        one at <name>.edition-<N>.html."""
        if edition is None or edition is self.latest:
            return f"{self.period}/{self.name}.html"
        return f"{self.period}/{self.name}.edition-{edition.number}.html"


@dataclass(frozen=True)
class Written:
    """What a build did to the site's folder."""

    root: Path
    files: list[str]  # every file of the site, relative to its root
    changed: list[str]  # written because new or different
    removed: list[str]  # no longer part of the site

    @property
    def pages(self) -> int:
        return sum(1 for name in self.files if name.endswith(".html"))


def _title(config: ReportingConfig, figures: dict[str, Any]) -> str:
    try:
        title = report_spec(figures["report"]).title
    except KeyError:  # a report this version no longer makes: its edition names itself
        return str(figures.get("subject") or figures.get("name") or figures["report"])
    entity_id = figures.get("entity_id")
    if entity_id:
        names = {entity.id: entity.name for entity in config.entities}
        title += f": {names.get(entity_id, entity_id)}"
    return title


def _charts_in(raw: bytes) -> dict[str, bytes]:
    """The chart images a sent message carried, by their file name."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return {
        str(part.get_filename()): cast(bytes, part.get_payload(decode=True))
        for part in message.walk()
        if part.get_content_type() == "image/png" and part.get_filename()
    }


def _chart_names(figures: dict[str, Any]) -> list[str]:
    return [
        f"{figures['name']}.{chart['name']}.png"
        for section in figures.get("sections", [])
        for chart in section.get("charts", [])
    ]


def _editions(
    current: bytes, images: dict[str, bytes], sent: list[dict[str, Any]], fmt: Formatter
) -> list[Edition]:
    """A report's editions: those that went out with another content than reports_dir's (in the
    order they went out), then reports_dir's. A content whose bytes changed but that reads the
    same as the last edition sent (delivery sent nothing, "unchanged") is that edition."""
    figures = json.loads(current)
    sha = hashlib.sha256(current).hexdigest()
    earlier = [row for row in sent if row["content_sha256"] != sha]
    this = next((row for row in sent if row["content_sha256"] == sha), None)
    if (
        this is None
        and earlier
        and not corrections.changes(json.loads(earlier[-1]["figures"]), figures, fmt)
    ):
        this = earlier.pop()
    out: list[Edition] = []
    previous: dict[str, Any] | None = None
    for number, row in enumerate(earlier, start=1):
        was = json.loads(row["figures"])
        kept = _charts_in(bytes(row["raw"])) if row["raw"] else {}
        out.append(
            Edition(
                number,
                was,
                {name: kept[name] for name in _chart_names(was) if name in kept},
                _what_changed(previous, was, fmt),
                row["first_sent"],
                charts_kept=all(name in kept for name in _chart_names(was)),
            )
        )
        previous = was
    out.append(
        Edition(
            len(out) + 1,
            figures,
            images,
            _what_changed(previous, figures, fmt),
            this["first_sent"] if this else None,
        )
    )
    return out


def _what_changed(
    previous: dict[str, Any] | None, figures: dict[str, Any], fmt: Formatter
) -> list[str] | None:
    if previous is None:
        return None
    return corrections.describe(corrections.changes(previous, figures, fmt), fmt)


def archived_reports(conn, config: ReportingConfig) -> list[ArchivedReport]:
    """Every report of every month in reports_dir with its editions, by month then report in
    the order reporting.yaml's reports run."""
    fmt = Formatter(config.currency, config.locale)
    sent: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in query(conn, "site/editions_sent"):
        sent.setdefault((row["period"], row["name"]), []).append(row)
    root = config.reports_path
    months = (
        sorted(p for p in root.iterdir() if _MONTH_FOLDER.match(p.name)) if root.is_dir() else []
    )
    out = []
    for folder in months:
        for path in sorted(folder.glob("*.json")):
            current = path.read_bytes()
            figures = json.loads(current)
            if not isinstance(figures, dict) or "report" not in figures:
                continue  # not a report's JSON edition
            images = {
                name: (folder / name).read_bytes()
                for name in _chart_names(figures)
                if (folder / name).is_file()
            }
            editions = _editions(current, images, sent.get((folder.name, path.stem), []), fmt)
            out.append(ArchivedReport(folder.name, path.stem, _title(config, figures), editions))
    order = {report: place for place, report in enumerate(specs())}
    out.sort(key=lambda r: (r.period, order.get(r.latest.figures["report"], len(order)), r.name))
    return out


# -- presentation helpers --------------------------------------------------------------------


def _value(fmt: Formatter, kind: str, value: Any) -> str:
    """A figure of a JSON edition as its report shows it."""
    if kind in ("date", "month") and isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value  # a word in a date column ("Last 12 months")
    return display(fmt, cast(Format, kind), value)


def _change(fmt: Formatter, headline: dict[str, Any]) -> str | None:
    delta = headline.get("change")
    if delta is None:
        return None
    sign = "+" if delta > 0 else ""
    if headline["kind"] == "percent":
        return sign + fmt.points(delta)
    return sign + _value(fmt, headline["kind"], delta)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _month_label(fmt: Formatter, period: str) -> str:
    return fmt.month(date.fromisoformat(period + "-01"))


# The kinds of figure a table right-aligns and keeps on one line.
NUMERIC_KINDS = ("money", "months", "percent", "number", "integer")


def _cell_class(column: dict[str, Any], value: Any) -> str:
    """A table cell's classes: a figure right-aligned, a date unbroken, a status coloured."""
    kind = column["kind"]
    if kind in NUMERIC_KINDS:
        return "num"
    if kind in ("date", "month"):
        return "when"
    if kind in ("status", "severity") and value:
        return str(value).replace(" ", "-")
    return ""


def _common(config: ReportingConfig, fmt: Formatter, root: str) -> dict[str, Any]:
    return {
        "numeric_kinds": NUMERIC_KINDS,
        "cell_class": _cell_class,
        "organization": config.organization,
        "currency": config.currency,
        "lang": config.locale.split("_")[0],
        "root": root,
        "show": lambda kind, value: _value(fmt, kind, value),
        "change": lambda headline: _change(fmt, headline),
        "month_label": lambda period: _month_label(fmt, period),
        "stylesheet": _env.get_template("site.css").render(),
    }


# -- trends ---------------------------------------------------------------------------------------


@dataclass
class TrendChart:
    title: str
    png: bytes
    alt: str

    @property
    def size(self) -> tuple[int, int]:
        return css_size(self.png)

    @property
    def src(self) -> str:
        return _data_uri(self.png)


@dataclass
class KpiTrend:
    kpi: str
    label: str
    better: str
    rows: list[dict[str, Any]]
    chart: TrendChart | None = None
    months_met: int = 0
    months_judged: int = 0


@dataclass
class EntityTrend:
    entity_id: str
    name: str
    kind: str
    months: list[dict[str, Any]]
    kpis: list[KpiTrend] = field(default_factory=list)
    charts: list[TrendChart] = field(default_factory=list)

    @property
    def page(self) -> str:
        return f"trends/{self.entity_id}.html"


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _trend_chart(
    title: str,
    labels: list[str],
    series: list[Series],
    label: Callable[[float], str],
) -> TrendChart | None:
    if not labels or not any(v is not None for s in series for v in s.values):
        return None
    png = line_chart(title, labels, series, label)
    numbers = "; ".join(getattr(png, "key_numbers", ()))
    return TrendChart(
        title, png, f"{title}, by month to {labels[-1]}" + (f": {numbers}" if numbers else "")
    )


def _money_charts(months: list[dict[str, Any]], fmt: Formatter) -> list[TrendChart]:
    labels = [row["month"].strftime("%b %y") for row in months]

    def line(name: str, key: str, dashed: bool = False) -> Series:
        return Series(name, [_number(row[key]) for row in months], dashed=dashed)

    charts = [
        _trend_chart(
            "Revenue and burn",
            labels,
            [
                line("Revenue", "revenue"),
                line("Operating burn", "operating_burn"),
                line("Cash burn", "cash_burn", dashed=True),
            ],
            fmt.money_compact,
        ),
        _trend_chart("Cash at month end", labels, [line("Cash", "cash_end")], fmt.money_compact),
        _trend_chart(
            "Runway (months)",
            labels,
            [line("Runway", "runway_months"), line("Cash runway", "cash_runway_months", True)],
            fmt.months,
        ),
    ]
    return [chart for chart in charts if chart is not None]


def _kpi_trends(rows: list[dict[str, Any]], fmt: Formatter) -> list[KpiTrend]:
    """Each KPI's months (the rows of sql/site/kpi_trend.sql, by KPI), shown in the KPI's unit,
    with the chart of its actual against its target."""
    kpis: dict[str, KpiTrend] = {}
    for row in rows:
        kpi = row["kpi"]
        if kpi not in kpis:
            kpis[kpi] = KpiTrend(
                kpi,
                kpi_label(kpi),
                row["better"],
                [],
                None,
                row["months_met"],
                row["months_judged"],
            )
        gap = None if row["gap"] is None else kpi_value(fmt, kpi, row["gap"], gap=True)
        kpis[kpi].rows.append(
            {
                **row,
                "actual_shown": kpi_value(fmt, kpi, row["actual"]),
                "target_shown": kpi_value(fmt, kpi, row["target"]),
                "gap_shown": "+" + gap if gap is not None and row["gap"] > 0 else gap,
            }
        )
    for item in kpis.values():

        def axis(value: float, kpi: str = item.kpi) -> str:
            return kpi_value(fmt, kpi, Decimal(str(float(value))))

        item.chart = _trend_chart(
            f"{item.label} against its target",
            [row["month"].strftime("%b %y") for row in item.rows],
            [
                Series("Actual", [_number(row["actual"]) for row in item.rows]),
                Series(
                    "Target",
                    [_number(row["target"]) for row in item.rows],
                    dashed=True,
                    color="#52667a",
                ),
            ],
            axis,
        )
    return list(kpis.values())


def entity_trends(conn, config: ReportingConfig, through: date) -> list[EntityTrend]:
    """Each entity's months up to `through`: revenue, burn, cash and runway, and every KPI
    against its target, as the metric store holds them (sql/site/), with their charts."""
    fmt = Formatter(config.currency, config.locale)
    out = []
    for entity in query(conn, "site/entities", through=through):
        entity_id = entity["entity_id"]
        months = query(conn, "site/entity_trend", entity_id=entity_id, through=through)
        kpis = query(conn, "site/kpi_trend", entity_id=entity_id, through=through)
        out.append(
            EntityTrend(
                entity_id,
                entity["name"],
                entity["kind"],
                months,
                _kpi_trends(kpis, fmt),
                _money_charts(months, fmt),
            )
        )
    return out


# -- the pages ------------------------------------------------------------------------------------


def _render(template: str, context: dict[str, Any]) -> bytes:
    return _env.get_template(template).render(context).encode("utf-8")


def site_files(
    conn, config: ReportingConfig, log: Callable[[str], None] = print
) -> dict[str, bytes]:
    """Every file of the site, by its path from the site's root."""
    fmt = Formatter(config.currency, config.locale)
    reports = archived_reports(conn, config)
    log(f"archive: {len(reports)} report(s) in {config.reports_path}")
    months = sorted({r.period for r in reports}, reverse=True)
    latest_month = months[0] if months else None
    through = date.fromisoformat(latest_month + "-01") if latest_month else config.first_month_date
    trends = entity_trends(conn, config, through)
    log(f"archive: trend pages of {len(trends)} entities through {through:%Y-%m}")
    by_month: dict[str, list[ArchivedReport]] = {m: [] for m in months}
    for report in reports:
        by_month[report.period].append(report)
    files: dict[str, bytes] = {"style.css": _render("site.css", {})}
    top = _common(config, fmt, "")
    files["index.html"] = _render(
        "site-home.html.j2",
        {
            **top,
            "month": latest_month,
            "previous_month": months[1] if len(months) > 1 else None,
            "reports": by_month.get(latest_month, []) if latest_month else [],
            "trends": trends,
            "months": months,
        },
    )
    nested = _common(config, fmt, "../")
    files["months/index.html"] = _render(
        "site-months.html.j2", {**nested, "months": months, "by_month": by_month}
    )
    glossary_keys = set(glossary())
    for report in reports:
        for edition in report.editions:
            files[report.page(edition)] = _render(
                "site-report.html.j2",
                {
                    **nested,
                    "report": report,
                    "edition": edition,
                    "figures": edition.figures,
                    "charts": {name: _data_uri(png) for name, png in edition.images.items()},
                    "chart_size": lambda png: css_size(png),
                    "terms": [
                        glossary()[k]
                        for k in edition.figures.get("glossary", [])
                        if k in glossary_keys
                    ],
                },
            )
        for name, png in report.latest.images.items():
            files[f"{report.period}/{name}"] = png
    for trend in trends:
        files[trend.page] = _render(
            "site-trend.html.j2", {**nested, "trend": trend, "month": latest_month}
        )
    files["glossary.html"] = _render("site-glossary.html.j2", {**top, "files": by_file()})
    return files


def write_site(root: Path, files: dict[str, bytes]) -> Written:
    """Write the files whose bytes differ from those in `root` (a file a reader sees is never
    half written), and remove the site's files the build no longer makes."""
    changed = []
    for name in sorted(files):
        path = root / name
        if path.is_file() and path.read_bytes() == files[name]:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(files[name])
        tmp.replace(path)
        changed.append(name)
    removed = []
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            name = path.relative_to(root).as_posix()
            if path.is_file() and path.suffix in SITE_SUFFIXES and name not in files:
                path.unlink()
                removed.append(name)
    return Written(root, sorted(files), changed, removed)


def build_site(conn, config: ReportingConfig, log: Callable[[str], None] = print) -> Written:
    """Build the archive into site_dir(config): every page, written only where it changed."""
    written = write_site(site_dir(config), site_files(conn, config, log))
    log(
        f"archive: {written.pages} page(s), {len(written.changed)} file(s) changed, "
        f"{len(written.removed)} removed, in {written.root}"
    )
    return written
