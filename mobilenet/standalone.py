"""The whole cascade as one graph: image + face box -> 68 points, for runtimes without this
toolkit (issue 21's self-contained exports; `face-align export` writes it as `cascade`).

    landmarks = cascade_function(model)(image, box)

image uint8 [H, W, 3] RGB of any size; box float32 [k, 2] (y, x) corners (4 in the
export's signature) of the face box the first crop is made from (a detector's box after
its calibration); landmarks float32 [68, 2] (y, x) image pixels. Inside: each stage's
crop at its input size (`mobilenet.crops.stage_crop_matrix`: the box, then around stage
1's points), the network,
the decoding and the map back, as `mobilenet.lite_aligner` does in numpy. The crop is
gathers and arithmetic only, since neither TFLite's builtin ops nor ONNX have TF's
ImageProjectiveTransform.
"""

import keras
import tensorflow as tf

from face_alignment_tf.backbones.mobilenet_v2.crop import INPUT_SIZE, decode_landmarks
from face_alignment_tf.mobilenet.cascade import MobileNetCascade
from face_alignment_tf.mobilenet.crops import stage_crop_matrix

IMAGE_SPEC = tf.TensorSpec([None, None, 3], tf.uint8, name="image")
BOX_SPEC = tf.TensorSpec([4, 2], tf.float32, name="box")
OUTPUT_NAME = "landmarks"
DESCRIPTION = (
    "the whole cascade: inputs image uint8 [H, W, 3] RGB (any size) and box float32 [4, 2] "
    "(y, x) corners of the face box (a detector's box after its calibration); output "
    f"'{OUTPUT_NAME}' float32 [68, 2] (y, x) image pixels"
)


def invert_affine(matrix: tf.Tensor) -> tf.Tensor:
    """The inverse of a 3x3 affine [3, 3] in closed form (TFLite has no matrix inverse)."""
    (a, b, ty), (c, d, tx) = tf.unstack(matrix[0]), tf.unstack(matrix[1])
    det = a * d - b * c
    linear = tf.stack([tf.stack([d, -b]), tf.stack([-c, a])]) / det
    shift = -tf.linalg.matvec(linear, tf.stack([ty, tx]))
    return tf.concat([tf.concat([linear, shift[:, None]], 1), [[0.0, 0.0, 1.0]]], 0)


def bilinear_crop(image: tf.Tensor, matrix: tf.Tensor, size: int = INPUT_SIZE) -> tf.Tensor:
    """The float32 [size, size, C] crop of image [H, W, C] by the image -> crop affine
    `matrix` (3x3 on (y, x, 1)): bilinear, pixel centres at integer coordinates, zero
    outside (each of the four neighbours outside the image counts as 0), as
    `data.geometry.warp_affine` and `cv2.warpAffine` with a zero border."""
    inverse = invert_affine(matrix)
    grid = tf.range(size, dtype=tf.float32)
    rows, columns = tf.meshgrid(grid, grid, indexing="ij")
    targets = tf.reshape(tf.stack([rows, columns], -1), [-1, 2])
    sources = tf.matmul(targets, inverse[:2, :2], transpose_b=True) + inverse[:2, 2]
    corner = tf.floor(sources)
    fraction = sources - corner
    corner = tf.cast(corner, tf.int32)
    height, width, channels = tf.shape(image)[0], tf.shape(image)[1], image.shape[-1]
    pixels = tf.reshape(image, [-1, channels])  # gathered, then cast (not the whole image)
    crop = tf.zeros([size * size, channels])
    for dy in (0, 1):
        for dx in (0, 1):
            y, x = corner[:, 0] + dy, corner[:, 1] + dx
            inside = (y >= 0) & (y < height) & (x >= 0) & (x < width)
            index = tf.clip_by_value(y, 0, height - 1) * width + tf.clip_by_value(x, 0, width - 1)
            weight_y = fraction[:, 0] if dy else 1.0 - fraction[:, 0]
            weight_x = fraction[:, 1] if dx else 1.0 - fraction[:, 1]
            weight = weight_y * weight_x * tf.cast(inside, tf.float32)
            crop += tf.cast(tf.gather(pixels, index), tf.float32) * weight[:, None]
    return tf.reshape(crop, [size, size, channels])


def stage_landmarks(network: keras.Model, image: tf.Tensor, matrix: tf.Tensor) -> tf.Tensor:
    """One stage on one face: [1, 68, 2] (y, x) image pixels from its crop by `matrix`
    [1, 3, 3] (a batch of one throughout: tf2onnx mistranslates `[..., i]` on vectors)."""
    size = network.input_size
    bgr = bilinear_crop(image, matrix[0], size)[..., ::-1]  # the network reads BGR 0..255
    in_crop = decode_landmarks(network(bgr[None], training=False), size)
    inverse = invert_affine(matrix[0])
    return tf.matmul(in_crop, inverse[:2, :2], transpose_b=True) + inverse[:2, 2]


def cascade_function(model: MobileNetCascade):
    """(image uint8 [H, W, 3], box [k, 2] (y, x)) -> {OUTPUT_NAME: [68, 2] (y, x)}: every
    stage of `model`, traceable into one graph (`IMAGE_SPEC`, `BOX_SPEC`)."""

    def landmarks(image, box):
        points = tf.cast(box, tf.float32)[None]
        for number, network in enumerate(model.networks, start=1):
            matrix = stage_crop_matrix(number, points, model.stage2_crop, network.input_size)
            points = stage_landmarks(network, image, matrix)
        return {OUTPUT_NAME: points[0]}

    return landmarks
