"""CSV files that a French spreadsheet opens as they are: « ; » between cells, UTF-8 with a BOM (so that
Excel reads the accents right), and no cell that it would run as a formula."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet never runs as a formula (a name typed "=HYPERLINK(...)" stays text).
    Phone numbers in "+32 470…" form are kept: digits and spaces only after the sign."""
    if value.startswith(FORMULA_STARTS) and not value.lstrip("+").replace(" ", "").isdigit():
        return "'" + value
    return value


def csv_response(*, filename: str, rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download of ``rows``; a text cell is made safe, a number is written as it is."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    for row in rows:
        writer.writerow(spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in row)
    return response
