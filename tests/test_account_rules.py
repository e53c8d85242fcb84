"""Account mapping rules: imported lines get the account of the first rule that matches their
description or counterparty; a line no rule matches gets the uncategorized account, which the
chart does not have, and metrics.uncategorized_lines names the rules file to edit. A rules file
that cannot be used fails naming the file, the rule and its line."""

from decimal import Decimal

import pytest
from conftest import load_warehouse, rows

from exec_reporting.account_rules import AccountRulesError, load_account_rules
from exec_reporting.cli import main
from exec_reporting.ingest import IngestError
from exec_reporting.metrics import relation, run_check

ENTITY = "cafe"
EXPORT = (
    "Posted,Amount,Payee,Merchant\n"
    "01/05/2025,-4.50,BLUE BOTTLE COFFEE #12,Blue Bottle\n"
    "01/06/2025,-30.00,SHELL OIL 5734,Shell\n"
    "01/07/2025,-12.00,Corner hardware,Ace\n"
    "01/08/2025,250.00,Catering for Acme,\n"
    "01/09/2025,-9.99,Spotify,Spotify AB\n"
)
SOURCE = {
    "format": "bank_csv",
    "path": "bank.csv",
    "columns": {
        "date": "Posted",
        "amount": "Amount",
        "description": "Payee",
        "counterparty": "Merchant",
    },
    "date_format": "%m/%d/%Y",
    "decimal": ".",
    "sign": "expenses_negative",
}
RULES = """\
rules:
  - match: coffee
    account: "6100"
  - match: shell|chevron
    field: counterparty
    account: 5000
  - match: coffee|catering
    account: "4000"
    counterparty: Catering clients
  - match: spotify
    field: description
    account: "6100"
"""


def rules_portfolio(portfolio, rules: str | None = RULES, entity=None, **config):
    files = {f"{ENTITY}/bank.csv": EXPORT}
    if rules is not None:
        files[f"{ENTITY}/rules.yaml"] = rules
    entities = [
        {"id": ENTITY, "name": "Cafe", "kind": "holding", "sources": [SOURCE], **(entity or {})}
    ]
    return portfolio(files, entities, **config)


def test_the_first_rule_that_matches_gives_the_account_and_the_rest_are_uncategorized(portfolio):
    conn = load_warehouse(rules_portfolio(portfolio))
    assert rows(
        conn, "select description, account_code, counterparty from raw.ledger order by line"
    ) == [
        # rule 1 matches before rule 3, which matches too
        {
            "description": "BLUE BOTTLE COFFEE #12",
            "account_code": "6100",
            "counterparty": "Blue Bottle",
        },
        {"description": "SHELL OIL 5734", "account_code": "5000", "counterparty": "Shell"},
        {"description": "Corner hardware", "account_code": "6999", "counterparty": "Ace"},
        # a rule may set the counterparty
        {
            "description": "Catering for Acme",
            "account_code": "4000",
            "counterparty": "Catering clients",
        },
        {"description": "Spotify", "account_code": "6100", "counterparty": "Spotify AB"},
    ]
    assert rows(conn, "select * exclude (month, date) from metrics.uncategorized_lines") == [
        {
            "entity_id": ENTITY,
            "txn_id": rows(conn, "select txn_id from raw.ledger where line = 4")[0]["txn_id"],
            "amount": Decimal("-12.00"),
            "description": "Corner hardware",
            "counterparty": "Ace",
            "account_code": "6999",
            "source_file": "cafe/bank.csv",
            "line": 4,
            "rules_file": "cafe/rules.yaml",
        }
    ]
    # the uncategorized code is not in the chart: the accounting report lists it as unmapped
    assert rows(
        conn,
        "select distinct account_code from metrics.chart_unmapped_accounts",
    ) == [{"account_code": "6999"}]
    assert run_check(conn, relation("uncategorized_lines"), "not_in_chart")[0] == 0


