"""Photos drawn for the screenshots (devtools.screenshots): a sample identity card marked
CONTOH (sample) with a synthetic NIK, and a shop front. Nothing of a real person."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def identity_card(nik: str, name: str) -> bytes:
    """A card-shaped sample with the synthetic NIK and name, photographed on a table."""
    table = Image.new("RGB", (1600, 1200), (120, 92, 64))
    card = Image.new("RGB", (1280, 810), (172, 214, 236))
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, 1280, 120), fill=(60, 120, 170))
    draw.text((40, 30), "KARTU CONTOH / SAMPLE CARD", fill="white", font_size=56)
    for row, (label, text) in enumerate(
        [("NIK", nik), ("Nama", name), ("Alamat", "Jl. Contoh No. 1"), ("Status", "CONTOH")]
    ):
        draw.text((40, 190 + row * 110), f"{label:<8} : {text}", fill="black", font_size=52)
    draw.rectangle((960, 200, 1220, 560), fill=(230, 230, 230), outline="black", width=4)
    draw.ellipse((1020, 250, 1160, 390), fill=(150, 150, 150))
    draw.rectangle((1000, 400, 1180, 540), fill=(150, 150, 150))
    table.paste(card.rotate(3, expand=True, fillcolor=(120, 92, 64)), (120, 150))
    return _jpeg(table)


def shop_front(name: str) -> bytes:
    """A small shop with its sign."""
    image = Image.new("RGB", (1600, 1200), (190, 220, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 900, 1600, 1200), fill=(150, 150, 140))
    draw.rectangle((200, 300, 1400, 900), fill=(240, 230, 200), outline=(90, 60, 30), width=8)
    draw.rectangle((160, 220, 1440, 360), fill=(200, 40, 40))
    draw.text((220, 250), name, fill="white", font_size=80)
    draw.rectangle((300, 460, 760, 900), fill=(110, 70, 40))
    draw.rectangle((860, 460, 1300, 760), fill=(160, 200, 230), outline=(90, 60, 30), width=6)
    return _jpeg(image)
