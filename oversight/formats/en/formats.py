"""Dates shown one way on every page (GOV.UK style: ``2 October 2026``); downloads and the API keep ISO.

Only display formats are set here: input formats stay Django's, so forms parse as before.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
