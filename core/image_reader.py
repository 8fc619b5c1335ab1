"""The child process that opens an uploaded image (a council's logo) for core.images. Run
as a script, never imported by the web process or a worker.

An image is decoded by C libraries (Pillow's, cairo's) that trust what a file declares:
a PNG can claim to be 100,000 pixels square in a few hundred bytes. So, as with
spreadsheets (core/sheet_reader.py), the decoding happens here, with a ceiling on the
address space and the CPU time set before the file is touched; the most a file can do is
end this process, and the parent turns that into a message.

What comes back is never the file itself but a re-encoding of it:
- a raster image (PNG, JPEG, GIF) is decoded, its first frame turned upright, scaled to fit
  MAX_SIDE and written again as a PNG with no metadata;
- an SVG is parsed without a DTD, refused if it holds anything that runs, fetches or embeds
  (scripts, event handlers, links outside itself, embedded images, foreign content, CSS
  imports), rewritten with only its drawing, and drawn once to prove it can be.

Protocol: a pickled request on stdin ({"data", "name", "limits"}); a pickled answer on
stdout, either {"error": message} or {"content", "content_type", "width", "height"}.
"""
import io
import pickle
import re
import resource
import sys
import warnings

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# The longest side of a re-encoded raster logo, in pixels: sharp at 30 mm high in print.
MAX_SIDE = 1200
RASTER_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF"}
# What an SVG logo may draw with. Anything else in the SVG namespace is refused (below) or,
# for editors' bookkeeping in other namespaces (Inkscape's, Illustrator's, RDF), dropped.
SVG_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop",
    "clipPath", "mask", "pattern", "style", "metadata", "switch",
}
# Elements that run, fetch, embed or animate: the SVG is refused, saying which.
SVG_REFUSED = {
    "script": "a script", "foreignObject": "embedded web content", "image": "an embedded image",
    "iframe": "embedded web content", "embed": "embedded content", "object": "embedded content",
    "a": "a link", "animate": "an animation", "set": "an animation", "animateMotion": "an animation",
    "animateTransform": "an animation", "animateColor": "an animation", "handler": "a script",
    "filter": "a filter effect", "font-face": "a font to fetch", "cursor": "a cursor to fetch",
    "feImage": "an embedded image",
}
URL_IN_CSS = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
MAX_SVG_ELEMENTS = 20_000
MAX_SVG_DEPTH = 64


class Refusal(Exception):
    """The image is not used; the message says why, in words a person can act on."""


# --- Raster images ----------------------------------------------------------------------------

def _raster(data: bytes, limits: dict) -> dict:
    from PIL import Image, ImageOps

    too_big = ("The image is larger than a logo needs (at most {side:,} pixels a side and {pixels:,} in all). "
               "Save a smaller copy and upload that.")
    Image.MAX_IMAGE_PIXELS = limits["pixels"]
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise Refusal(too_big.format(**limits)) from None
    except Exception:  # noqa: BLE001 - whatever a hostile file makes Pillow raise
        raise Refusal("The file is not a PNG, JPEG, GIF or SVG image, or it is damaged. Save the logo as "
                      "PNG or SVG and upload that.") from None
    with image:
        if image.format not in RASTER_FORMATS:
            raise Refusal(f"The image is a {image.format or 'kind of'} file. Upload the logo as PNG, JPEG, "
                          "GIF or SVG.")
        width, height = image.size
        if width < 1 or height < 1:
            raise Refusal("The image has no pixels.")
        if width * height > limits["pixels"] or max(width, height) > limits["side"]:
            raise Refusal(f"The image is {width:,} by {height:,} pixels. " + too_big.format(**limits))
        with warnings.catch_warnings():
            # Pillow's own bomb check, as an error, behind ours.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                image.seek(0)
                image.load()
                frame = ImageOps.exif_transpose(image)
            except (Image.DecompressionBombWarning, Image.DecompressionBombError):
                raise Refusal(too_big.format(**limits)) from None
            except Exception:  # noqa: BLE001
                raise Refusal("The image could not be read: it is damaged or cut short. Save it again and "
                              "upload that copy.") from None
        has_alpha = frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info)
        clean = frame.convert("RGBA" if has_alpha else "RGB")
        clean.thumbnail((MAX_SIDE, MAX_SIDE))
        clean.info = {}  # no text chunks, no EXIF, no colour profile: only the pixels
        out = io.BytesIO()
        clean.save(out, format="PNG")
        if out.tell() > limits["out_bytes"]:
            raise Refusal("The image is too detailed for a logo (it would take more than "
                          f"{limits['out_bytes'] // 1024:,} KB as a PNG). Save a simpler or smaller copy.")
        return {"content": out.getvalue(), "content_type": "image/png", "width": clean.width,
                "height": clean.height}


# --- SVG ----------------------------------------------------------------------------------------

