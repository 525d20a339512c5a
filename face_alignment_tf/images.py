"""Images as the front door takes them: files (EXIF orientation applied) or arrays, as uint8
RGB [H, W, 3] pixels.

Files are read with Pillow and turned upright by their EXIF Orientation tag, the way
viewers and annotation tools show them (so points land on the image a person sees).
Modes: 1-bit, grey, grey + alpha, palette, RGB, RGBA, CMYK, YCbCr and 16-bit grey are
converted (alpha dropped, 16-bit scaled by 255 / 65535); anything else is refused by name.
Arrays: grey [H, W] or [H, W, 1], RGB or RGBA; uint8 as is, uint16 scaled from 0..65535,
floats read as [0, 1].
"""

from pathlib import Path

import numpy as np

from data.errors import DataError

SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I")


def load_image(path: str | Path) -> np.ndarray:
    """uint8 [H, W, 3] RGB pixels of an image file, upright; DataError naming the file."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as error:
        raise DataError(path, f"cannot read image: {error}") from None
    if image.mode in SIXTEEN_BIT_MODES:
        return as_rgb_uint8(np.asarray(image).astype(np.uint16), str(path))
    if image.mode not in ("1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr"):
        raise DataError(path, f"unsupported image mode {image.mode!r}")
    return np.asarray(image.convert("RGB"))


def as_rgb_uint8(image: np.ndarray, name: str = "image") -> np.ndarray:
    """An in-memory image (see the module docstring) as uint8 [H, W, 3] RGB."""
    pixels = np.asarray(image)
    if pixels.ndim == 2:
        pixels = pixels[..., None]
    if pixels.ndim != 3 or pixels.shape[2] not in (1, 3, 4) or min(pixels.shape[:2]) < 2:
        raise DataError(name, f"expected [H, W], [H, W, 1|3|4] pixels, got {pixels.shape}")
    if pixels.dtype == np.uint16:
        pixels = np.round(pixels / 257.0)
    elif pixels.dtype.kind == "f":
        if not np.all(np.isfinite(pixels)) or pixels.min() < 0 or pixels.max() > 1:
            raise DataError(name, "float pixels must be finite and in [0, 1]")
        pixels = np.round(pixels * 255.0)
    elif pixels.dtype != np.uint8:
        raise DataError(name, f"pixels of type {pixels.dtype}: give uint8, uint16 or floats")
    pixels = np.repeat(pixels, 3, axis=2) if pixels.shape[2] == 1 else pixels[..., :3]
    return np.ascontiguousarray(pixels, np.uint8)
