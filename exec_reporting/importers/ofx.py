"""OFX and QFX bank and credit card statements (SGML version 1 and XML version 2), through the
ofxparse library (MIT; docs/decisions.md #25).

Each transaction (<STMTTRN>) of a bank (<STMTRS>) or card (<CCSTMTRS>) statement is one ledger
row: the posting date (DTPOSTED, the bank's own calendar day: the time and time zone are
dropped), the amount (TRNAMT, already signed from the account holder's view), the payee (NAME)
as counterparty and the memo (MEMO, else the payee) as description. Its txn_id is the account id
and the bank's FITID, `<ACCTID>:<FITID>`: a FITID is unique within an account, so a statement
imported twice, or two statements that overlap, repeat txn_ids that the loader counts as
duplicates and does not load again. Its line is the line of its <STMTTRN> tag in the file (in a
file that writes several transactions on one line, its number among the file's transactions).

A transaction the library cannot read (no FITID, no amount, a date that is no date) is
quarantined with the library's reason. A file that is not an OFX statement, holds only an
investment statement, or is in another currency than reporting.yaml's fails as a whole.

The file covers its data through the statement's end (DTEND), else its ledger balance's date
(LEDGERBAL DTASOF); with several statements, through the earliest of them. Each statement's
ledger balance goes to ingest.statement_balances.

Encoding: a byte-order mark; else the source's `encoding:` when it names a codec; else UTF-8
when the bytes are UTF-8 (some banks write UTF-8 under a header saying 1252), else the CHARSET
the file's SGML header declares (1252 unless it says otherwise), else as `encoding: auto` finds
it. ofxparse reads ASCII only when a file has no header, so the text is handed to it with every
other character as a character reference (&#233;), which its HTML parser turns back into the
character.
"""

from __future__ import annotations

import io
import re
import warnings
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from exec_reporting.importers.base import (
    ImportContext,
    SourceFile,
    Staged,
    insert_imported,
    insert_rejects,
)
from exec_reporting.source_text import AUTO, NotText, byte_order_mark, decode_text

_SGML_CHARSET = re.compile(r"^\s*CHARSET\s*:\s*(\S+)", re.MULTILINE | re.IGNORECASE)
_SGML_ENCODING = re.compile(r"^\s*ENCODING\s*:\s*(\S+)", re.MULTILINE | re.IGNORECASE)
_TZ_SUFFIX = re.compile(r"\[[^\]]*\]\s*$")
_STATEMENT_TAG = re.compile(rb"<\s*(CC)?STMTRS\s*>", re.IGNORECASE)


def _parser():
    """ofxparse's parser, reading the bank's own dates and recording each transaction's line."""
    from ofxparse import OfxParser

    class StatementParser(OfxParser):
        @classmethod
        def parseOfxDateTime(cls, ofxDateTime):  # noqa: N802, N803 (the library's names)
            # ofxparse moves a date with a time zone ([-8:PST]) to UTC, which can put a
            # transaction posted late on the 31st into the next month: keep the bank's day
            return super().parseOfxDateTime(_TZ_SUFFIX.sub("", ofxDateTime))

        @classmethod
        def parseTransaction(cls, txn_ofx):  # noqa: N802
            transaction = super().parseTransaction(txn_ofx)
            transaction.source_line = getattr(txn_ofx, "sourceline", None)
            return transaction

    return StatementParser


def _declared_charset(text_head: str) -> str | None:
    """The encoding an SGML header declares (OFX 1.x: ENCODING USASCII with CHARSET 1252 or
    8859-1, or ENCODING UTF-8)."""
    encoding = _SGML_ENCODING.search(text_head)
    if encoding and encoding.group(1).upper() in ("UTF-8", "UNICODE"):
        return "utf-8"
    charset = _SGML_CHARSET.search(text_head)
    if charset is None:
        return None
    value = charset.group(1).upper()
    if value in ("8859-1", "ISO-8859-1"):
        return "latin-1"
    if value.isdigit():
        return f"cp{value}"
    return None


