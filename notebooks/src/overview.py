# %% [markdown]
# # The six periods at a glance
#
# The book divides Soviet policy towards China into six periods, one chapter each. Their
# boundaries are editorial, set at turning points recorded in the chronology.
# %% tags=hide-input
from sinosoviet import charts, data

periods = data.load("periods")
charts.period_spans(periods)
# %% [markdown]
# The same periods as a table, read from `data/periods.csv`:
# %% tags=hide-input
periods[["order", "title", "date_start", "date_end", "summary"]]
