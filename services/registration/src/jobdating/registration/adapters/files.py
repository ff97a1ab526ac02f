"""Reading the spreadsheets partners keep: CSV (any common separator, UTF-8 or Windows-1252) or XLSX.

Rows stream one at a time (openpyxl in read-only mode, csv over a text wrapper), so a 100,000-row file is
never held in memory. Every cell comes out as text, the way a person would read it in the sheet.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import openpyxl

from jobdating.registration.application.import_table import Row, Table, cell_text


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX table we can read; the message is for the person who sent it."""


def read_table(source: Path | str | IO[bytes], filename: str | None = None) -> Table:
    """Open a CSV or XLSX table, by its name's extension or, failing that, by its first bytes."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        return read_table(path.open("rb"), filename or path.name)
    name = (filename or "").lower()
    head = source.read(4)
    source.seek(0)
    if name.endswith((".xlsx", ".xlsm")) or head == b"PK\x03\x04":
        return read_xlsx(source)
    if name.endswith((".csv", ".txt")) or not name:
        return read_csv(source)
    raise UnreadableFile("format de fichier non reconnu : un fichier CSV ou XLSX est attendu")


def read_csv(binary: IO[bytes]) -> Table:
    """A CSV file: separator `;`, `,` or tab (whichever the header uses most), UTF-8 or Windows-1252."""
    encoding = _encoding(binary)
    sample = binary.read(65536)
    binary.seek(0)
    lines = sample.decode(encoding, errors="replace").splitlines()
    delimiter = max([";", ",", "\t"], key=lines[0].count) if lines else ";"
    # errors="replace" only matters for the five bytes Windows-1252 leaves undefined.
    text = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")
    reader = enumerate(csv.reader(text, delimiter=delimiter), start=1)
    found = _header(reader)
    if found is None:
        text.close()
        raise UnreadableFile("aucune ligne d'en-têtes trouvée : la première ligne doit nommer les colonnes")
    _, headers = found

    def generate() -> Iterator[Row]:
        try:
            for number, cells in reader:
                cleaned = [c.strip() for c in cells]
                if any(cleaned):
                    yield number, cleaned
        finally:
            text.close()

    return Table(headers=headers, rows=generate())


def read_xlsx(binary: IO[bytes]) -> Table:
    """The first sheet of an XLSX workbook; its first non-empty row holds the headers."""
    try:
        workbook = openpyxl.load_workbook(binary, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise UnreadableFile("classeur XLSX illisible : enregistrez-le à nouveau depuis le tableur") from exc
    sheet = workbook.worksheets[0]
    rows = enumerate(sheet.iter_rows(values_only=True), start=1)
    found = _header((n, [cell_text(v) for v in values]) for n, values in rows)
    if found is None:
        workbook.close()
        raise UnreadableFile("aucune ligne d'en-têtes trouvée dans la première feuille du classeur")
    _, headers = found
    width = len(headers)

    def generate() -> Iterator[Row]:
        try:
            for number, values in rows:
                cells = [cell_text(v) for v in values[:width]]
                if any(cells):
                    yield number, cells + [""] * (width - len(cells))
        finally:
            workbook.close()

    return Table(headers=headers, rows=generate())


def _header(rows: Iterator[tuple[int, list[str]]], look: int = 20) -> tuple[int, list[str]] | None:
    """The first row naming at least two columns: a title line above the table names at most one."""
    for number, cells in rows:
        cleaned = [str(c).strip() for c in cells]
        if sum(1 for c in cleaned if c) >= 2:
            return number, cleaned
        if number >= look:
            return None
    return None


def _encoding(binary: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else Windows-1252 (Excel's "CSV")."""
    start = binary.read(3)
    if start == b"\xef\xbb\xbf":
        binary.seek(0)
        return "utf-8-sig"
    binary.seek(0)
    # The whole file is checked: a Windows-1252 accent on row 90,000 must not stop an import half done.
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := binary.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        binary.seek(0)
    return "utf-8"
