"""Draws Ordinal's icon set (run: python3 icons/make_icons.py; needs Pillow).

The mark: an "O" made of three ring segments — pod-0, pod-1, pod-2 of a StatefulSet — around a
solid centre, on a deep-blue rounded square. Drawn at 4x and downsampled for clean edges.
"""
import io
import struct
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent
S = 4096  # supersampled canvas


def draw() -> Image.Image:
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    pad = S // 16
    # vertical gradient rounded square
    grad = Image.new("RGBA", (S, S))
    top, bottom = (0x22, 0x57, 0x9b), (0x10, 0x2b, 0x52)
    gd = ImageDraw.Draw(grad)
    for y in range(S):
        t = y / (S - 1)
        gd.line([(0, y), (S, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)) + (255,))
    mask = Image.new("L", (S, S), 0)
    ImageDraw.Draw(mask).rounded_rectangle([pad, pad, S - pad, S - pad], radius=S // 5, fill=255)
    img.paste(grad, (0, 0), mask)
    # three ordinal arcs with gaps
    r = int(S * 0.29)
    w = int(S * 0.095)
    c = S // 2
    box = [c - r, c - r, c + r, c + r]
    colours = [(255, 255, 255, 255), (0x9f, 0xd3, 0xff, 255), (0x5f, 0xb0, 0xff, 255)]
    gap = 16
    for i, col in enumerate(colours):
        start = -90 + i * 120 + gap / 2
        d.arc(box, start=start, end=start + 120 - gap, fill=col, width=w)
    cr = int(S * 0.065)
    d.ellipse([c - cr, c - cr, c + cr, c + cr], fill=(255, 255, 255, 255))
    return img


def icns(sizes: dict[str, Image.Image]) -> bytes:
    chunks = b""
    for code, im in sizes.items():
        buf = io.BytesIO()
        im.save(buf, "PNG")
        data = buf.getvalue()
        chunks += code.encode() + struct.pack(">I", len(data) + 8) + data
    return b"icns" + struct.pack(">I", len(chunks) + 8) + chunks


def main() -> None:
    big = draw()
    def at(n: int) -> Image.Image:
        return big.resize((n, n), Image.LANCZOS)
    for name, n in {"16x16.png": 16, "24x24.png": 24, "32x32.png": 32, "48x48.png": 48, "64x64.png": 64, "128x128.png": 128, "128x128@2x.png": 256, "256x256.png": 256, "icon.png": 512}.items():
        at(n).save(OUT / name)
    at(256).save(OUT / "icon.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    (OUT / "icon.icns").write_bytes(icns({"ic07": at(128), "ic08": at(256), "ic09": at(512), "ic10": at(1024)}))


if __name__ == "__main__":
    main()
