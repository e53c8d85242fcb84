-- The rendered report months of the instance $instance that are stale: their inputs' version
-- (meta.report_input_versions) or their report's code version ($code_versions: a list of
-- {kind, code_version}) is not the one they were rendered from. A month never rendered is
-- missing, not stale.
with code as (
    select unnest($code_versions, recursive := true)
)

select
    renders.period,
    renders.kind,
    renders.input_version is distinct from inputs.version as inputs_changed,
    renders.code_version is distinct from code.code_version as code_changed
from meta.report_renders as renders
left join meta.report_input_versions as inputs
    on inputs.instance = renders.instance
    and inputs.kind = renders.kind
    and inputs.period = renders.period
left join code on code.kind = renders.kind
where renders.instance = $instance
    and (
        renders.input_version is distinct from inputs.version
        or renders.code_version is distinct from code.code_version
    )
order by renders.period, renders.kind
