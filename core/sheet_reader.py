"""The child process that opens an xlsx workbook for core.sheets. Run as a script, never
imported by the web process or a worker.

python-calamine is Rust: when a workbook makes it ask for more memory than there is (a
sheet whose cells stand at A1 and XFD1048576 asks for 512 GiB), Rust aborts the whole
process, and no Python `except` can stop that. So the reading happens here, in a process
of its own, with a ceiling on its address space and CPU time set before the file is
touched; whatever the file does, the most it can do is end this process, and the parent
turns that into a message on the upload.

Protocol: a pickled request on stdin ({"data", "sheet", "limits", "rows"}); a pickled
answer on stdout, either {"error": message} or the sheet's metadata and, when asked for,
its used area as rows of Python values. Only the standard library, defusedxml and
python-calamine are imported, so the process starts in a few tens of milliseconds.
"""
import datetime
import io
import math
import pickle
import re
import resource
import sys
import zipfile

CHUNK = 1 << 20
# A sheet's <dimension ref="..."/> stands before its data, in the first few hundred bytes.
HEAD = 64 * 1024
# A cell's opening tag up to its reference, whatever attributes stand before it and
# whichever quotes a writer used: <c r="B7">, <c s="3" r='B7' t="n">.
CELL_START = rb'<c\b[^>]*?\sr=["\']'
CELL_REF = re.compile(CELL_START + rb'([A-Z]{1,4})([0-9]{1,8})["\']')
DIMENSION = re.compile(rb'<dimension\s+ref=["\']([A-Z]{1,4})?([0-9]{1,8})?(?::([A-Z]{1,4})([0-9]{1,8}))?["\']')
# A formula cell whose saved result is missing: <f>…</f> (or <f …/>) then no <v>, or an
# empty one, before the cell closes.
FORMULA_WITHOUT_VALUE = re.compile(
    CELL_START + rb'([A-Z]{1,4}[0-9]{1,8})["\'][^>]*>\s*<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)\s*'
    rb'(?:<v\s*/>|<v>\s*</v>)?\s*</c>')
MACRO_PARTS = ("xl/vbaProject.bin", "xl/macrosheets/", "xl/dialogsheets/")
TOO_BIG_FOR_MEMORY = (
    "The workbook could not be read within the memory allowed. It is larger than it looks (a "
    "sheet may claim far more rows or columns than it uses): copy just the data into a new "
    "workbook, or save it as CSV, and upload that.")


class Refusal(Exception):
    """The file is not read; the message says why, in words a person can act on."""


def column_number(letters: bytes | str) -> int:
    """A1-style column letters as a 1-based number: A → 1, XFD → 16384."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    """(1-based row, 1-based column) → "B7"."""
    return f"{column_letters(column)}{row}"


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f} MB"


def _check_parts(archive: zipfile.ZipFile, limits: dict, skip: str) -> int:
    """Inflate every part but the sheet to be read (`_scan` counts that one), counting what
    each really holds: a zip can declare a small size and inflate to gigabytes, so the
    declared sizes checked earlier are not enough. Returns the bytes counted."""
    names = archive.namelist()
    if any(n == p or n.startswith(p) for n in names for p in MACRO_PARTS):
        raise Refusal("The workbook contains macros. Save it in Excel as \"Excel Workbook (.xlsx)\", "
                      "which removes them, and upload it again.")
    total = 0
    for info in archive.infolist():
        if info.filename == skip:
            continue
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                total += len(chunk)
                _check_unzipped(total, limits)
    return total


def _check_unzipped(total: int, limits: dict) -> None:
    if total > limits["unzipped_bytes"]:
        raise Refusal(f"The workbook holds more than {_size(limits['unzipped_bytes'])} once "
                      "unpacked. Remove unused sheets or images, or save the data as CSV.")


STATES = {None: "Visible", "visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}


def _worksheets(archive: zipfile.ZipFile) -> list[tuple[str, str, str]]:
    """(name, visibility, zip path) of each worksheet, in the workbook's order, read from
    the workbook and its relationships (small files, parsed with defusedxml, which refuses
    entity tricks). Chart sheets are left out: they hold no cells."""
    from defusedxml import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for r in rels:
        target = r.get("Target", "")
        target = target[1:] if target.startswith("/") else f"xl/{target}"
        targets[r.get("Id")] = target
    sheets = []
    for sheet in book.iter(f"{main}sheet"):
        part = targets.get(sheet.get(f"{rel}id"), "")
        if "worksheets/" in part:
            sheets.append((sheet.get("name"), STATES.get(sheet.get("state"), "Hidden"), part))
    return sheets


def _digits_pattern(letters: int, digits: int, *, quick: bool = False) -> re.Pattern:
    """A cell reference with more column letters, or more row digits, than the limits can
    have: searching for one runs in C, with no Python work per cell. The quick pattern
    looks only at `r="...` (it finds every reference the full one does, and perhaps text
    that only looks like one) and is five times faster: only where it finds something is
    the full pattern, which checks that the reference is a cell's, searched for."""
    start = rb'r=["\']' if quick else CELL_START
    return re.compile(start + rb'(?:[A-Z]{%d,}[0-9]|[A-Z]{1,4}[0-9]{%d,}["\'])' % (letters + 1, digits + 1))


