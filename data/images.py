"""Reading images the same way everywhere (conversion, training, evaluation, aligners, bench).

Files are read with Pillow and turned upright by their EXIF Orientation tag, the way viewers
and annotation tools show them (so landmarks made on the displayed image land on the face).
Modes: 1-bit, grey, grey + alpha, palette, RGB, RGBA, CMYK, YCbCr and 16-bit grey are
converted (alpha dropped, 16-bit scaled by 255 / 65535); 32-bit integer grey ("I", as
Pillow opens some 16-bit files) is read as 16-bit when its values fit 0..65535 and refused
otherwise; anything else is refused by name. Pictures over Pillow's decompression-bomb
limit (about 179 million pixels) are refused by name too. Complete RGB and grey JPEGs (the
camera's photos) are decoded by OpenCV instead, once Pillow has read their header: the same
libjpeg-turbo pixels and the same EXIF turn (tests; every 300-W photo is equal), in half
Pillow's time (BENCHMARKS.md, 2026-12-05 midday).

In-memory arrays: grey [H, W] or [H, W, 1], RGB or RGBA [H, W, 3|4] (nested lists of
numbers too), read by their values: uint8 0..255, uint16 0..65535, any other integer type
0..255 (refused when its values leave that range), floats in [0, 1] (overshoots up to
FLOAT_TOLERANCE, as resizing leaves, are clipped; refused beyond). A `PIL.Image` is read
as a file is.
"""

from pathlib import Path

import numpy as np

from face_alignment_tf.data.errors import DataError

SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B")
CONVERTED_MODES = ("1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr")
MIN_IMAGE_SIDE = 2
FLOAT_TOLERANCE = 1e-3


def load_image(path: str | Path) -> np.ndarray:
    """uint8 [H, W, 3] RGB pixels of an image file, upright; DataError naming the file."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    pixels = None
    try:
        with Image.open(path) as opened:  # the header: format, mode, the bomb check
            if opened.format == "JPEG" and opened.mode in ("RGB", "L"):
                pixels = opencv_jpeg(path)
            if pixels is None:
                image = ImageOps.exif_transpose(opened)
                image.load()
    except FileNotFoundError:
        raise DataError(path, "image file does not exist") from None
    except Image.DecompressionBombError as error:
        raise DataError(path, f"too large to decode safely: {error}") from None
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as error:
        raise DataError(path, f"cannot read image: {error}") from None
    if pixels is not None:
        return as_rgb_uint8(pixels, str(path))  # its checks (the size)
    return pil_pixels(image, str(path))


def opencv_jpeg(path: str | Path) -> np.ndarray | None:
    """uint8 [H, W, 3] RGB pixels of a JPEG file by OpenCV, EXIF orientation applied, or
    None (Pillow reads it then) when OpenCV cannot or the file does not end with the JPEG
    end-of-image marker: libjpeg completes a truncated file with grey and only warns, where
    Pillow refuses it; trailing bytes after the image go to Pillow too."""
    import cv2

    data = np.fromfile(path, np.uint8)
    if data[-2:].tobytes() != b"\xff\xd9":
        return None
    try:
        pixels = cv2.imdecode(data, cv2.IMREAD_COLOR)
    except cv2.error:
        return None
    return None if pixels is None else cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB)


def pil_pixels(image, name: str = "image") -> np.ndarray:
    """uint8 [H, W, 3] RGB pixels of a `PIL.Image` (modes as in the module docstring)."""
    if image.mode in SIXTEEN_BIT_MODES:
        return as_rgb_uint8(np.asarray(image).astype(np.uint16), name)
    if image.mode == "I":
        values = np.asarray(image)
        low, high = (int(values.min()), int(values.max())) if values.size else (0, 0)
        if low < 0 or high > 65535:
            raise DataError(
                name, f"32-bit integer pixels in {low}..{high}: not a 16-bit image (convert it "
                "to 8 or 16 bits)",
            )  # fmt: skip
        return as_rgb_uint8(values.astype(np.uint16), name)
    if image.mode not in CONVERTED_MODES:
        raise DataError(name, f"unsupported image mode {image.mode!r}")
    return as_rgb_uint8(np.asarray(image.convert("RGB")), name)


def _checked_channels(image: np.ndarray, name: str) -> np.ndarray:
    try:
        pixels = np.asarray(image)
    except ValueError as error:  # ragged nested lists
        raise DataError(name, f"not an array of pixels: {error}") from None
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
        if not np.all(np.isfinite(pixels)):
            raise DataError(name, "float pixels must be finite (NaN or inf found)")
        low, high = (float(pixels.min()), float(pixels.max())) if pixels.size else (0.0, 0.0)
        if low < -FLOAT_TOLERANCE or high > 1 + FLOAT_TOLERANCE:
            raise DataError(
                name, f"float pixels must be in [0, 1]; these are in {low:.6g}..{high:.6g}"
            )
        return 1.0
    raise DataError(name, f"pixels of type {pixels.dtype}: give integers or floats in [0, 1]")


def unit_rgb_pixels(image: np.ndarray, name: str = "image") -> np.ndarray:
    """An in-memory image (module docstring) as float32 [H, W, 3] RGB in [0, 1]."""
    pixels = _checked_channels(image, name)
    unit = pixels / np.float32(_full_scale(pixels, name))
    return np.ascontiguousarray(np.clip(unit, 0, 1) if pixels.dtype.kind == "f" else unit,
                                np.float32)  # fmt: skip


def as_rgb_uint8(image: np.ndarray, name: str = "image") -> np.ndarray:
    """An in-memory image (module docstring) as uint8 [H, W, 3] RGB."""
    pixels = _checked_channels(image, name)
    scale = _full_scale(pixels, name)
    if scale != 255.0 or pixels.dtype != np.uint8:
        pixels = np.clip(np.round(pixels * (255.0 / scale)), 0, 255)
    return np.ascontiguousarray(pixels, np.uint8)
