"""The MobileNetV2 cascade's aligner from the .tflite files beside a checkpoint alone: no
Keras model built, no TensorFlow imported (`families.registry.open_runtime_aligner`)."""

from face_alignment_tf.mobilenet.lite_aligner import MobilenetLiteAligner, stage_paths


def runtime_aligner(
    description: dict, checkpoint: str, runtime: str = "litert", mirror: bool = False
) -> MobilenetLiteAligner | None:
    """model.json's description and a checkpoint path -> the LiteRT aligner, or None for the
    Keras runtime or when a stage's file is missing (`write_stage_models` writes them)."""
    if runtime != "litert":
        return None
    config = description["config"]
    paths = stage_paths(checkpoint, config["stages"])
    if not all(path.is_file() for path in paths):
        return None
    contents = [path.read_bytes() for path in paths]
    return MobilenetLiteAligner(contents, config.get("stage2_crop", "box"), mirror)
