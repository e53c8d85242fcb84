-- How many action rules the rules file holds (config.action_rules): the plan says so.
select count(*) as rules from config.action_rules
