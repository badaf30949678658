"""The spreadsheet exports: CSV that Excel opens right, XLSX read back, formulas never run."""

import io

from openpyxl import load_workbook

from shared.spreadsheets import csv_text, safe_cell, xlsx_bytes

HEADER = ["Nimi", "Teksti"]
ROWS = [["Åsa Öberg", "=HYPERLINK(\"http://evil\")"], ["Maija", "-1+2"], ["Pekka", "plain; text"]]


def test_a_formula_looking_cell_is_prefixed():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("fine") == "fine" and safe_cell(None) == "" and safe_cell(3) == "3"


def test_csv_has_a_bom_semicolons_crlf_and_quotes_where_needed():
    text = csv_text(HEADER, iter(ROWS))
    assert text.startswith("\ufeffNimi;Teksti\r\n")
    assert 'Åsa Öberg;"\'=HYPERLINK(""http://evil"")"\r\n' in text
    assert "Maija;'-1+2\r\n" in text
    assert 'Pekka;plain; text' not in text and '"plain; text"' in text


def test_xlsx_reads_back_with_the_same_cells_and_no_formula():
    book = load_workbook(io.BytesIO(xlsx_bytes(HEADER, ROWS, "Kommentit: [syksy]/2026")))
    sheet = book.active
    assert sheet.title == "Kommentit   syksy  2026"
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0] == HEADER
    assert cells[1] == ["Åsa Öberg", "'=HYPERLINK(\"http://evil\")"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_long_sheet_title_is_cut_to_excels_limit():
    book = load_workbook(io.BytesIO(xlsx_bytes(HEADER, [], "x" * 80)))
    assert book.active.title == "x" * 31
