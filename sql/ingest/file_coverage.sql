-- How far each file of a ledger or balances load covers (docs/decisions.md #32), in
-- `load_counts`: the date the file states (an importer's, such as an OFX statement's end), else
-- its latest row's date in $raw_table (a ledger line, a bank balance), else the day before its
-- bytes were first written (a file without a dated row vouches for the days before it was
-- written, not for the rest of that day).
update load_counts
set
    covers_basis = case
        when covers_through is not null then 'stated'
        when (
            select max(rows.date) from query_table($raw_table) as rows
            where rows.source_file = load_counts.source_file
        ) is not null then 'latest_row'
        when modified_at is not null then 'modified'
    end,
    covers_through = coalesce(
        covers_through,
        (
            select max(rows.date) from query_table($raw_table) as rows
            where rows.source_file = load_counts.source_file
        ),
        cast(modified_at as date) - 1
    )
