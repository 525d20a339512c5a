"""The PCA shape model of ShapeNet (SPEC C.2, shapedata's `lmk_pca(scale=True, center=True)`).

From the training shapes in their image frames (pixels, (y, x)): optionally each shape
rotated about its centroid so that two landmarks lie level, then one global centroid (the
mean over every point of every shape) subtracted, each shape flattened as
[y_0..y_{N-1}, x_0..x_{N-1}], a full PCA, and the components multiplied by their singular
values. The result `shapes` [n + 1, N, 2] (y, x) holds the mean shape (row 0; its centroid
is 0) and the scaled components; a model keeps `shapes[:K + 1]`.

With all components, parameters p_k = (x - mean) . v_k / sigma_k reproduce every centred
training shape exactly (`shape_parameters`).
"""

import numpy as np

# Landmark pairs a shape can be levelled on before the PCA: the seed's prepare script names
# (37, 46), 0-based points on the upper eyelids (probably meant as the outer eye corners),
# and leaves the normalisation off.
ROTATION_NORMALISATIONS = {"none": None, "outer_eye_corners": (36, 45), "original": (37, 46)}


def level_shapes(shapes: np.ndarray, points: tuple[int, int]) -> np.ndarray:
    """Each shape [M, N, 2] (y, x) rotated about its centroid so that `points` lie level
    (the same y, the second to the right of the first)."""
    shapes = np.asarray(shapes, np.float64)
    delta = shapes[:, points[1]] - shapes[:, points[0]]
    angle = np.arctan2(delta[:, 0], delta[:, 1])  # of the line, from the x axis towards y
    cos, sin = np.cos(-angle), np.sin(-angle)
    centroid = shapes.mean(axis=1, keepdims=True)
    y, x = np.moveaxis(shapes - centroid, -1, 0)
    rotated = np.stack(
        [x * sin[:, None] + y * cos[:, None], x * cos[:, None] - y * sin[:, None]], -1
    )
    return rotated + centroid


def flatten_shapes(shapes: np.ndarray) -> np.ndarray:
    """[M, N, 2] (y, x) -> [M, 2N] = [y_0..y_{N-1}, x_0..x_{N-1}] per shape."""
    shapes = np.asarray(shapes)
    return np.swapaxes(shapes, 1, 2).reshape(len(shapes), -1)


def unflatten_shapes(vectors: np.ndarray) -> np.ndarray:
    """[M, 2N] y-block / x-block -> [M, N, 2] (y, x)."""
    vectors = np.asarray(vectors)
    return np.swapaxes(vectors.reshape(len(vectors), 2, -1), 1, 2)


def build_shape_model(
    shapes: np.ndarray, num_components: int | None = None, rotation_normalisation: str = "none"
) -> np.ndarray:
    """float64 [K + 1, N, 2] (y, x): the mean shape and the first `num_components` (None: all)
    components scaled by their singular values, from training shapes [M, N, 2] (y, x)."""
    if rotation_normalisation not in ROTATION_NORMALISATIONS:
        raise ValueError(f"rotation_normalisation must be one of {list(ROTATION_NORMALISATIONS)}")
    shapes = np.asarray(shapes, np.float64)
    if ROTATION_NORMALISATIONS[rotation_normalisation] is not None:
        shapes = level_shapes(shapes, ROTATION_NORMALISATIONS[rotation_normalisation])
    centred = shapes - shapes.reshape(-1, 2).mean(axis=0)
    vectors = flatten_shapes(centred)
    mean = vectors.mean(axis=0)
    _, singular_values, axes = np.linalg.svd(vectors - mean, full_matrices=False)
    components = axes * singular_values[:, None]
    model = unflatten_shapes(np.concatenate([mean[None], components]))
    available = len(model) - 1
    if num_components is not None and not 1 <= num_components <= available:
        raise ValueError(f"num_components must be in 1..{available}, got {num_components}")
    return model[: (num_components or available) + 1]


def shape_parameters(shape_model: np.ndarray, shapes: np.ndarray) -> np.ndarray:
    """[M, K] parameters p whose `mean + sum_k p_k E_k` is the projection of each (centred)
    shape [M, N, 2] onto the model's components: p_k = (x - mean) . E_k / |E_k|^2."""
    vectors = flatten_shapes(shape_model)
    mean, components = vectors[0], vectors[1:]
    return (flatten_shapes(shapes) - mean) @ components.T / np.sum(components**2, axis=1)
