"""Pagination of the register (page and API): a bounded, indexed OFFSET read from whichever end is nearer.

Every offered sort is served by an index on (sort field, crime reference), read forwards or backwards,
so a page costs the rows skipped in the index, never a sort of the table. Pages are read from the end
nearer to them (the last page is the first page of the reversed order), and only the first and last
:data:`MAX_PAGES_FROM_AN_END` pages are served: deeper pages would cost a long index walk and nobody
reads page 10,000 of a register; filters or another sort get there instead. (Keyset cursors would
serve any depth, but lose page numbers and the "last page" link that people and the drill-down use.)

The total is exact for every filtered list (a drill-down's ``count`` equals its figure). Only the
unfiltered full register on PostgreSQL, once large, shows the planner's estimate
(``pg_class.reltuples``, "about 1,005,600") instead of counting a million rows on every page.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import QuerySet, Subquery
from django.utils.functional import cached_property

MAX_PAGES_FROM_AN_END = 200
ESTIMATE_FROM = 100_000  # below this many rows an exact count is cheap
ESTIMATE_ROUNDING = 100


def full_table_count(table: str) -> tuple[int, bool] | None:
    """``(rows, is_estimate)`` of a whole table: the planner's estimate (rounded) when it is at least
    :data:`ESTIMATE_FROM` (one query), else an exact ``COUNT(*)`` (a second). ``None`` when not on
    PostgreSQL. Not one statement with the count in a CASE: PostgreSQL plans the count even when it
    does not run it, and at 10,000,000 rows that plan's cost sends it to JIT compilation and a parallel
    set-up (4 to 21 ms a page, for a count never made)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        (estimate,) = cursor.fetchone() or (0,)
        if estimate >= ESTIMATE_FROM:
            return int(round(estimate / ESTIMATE_ROUNDING) * ESTIMATE_ROUNDING), True
        # The table is a model's, quoted.
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        (exact,) = cursor.fetchone() or (0,)
    return int(exact), False


class PageOutOfReach(InvalidPage):
    """A page deeper than :data:`MAX_PAGES_FROM_AN_END` from both ends."""


class RegisterPaginator(Paginator):
    """A :class:`Paginator` over an ordered queryset that reads late pages from the end (see the module)."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, estimate: bool = False, **kwargs: Any) -> None:
        """``estimate``: the list is the whole table, unfiltered (its total may then be estimated)."""
        super().__init__(object_list, per_page, **kwargs)
        self.queryset = object_list
        self.estimate = estimate

    @cached_property
    def _full_count(self) -> tuple[int, bool] | None:
        return full_table_count(self.queryset.model._meta.db_table) if self.estimate else None

    @property
    def count_is_estimate(self) -> bool:
        return self._full_count is not None and self._full_count[1]

    @cached_property
    def count(self) -> int:
        return self._full_count[0] if self._full_count is not None else self.queryset.count()

    def reachable(self, number: Any) -> int:
        """``number`` validated, and refused (:class:`PageOutOfReach`) when too deep from both ends."""
        number = self.validate_number(number)
        if MAX_PAGES_FROM_AN_END < number <= self.num_pages - MAX_PAGES_FROM_AN_END:
            raise PageOutOfReach(
                f"Only the first and last {MAX_PAGES_FROM_AN_END} pages are shown: "
                "filter or sort the register to reach the others."
            )
        return number

    def get_page(self, number: Any) -> Page:
        """Like Django's, but a page out of reach is the nearest page in reach, not the last page."""
        try:
            number = self.reachable(number)
        except PageNotAnInteger:
            number = 1
        except EmptyPage:
            number = self.num_pages
        except PageOutOfReach:
            number = MAX_PAGES_FROM_AN_END
        return self.page(number)

    def page(self, number: Any) -> Page:
        number = self.reachable(number)
        from_end = self.num_pages - number  # whole pages after this one
        if number <= MAX_PAGES_FROM_AN_END or not self.queryset.query.order_by:
            # Always LIMIT the page size, where Django's paginator limits the last page to the rows counted:
            # for a search matching one row, LIMIT 1 makes PostgreSQL walk the sort order's index to find it
            # (190 ms at 1,000,000 rows) rather than read the trigram index and sort (9 ms). Same rows.
            bottom = (number - 1) * self.per_page
            return Page(_rows(self.queryset, bottom, bottom + self.per_page), number, self)
        reversed_list = self.queryset.reverse()
        if self.count_is_estimate:
            # Counted from the end by whole pages: the last page is the last ``per_page`` rows.
            start = from_end * self.per_page
            rows = list(_rows(reversed_list, start, start + self.per_page))
        else:
            after = max(0, self.count - number * self.per_page)  # rows after this page
            size = min(self.per_page, self.count - (number - 1) * self.per_page)
            rows = list(_rows(reversed_list, after, after + size))
        rows.reverse()
        return Page(rows, number, self)


def _rows(queryset: QuerySet[Any], start: int, stop: int) -> QuerySet[Any]:
    """Rows ``start`` to ``stop`` of an ordered queryset. Past the first page, the rows skipped are walked
    as keys alone and only the page's own rows are read whole: PostgreSQL computes a row's joins and
    sub-selects (the API's ``version``: the latest history row of each) before OFFSET skips it, so page 200
    of the API cost 10,000 of them (32 ms against 2 ms for the keys, at 1,000,000 investigations)."""
    if not start:
        return queryset[:stop]
    keys = queryset.values("pk")[start:stop]
    return queryset.filter(pk__in=Subquery(keys))
