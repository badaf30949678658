"""Tables for staff to open in a spreadsheet: CSV that Finnish Excel reads, and XLSX.

CSV is UTF-8 with a byte order mark, semicolons between cells and CRLF line ends, so it opens
right in Finnish and Swedish Excel. In both formats a cell that starts like a formula (= + - @,
tab, carriage return) is prefixed with ' so a spreadsheet never runs it. Rows are written as they
come, so an export never holds more than one row of its source at a time.
"""

import csv
import io

from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Excel's limit on a sheet name
SHEET_NAME_MAX = 31
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """A cell's text with formula injection defused."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header, rows):
    """The CSV text (BOM first) of ``header`` and the iterable ``rows``."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return out.getvalue()


def xlsx_bytes(header, rows, title):
    """An XLSX workbook of one sheet named ``title``, ``header`` in bold and frozen."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_name(title))
    sheet.freeze_panes = "A2"
    sheet.append([safe_cell(c) for c in header])
    for row in rows:
        sheet.append([safe_cell(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title):
    """``title`` made a valid sheet name (no []:*?/\\, at most 31 characters)."""
    cleaned = "".join(" " if ch in '[]:*?/\\' else ch for ch in str(title)).strip()
    return (cleaned or "Sheet")[:SHEET_NAME_MAX]
