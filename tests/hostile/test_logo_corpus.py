"""Every hostile or broken image (tests/hostile/images.py), and every hostile spreadsheet of
the shared corpus, through the logo upload: each is refused with its reason, and what is
kept of a good one is a re-encoding, never the file as sent."""
import io

import pytest
from PIL import Image

from core.images import ImageRefused, check_image
from tests.hostile import corpus as spreadsheets
from tests.hostile.images import GOOD, HOSTILE


@pytest.mark.parametrize("name, filename, data, words", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_image_is_refused_saying_why(name, filename, data, words):
    with pytest.raises(ImageRefused) as refused:
        check_image(filename, data)
    assert words in str(refused.value), str(refused.value)


# The spreadsheet corpus's images in disguise: real pictures, so as a logo they are fine.
REAL_IMAGES = {"png_named_xlsx"}


@pytest.mark.parametrize("entry", [e for e in spreadsheets.ENTRIES if not e.lazy], ids=lambda e: e.name)
def test_every_hostile_spreadsheet_is_refused_as_a_logo(entry):
    data = spreadsheets.build(entry, limit=0)
    for filename in ("logo.png", "logo.svg"):
        if entry.name in REAL_IMAGES:
            assert check_image(filename, data).content_type == "image/png"
            continue
        with pytest.raises(ImageRefused):
            check_image(filename, data)


@pytest.mark.parametrize("name, filename, data, content_type", GOOD, ids=[g[0] for g in GOOD])
def test_a_good_logo_is_kept_only_as_a_re_encoding(name, filename, data, content_type):
    checked = check_image(filename, data)
    assert checked.content_type == content_type
    assert checked.content != data
    assert b"someone@example.org" not in checked.content
    if content_type == "image/png":
        with Image.open(io.BytesIO(checked.content)) as image:
            assert image.format == "PNG" and max(image.size) <= 1200
            assert not {"exif", "icc_profile", "dpi"} & set(image.info)
    else:
        text = checked.content.decode()
        assert "sodipodi" not in text and "metadata" not in text and "<!--" not in text
        assert 'xlink:href="#g"' in text and "url(#g)" in text


def test_a_jpeg_keeps_its_pixels_not_its_metadata():
    source = Image.new("RGB", (200, 100), (200, 10, 10))
    exif = source.getexif()
    exif[0x010E] = "secret description"  # ImageDescription
    out = io.BytesIO()
    source.save(out, "JPEG", exif=exif.tobytes())
    checked = check_image("crest.jpeg", out.getvalue())
    assert b"secret description" in out.getvalue() and b"secret description" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.size == (200, 100)
        red, green, blue = image.getpixel((100, 50))[:3]
        assert red > 180 and green < 40
