-- How an importer reads an amount as exports write it (docs/importing.md): with the decimal mark
-- the source states ('.' or ','), thousands separators (',' or '.', the other mark, a space or an
-- apostrophe, in groups of three), a currency sign or code before or after, and a minus sign in
-- front, behind ("12.00-") or as parentheses ("(12.00)"). At most two decimals: "12.345" is not
-- guessed at. Cells arrive trimmed, with empty cells as NULL.

-- the parts of a written amount (num is empty when it is not one), with the decimal mark '.' or
-- ','; a no-break space counts as a space and the Unicode minus as a minus (DuckDB wants each
-- pattern with named groups written out)
create or replace temp macro plain_amount_text(v) as
    replace(replace(replace(v, chr(160), ' '), chr(8239), ' '), chr(8722), '-');
create or replace temp macro amount_parts_dot(v) as regexp_extract(
    plain_amount_text(v),
    '^(?P<lead>[-+]?)\s*(?P<open>\(?)\s*(?:[A-Z]{1,3}\s*)?(?:[$€£¥₹]\s*)?(?P<sign>[-+]?)\s*(?P<num>\d{1,3}(?:[, '']\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?|\.\d{1,2})\s*(?:[$€£¥₹]|[A-Z]{3})?\s*(?P<close>\)?)\s*(?P<trail>-?)$',
    ['lead', 'open', 'sign', 'num', 'close', 'trail']
);
create or replace temp macro amount_parts_comma(v) as regexp_extract(
    plain_amount_text(v),
    '^(?P<lead>[-+]?)\s*(?P<open>\(?)\s*(?:[A-Z]{1,3}\s*)?(?:[$€£¥₹]\s*)?(?P<sign>[-+]?)\s*(?P<num>\d{1,3}(?:[. '']\d{3})+(?:,\d{1,2})?|\d+(?:,\d{1,2})?|,\d{1,2})\s*(?:[$€£¥₹]|[A-Z]{3})?\s*(?P<close>\)?)\s*(?P<trail>-?)$',
    ['lead', 'open', 'sign', 'num', 'close', 'trail']
);
create or replace temp macro amount_parts(v, decimal_mark) as
    case decimal_mark when ',' then amount_parts_comma(v) else amount_parts_dot(v) end;

-- how many ways the amount says it is negative (more than one, or a parenthesis not closed, is
-- no amount)
create or replace temp macro minus_marks(p) as
    (p.lead = '-')::integer + (p.sign = '-')::integer + (p.trail = '-')::integer
    + (p.open = '(' and p.close = ')')::integer;
create or replace temp macro is_written_amount(p) as
    p.num <> '' and (p.open = '(') = (p.close = ')') and minus_marks(p) <= 1
    and not (p.lead = '+' and minus_marks(p) > 0);

-- the amount's value, as a number that holds any realistic figure (NULL: too many digits; the
-- contract's limit then refuses the row with its reason)
create or replace temp macro written_amount(p, decimal_mark) as try_cast(
    (case when minus_marks(p) = 1 then '-' else '' end)
    || replace(regexp_replace(p.num, '[^0-9' || decimal_mark || ']', '', 'g'), decimal_mark, '.')
    as decimal(38, 2)
);