def _local(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local
    return "", name


def _check_css(text: str, where: str) -> None:
    lowered = text.lower()
    if "@import" in lowered or "@font-face" in lowered:
        raise Refusal(f"The SVG's {where} fetches other files (@import or @font-face). Remove it and "
                      "upload the logo again.")
    if "javascript:" in lowered or "expression(" in lowered:
        raise Refusal(f"The SVG's {where} holds a script. Remove it and upload the logo again.")
    for target in URL_IN_CSS.findall(text):
        if not target.startswith("#"):
            raise Refusal(f"The SVG's {where} refers to a file outside it ({target[:80] or 'an empty url()'}). "
                          "Only references within the SVG (url(#…)) are allowed.")


def _clean_svg_element(element, depth: int, counted: list) -> None:
    counted[0] += 1
    if counted[0] > MAX_SVG_ELEMENTS:
        raise Refusal(f"The SVG has more than {MAX_SVG_ELEMENTS:,} elements, more than a logo needs. "
                      "Simplify it, or save it as PNG, and upload that.")
    if depth > MAX_SVG_DEPTH:
        raise Refusal("The SVG's elements are nested too deeply to be a logo. Simplify it, or save it as PNG.")
    for name in list(element.attrib):
        ns, local = _local(name)
        value = element.attrib[name]
        if local.lower().startswith("on"):
            raise Refusal(f"The SVG runs a script when it is shown ({local} on a <{_local(element.tag)[1]}>). "
                          "Remove it and upload the logo again.")
        if "javascript:" in value.lower().replace(" ", ""):
            raise Refusal("The SVG holds a script (javascript:). Remove it and upload the logo again.")
        if local == "href":
            if not value.strip().startswith("#"):
                raise Refusal(f"The SVG refers to a file outside it ({value[:80]}). Only references within "
                              "the SVG (#…) are allowed: embed what it needs, or save it as PNG.")
            if ns not in ("", XLINK_NS):
                del element.attrib[name]
            continue
        if ns not in ("", XML_NS):
            del element.attrib[name]  # an editor's bookkeeping (inkscape:, sodipodi:, …)
            continue
        if local == "style" or "url(" in value.lower():
            _check_css(value, f"“{local}” attribute")
    for child in list(element):
        if not isinstance(child.tag, str):
            element.remove(child)  # a comment or processing instruction
            continue
        ns, local = _local(child.tag)
        if ns == SVG_NS and local in SVG_REFUSED:
            raise Refusal(f"The SVG holds {SVG_REFUSED[local]} (<{local}>), which a logo may not. Remove it, "
                          "or save the logo as PNG, and upload that.")
        if ns != SVG_NS:
            if local in {n.lower() for n in SVG_REFUSED} or ns.endswith("/xhtml"):
                raise Refusal(f"The SVG holds content from another language (<{local}>), which a logo may "
                              "not. Save the logo as PNG and upload that.")
            element.remove(child)  # another namespace's metadata
            continue
        if local not in SVG_ELEMENTS:
            raise Refusal(f"The SVG holds a <{local}> element, which a logo may not. Save the logo as PNG and "
                          "upload that.")
        if local == "metadata":
            element.remove(child)
            continue
        if local == "style":
            _check_css("".join(child.itertext()), "style sheet")
        _clean_svg_element(child, depth + 1, counted)


def _svg_size(root) -> tuple[float, float]:
    def length(text: str | None) -> float | None:
        match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(px|pt|mm|cm|in)?\s*", text or "")
        return float(match.group(1)) if match else None

    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            width, height = float(box[2]), float(box[3])
        except ValueError:
            raise Refusal("The SVG's viewBox is not four numbers. Save it again from the drawing program.") from None
    else:
        width, height = length(root.get("width")), length(root.get("height"))
    if not width or not height or width <= 0 or height <= 0:
        raise Refusal("The SVG does not say how big it is (it needs a viewBox, or a width and a height). "
                      "Save it again from the drawing program, or as PNG.")
    return width, height


def _svg(data: bytes, limits: dict) -> dict:
    from xml.etree import ElementTree as plain

    import cairosvg
    from defusedxml import DefusedXmlException, ElementTree

    try:
        root = ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise Refusal("The SVG declares a document type or entities, which a logo may not. Save it again "
                      "from the drawing program, or as PNG.") from None
    except plain.ParseError as exc:
        raise Refusal(f"The SVG is not well-formed XML ({exc}). Save it again from the drawing program.") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise Refusal("The file is not an SVG image (its first element is not <svg>). Upload the logo as PNG "
                      "or SVG.")
    _clean_svg_element(root, 0, [0])
    width, height = _svg_size(root)
    plain.register_namespace("", SVG_NS)
    plain.register_namespace("xlink", XLINK_NS)
    content = plain.tostring(root, encoding="utf-8", xml_declaration=True)
    if len(content) > limits["out_bytes"]:
        raise Refusal(f"The SVG is larger than a logo needs (more than {limits['out_bytes'] // 1024:,} KB). "
                      "Simplify it, or save it as PNG.")
    # Draw it once, as the Word file will, to prove it can be drawn (and within the limits).
    drawn_width = min(MAX_SIDE, max(1, round(width)))
    try:
        cairosvg.svg2png(bytestring=content, output_width=drawn_width, unsafe=False)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - whatever cairosvg makes of a strange drawing
        raise Refusal("The SVG could not be drawn. Save it again from the drawing program, or as PNG.") from None
    return {"content": content, "content_type": "image/svg+xml", "width": round(width), "height": round(height)}


def read(request: dict) -> dict:
    data = request["data"]
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")):
        return _svg(data, request["limits"])
    if head.startswith((b"<", b"{")):
        raise Refusal("The file is a web page or a text file, not an image. Upload the logo as PNG or SVG.")
    return _raster(data, request["limits"])


def _limit_self(limits: dict) -> None:
    memory = int(limits["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = int(limits["seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def main() -> int:
    request = pickle.loads(sys.stdin.buffer.read())
    # The libraries load first: finding cairo's shared library writes a temporary file,
    # which the limits below forbid.
    import cairosvg  # noqa: F401
    import defusedxml.ElementTree  # noqa: F401
    import PIL.Image  # noqa: F401

    _limit_self(request["limits"])
    try:
        answer = pickle.dumps(read(request), protocol=pickle.HIGHEST_PROTOCOL)
    except Refusal as exc:
        answer = pickle.dumps({"error": str(exc)})
    except MemoryError:
        answer = pickle.dumps({"error": "The image could not be opened within the memory allowed: it is larger "
                                        "than it looks. Save a smaller copy as PNG and upload that."})
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
