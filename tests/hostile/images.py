"""Hostile and broken images for the logo upload, made in code (no binary fixtures): each
is a name, the file name it is uploaded as, its bytes and the words the refusal must hold.

Rasters are written chunk by chunk where Pillow would refuse to write what an attacker
would (a PNG that claims 100,000 pixels a side); SVGs are text."""
import io
import struct
import zlib

from PIL import Image


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, *, rows: bytes | None = None, extra: bytes = b"") -> bytes:
    """A PNG as written by hand: 8-bit RGB, its rows deflated (default: as many as fit in a
    small file, all zero, so that a reader trusting the header decodes a vast image)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = rows if rows is not None else zlib.compress(b"\0" * min((width * 3 + 1) * height, 8 * 1024 * 1024), 9)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + extra + _chunk(b"IDAT", data)
            + _chunk(b"IEND", b""))


def pillow(fmt: str, size=(300, 100), mode="RGB", **kw) -> bytes:
    if fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo

        kw.setdefault("pnginfo", PngInfo())
        kw["pnginfo"].add_text("Author", "someone@example.org")
    out = io.BytesIO()
    Image.new(mode, size, (0, 94, 165) if mode == "RGB" else None).save(out, fmt, **kw)
    return out.getvalue()


SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 40">'


def svg(body: str, *, head: str = "", open_tag: str = SVG_OPEN) -> bytes:
    return (head + open_tag + body + "</svg>").encode()


def nested_uses(levels: int = 12, fan: int = 10) -> bytes:
    """The SVG form of the billion laughs: each group draws the one before it ten times."""
    defs = ['<g id="l0"><rect width="1" height="1"/></g>']
    for n in range(1, levels):
        defs.append(f'<g id="l{n}">' + "".join(f'<use xlink:href="#l{n - 1}"/>' for _ in range(fan)) + "</g>")
    return svg("<defs>" + "".join(defs) + f'</defs><use xlink:href="#l{levels - 1}"/>')


HOSTILE = [
    # name, file name, bytes, what the refusal says
    ("png bomb", "logo.png", png(100_000, 100_000), "larger than a logo needs"),
    ("png bomb within Pillow's own limit", "logo.png", png(9_000, 9_000), "larger than a logo needs"),
    ("png one pixel high, very wide", "logo.png", png(30_000, 1), "larger than a logo needs"),
    ("png cut short", "logo.png", pillow("PNG")[:120], "damaged"),
    ("png whose header fails its checksum", "logo.png", pillow("PNG")[:29] + b"\0\0\0\0" + pillow("PNG")[33:],
     "not a PNG"),
    ("png whose rows are garbage", "logo.png", png(300, 100, rows=b"\x78\x9c" + b"\xff" * 400), "damaged"),
    ("png with a huge text chunk", "logo.png",
     png(30, 10, extra=_chunk(b"zTXt", b"k\0\0" + zlib.compress(b"a" * 50_000_000, 9))), "damaged"),
    ("a tiff", "logo.png", pillow("TIFF"), "TIFF"),
    ("a bmp", "logo.png", pillow("BMP"), "BMP"),
    ("jpeg cut short", "logo.jpg", pillow("JPEG")[:200], "damaged"),
    ("html named png", "logo.png", b"<html><script>alert(1)</script></html>", "not an image"),
    ("json named png", "logo.png", b'{"logo": true}', "not an image"),
    ("pdf named png", "logo.png", b"%PDF-1.7\n1 0 obj<<>>endobj\n", "not a PNG"),
    ("zip named png", "logo.png", b"PK\x03\x04" + b"\0" * 200, "not a PNG"),
    ("an executable", "logo.gif", b"MZ\x90\x00" + b"\0" * 200, "not a PNG"),
    ("empty", "logo.png", b"", "empty"),
    ("too big", "logo.png", b"\x89PNG" + b"\0" * (2 * 1024 * 1024 + 10), "smaller than 2 MB"),
    ("wrong extension", "logo.exe", pillow("PNG"), "must be a PNG"),
    ("svg with a script", "logo.svg", svg("<script>alert(1)</script>"), "a script"),
    ("svg with an event handler", "logo.svg", svg("", open_tag=SVG_OPEN.replace(">", ' onload="alert(1)">', 1)),
     "runs a script"),
    ("svg with a javascript link", "logo.svg",
     svg('<a xlink:href="javascript:alert(1)"><rect width="9" height="9"/></a>'), "a link"),
    ("svg with a javascript fill", "logo.svg", svg('<rect width="9" height="9" fill="javascript:alert(1)"/>'),
     "javascript:"),
    ("svg with foreign content", "logo.svg",
     svg('<foreignObject width="9" height="9"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'),
     "embedded web content"),
    ("svg with an external image", "logo.svg", svg('<image xlink:href="http://x.test/a.png" width="9" height="9"/>'),
     "embedded image"),
    ("svg with a data: image", "logo.svg",
     svg('<image href="data:image/png;base64,iVBORw0KGgo=" width="9" height="9"/>'), "embedded image"),
    ("svg using a file", "logo.svg", svg('<use xlink:href="file:///etc/passwd#x"/>'), "outside it"),
    ("svg using another svg", "logo.svg", svg('<use href="other.svg#x"/>'), "outside it"),
    ("svg with css fetching", "logo.svg", svg('<style>@import url(http://x.test/a.css);</style>'), "fetches"),
    ("svg with a css url", "logo.svg", svg('<rect width="9" height="9" style="fill:url(http://x.test/p)"/>'),
     "outside it"),
    ("svg with a fill url attribute", "logo.svg", svg('<rect width="9" height="9" fill="url(file:///etc/passwd)"/>'),
     "outside it"),
    ("svg with an animation", "logo.svg",
     svg('<rect width="9" height="9"><set attributeName="fill" to="red"/></rect>'), "animation"),
    ("svg with a filter", "logo.svg", svg('<filter id="f"><feGaussianBlur stdDeviation="9999"/></filter>'),
     "filter"),
    ("svg with an xxe", "logo.svg",
     svg("<text>&xxe;</text>", head='<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
     "document type"),
    ("svg billion laughs", "logo.svg",
     svg("<text>&l3;</text>", head='<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY l0 "lol"><!ENTITY l1 "&l0;&l0;&l0;">'
                                   '<!ENTITY l2 "&l1;&l1;&l1;"><!ENTITY l3 "&l2;&l2;&l2;">]>'), "document type"),
    ("svg billion uses", "logo.svg", nested_uses(), "too long"),
    ("svg too many elements", "logo.svg", svg('<rect width="1" height="1"/>' * 20_001), "more than 20,000 elements"),
    ("svg nested too deeply", "logo.svg", svg("<g>" * 70 + "</g>" * 70), "nested too deeply"),
    ("svg without a size", "logo.svg",
     svg('<rect width="9" height="9"/>', open_tag='<svg xmlns="http://www.w3.org/2000/svg">'), "how big"),
    ("svg not well formed", "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect', "not well-formed"),
    ("svg in no namespace", "logo.svg", b'<svg viewBox="0 0 9 9"><rect width="9" height="9"/></svg>', "not an SVG"),
    ("xhtml disguised as svg", "logo.svg", b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
     "not an image"),
    ("xhtml behind an xml declaration", "logo.svg",
     b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "not an SVG"),
    ("svg with an unknown element", "logo.svg", svg('<marquee>hi</marquee>'), "<marquee>"),
]

# What a council does upload: each must be accepted and come back re-encoded.
GOOD = [
    ("png with transparency", "crest.png", pillow("PNG", mode="RGBA"), "image/png"),
    ("jpeg", "crest.jpg", pillow("JPEG"), "image/png"),
    ("gif", "crest.gif", pillow("GIF"), "image/png"),
    ("large png, scaled down", "crest.png", pillow("PNG", size=(4000, 1000)), "image/png"),
    ("inkscape svg", "crest.svg", svg(
        '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>'
        '<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"/>'
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#1d70b8"/></linearGradient></defs>'
        '<rect width="100" height="40" style="fill:url(#g)"/><use xlink:href="#g"/>'
        '<text x="5" y="25">Council</text>',
        head='<?xml version="1.0" encoding="UTF-8"?><!-- made by hand -->'), "image/svg+xml"),
]
