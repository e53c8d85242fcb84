-- The parts of reporting.yaml that SQL needs, as tables: written by every run from the file.
create schema if not exists config;

create or replace table config.entities (
    entity_id varchar primary key,
    name varchar not null,
    kind varchar not null,
    opening_cash decimal(18, 2) not null,
    basis varchar not null  -- cash or accrual: the revenue metrics.revenue counts
);

-- The entities' loans (entities[].loans): what each owed on the day of the entity's opening cash,
-- on the liability account its drawdowns and principal payments are booked on.
create or replace table config.loans (
    entity_id varchar not null,
    name varchar not null,
    account_code varchar not null,
    opening_balance decimal(18, 2) not null,
    lender varchar not null
);

-- Accounts of money moving between an entity's own accounts (a Stripe source's payout_account):
-- both sides are the entity's cash, so a line on one is no operating, investing or financing flow.
create or replace table config.transfer_accounts (
    entity_id varchar not null,
    account_code varchar not null,
    source_format varchar not null
);

create or replace table config.kpis (
    entity_id varchar not null,
    metric varchar not null,
    target decimal(18, 4) not null,
    better varchar not null
);

-- The thresholds and settings of the ceo/cto/cfo/cmo/accounting sections: one row.
create or replace table config.parameters (
    tls_warning_days integer not null,
    stale_dependencies_days integer not null,
    stale_deploy_days integer not null,
    review_months integer not null,
    outlier_factor decimal(10, 2) not null,
    recurring_min_months integer not null,
    reserve_months decimal(10, 2) not null,
    projection_months integer not null
);

-- CFO scenarios: monthly growth rates applied to the current 3-month averages.
create or replace table config.scenarios (
    scenario varchar primary key,
    revenue_growth decimal(10, 4) not null,
    cost_growth decimal(10, 4) not null
);

-- Candidate uses of cash the CFO report ranks by payback.
create or replace table config.capital_candidates (
    name varchar not null,
    entity_id varchar,
    cost decimal(18, 2) not null,
    monthly_return decimal(18, 2) not null,
    note varchar,
    -- the month the money would go out; empty: the month after the report month
    planned_month date
);

-- Online travel agencies the CMO report sequences.
create or replace table config.otas (
    name varchar primary key,
    commission decimal(10, 4) not null,
    audience bigint not null,
    kinds varchar[] not null,
    note varchar
);

-- Dated marketing milestones (30/60/90 days).
create or replace table config.milestones (
    title varchar not null,
    entity_id varchar,
    due date not null,
    owner varchar not null,
    channel_listed varchar,
    metric varchar,
    target decimal(18, 4),
    better varchar not null,
    done boolean not null
);

-- The CEO's action rules (exec_reporting/rules/actions.yaml, or ceo.action_rules), validated,
-- one row per rule in file order. An empty match key matches anything.
create or replace table config.action_rules (
    rule_index integer not null,  -- the rule's position in the file, from 1
    kind varchar not null,  -- kpi or finding
    entity_id varchar,
    metric varchar,  -- kpi rules: the KPI
    source varchar,  -- finding rules: the finding's source
    finding_rule varchar,  -- finding rules: the finding's rule
    severity varchar,  -- finding rules: the finding's severity
    action varchar not null,  -- the text template
    owner varchar not null,  -- a persona
    due_days integer not null,  -- days after the report month's end
    impact varchar not null,  -- gap, amount or none
    faces_customers boolean  -- finding rules: whether customers see the finding
);

-- Per report, a fingerprint of the settings of reporting.yaml that shape what it says
-- (organization, currency, locale, time zone, entities, closed months, and its own section):
-- a report's inputs include its row, so a changed setting marks it stale.
create or replace table config.report_settings (
    report varchar not null,
    version varchar not null
);
