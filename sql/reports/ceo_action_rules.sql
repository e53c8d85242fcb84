-- The action rules of the rules file (exec_reporting/rules/actions.yaml, or config
-- ceo.action_rules) as a temporary table for ceo_actions.sql: the builder validates the file
-- and inserts one row per rule. An empty match key matches anything.
create or replace temp table ceo_action_rules (
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
    impact varchar not null  -- gap, amount or none
)
