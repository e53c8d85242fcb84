-- raw.assets: what each entity owns.
select
    -- where it came from
    entity_id,
    source_file,
    line,
    -- the asset
    asset_id,
    name,
    category,
    as_date(acquired_on) as acquired_on,
    as_money(cost) as cost,
    as_money(book_value) as book_value,
    coalesce(lower(status), 'active') as status
from stage
anti join load_quarantine using (source_file, line, part)
order by entity_id, line
