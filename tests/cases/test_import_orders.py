"""The protective-order CSV import: same all-or-nothing contract and error format as the investigation
import, and the legal durations (SRO ≥ 2 years, SHPO ≥ 5, DVPN 48 hours, DVPO 14–28 days) with every
breach inside the order's life."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.importer import ImportRejected
from cases.models import OrderBreach, ProtectiveOrder
from cases.orders_import import import_orders
from tests.cases.factories import InvestigationFactory, ProtectiveOrderFactory

pytestmark = pytest.mark.django_db

HEADER = "crime_reference,order_type,applied_date,granted_date,expiry_date,breaches"


@pytest.fixture
def investigation() -> Any:
    return InvestigationFactory(crime_reference="20/1/24", recorded_date=date(2024, 1, 10))


def _errors(path: Any) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        import_orders(source=path)
    return [str(e) for e in rejected.value.errors]


def test_orders_of_lawful_length_import_with_their_breaches_and_history(
    write_csv: Any, investigation: Any, make_user: Any
) -> None:
    editor = make_user("case_editor")
    path = write_csv(
        HEADER,
        "20/1/24,sro,2024-02-01,2024-02-20,2026-02-20,2024-06-01:yes;2024-07-01",  # exactly 2 years
        "20/1/24,shpo,2024-03-01,2024-03-05,,",  # until further order: no expiry
        "20/1/24,dvpn,2024-01-11,2024-01-11,2024-01-13,2024-01-12:no",  # 48 hours
        "20/1/24,dvpo,2024-01-12,2024-01-13,2024-02-10,",  # 28 days
    )
    result = import_orders(source=path, actor=editor)

    assert (result.orders_created, result.breaches_created) == (4, 3)
    sro = ProtectiveOrder.objects.get(order_type="sro")
    assert [(b.breach_date, b.arrest_made) for b in sro.breaches.all()] == [
        (date(2024, 6, 1), True),
        (date(2024, 7, 1), None),
    ]
    assert sro.history.get().history_user == editor
    assert OrderBreach.history.filter(history_user=editor).count() == 3

    again = import_orders(source=path, actor=editor)  # the same file changes nothing
    assert (again.orders_created, again.orders_updated, again.breaches_created, again.unchanged) == (0, 0, 0, 4)


def test_durations_outside_the_law_and_breaches_outside_an_orders_life_are_errors(
    write_csv: Any, investigation: Any
) -> None:
    path = write_csv(
        HEADER,
        "20/1/24,sro,2024-02-01,2024-02-20,2026-02-19,",  # a day short of 2 years
        "20/1/24,shpo,2024-03-01,2024-03-05,2026-03-04,",  # three years short of 5 (a past date: it never turns true)
        "20/1/24,dvpn,2024-01-11,2024-01-11,2024-01-14,",  # 72 hours
        "20/1/24,dvpo,2024-01-12,2024-01-13,2024-01-26,",  # 13 days
        "20/1/24,dvpo,2024-02-12,2024-02-13,2024-03-13,",  # 29 days
        "20/1/24,spo,2024-04-01,2024-04-10,2026-04-10,2024-04-09",  # breach before the order was made
        "20/1/24,fmpo,2024-04-01,2024-04-10,2024-10-10,2024-10-11:yes",  # breach after it expired
        "20/1/24,fgmpo,2024-04-01,,,2024-05-01",  # never granted
    )
    assert _errors(path) == [
        "row 2, column expiry_date: 2026-02-19 does not fit: a Sexual Risk Order runs at least 2 years from 2024-02-20",
        "row 3, column expiry_date: 2026-03-04 does not fit: a Sexual Harm Prevention Order runs at least 5 years "
        "from 2024-03-05",
        "row 4, column expiry_date: 2024-01-14 does not fit: a Domestic Violence Protection Notice lasts 48 hours "
        "(expiry 2 days after it is made) from 2024-01-11",
        "row 5, column expiry_date: 2024-01-26 does not fit: a Domestic Violence Protection Order runs 14 to 28 days "
        "from 2024-01-13",
        "row 6, column expiry_date: 2024-03-13 does not fit: a Domestic Violence Protection Order runs 14 to 28 days "
        "from 2024-02-13",
        "row 7, column breaches: 2024-04-09 is before the order was made (2024-04-10)",
        "row 8, column breaches: 2024-10-11 is after the order expired (2024-10-10)",
        "row 9, column breaches: an order that was not granted cannot be breached",
    ]
    assert not ProtectiveOrder.objects.exists()


def test_references_codes_dates_and_repeats_are_checked_like_the_investigation_import(
    write_csv: Any, investigation: Any
) -> None:
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    path = write_csv(
        "crime_reference,order_type,applied_date,granted_date,colour",
        "20/9/24,dvpo,2024-02-01,2024-02-02,",
        "20/1/24,asbo,2024-02-01,,",
        f"20/1/24,dvpo,{future},,",
        "20/1/24,dvpo,2024-02-01,2024-01-30,",
    )
    assert _errors(path) == ["row 1, column colour: unknown column"]
    path = write_csv(
        "crime_reference,order_type,applied_date,granted_date",
        "20/9/24,dvpo,2024-02-01,2024-02-02",
        "20/1/24,asbo,2024-02-01,",
        f"20/1/24,dvpo,{future},",
        "20/1/24,dvpo,2024-02-01,2024-01-30",
        "20/1/24,dvpo,2024-02-01,2024-01-30",
        name="second.csv",
    )
    assert _errors(path) == [
        "row 2, column crime_reference: 20/9/24 is not in the register",
        "row 3, column order_type: 'asbo' is not a known code (use one of: shpo, sro, spo, dvpn, dvpo, fmpo, fgmpo, "
        "non_molestation)",
        f"row 4, column applied_date: {future} is in the future",
        "row 5, column granted_date: is before the applied date (2024-02-01)",
        "row 6, column granted_date: is before the applied date (2024-02-01)",
    ]


def test_a_row_for_a_stored_order_updates_it_and_its_stored_breaches_must_stay_inside(
    write_csv: Any, investigation: Any
) -> None:
    order = ProtectiveOrderFactory(
        investigation=investigation,
        order_type="dvpo",
        applied_date=date(2024, 1, 12),
        granted_date=date(2024, 1, 13),
        expiry_date=date(2024, 2, 10),
    )
    OrderBreach.objects.create(order=order, breach_date=date(2024, 2, 5), arrest_made=True)
    shorter = write_csv("crime_reference,order_type,applied_date,expiry_date", "20/1/24,dvpo,2024-01-12,2024-01-30")
    assert _errors(shorter) == ["row 2, column breaches: 2024-02-05 is after the order expired (2024-01-30)"]

    more = write_csv(
        "crime_reference,order_type,applied_date,breaches",
        "20/1/24,dvpo,2024-01-12,2024-02-05:no;2024-02-08:yes",
        name="more.csv",
    )
    result = import_orders(source=more)
    assert (result.breaches_created, result.breaches_updated, result.orders_created) == (1, 1, 0)
    assert [(b.breach_date, b.arrest_made) for b in order.breaches.order_by("breach_date")] == [
        (date(2024, 2, 5), False),
        (date(2024, 2, 8), True),
    ]


def test_the_command_and_the_page_report_errors_the_same_way(
    write_csv: Any, investigation: Any, client: Any, make_user: Any
) -> None:
    bad = write_csv(HEADER, "20/1/24,dvpn,2024-01-11,2024-01-11,2024-01-12,")
    with pytest.raises(CommandError) as failed:
        call_command("import_orders", str(bad), stderr=StringIO())
    assert "row 2, column expiry_date: 2024-01-12 does not fit" in str(failed.value)

    client.force_login(make_user("case_editor"))
    with bad.open("rb") as upload:
        page = client.post("/cases/import/orders/", {"file": upload})
    assert page.status_code == 400 and "2024-01-12 does not fit" in page.content.decode()
    good = write_csv(HEADER, "20/1/24,dvpn,2024-01-11,2024-01-11,2024-01-13,", name="good.csv")
    with good.open("rb") as upload:
        page = client.post("/cases/import/orders/", {"file": upload})
    assert page.status_code == 200 and page.context["result"].orders_created == 1


def test_the_model_refuses_an_order_outside_its_legal_duration() -> None:
    order = ProtectiveOrderFactory.build(
        investigation=InvestigationFactory(),
        order_type="shpo",
        applied_date=date(2024, 1, 1),
        granted_date=date(2024, 1, 2),
        expiry_date=date(2025, 1, 2),
    )
    with pytest.raises(ValidationError) as refused:
        order.full_clean()
    assert "a Sexual Harm Prevention Order runs at least 5 years" in str(refused.value)


def test_a_control_character_in_a_cell_is_refused_before_anything_is_looked_up(
    write_csv: Any, investigation: Any
) -> None:
    path = write_csv(
        "crime_reference,order_type,applied_date",
        "20/1/24\x00,dvpo,2024-02-01",
        "20/1/24,dv\x1bpo,2024-02-01",
    )

    assert _errors(path) == [
        "row 2, column crime_reference: contains a control character (U+0000): remove it",
        "row 3, column order_type: contains a control character (U+001B): remove it",
    ]
    assert not ProtectiveOrder.objects.exists()