def test_without_a_rules_file_every_line_is_uncategorized_and_the_file_to_write_is_named(portfolio):
    conn = load_warehouse(rules_portfolio(portfolio, rules=None))
    found = rows(conn, "select distinct account_code, rules_file from metrics.uncategorized_lines")
    assert found == [{"account_code": "6999", "rules_file": "cafe/rules.yaml"}]
    assert rows(conn, "select count(*) as n from metrics.uncategorized_lines") == [{"n": 5}]


def test_the_uncategorized_account_is_a_setting_and_must_stay_out_of_the_chart(portfolio):
    path = rules_portfolio(
        portfolio, accounting={"uncategorized_account": "6000"}, rules="rules: []\n"
    )
    conn = load_warehouse(path)
    assert rows(conn, "select distinct account_code from raw.ledger") == [{"account_code": "6000"}]
    # 6000 is Rent in the chart: the lines would pass for rent without a word, so the check fails
    failures, sample = run_check(conn, relation("uncategorized_lines"), "not_in_chart")
    assert failures == 5
    assert sample[0]["account_name"] == "Rent"


def test_the_canonical_ledgers_lines_keep_their_own_accounts(portfolio):
    path = portfolio(
        {
            "shop/ledger.csv": "txn_id,date,account_code,amount,description,counterparty\n"
            "T1,2025-01-05,6999,-5.00,coffee,x\n",
            "shop/rules.yaml": RULES,
        }
    )
    conn = load_warehouse(path)
    assert rows(conn, "select account_code from raw.ledger") == [{"account_code": "6999"}]
    assert rows(conn, "select * from metrics.uncategorized_lines") == []


def test_a_named_rules_file_that_is_missing_fails_the_load(portfolio, tmp_path):
    path = rules_portfolio(portfolio, rules=None, entity={"rules": "mapping/rules.yaml"})
    with pytest.raises(IngestError) as error:
        load_warehouse(path)
    assert error.value.problems == [
        f"{tmp_path / 'data' / ENTITY / 'mapping' / 'rules.yaml'}: missing: the account mapping "
        "rules of entity cafe (rules in reporting.yaml; see docs/importing.md)"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "rules:\n  - match: coffee\n    account: '6100'\n  - match: tea\n",
            "invalid account rules (1 problem(s))\n  rule 2 (line 4): account: required key is "
            "missing",
        ),
        (
            "rules:\n  - match: coffee\n    acount: '6100'\n",
            "invalid account rules (2 problem(s))\n  rule 1 (line 2): account: required key is "
            "missing\n  rule 1 (line 2): acount: unknown key (expected match, field, account, "
            "counterparty)",
        ),
        (
            "rules:\n  - match: coffee\n    field: memo\n    account: '6100'\n",
            "invalid account rules (1 problem(s))\n  rule 1 (line 2): field: expected "
            "'description', 'counterparty' or 'any', got 'memo'",
        ),
        (
            "rules:\n  - {match: coffee, account: '6100'}\n  - {match: 'Joe (cafe', account: 1}\n",
            "rule 2 (line 3): match: 'Joe (cafe' is not a valid regular expression (missing ): "
            "Joe (cafe); write a literal ( . * + ? [ with a backslash before it: \\(",
        ),
        (
            "rules:\n  - match: coffee\n    account: '6100'\n    account: '6200'\n",
            "line 4: key 'account' appears twice in the same mapping (lines 3 and 4): remove one "
            "of them",
        ),
        ("- match: coffee\n", "expected a mapping with a list `rules:` at the top"),
        ("rules: [\n", "line 2, column 1: not valid YAML"),
    ],
    ids=[
        "no account",
        "misspelt key",
        "unknown field",
        "bad pattern",
        "key twice",
        "a list",
        "yaml",
    ],
)
def test_a_rules_file_that_cannot_be_used_names_the_file_the_rule_and_the_line(
    tmp_path, text, message
):
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    with pytest.raises(AccountRulesError) as error:
        load_account_rules(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_exec_reporting_check_validates_the_rules_files(portfolio, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    path = rules_portfolio(portfolio, rules="rules:\n  - match: coffee\n")
    assert main(["--config", str(path), "check"]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'data' / ENTITY / 'rules.yaml'}: invalid account rules" in err
    assert "rule 1 (line 2): account: required key is missing" in err