def decode_ofx(data: bytes, encoding: str | None, locale: str) -> tuple[str, str]:
    """The statement's text and the encoding it was read in."""
    if byte_order_mark(data[:4]) or encoding not in (None, AUTO):
        return decode_text(data, encoding, locale)
    try:
        return decode_text(data, None, locale)
    except NotText:
        pass
    head = data[: data.find(b"<")] if b"<" in data else data[:1024]
    declared = _declared_charset(head.decode("ascii", "replace"))
    if declared:
        try:
            return decode_text(data, declared, locale)
        except (NotText, LookupError):
            pass
    return decode_text(data, AUTO, locale)


def _for_the_parser(text: str) -> bytes:
    """The text as ofxparse reads it right: line ends as LF (its parser counts LF only), the SGML
    header blanked (a header line it cannot split crashes it, an unknown CHARSET too) with its
    line breaks kept so that line numbers stay the file's, and every character beyond ASCII as
    a character reference."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_tag = text.find("<")
    if first_tag > 0:
        text = "\n" * text.count("\n", 0, first_tag) + text[first_tag:]
    return text.encode("ascii", "xmlcharrefreplace")


def _day(value: Any) -> date | None:
    return value.date() if isinstance(value, datetime) else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _amount(value: Any) -> str | None:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    return None


class OfxImporter:
    format = "ofx"

    def stage(self, conn, file: SourceFile, context: ImportContext) -> Staged:
        where = {"source_file": file.name, "entity_id": file.entity_id}
        try:
            data = file.path.read_bytes()
        except OSError as error:
            return Staged(problems=[f"{file.path}: cannot be read ({error.strerror})"])
        try:
            text, used = decode_ofx(data, file.encoding, context.locale)
        except NotText as error:
            return Staged(problems=[f"{file.path}: {error}"])
        readable = _for_the_parser(text)
        parsed = self._parse(file, readable)
        if isinstance(parsed, str):
            return Staged(problems=[parsed])
        # ofxparse lists the statements of <STMTRS> and <CCSTMTRS> first, in that order, then
        # any account listing (<ACCTINFO>), which has no transactions
        statement_lines = _statement_lines(readable)
        statements = [a for a in parsed.accounts[: len(statement_lines)] if _is_bank_or_card(a)]
        problems = self._file_problems(file, parsed, statements, context)
        if problems:
            return Staged(problems=problems)
        rows, rejects, balances = self._rows(statements, statement_lines, where)
        insert_imported(conn, rows)
        insert_rejects(conn, rejects)
        if balances:
            conn.execute(
                "insert into load_statements by name select unnest($rows, recursive := true)",
                {"rows": balances},
            )
        ends = [b["ends_on"] or b["balance_on"] for b in balances]
        covers = min(ends) if ends and all(ends) else None
        notes = [] if used == "utf-8" else [f"read as {used} text"]
        return Staged(covers_through=covers, notes=notes)

    def _parse(self, file: SourceFile, data: bytes):
        """The parsed file, or the problem that stops it, in words."""
        from bs4 import XMLParsedAsHTMLWarning

        try:
            with warnings.catch_warnings():
                # ofxparse reads OFX 2 (XML) with an HTML parser on purpose: SGML and XML alike
                warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
                # ofxparse 0.21 calls BeautifulSoup's findAll, which bs4 4.13+ calls deprecated
                warnings.filterwarnings(
                    "ignore", "Call to deprecated method findAll", DeprecationWarning
                )
                return _parser().parse(io.BytesIO(data), fail_fast=False)
        except Exception as error:  # the library raises anything on a file that is no OFX
            reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
            return (
                f"{file.path}: not an OFX or QFX statement that can be read "
                f"({type(error).__name__}{': ' + reason if reason else ''}); "
                "download the statement again as OFX/QFX (Quicken or Money format)"
            )

    def _file_problems(self, file, parsed, statements, context) -> list[str]:
        if not statements:
            investment = any(_is_investment(a) for a in parsed.accounts)
            what = (
                "only an investment statement (<INVSTMTRS>): only bank and credit card statements "
                "are imported"
                if investment
                else "no bank or credit card statement (<STMTRS> or <CCSTMTRS>)"
            )
            return [f"{file.path}: {what}"]
        problems = []
        for account in statements:
            currency = (account.statement.currency or account.curdef or "").strip().upper()
            if currency and currency != context.currency:
                problems.append(
                    f"{file.path}: the statement of account {account.account_id} is in "
                    f"{currency} (CURDEF), the portfolio's currency is {context.currency} "
                    "(reporting.yaml currency): its amounts cannot be added to the others"
                )
        return problems

    def _rows(self, statements, statement_lines, where):
        rows: list[dict[str, Any]] = []
        rejects: list[dict[str, Any]] = []
        balances: list[dict[str, Any]] = []
        for index, account in enumerate(statements):
            statement = account.statement
            account_id = _text(account.account_id) or ""
            for transaction in statement.transactions:
                day = _day(transaction.date)
                rows.append(
                    {
                        **where,
                        "line": transaction.source_line,
                        "part": 0,
                        "txn_id": f"{account_id}:{transaction.id}",
                        "date": day.isoformat() if day else None,
                        "amount": _amount(transaction.amount),
                        "description": _text(transaction.memo) or _text(transaction.payee),
                        "counterparty": _text(transaction.payee),
                    }
                )
            for entry in statement.discarded_entries:
                content = entry.get("content")
                rejects.append(
                    {
                        **where,
                        "line": getattr(content, "sourceline", None),
                        "part": 0,
                        "column_name": "STMTTRN",
                        "value": _tag_value(content, "fitid"),
                        "reason": "transaction not readable: " + _one_line(entry.get("error")),
                        "record": _one_line(str(content))[:2000] if content is not None else None,
                    }
                )
            balance = getattr(statement, "balance", None)
            balances.append(
                {
                    **where,
                    "line": statement_lines[index] if index < len(statement_lines) else None,
                    "account_id": account_id,
                    "currency": (statement.currency or "").upper() or None,
                    "starts_on": _day(getattr(statement, "start_date", None)),
                    "ends_on": _day(getattr(statement, "end_date", None)),
                    "balance": balance if isinstance(balance, Decimal) else None,
                    "balance_on": _day(getattr(statement, "balance_date", None)),
                }
            )
        _unique_lines(rows + rejects)
        return rows, rejects, balances


def _is_bank_or_card(account) -> bool:
    from ofxparse.ofxparse import AccountType

    return account.type in (AccountType.Bank, AccountType.CreditCard)


def _is_investment(account) -> bool:
    from ofxparse.ofxparse import AccountType

    return account.type == AccountType.Investment


def _statement_lines(data: bytes) -> list[int]:
    """The line of each statement's opening tag in `data` (as ofxparse reads it: LF line ends),
    in the order ofxparse lists them (bank statements, then card statements)."""
    found = [
        (bool(match.group(1)), data.count(b"\n", 0, match.start()) + 1)
        for match in _STATEMENT_TAG.finditer(data)
    ]
    return [line for card, line in found if not card] + [line for card, line in found if card]


def _tag_value(content, name: str) -> str | None:
    if content is None:
        return None
    tag = content.find(name)
    if tag is None or not tag.contents:
        return None
    return _text(tag.contents[0])


def _one_line(value: Any) -> str:
    return " ".join(str(value or "").split())


def _unique_lines(rows: list[dict[str, Any]]) -> None:
    """Number the transactions 1, 2, ... when their tags' lines do not tell them apart (a file
    written on one line): a row is known by its file and line."""
    lines = [row["line"] for row in rows]
    if None in lines or len(set(lines)) != len(lines):
        ordered = sorted(rows, key=lambda row: row["line"] or 0)
        for number, row in enumerate(ordered, start=1):
            row["line"] = number
