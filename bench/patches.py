"""Times patch extraction on MDM's training batch, side by side in one run.

    python bench/patches.py [--batch=60 --landmarks=68 --patch=30 --height=400 --width=400]

Compares the compiled ExtractPatches op, its pure-TF fallback and
`tf.image.crop_and_resize` (bilinear and nearest; the generic way to cut
landmark patches in TF) on the same images and centres, each inside a
tf.function, and prints a Markdown table with medians and ratios to the op.

Two timings per method: "in graph", where the patches are consumed inside the
tf.function (one element is read back, so TF's allocator can reuse the output
buffer, as in a training step), and "returned", where the 44 MB patch tensor
leaves the function each call (a fresh allocation: page faults then weigh in).
A last row writes an output of the same size and reads nothing: the floor.
"""

import os
import platform
import statistics
import time

import numpy as np
import tensorflow as tf
from absl import app, flags

from face_alignment_tf.custom_ops import (
    compiled_op_available,
    compiled_op_load_error,
    extract_patches,
)

FLAGS = flags.FLAGS


def define_flags() -> None:
    flags.DEFINE_integer("batch", 60, "Images per batch (MDM trains with 60).")
    flags.DEFINE_integer("landmarks", 68, "Patches per image.")
    flags.DEFINE_integer("patch", 30, "Patch side in pixels.")
    flags.DEFINE_integer("height", 400, "Canvas height (300-W training canvases are ~400 px).")
    flags.DEFINE_integer("width", 400, "Canvas width.")
    flags.DEFINE_integer("repeats", 30, "Timed calls per method.")
    flags.DEFINE_integer("seed", 0, "Random seed.")


def crop_and_resize_patches(images, centres, patch: int, method: str):
    """The same patches (same start rule) with tf.image.crop_and_resize."""
    shape = tf.shape(images)
    batch, landmarks = tf.shape(centres)[0], tf.shape(centres)[1]
    starts = tf.floor(tf.reshape(centres, [-1, 2])) - patch // 2
    limits = tf.cast(shape[1:3] - 1, tf.float32)
    boxes = tf.concat([starts / limits, (starts + patch - 1) / limits], axis=1)
    indices = tf.repeat(tf.range(batch), landmarks)
    crops = tf.image.crop_and_resize(images, boxes, indices, [patch, patch], method=method)
    return tf.reshape(crops, [batch, landmarks, patch, patch, -1])


def median_seconds(function, *arguments, repeats: int) -> float:
    function(*arguments).numpy()  # trace and warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(*arguments).numpy()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str]) -> None:
    del argv
    rng = np.random.default_rng(FLAGS.seed)
    size = [FLAGS.height, FLAGS.width]
    images = tf.constant(rng.random((FLAGS.batch, *size, 3), np.float32))
    low, high = FLAGS.patch, np.array(size) - FLAGS.patch
    centres = tf.constant(rng.uniform(low, high, (FLAGS.batch, FLAGS.landmarks, 2)), tf.float32)
    output_shape = [FLAGS.batch, FLAGS.landmarks, FLAGS.patch, FLAGS.patch, 3]

    def op(method):
        return lambda i, c: extract_patches(i, c, FLAGS.patch, implementation=method)

    def crop(method):
        return lambda i, c: crop_and_resize_patches(i, c, FLAGS.patch, method)

    methods = {}
    if compiled_op_available():
        methods["ExtractPatches op (C++)"] = op("compiled")
    else:
        print(f"compiled op unavailable ({compiled_op_load_error()}); timing the others")
    methods["pure-TF fallback (gather)"] = op("tf")
    methods["tf.image.crop_and_resize, bilinear"] = crop("bilinear")
    methods["tf.image.crop_and_resize, nearest"] = crop("nearest")
    # The floor: writing an output of the same size, reading no image.
    methods["write-only floor (tf.fill, same output)"] = lambda i, c: tf.fill(
        output_shape, i[0, 0, 0, 0] + c[0, 0, 0]
    )

    reference = op("tf")(images, centres).numpy()
    same = np.array_equal(crop("nearest")(images, centres).numpy(), reference)
    print(f"crop_and_resize (nearest) gives the op's exact output: {same}")
    output_mb = reference.nbytes / 1e6
    results = {}
    for name, function in methods.items():
        # In graph: one element is read back, so TF reuses the output buffer.
        consumed = tf.function(lambda i, c, f=function: f(i, c)[0, 0, 0, 0, 0])
        returned = tf.function(function)
        results[name] = (
            median_seconds(consumed, images, centres, repeats=FLAGS.repeats),
            median_seconds(returned, images, centres, repeats=FLAGS.repeats),
        )
    base_consumed, base_returned = next(iter(results.values()))
    processor = platform.processor() or platform.machine()
    print(
        f"\n{FLAGS.batch} x {FLAGS.landmarks} patches of {FLAGS.patch}x{FLAGS.patch}x3 from "
        f"{FLAGS.height}x{FLAGS.width} images ({output_mb:.1f} MB of float32 out); "
        f"{processor}, {os.cpu_count()} CPUs, TF {tf.__version__}, {FLAGS.repeats} calls each\n"
    )
    print("| method | in graph, ms | / first row | returned, ms | / first row |")
    print("|---|---:|---:|---:|---:|")
    for name, (consumed, returned) in results.items():
        print(
            f"| {name} | {consumed * 1e3:.1f} | {consumed / base_consumed:.2f} "
            f"| {returned * 1e3:.1f} | {returned / base_returned:.2f} |"
        )


if __name__ == "__main__":
    define_flags()
    app.run(main)
