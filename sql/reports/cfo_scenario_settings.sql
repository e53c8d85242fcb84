-- The CFO's scenarios as configured (config.scenarios): monthly growth of revenue and costs.
select scenario, revenue_growth, cost_growth
from config.scenarios
order by scenario
