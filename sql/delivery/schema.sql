-- The send ledger: one row per report, month, recipient and edition of the report's content.
-- A row is written as pending before the send call and updated after it, so a crash can never
-- leave a send unrecorded: what is pending or unknown waits for the operator
-- (`exec-reporting deliveries`, `exec-reporting resend --unknown`).
-- The ledger is a DuckDB file of its own (reporting.yaml `send_ledger`), attached to the
-- warehouse connection as the catalog `delivery` (exec_reporting/warehouse.py): `delivery.messages`
-- is the table `messages` of that file. The warehouse itself has no schema `delivery`: DuckDB
-- would find the name ambiguous.

create table if not exists delivery.messages (
    report varchar not null,
    period varchar not null,
    recipient varchar not null,
    -- SHA-256 of the report's JSON edition: the content this message carries
    content_sha256 varchar not null,
    -- 1 for the first edition a recipient gets, 2 and on for corrections
    edition integer not null,
    correction boolean not null,
    subject varchar not null,
    -- every address of the envelope: the recipient and the BCC archive addresses
    envelope varchar[] not null,
    -- pending (about to be sent), sent, failed (refused: nothing sent), unknown (may or may not
    -- have been sent: a timeout or a server error), unchanged (a re-rendered content that reads
    -- the same as the edition sent: never sent)
    status varchar not null,
    message_id varchar,
    attempts integer not null default 0,
    error varchar,
    -- the exact bytes sent: a resend sends them again
    raw blob not null,
    created_at timestamp not null,
    updated_at timestamp not null,
    sent_at timestamp,
    primary key (report, period, recipient, content_sha256)
);

-- The JSON edition of each report content that was sent, to say what changed in a correction.
create table if not exists delivery.editions (
    report varchar not null,
    period varchar not null,
    content_sha256 varchar not null,
    figures varchar not null,
    recorded_at timestamp not null,
    primary key (report, period, content_sha256)
);

-- Months whose pack is held back because an entity's data does not cover the month yet: the
-- delivery step writes them, the CEO report of a later month lists them, and a month is
-- released (its rows deleted) once its pack goes out.
create table if not exists delivery.held_periods (
    period varchar not null,
    entity_id varchar not null,
    name varchar not null,
    last_ledger_date date,
    noted_at timestamp not null
);
-- How far the entity's data reached when the pack was held (metrics.coverage), and the file
-- that said so.
alter table delivery.held_periods add column if not exists covers_through date;
alter table delivery.held_periods add column if not exists source_file varchar;
