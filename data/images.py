"""Reading images the same way everywhere (conversion, training, evaluation, aligners, bench).

Files are read with Pillow and turned upright by their EXIF Orientation tag, the way viewers
and annotation tools show them (so landmarks made on the displayed image land on the face).
Modes: 1-bit, grey, grey + alpha, palette, RGB, RGBA, CMYK, YCbCr and 16-bit grey are
converted (alpha dropped, 16-bit scaled by 255 / 65535); anything else is refused by name.

In-memory arrays: grey [H, W] or [H, W, 1], RGB or RGBA [H, W, 3|4], read by their values:
uint8 0..255, uint16 0..65535, any other integer type 0..255 (refused when its values leave
that range), floats in [0, 1] (refused outside it).
"""

from pathlib import Path

import numpy as np

from data.errors import DataError

SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I")
CONVERTED_MODES = ("1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr")
MIN_IMAGE_SIDE = 2


def load_image(path: str | Path) -> np.ndarray:
    """uint8 [H, W, 3] RGB pixels of an image file, upright; DataError naming the file."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened)
            image.load()
    except FileNotFoundError:
        raise DataError(path, "image file does not exist") from None
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as error:
        raise DataError(path, f"cannot read image: {error}") from None
    if image.mode in SIXTEEN_BIT_MODES:
        return as_rgb_uint8(np.asarray(image).astype(np.uint16), str(path))
    if image.mode not in CONVERTED_MODES:
        raise DataError(path, f"unsupported image mode {image.mode!r}")
    return as_rgb_uint8(np.asarray(image.convert("RGB")), str(path))


def _checked_channels(image: np.ndarray, name: str) -> np.ndarray:
    pixels = np.asarray(image)
    if pixels.ndim == 2:
        pixels = pixels[..., None]
    if pixels.ndim != 3 or pixels.shape[2] not in (1, 3, 4):
        raise DataError(name, f"expected [H, W], [H, W, 1|3|4] pixels, got {pixels.shape}")
    if min(pixels.shape[:2]) < MIN_IMAGE_SIDE:
        raise DataError(name, f"image is too small ({pixels.shape[0]}x{pixels.shape[1]})")
    return np.repeat(pixels, 3, axis=2) if pixels.shape[2] == 1 else pixels[..., :3]


def _full_scale(pixels: np.ndarray, name: str) -> float:
    """The value that means full intensity for these pixels' type and values."""
    if pixels.dtype == np.uint8:
        return 255.0
    if pixels.dtype == np.uint16:
        return 65535.0
    if pixels.dtype.kind in "ui":
        if pixels.size and (pixels.min() < 0 or pixels.max() > 255):
            raise DataError(
                name,
                f"{pixels.dtype} pixels in {pixels.min()}..{pixels.max()}: integer types other "
                "than uint16 must hold 0..255 (convert 16-bit data to uint16)",
            )
        return 255.0
    if pixels.dtype.kind == "f":
        if not np.all(np.isfinite(pixels)) or pixels.min() < 0 or pixels.max() > 1:
            raise DataError(name, "float pixels must be finite and in [0, 1]")
        return 1.0
    raise DataError(name, f"pixels of type {pixels.dtype}: give integers or floats in [0, 1]")


def unit_rgb_pixels(image: np.ndarray, name: str = "image") -> np.ndarray:
    """An in-memory image (module docstring) as float32 [H, W, 3] RGB in [0, 1]."""
    pixels = _checked_channels(image, name)
    return np.ascontiguousarray(pixels / np.float32(_full_scale(pixels, name)), np.float32)


def as_rgb_uint8(image: np.ndarray, name: str = "image") -> np.ndarray:
    """An in-memory image (module docstring) as uint8 [H, W, 3] RGB."""
    pixels = _checked_channels(image, name)
    scale = _full_scale(pixels, name)
    if scale != 255.0 or pixels.dtype != np.uint8:
        pixels = np.round(pixels * (255.0 / scale))
    return np.ascontiguousarray(pixels, np.uint8)
