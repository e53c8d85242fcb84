"""The MIME messages of real rendered reports: headers no name can break, 7-bit transfer
encodings, charts by Content-ID, CSV attachments safe to open in a spreadsheet, and the size
limit."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re
from pathlib import Path

import pytest
from conftest import build_report, load_warehouse, write_portfolio

from exec_reporting.config import ReportingConfig, load_config
from exec_reporting.delivery import Refused, ReportFiles, build_raw, deliver, table_csv
from exec_reporting.mime import MessageParts, build_message, clean_header
from exec_reporting.resources.mail import OutboxTransport
from exec_reporting.warehouse import connect

MONTH = "2025-03"
ALLOWED_CTE = {"7bit", "quoted-printable", "base64"}
# The only headers a report message has: no name or value can add one.
HEADERS = {"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}
THIEF = "thief@evil.example"

LEDGER = "txn_id,date,account_code,amount,description,counterparty\n"
FILES = {
    "shop/ledger.csv": LEDGER
    + "S1,2025-01-03,3000,5000.00,Owner contribution,Owner\n"
    + "S2,2025-01-05,4000,1200.00,Sales,Customers\n"
    + "S3,2025-02-06,6000,-800.00,Rent,Landlord\n"
    + "S4,2025-03-05,4000,400.00,Sales,Customers\n"
    + "S5,2025-03-06,6000,-800.00,Rent,Landlord\n",
    "cafe/ledger.csv": LEDGER
    + "C1,2025-02-01,4000,3000.00,Sales,Guests\n"
    + "C2,2025-02-02,5000,-1000.00,Food,Market\n"
    + "C3,2025-03-01,4000,2500.00,Sales,Guests\n"
    + "C4,2025-03-02,5000,-900.00,Food,Market\n",
}
FORMULA_NAME = '=HYPERLINK("http://evil.example","details")'
# the control characters a name can carry into a subject: CR, LF, NUL, ESC
CAFE_NAME = f"Café Zoë\r\nBcc: {THIEF}\x00\x1b[31m"
ORGANIZATION = f"Søren Holdings\r\nBcc: {THIEF}\nX-Injected: yes\x00"
CANDIDATES = [
    {"name": "-2+3", "entity": "shop", "cost": 100, "monthly_return": 50},
    {"name": "+1 for growth", "entity": "shop", "cost": 200, "monthly_return": 50},
    {"name": "@SUM(A1:A9)", "entity": "cafe", "cost": 300, "monthly_return": 50},
    {"name": "New oven", "entity": "cafe", "cost": 400, "monthly_return": 50},
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> ReportingConfig:
    """A portfolio whose names are hostile, its CFO and rental reports rendered to reports_dir."""
    root = tmp_path_factory.mktemp("mime")
    config_path = write_portfolio(
        root,
        FILES,
        entities=[
            {"id": "shop", "name": FORMULA_NAME, "kind": "hauling", "opening_cash": 1000},
            {"id": "cafe", "name": CAFE_NAME, "kind": "rental", "opening_cash": 0},
        ],
        organization=ORGANIZATION,
        # the organization in every subject, where its name can try to break the header
        several_portfolios=True,
        cfo={"capital_candidates": CANDIDATES},
        # the month the data stops in, closed by the owner: final reports, whose subjects are
        # what these tests are about (an open one would be marked Preliminary)
        closed_months=[MONTH],
    )
    config = load_config(config_path)
    assert config.organization == ORGANIZATION  # the YAML kept every control character
    conn = load_warehouse(config_path)
    folder = config.reports_path / MONTH
    with pytest.warns(UserWarning, match="Glyph"):  # matplotlib cannot draw the ESC
        for kind, entity in (("cfo", None), ("rental", "cafe")):
            _, edition = build_report(conn, config_path, kind, MONTH, entity)
            edition.write(folder)
    return config


def report(config: ReportingConfig, name: str) -> ReportFiles:
    return ReportFiles.read(config.reports_path / MONTH, name)


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def header_lines(raw: bytes) -> list[str]:
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")


def assert_headers_safe(raw: bytes) -> email.message.EmailMessage:
    """Exactly the expected headers, every header line a header or a folded continuation, and
    no control character in any header value."""
    message = parse(raw)
    assert set(message.keys()) == HEADERS
    assert len(message.keys()) == len(HEADERS)  # none twice
    for line in header_lines(raw):
        assert re.match(r"^([A-Za-z-]+: |[ \t])", line), line
        assert not re.match(r"(?i)^(bcc|cc|x-injected):", line), line
    for name, value in message.items():
        assert not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", str(value)), (name, value)
    return message


def csv_parts(message: email.message.EmailMessage) -> dict[str, list[list[str]]]:
    return {
        part.get_filename(): list(csv.reader(io.StringIO(part.get_content(), newline="")))
        for part in message.walk()
        if part.get_content_type() == "text/csv"
    }


# -- headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "control",
    ["\r", "\n", "\r\n", "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"],
    ids=repr,
)
def test_no_control_character_in_a_subject_reaches_a_header(control):
    subject = f"March report{control}Bcc: {THIEF}{control}{control}X-Injected: yes"
    raw = build_message(
        MessageParts(subject=subject, text="Body\n", html="<p>Body</p>"),
        sender="reports@example.com",
        to=["cfo@example.com"],
    ).as_bytes()
    message = assert_headers_safe(raw)
    # the words stay, as words of the subject
    assert " ".join(str(message["Subject"]).split()) == (
        f"March report Bcc: {THIEF} X-Injected: yes"
    )
    assert str(message["To"]) == "cfo@example.com"


@pytest.mark.parametrize("name", ["cfo", "rental-cafe"])
def test_names_with_control_characters_cannot_inject_a_header(rendered, name):
    raw, subject = build_raw(report(rendered, name), rendered, "cfo@example.com", None)
    message = assert_headers_safe(raw)
    assert str(message["To"]) == "cfo@example.com"
    words = " ".join(str(message["Subject"]).split())
    assert words.startswith("Executive Report: ")
    if name == "cfo":
        assert "Søren Holdings Bcc: thief@evil.example X-Injected: yes - Mar 2025" in words
    else:
        # both names do not fit in a subject of 110 characters: the organization's name loses
        # whole words, the entity's stays (decision 44)
        assert f"Rental: Café Zoë Bcc: {THIEF} [31m - Søren Holdings … - Mar 2025" in words
    assert len(words) <= 110
    # the subject build_raw returns (for the send ledger) is the one the message carries
    assert " ".join(clean_header(subject).split()) == words


# -- encodings and related parts ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["cfo", "rental-cafe"])
def test_every_part_uses_a_7bit_transfer_encoding(rendered, name):
    raw, _ = build_raw(report(rendered, name), rendered, "cfo@example.com", None)
    assert max(raw) < 0x80, "8-bit bytes in the message"
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    message = parse(raw)
    leaves = [p for p in message.walk() if not p.is_multipart()]
    assert {p.get_content_type() for p in leaves} == {
        "text/plain",
        "text/html",
        "image/png",
        "text/csv",
    }
    for part in message.walk():
        encoding = str(part.get("Content-Transfer-Encoding", "7bit")).lower()
        assert encoding in ALLOWED_CTE, (part.get_content_type(), encoding)
    # the non-ASCII text is intact once decoded
    assert "Café Zoë" in message.get_body(("plain",)).get_content()
    assert "Café Zoë" in message.get_body(("html",)).get_content()


@pytest.mark.parametrize("name", ["cfo", "rental-cafe"])
def test_headers_stay_on_one_line_and_bodies_keep_76_characters(rendered, name):
    for what_changed in (None, ["Cash at month end: $1.00 → $2.00"]):
        raw, subject = build_raw(report(rendered, name), rendered, "cfo@example.com", what_changed)
        head, _, body = raw.partition(b"\r\n\r\n")
        # a subject folded right after "Subject:" reads back with a leading space
        [line] = [h for h in head.split(b"\r\n") if h.startswith(b"Subject:")]
        assert re.match(rb"Subject: \S", line), line
        assert str(parse(raw)["Subject"]) == clean_header(subject)
        # quoted-printable and base64 lines: 76 characters at most (RFC 2045)
        for line in body.split(b"\r\n"):
            assert line.startswith(b"Content-") or len(line) <= 76, line


@pytest.mark.parametrize("name", ["cfo", "rental-cafe"])
def test_every_cid_in_the_html_resolves_to_an_image_part(rendered, name):
    files = report(rendered, name)
    raw, _ = build_raw(files, rendered, "cfo@example.com", None)
    message = parse(raw)
    html_part = message.get_body(("html",))
    html = html_part.get_content()
    referenced = re.findall(r'src="cid:([^"]+)"', html)
    assert referenced, "the report has charts"
    # no image is left pointing at a file the recipient does not have
    assert not re.findall(r'src="(?!cid:)[^"]*\.png"', html)
    related = next(p for p in message.walk() if p.get_content_type() == "multipart/related")
    assert html_part in list(related.iter_parts())
    images = {
        str(p["Content-ID"]).strip("<>"): p
        for p in related.iter_parts()
        if p.get_content_maintype() == "image"
    }
    assert set(referenced) == set(images)  # every reference resolves, and no image is unused
    for cid, part in images.items():
        assert part.get_content_type() == "image/png"
        file_name = cid.rsplit("@", 1)[0]
        assert part.get_content() == (files.folder / file_name).read_bytes()


# -- CSV attachments ---------------------------------------------------------------------------


def test_csv_attachments_neutralize_formulas_and_keep_numbers_as_numbers(rendered):
    raw, _ = build_raw(report(rendered, "cfo"), rendered, "cfo@example.com", None)
    tables = csv_parts(parse(raw))
    # the builder's key tables, and every other table the email shows trimmed (decision 40)
    assert {"burn.csv", "cash_flows.csv", "capital_plan.csv"} <= set(tables)
    assert "break_even.csv" in tables

    burn = {row[0]: row for row in tables["burn.csv"][1:]}
    # a text cell a spreadsheet would run as a formula gets a quote in front
    assert "'" + FORMULA_NAME in burn
    # the café burns no cash: its operating (net) burn is negative, and stays a number
    cafe = next(row for name, row in burn.items() if name.startswith("Café Zoë"))
    header = tables["burn.csv"][0]
    net_burn = cafe[header.index("Operating burn")]
    assert net_burn.startswith("-") and float(net_burn) < 0
    for name, row in burn.items():
        for label, cell in zip(header[1:], row[1:], strict=True):
            if cell not in ("", "cash not falling"):
                assert float(cell) == float(cell), (name, label)  # numbers, no quote

    plan = tables["capital_plan.csv"]
    columns = plan[0]
    uses = {row[columns.index("Use of cash")] for row in plan[1:]}
    assert uses == {"'-2+3", "'+1 for growth", "'@SUM(A1:A9)", "New oven"}
    entities = {row[columns.index("Entity")] for row in plan[1:]}
    assert "'" + FORMULA_NAME in entities
    for row in plan[1:]:
        assert float(row[columns.index("Cost")]) in (100, 200, 300, 400)
        assert int(row[columns.index("Rank")]) in (1, 2, 3, 4)


def test_table_csv_quotes_every_formula_start_and_only_text():
    table = {
        "columns": [
            {"key": "name", "label": "=Label", "kind": "text"},
            {"key": "amount", "label": "Amount", "kind": "money"},
        ],
        "rows": [
            {"name": "=1+2", "amount": -800.5},
            {"name": "+49 170 1234", "amount": -3},
            {"name": "-minus", "amount": 0},
            {"name": "@cmd", "amount": 12.25},
            {"name": "\tTab", "amount": None},
            {"name": "\rReturn", "amount": 1},
            {"name": "-5", "amount": -5},
            {"name": "Plain = text", "amount": 2},
            {"name": "  =HYPERLINK(1)", "amount": 3},
        ],
        "total": {"name": "Total", "amount": -773.25},
    }
    rows = list(csv.reader(io.StringIO(table_csv(table).decode("utf-8"), newline="")))
    assert rows == [
        ["'=Label", "Amount"],
        ["'=1+2", "-800.5"],
        ["'+49 170 1234", "-3"],
        ["'-minus", "0"],
        ["'@cmd", "12.25"],
        ["'\tTab", ""],
        ["'\rReturn", "1"],
        ["'-5", "-5"],  # text that looks like a number is still text; the number stays
        ["Plain = text", "2"],
        ["'  =HYPERLINK(1)", "3"],  # spaces first: some spreadsheets trim them
        ["Total", "-773.25"],
    ]


# -- the size limit ----------------------------------------------------------------------------


def with_limit(config: ReportingConfig, limit: int) -> ReportingConfig:
    return config.model_copy(
        update={"delivery": config.delivery.model_copy(update={"max_message_bytes": limit})}
    )


def sizes(config: ReportingConfig, files: ReportFiles) -> tuple[int, int]:
    """The size of the message with and without its attachments."""
    full, _ = build_raw(files, with_limit(config, 10**9), "cfo@example.com", None)
    lean = build_message(
        files.parts(attachments=False), sender=config.delivery.sender, to=["cfo@example.com"]
    ).as_bytes()
    assert len(full) - len(lean) > 500  # the attachments and their headers
    return len(full), len(lean)


def test_an_oversized_message_goes_without_attachments_and_says_so(rendered):
    files = report(rendered, "cfo")
    full, lean = sizes(rendered, files)
    config = with_limit(rendered, (full + lean) // 2)
    raw, _ = build_raw(files, config, "cfo@example.com", None)
    assert len(raw) <= config.delivery.max_message_bytes
    message = parse(raw)
    assert csv_parts(message) == {}
    # the charts stay
    assert any(p.get_content_type() == "image/png" for p in message.walk())
    names = [a.filename for a in files.parts().attachments]
    assert {"burn.csv", "cash_flows.csv", "capital_plan.csv"} <= set(names)
    said = f"The attachments ({', '.join(names)}) were left out"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith(said)
    assert "over the " in text and "limit" in text
    html = message.get_body(("html",)).get_content()
    body = html[html.index("<body") :]
    # said at the top of the page, not hidden after it
    assert said in body[:600]
    assert said in re.sub(r"<[^>]+>", "", html)


def test_a_message_too_big_even_without_attachments_is_refused_and_never_silently(
    rendered, tmp_path
):
    files = report(rendered, "cfo")
    _, lean = sizes(rendered, files)
    config = with_limit(rendered, lean - 1000)
    with pytest.raises(Refused, match=r"over delivery\.max_message_bytes .* even without"):
        build_raw(files, config, "cfo@example.com", None)

    # in a month's delivery: that message is failed (and says why), the others still go
    outbox = OutboxTransport(outbox_dir=str(tmp_path / "outbox"))
    lines: list[str] = []
    with connect(":memory:", ":memory:") as conn:
        result = deliver(conn, config, MONTH, {"cfo": None}, outbox, log=lines.append)
    [outcome] = result.outcomes
    assert outcome.status == "failed"
    assert "even without attachments" in outcome.error
    assert result.problems == [outcome]
    assert "1 failed" in lines[-1]
    assert not list(Path(tmp_path / "outbox").rglob("*.eml"))
