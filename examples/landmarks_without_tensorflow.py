"""68 landmarks of a face in a photo with the self-contained cascade export, on
ai-edge-litert, numpy and Pillow alone (no TensorFlow, no face_alignment_tf).

    face-align export --format=tflite --output=exported    # once, where the toolkit is
    python landmarks_without_tensorflow.py exported/cascade.tflite photo.jpg TOP LEFT BOTTOM RIGHT

TOP LEFT BOTTOM RIGHT: the face box in image pixels (a 300-W style box, or a detector's
box after its calibration in exported/export.json). Prints 68 lines "y x" (image pixels,
iBUG 68-point order).
"""

import sys

import numpy as np
from ai_edge_litert.interpreter import Interpreter
from PIL import Image


def landmarks(model: str, photo: str, top: float, left: float, bottom: float, right: float):
    """float32 [68, 2] (y, x) image pixels."""
    image = np.asarray(Image.open(photo).convert("RGB"))  # uint8 [H, W, 3], any size
    box = np.array([[top, left], [top, right], [bottom, right], [bottom, left]], np.float32)
    cascade = Interpreter(model_path=model).get_signature_runner()
    return cascade(image=image, box=box)["landmarks"]


if __name__ == "__main__":
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    model, photo, *box = sys.argv[1:]
    for y, x in landmarks(model, photo, *map(float, box)):
        print(f"{y:.3f} {x:.3f}")
