"""What ShapeNet's networks cost on this machine: multiply-adds per face and seconds per
training step, for each backbone under the same shape head.

    python -m bench.shapenet_cost [--batch_sizes=1,8] [--steps=5]

Floating-point operations are TF's profiler's count on the traced forward graph (2 per
multiply-add); a training step is the
trainer's (forward, L1 loss, backward, Adam) on random crops, timed after one warm-up step.
Prints Markdown.
"""

import time

import keras
import numpy as np
import tensorflow as tf
from absl import app, flags

from bench.machine import describe_machine
from face_alignment_tf.shapenet.backbones import BACKBONES, get_backbone
from face_alignment_tf.shapenet.model import ShapeNet
from face_alignment_tf.shapenet.trainer import l1_loss

FLAGS = flags.FLAGS


def forward_flops(network: keras.Model, input_shape: tuple[int, ...]) -> int:
    """Floating-point operations of one forward pass of one input, as TF's profiler counts
    them on the traced graph (a multiply-add is 2)."""
    from tensorflow.python.profiler.model_analyzer import profile
    from tensorflow.python.profiler.option_builder import ProfileOptionBuilder

    spec = tf.TensorSpec((1, *input_shape), tf.float32)
    graph = tf.function(lambda x: network(x, training=False)).get_concrete_function(spec).graph
    options = ProfileOptionBuilder(ProfileOptionBuilder.float_operation()).with_empty_output()
    return profile(graph, options=options.build()).total_float_ops


def seconds_per_step(model: ShapeNet, batch_size: int, steps: int) -> float:
    size, channels = model.backbone.input_size, model.backbone.channels
    optimizer = keras.optimizers.Adam(1e-4)
    crops = tf.random.uniform((batch_size, size, size, channels))
    targets = tf.random.uniform((batch_size, 68, 2), 0, size)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = l1_loss(model(crops, training=True), targets)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        return loss

    step()
    started = time.perf_counter()
    for _ in range(steps):
        step().numpy()
    return (time.perf_counter() - started) / steps


def main(argv: list[str]) -> None:
    del argv
    shapes = np.random.default_rng(0).normal(size=(FLAGS.components + 1, 68, 2))
    batch_sizes = [int(b) for b in FLAGS.batch_sizes]
    print(f"Machine: {describe_machine()}\n")
    print("| backbone | input | parameters | G multiply-adds / face (forward) | "
          + " | ".join(f"s / step at batch {b}" for b in batch_sizes) + " |")  # fmt: skip
    print("|---|---|---:|---:|" + "---:|" * len(batch_sizes))
    for name in BACKBONES:
        backbone = get_backbone(name)
        model = ShapeNet(shapes, name)
        model.build()
        shape = (backbone.input_size, backbone.input_size, backbone.channels)
        macs = forward_flops(model.features, shape) / 2
        times = [seconds_per_step(model, b, FLAGS.steps) for b in batch_sizes]
        print(f"| {name} | {'x'.join(map(str, shape))} | {model.count_params():,} | "
              f"{macs / 1e9:.3f} | " + " | ".join(f"{t:.2f}" for t in times) + " |")  # fmt: skip


if __name__ == "__main__":
    flags.DEFINE_list("batch_sizes", ["1", "8"], "Batch sizes timed.")
    flags.DEFINE_integer("steps", 5, "Timed steps per batch size.")
    flags.DEFINE_integer("components", 25, "PCA components K.")
    app.run(main)
