"""Dates shown one way on pages; charts say what they measure, or what to do when there is nothing to draw."""

from datetime import date, datetime, timedelta

from django.template import Context, Template
from django.template.loader import render_to_string


def test_pages_show_dates_as_day_month_in_words_and_year() -> None:
    day = date.today() - timedelta(days=40)
    html = Template('{{ d }}|{{ d|date }}|{{ d|date:"j F Y" }}').render(Context({"d": day}))
    expected = f"{day.day} {day:%B %Y}"
    assert html == "|".join([expected] * 3)
    moment = datetime(day.year, day.month, day.day, 9, 5)
    assert Template("{{ t }}").render(Context({"t": moment})) == f"{expected}, 09:05"


def test_a_chart_with_data_has_a_caption_and_one_without_says_what_to_do() -> None:
    config = {"type": "bar", "labels": ["A", "B"], "datasets": [{"label": "Rate", "data": [0, 12.5]}]}
    html = render_to_string("includes/chart.html", {"config": config, "id": "chart-x", "caption": "Rate by area."})
    assert 'data-chart="chart-x"' in html and "<figcaption" in html and "Rate by area." in html

    empty = {"type": "bar", "labels": ["A"], "datasets": [{"label": "Rate", "data": [None]}]}
    html = render_to_string(
        "includes/chart.html", {"config": empty, "id": "chart-x", "caption": "Rate by area.", "empty": "Choose more."}
    )
    assert "<canvas" not in html and 'data-testid="chart-x-empty"' in html and "Choose more." in html
