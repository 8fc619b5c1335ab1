"""The options appraisal matrix as an xlsx workbook: the same colour key as the page, and
in every cell its symbol and words too, so the colour is never the only signal. Text a
user typed goes through `core.exports.safe_cell`, so nothing in it runs as a formula."""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.exports import safe_cell

# Light fills close to the GOV.UK tag colours, dark enough text stays readable on them.
FILLS = {"green": "CCE2D8", "yellow": "FFF7BF", "red": "F4CDC6", "grey": "E5E6E7"}


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", start_color=FILLS[colour], end_color=FILLS[colour])


def matrix_xlsx(table: dict, *, title: str) -> bytes:
    """Sheets: the matrix (options in rank order × criteria, then rank, total and outcome),
    the ranking explained, and the key and rules."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Options matrix"
    headers = ["Option", "Title"] + [
        f"{c['linked'] + ' ' if c['linked'] else ''}{c['title']} ({c['detail']})" for c in table["criteria"]
    ] + ["Rank", f"Weighted total (of {table['max_total']})", "Outcome (matrix)", "Outcome that stands",
         "Reason for the override"]
    ws.append([safe_cell(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table["rows"]:
        values = [safe_cell(row["code"]), safe_cell(row["title"])]
        values += [safe_cell(f"{c['symbol']} {c['text']}" + (f" ({c['note']})" if c["note"] else ""))
                   for c in row["cells"]]
        values += [row["rank_text"], row["total"], row["computed_label"], row["outcome_label"],
                   safe_cell(row["override_reason"])]
        ws.append(values)
        r = ws.max_row
        for i, c in enumerate(row["cells"], start=3):
            ws.cell(row=r, column=i).fill = _fill(c["colour"])
    for i in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 14 if i > 2 else 24
    ws.freeze_panes = "C2"

    why = wb.create_sheet("Ranking explained")
    why.append(["Option", "Rank", "Explanation"])
    for cell in why[1]:
        cell.font = Font(bold=True)
    for row in table["rows"]:
        why.append([safe_cell(row["code"]), row["rank_text"], safe_cell(row["explanation"])])
    why.column_dimensions["C"].width = 120

    key = wb.create_sheet("Key and rules")
    key.append([safe_cell(title)])
    key.append(["Key"])
    for item in table["key"]:
        key.append([item["symbol"], item["text"]])
        key.cell(row=key.max_row, column=1).fill = _fill(item["colour"])
    key.append([])
    key.append(["How the options are ranked"])
    for rule in table["rules"]:
        key.append([safe_cell(rule)])
    if table["green_book"]:
        key.append([])
        key.append(["Green Book short-list check"])
        for problem in table["green_book"]:
            key.append([safe_cell(problem)])
    key.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
