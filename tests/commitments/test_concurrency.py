"""A progress update revised from two tabs (or by two people): the older form is refused, not saved
over the newer update (oversight/concurrency.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from commitments.models import ProgressUpdate
from tests.oversight.test_concurrency import STALE, version_on

pytestmark = pytest.mark.django_db


def test_a_progress_update_revised_in_two_tabs_keeps_the_first_and_refuses_the_second(cast: Any) -> None:
    lead = Client()
    lead.force_login(cast.lead)
    url = f"/commitments/{cast.commitment.pk}/update/2025-26-Q2/"
    tab_one = version_on(lead.get(url).content.decode())
    tab_two = version_on(lead.get(url).content.decode())
    assert tab_one == tab_two == "0"  # no update yet

    saved = lead.post(url, {"narrative": "Written in tab one.", "proposed_rating": "GREEN", "version": tab_one})
    assert saved.status_code == 302

    refused = lead.post(url, {"narrative": "Written in tab two.", "proposed_rating": "RED", "version": tab_two})
    assert refused.status_code == 400
    match = STALE.search(refused.content.decode())
    assert match and match.groups() == ("progress update", "Lena Lead")
    update = ProgressUpdate.objects.get()
    assert (update.narrative, update.proposed_rating) == ("Written in tab one.", "GREEN")