def _scan(archive: zipfile.ZipFile, part: str, sheet: str, limits: dict, counted: int) -> list[str]:
    """Check the sheet's declared dimension and its largest row and column before any
    cell is read (calamine sets aside memory for every cell between the first and the
    last), and list the formula cells that have no saved result."""
    too_big = ("The sheet '{sheet}' {verb} {rows:,} rows by {columns:,} columns; files up to "
               f"{limits['rows']:,} rows and {limits['columns']:,} columns "
               f"(and {limits['cells']:,} cells in all) can be loaded.")

    def refuse(rows: int, columns: int, verb: str) -> None:
        raise Refusal(too_big.format(sheet=sheet, verb=verb, rows=rows, columns=columns))

    letters, digits = len(column_letters(limits["columns"])), len(str(limits["rows"]))
    far = _digits_pattern(letters, digits)
    near_far = _digits_pattern(letters, digits, quick=True)
    missing: list[str] = []
    tail = b""
    total = counted
    with archive.open(part) as stream:
        head = stream.read(HEAD)
        found = DIMENSION.search(head)
        if found and found.group(3):
            rows, columns = int(found.group(4)), column_number(found.group(3))
            if rows > limits["rows"] or columns > limits["columns"] or rows * columns > limits["cells"]:
                refuse(rows, columns, "claims")
        chunk = head
        while chunk:
            total += len(chunk)
            _check_unzipped(total, limits)
            text = tail + chunk
            if near_far.search(text) and far.search(text):
                refuse(*_extent(archive, part), "has cells as far as")
            if b"<f" in text:
                missing.extend(m.decode() for m in FORMULA_WITHOUT_VALUE.findall(text))
            # Keep the end of this chunk, so a cell split across two chunks is seen whole.
            cut = text.rfind(b"<c ")
            tail = text[cut:] if cut >= 0 and len(text) - cut < 4096 else b""
            chunk = stream.read(CHUNK)
    return sorted(set(missing), key=lambda ref: (int(re.sub(r"\D", "", ref)), ref))


