-- The shape of each row of a report exported as CSV (QuickBooks Online's Transaction Detail by
-- Account, Xero's Account Transactions), from `report_lines` (line, label: the row's first cell,
-- has_data: whether any other cell holds something), and the account section it lies in.
-- A report lists its accounts one after the other: a row naming the account alone opens its
-- section, its transactions follow, and a total row closes it ("Total for Checking" in
-- QuickBooks, "Total Business Bank Account" in Xero; $total_pattern says which rows are totals
-- and balances, which are no transactions). Sections may nest (a QuickBooks account with
-- sub-accounts): a transaction lies in the innermost section open at its line.
-- kind: blank (no cell), section, total (totals and balances: no rows), transaction.
create or replace temp table report_kinds as
select
    line,
    label,
    case
        when label is null and not has_data then 'blank'
        when regexp_matches(label, $total_pattern, 'i') then 'total'
        when not has_data then 'section'
        else 'transaction'
    end as kind
from report_lines;

create or replace temp table report_sections as
with sections as (
    select line, label as name, lower(regexp_replace(trim(label), '\s+', ' ', 'g')) as key
    from report_kinds
    where kind = 'section'
),

totals as (
    select
        line,
        lower(regexp_replace(trim(regexp_replace(label, '^total(\s+for)?\s*', '', 'i')), '\s+', ' ', 'g')) as key
    from report_kinds
    where kind = 'total'
),

-- a section ends at the first total of its name after it, else at the end of the file
spans as (
    select
        sections.line as starts,
        coalesce(min(totals.line), 9223372036854775807) as ends,
        any_value(sections.name) as name,
        any_value(sections.key) as key
    from sections
    left join totals on totals.key = sections.key and totals.line > sections.line
    group by sections.line
),

placed as (
    select
        rows.line,
        arg_max(spans.name, spans.starts) as section,
        arg_max(spans.key, spans.starts) as section_key
    from report_kinds as rows
    inner join spans on rows.line > spans.starts and rows.line < spans.ends
    where rows.kind = 'transaction'
    group by rows.line
)

select
    rows.line,
    rows.kind,
    placed.section,
    placed.section_key
from report_kinds as rows
left join placed using (line)
