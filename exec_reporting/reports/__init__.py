"""Report builders: each turns the metric store into the model of one report for one month."""