def _extent(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """The largest row and column any cell of the sheet names (for the message only: this
    is the slow, cell-by-cell reading of the references)."""
    max_row = max_column = 0
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            text = tail + chunk
            refs = CELL_REF.findall(text)
            if refs:
                max_row = max(max_row, max(int(r) for _, r in refs))
                max_column = max(max_column, max(column_number(c) for c in {c for c, _ in refs}))
            tail = text[-64:]
    return max_row, max_column


# Rows looked at together, column by column, by _may_have_problems: one zip(*rows) over a
# whole 100,000-row sheet costs more than twice what the same work in blocks does.
BLOCK_ROWS = 1000


def _may_have_problems(rows: list, longest: int) -> bool:
    """Whether any cell could be a number that is not a number or text longer than
    `longest`, found column by column in C (a column is nearly always of one kind); False
    means none is, True that `_cells_problems` must look cell by cell."""
    if len(set(map(len, rows))) > 1:
        return True
    for start in range(0, len(rows), BLOCK_ROWS):
        for column in zip(*rows[start:start + BLOCK_ROWS], strict=True):
            kinds = set(map(type, column))
            if str in kinds:
                texts = column if len(kinds) == 1 else [v for v in column if type(v) is str]
                if max(map(len, texts)) > longest:
                    return True
            if float in kinds:
                numbers = column if len(kinds) == 1 else [v for v in column if type(v) is float]
                # The sum of finite numbers is finite unless it overflows, and then the
                # cells are looked at one by one: a NaN or an infinity is never missed.
                if not math.isfinite(sum(numbers)) and not all(map(math.isfinite, numbers)):
                    return True
    return False


def _cells_problems(rows: list, first_row: int, first_column: int, sheet: str, limits: dict) -> None:
    """Numbers that are not numbers (NaN, infinity) and cells longer than Excel allows (the
    first one in reading order, row by row)."""
    longest = limits["cell_characters"]
    if not _may_have_problems(rows, longest):
        return
    for i, values in enumerate(rows):
        for j, v in enumerate(values):
            kind = type(v)
            if kind is str:
                if len(v) > longest:
                    raise Refusal(f"The sheet '{sheet}', cell {cell_name(first_row + i, first_column + j)}, "
                                  f"holds {len(v):,} characters; a cell can hold up to {longest:,}.")
            elif kind is float and not math.isfinite(v):
                raise Refusal(f"The sheet '{sheet}', cell {cell_name(first_row + i, first_column + j)}, "
                              "holds a number that is not a real number (NaN or infinity). Enter the amount "
                              "or leave the cell empty.")


def _share_equal_dates(rows: list) -> None:
    """Make equal dates in a column one object. A ledger has a few hundred dates in
    100,000 lines, and pickle sends an object it has sent before as a short reference: this
    halves the time the answer takes to pickle, and to unpickle in the parent."""
    if len(set(map(len, rows))) > 1:
        return  # calamine's rows are all as wide as the sheet; anything else is left as it is
    kinds = {datetime.date, datetime.datetime}
    shared: dict = {}
    for start in range(0, len(rows), BLOCK_ROWS):
        block = rows[start:start + BLOCK_ROWS]
        for j, column in enumerate(zip(*block, strict=True)):
            if kinds.isdisjoint(map(type, column)):
                continue
            for row, value in zip(block, map(shared.setdefault, column, column), strict=True):
                row[j] = value


def read(request: dict) -> dict:
    from python_calamine import CalamineWorkbook

    limits = request["limits"]
    data = request["data"]
    wanted = request.get("sheet")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        sheets = _worksheets(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise Refusal("The selected file is not a valid Excel workbook. Save it from Excel as "
                      "\"Excel Workbook (.xlsx)\" and upload it again.") from exc
    except Exception as exc:  # defusedxml's refusals and malformed workbook XML
        raise Refusal("The workbook's structure could not be read (it may be damaged, or hold "
                      "content that is not allowed). Save it again from Excel and upload it.") from exc
    if wanted is not None:
        chosen = [s for s in sheets if s[0] == wanted]
        if not chosen:
            raise Refusal(f"The workbook has no sheet called '{wanted}'.")
    else:
        chosen = [s for s in sheets if s[1] == "Visible"]
        if not chosen:
            raise Refusal("The workbook has no visible sheet with cells. Show the sheet that holds the "
                          "data in Excel (right-click a sheet tab > Unhide), or choose the hidden sheet.")
    name, _state, part = chosen[0]
    try:
        counted = _check_parts(archive, limits, skip=part)
        missing = _scan(archive, part, name, limits, counted)
    except Refusal:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise Refusal("The selected file is damaged (part of it could not be unpacked). Save it again "
                      "from Excel and upload it.") from exc
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:
        raise Refusal("The selected file could not be read. Check it opens in Excel and upload it again.") from exc
    try:
        sheet = book.get_sheet_by_name(name)
        (row0, col0), height, width = sheet.start or (0, 0), sheet.height, sheet.width
        if height > limits["rows"] or width > limits["columns"] or height * width > limits["cells"]:
            raise Refusal(f"The sheet '{name}' has {height:,} rows by {width:,} columns; files up to "
                          f"{limits['rows']:,} rows and {limits['columns']:,} columns can be loaded.")
        answer = {"sheets": [(n, state) for n, state, _part in sheets], "sheet": name,
                  "first_row": row0 + 1, "first_column": col0 + 1, "height": height, "width": width,
                  "merged": [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in (sheet.merged_cell_ranges or [])],
                  "formulas_without_value": missing, "rows": None}
        rows = sheet.to_python(skip_empty_area=True) if height and width else []
        _cells_problems(rows, row0 + 1, col0 + 1, name, limits)
        if request.get("rows"):
            _share_equal_dates(rows)
            answer["rows"] = rows
        return answer
    except Refusal:
        raise
    except Exception as exc:
        raise Refusal("The selected file could not be read. Check it opens in Excel and upload it again.") from exc
    finally:
        book.close()


def _limit_self(limits: dict) -> None:
    memory = int(limits["reader_memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = int(limits["reader_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    # The reader writes no file; a file a workbook tricked it into writing could not grow.
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def main() -> int:
    request = pickle.loads(sys.stdin.buffer.read())
    _limit_self(request["limits"])
    try:
        answer = pickle.dumps(read(request), protocol=pickle.HIGHEST_PROTOCOL)
    except Refusal as exc:
        answer = pickle.dumps({"error": str(exc)})
    except MemoryError:
        answer = pickle.dumps({"error": TOO_BIG_FOR_MEMORY})
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
