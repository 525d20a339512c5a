"""data.images: EXIF orientation, every PIL mode, JPEGs through OpenCV as through Pillow,
arrays by their value range."""

import numpy as np
import pytest
from PIL import Image

from face_alignment_tf.data.errors import DataError
from face_alignment_tf.data.images import as_rgb_uint8, load_image, opencv_jpeg, unit_rgb_pixels


def test_exif_orientation_turns_the_image_upright(tmp_path):
    upright = np.zeros((40, 60, 3), np.uint8)
    upright[:10, :20] = (255, 0, 0)  # a red block at the top left
    # Stored rotated: orientation 6 means "rotate 90 degrees clockwise to display".
    stored = np.ascontiguousarray(np.rot90(upright, k=1))
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "rotated.png"
    Image.fromarray(stored).save(path, exif=exif)
    loaded = load_image(path)
    assert loaded.shape == (40, 60, 3)
    np.testing.assert_array_equal(loaded, upright)


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGBA", "CMYK", "I;16"])
def test_every_mode_is_converted_to_rgb(tmp_path, mode):
    grey = np.tile(np.array([0, 255], np.uint8), (8, 4))  # black and white columns
    image = (
        Image.fromarray(grey).convert(mode)
        if mode != "I;16"
        else Image.fromarray(grey.astype(np.uint16) * 257)
    )
    path = tmp_path / f"image.{'tiff' if mode == 'CMYK' else 'png'}"
    image.save(path)
    loaded = load_image(path)
    assert loaded.dtype == np.uint8 and loaded.shape == (8, 8, 3)
    np.testing.assert_array_equal(loaded[..., 0], grey)
    np.testing.assert_array_equal(loaded[..., 2], grey)


def test_unreadable_files_are_named(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image")
    with pytest.raises(DataError, match="broken.jpg: cannot read image"):
        load_image(broken)


def test_arrays_are_read_by_their_value_range():
    values = np.array([[0, 128], [255, 64]], np.uint8)
    expected = np.repeat(values[..., None], 3, axis=2)
    np.testing.assert_array_equal(as_rgb_uint8(values), expected)
    np.testing.assert_array_equal(as_rgb_uint8(values.astype(np.uint16) * 257), expected)
    np.testing.assert_array_equal(as_rgb_uint8(values / 255.0), expected)
    rgba = np.concatenate([expected, np.zeros_like(expected[..., :1])], axis=2)
    np.testing.assert_array_equal(as_rgb_uint8(rgba), expected)
    with pytest.raises(DataError, match=r"\[0, 1\]"):
        as_rgb_uint8(values.astype(np.float32))


@pytest.mark.parametrize("dtype", [np.int16, np.int32, np.int64, np.uint32])
def test_other_integer_types_hold_8_bit_values(dtype):
    """Issue 15 #9: an int32/int64 array of 0..255 was divided by its type's maximum (a black
    image); it is read as 8-bit values, and refused when its values leave 0..255."""
    values = np.array([[0, 128], [255, 64]], np.uint8)
    expected = np.repeat(values[..., None] / 255.0, 3, axis=2)
    np.testing.assert_allclose(unit_rgb_pixels(values.astype(dtype)), expected, rtol=1e-6)
    np.testing.assert_array_equal(as_rgb_uint8(values.astype(dtype)), (expected * 255).round())
    with pytest.raises(DataError, match=r"image 3: .* 1\.\.256.*0\.\.255"):
        unit_rgb_pixels(values.astype(dtype) + 1, "image 3")


def pillow_pixels(path) -> np.ndarray:
    """The reference: Pillow's decoding, turned by EXIF, as RGB."""
    from PIL import ImageOps

    with Image.open(path) as opened:
        return np.asarray(ImageOps.exif_transpose(opened).convert("RGB"))


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_jpegs_through_opencv_are_pillows_pixels(tmp_path, orientation, mode):
    import cv2

    noise = np.random.default_rng(orientation).integers(0, 256, (40, 64, 3), np.uint8)
    image = Image.fromarray(cv2.GaussianBlur(noise, (0, 0), 2)).convert(mode)
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "photo.jpg"
    image.save(path, exif=exif, quality=90)
    assert opencv_jpeg(path) is not None  # the OpenCV path is the one tested
    loaded = load_image(path)
    expected = pillow_pixels(path)
    assert loaded.shape == expected.shape == ((40, 64, 3) if orientation < 5 else (64, 40, 3))
    np.testing.assert_array_equal(loaded, expected)


def test_incomplete_jpegs_are_refused_and_trailing_bytes_read(tmp_path):
    path = tmp_path / "photo.jpg"
    Image.fromarray(np.full((32, 48, 3), 90, np.uint8)).save(path)
    data = path.read_bytes()
    (tmp_path / "truncated.jpg").write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(DataError, match="truncated.jpg: cannot read image"):
        load_image(tmp_path / "truncated.jpg")
    (tmp_path / "trailing.jpg").write_bytes(data + b"trailing bytes")
    np.testing.assert_array_equal(load_image(tmp_path / "trailing.jpg"), load_image(path))


def test_a_jpeg_too_small_is_named_once(tmp_path):
    path = tmp_path / "dot.jpg"
    Image.fromarray(np.zeros((1, 1, 3), np.uint8)).save(path)
    assert opencv_jpeg(path) is not None
    with pytest.raises(DataError) as error:
        load_image(path)
    assert str(error.value).count("dot.jpg") == 1 and "cannot read" not in str(error.value)
