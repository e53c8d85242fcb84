"""Importers: the sources of reporting.yaml (`entities[].sources`) that are not the canonical
files, each turning its files into canonical ledger rows (docs/importing.md).

Adding a format: write a class with `format` and `stage()` (exec_reporting.importers.base: what
it gets, what it writes, what it returns), register it in IMPORTERS, give its source a model in
exec_reporting.config (SOURCE_FORMATS and the `Source` union) and document it in
docs/importing.md with an example under docs/examples/.
"""

from __future__ import annotations

from exec_reporting.importers.bank_csv import BankCsvImporter
from exec_reporting.importers.base import (
    ImportContext,
    Importer,
    SourceFile,
    Staged,
    insert_imported,
    insert_rejects,
)
from exec_reporting.importers.ofx import OfxImporter
from exec_reporting.importers.qbo import QboTransactionDetailImporter
from exec_reporting.importers.stripe import StripeBalanceImporter
from exec_reporting.importers.xero import XeroAccountTransactionsImporter

IMPORTERS: dict[str, Importer] = {
    importer.format: importer
    for importer in (
        OfxImporter(),
        BankCsvImporter(),
        StripeBalanceImporter(),
        QboTransactionDetailImporter(),
        XeroAccountTransactionsImporter(),
    )
}

__all__ = [
    "IMPORTERS",
    "ImportContext",
    "Importer",
    "SourceFile",
    "Staged",
    "insert_imported",
    "insert_rejects",
]
