-- metrics.ota_sequence: one row per entity, month of its series and configured online travel
-- agency (config.otas) that suits the entity's kind but does not list it that month, ranked in
-- the order to add them: largest audience net of commission first.
-- owner: cmo
-- grain: entity_id, month, ota
with listed as (
    -- listed = a channels.csv row for the OTA that month with listed = yes; a missing row or a
    -- "no" both leave the OTA to add
    select entity_id, month, channel as ota
    from metrics.channel_matrix
    where listed
),

candidates as (
    select
        months.entity_id,
        months.month,
        otas.name as ota,
        otas.commission,
        otas.audience,
        -- the score: the people the platform reaches, weighted by the share of each sale the
        -- business keeps after the commission (exact: a bigint times a decimal)
        otas.audience * (1 - otas.commission) as exact_net_audience
    from metrics.entity_months as months
    inner join config.entities as entities using (entity_id)
    inner join config.otas as otas on list_contains(otas.kinds, entities.kind)
    anti join listed
        on months.entity_id = listed.entity_id
        and months.month = listed.month
        and otas.name = listed.ota
),

-- ties on the score go to the lower commission, then to the name, so the order is stable
ranked as (
    select
        *,
        row_number() over (
            partition by entity_id, month
            order by exact_net_audience desc, commission, ota
        ) as ota_rank,
        count(*) over (partition by entity_id, month) as candidate_count,
        lag(ota) over (
            partition by entity_id, month
            order by exact_net_audience desc, commission, ota
        ) as previous_ota
    from candidates
),

-- other entities already listed on the OTA that month, as evidence that it sells: "JADA is
-- listed there (2 bookings this month)"
peers as (
    select
        ranked.entity_id,
        ranked.month,
        ranked.ota,
        string_agg(
            peer_names.name || ' is listed there ('
            || matrix.bookings
            || case when matrix.bookings = 1 then ' booking' else ' bookings' end
            || ' this month)',
            '; '
            order by matrix.bookings desc, peer_names.name
        ) as peer_evidence
    from ranked
    inner join metrics.channel_matrix as matrix
        on ranked.month = matrix.month
        and ranked.ota = matrix.channel
        and ranked.entity_id != matrix.entity_id
        and matrix.listed
    inner join config.entities as peer_names on matrix.entity_id = peer_names.entity_id
    group by ranked.entity_id, ranked.month, ranked.ota
),

-- figures written for the reason sentence: 45.0M, 1.3M, 950.0K, 800; 20.0%. Whole numbers are
-- rounded half up in integer arithmetic (tenths of a million or of a thousand), so 1,250,000
-- reads 1.3M, never 1.2M from a binary fraction.
rounded as (
    select
        ranked.*,
        peers.peer_evidence,
        round(ranked.exact_net_audience)::bigint as net_audience
    from ranked
    left join peers using (entity_id, month, ota)
),

worded as (
    select
        *,
        case
            when audience >= 999950
                then ((audience + 50000) // 100000 // 10)::varchar || '.'
                || ((audience + 50000) // 100000 % 10)::varchar || 'M'
            when audience >= 1000
                then ((audience + 50) // 100 // 10)::varchar || '.'
                || ((audience + 50) // 100 % 10)::varchar || 'K'
            else audience::varchar
        end as audience_words,
        case
            when net_audience >= 999950
                then ((net_audience + 50000) // 100000 // 10)::varchar || '.'
                || ((net_audience + 50000) // 100000 % 10)::varchar || 'M'
            when net_audience >= 1000
                then ((net_audience + 50) // 100 // 10)::varchar || '.'
                || ((net_audience + 50) // 100 % 10)::varchar || 'K'
            else net_audience::varchar
        end as net_audience_words,
        (commission * 100)::decimal(10, 1)::varchar || '%' as commission_words
    from rounded
)

select
    entity_id,
    month,
    ota,
    ota_rank,
    commission::double as commission,
    audience,
    net_audience,
    case
        when candidate_count = 1 then 'Only suitable OTA not listed yet: '
        when ota_rank = 1 then 'Largest audience net of commission: '
        else 'Next after ' || previous_ota || ': '
    end
    || net_audience_words || ' of ' || audience_words || ' reached, after a '
    || commission_words || ' commission'
    || coalesce('; ' || peer_evidence, '')
    || '.' as ota_reason
from worded
order by entity_id, month, ota_rank
