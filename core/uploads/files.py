"""Checking a file before anything opens it: its name, size and first bytes, and for an
xlsx the zip's table of contents (a zip bomb would otherwise fill memory). Also the one
way to read a stored upload's bytes back, within the same limit."""
import io
import zipfile

from django.conf import settings

from core.models import Upload
from core.sheets import sheet_limits
from core.uploads.spec import FileReader, UploadError, get_upload_spec

ALLOWED_EXTENSIONS = (".xlsx", ".csv")
# Files people do send, refused with what to do instead.
REFUSED_EXTENSIONS = {
    ".xls": ("The selected file is an Excel 97-2003 workbook (.xls), which cannot be read. Open it in "
             "Excel and save it as \"Excel Workbook (.xlsx)\", then upload that."),
    ".xlsm": ("The selected file is a workbook with macros (.xlsm). Save it in Excel as \"Excel Workbook "
              "(.xlsx)\", which removes the macros, and upload that."),
    ".xlsb": ("The selected file is an Excel binary workbook (.xlsb), which cannot be read. Save it in "
              "Excel as \"Excel Workbook (.xlsx)\" and upload that."),
    ".ods": ("The selected file is an OpenDocument spreadsheet (.ods). Save it as \"Excel Workbook "
             "(.xlsx)\" or as CSV, and upload that."),
}
# The first bytes of an OLE container: an .xls, or a password-protected workbook.
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# How many parts an xlsx's zip may list, checked before it is opened. (What the parts may
# hold once unpacked is the UPLOAD_MAX_UNZIPPED_BYTES limit of core.sheets.)
XLSX_MAX_ENTRIES = 1000


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _extension(name: str) -> str:
    name = (name or "").lower()
    return name[name.rfind("."):] if "." in name else ""


def check_file(name: str, data: bytes, reader: FileReader | None = None) -> None:
    """Refuse a file we should not open, with a message that says why. Nothing is parsed:
    this looks only at the name, the size and the first bytes (and, for an xlsx, the zip's
    table of contents). With a kind's own `reader`, only its extensions are taken."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise UploadError(f"The file must be smaller than {_megabytes(limit)}.")
    if not data:
        raise UploadError("The selected file is empty.")
    ext = _extension(name)
    if reader is not None:
        if ext not in reader.extensions:
            raise UploadError(reader.wrong_type)
        return
    if ext in REFUSED_EXTENSIONS:
        raise UploadError(REFUSED_EXTENSIONS[ext])
    if ext not in ALLOWED_EXTENSIONS:
        raise UploadError("The selected file must be an Excel workbook (.xlsx) or a CSV file (.csv).")
    if data.startswith(OLE_MAGIC):
        # Excel 97-2003 workbooks and password-protected workbooks of any age are OLE
        # containers; an encrypted xlsx keeps its real content in "EncryptedPackage".
        if "EncryptedPackage".encode("utf-16-le") in data[:1024 * 1024] or ext == ".xlsx":
            raise UploadError("The workbook is protected with a password, so it cannot be read. Remove "
                              "the password in Excel (File > Info > Protect Workbook > Encrypt with "
                              "Password, then clear it), save it and upload it again.")
        raise UploadError(REFUSED_EXTENSIONS[".xls"])
    if ext == ".xlsx":
        _check_xlsx_zip(data)
    elif data[:4] == b"PK\x03\x04":
        raise UploadError("The selected file is a zip archive or an Excel workbook, not a CSV file. "
                          "Upload it with the .xlsx name Excel gave it, or save it as CSV.")


def _check_xlsx_zip(data: bytes) -> None:
    bad = ("The selected file is not a valid Excel workbook. Save it from Excel as "
           "\"Excel Workbook (.xlsx)\" and upload it again.")
    stream = io.BytesIO(data)
    if not zipfile.is_zipfile(stream):
        raise UploadError(bad)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadError(bad) from None
    if len(entries) > XLSX_MAX_ENTRIES:
        raise UploadError(f"The workbook has too many parts ({len(entries):,}) to be a normal "
                          "spreadsheet. Copy the data into a new workbook and upload that.")
    declared = sum(e.file_size for e in entries)
    most = sheet_limits()["unzipped_bytes"]
    if declared > most:
        raise UploadError(f"The workbook would be {_megabytes(declared)} once opened, more than the "
                          f"{_megabytes(most)} allowed. Remove unused sheets or "
                          "images, or save the data as CSV.")


def _stored_bytes(upload: Upload) -> bytes:
    """The stored file, read no further than the upload limit allows."""
    with upload.file.open("rb") as f:
        data = f.read(max_upload_bytes() + 1)
    try:
        reader = get_upload_spec(upload.kind).file_reader
    except ValueError:  # a kind no longer registered is read as a spreadsheet, as it was
        reader = None
    check_file(upload.original_name, data, reader)
    return data
