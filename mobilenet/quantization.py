"""Stage 1 of the cascade in int8 for LiteRT: a third less time per face on XNNPACK (0.15
against 0.23 ms at 64 px, 2-vCPU EPYC, 2026-12-04) and a third of the file, for no loss on
the common subset (4.22 against 4.21 % NME) and within a few faces on every robustness
row (BENCHMARKS.md, issue 20). Stage 2 stays float: int8 convolutions there cost 0.2 points.

The activations' ranges are calibrated on stage-1 crops of training faces under the widest
jitter the photo recipes train with (rotation to 60 degrees, occlusion, blur, low light):
calibrated on plain box crops, a face turned 60 degrees fails 11 times as often.
"""

from pathlib import Path

import numpy as np

from face_alignment_tf.backbones.mobilenet_v2.pipeline import AugmentationConfig, training_dataset
from face_alignment_tf.data.photometric import PRESETS

QUANTIZATION_AUGMENTATION = AugmentationConfig(
    max_rotation_degrees=60.0,
    max_shift=0.2,
    max_scale=0.25,
    photometric=PRESETS["photos_occluded"],
)
QUANTIZATION_CROPS = 320
QUANTIZATION_BATCH = 64


def quantization_crops(
    records: str | Path, size: int, count: int = QUANTIZATION_CROPS, seed: int = 0
) -> np.ndarray:
    """float32 [count, size, size, 3] BGR 0..255: stage-1 crops of the training `records`'
    boxes under QUANTIZATION_AUGMENTATION, reproducible from `seed`."""
    batches = -(-count // QUANTIZATION_BATCH)
    dataset = training_dataset(
        str(records), QUANTIZATION_BATCH, seed, QUANTIZATION_AUGMENTATION, size=size
    )
    crops = np.concatenate([batch["image"].numpy() for batch in dataset.take(batches)])
    return crops[:count].astype(np.float32)
