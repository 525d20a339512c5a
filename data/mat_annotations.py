"""Reading AFLW2000-3D style `.mat` annotations (`pt3d_68`).

`pt3d_68` is a 3 x 68 array: rows x, y, z of the 68 points, the 2D
projections (x, y) of 3D-consistent landmarks plus a depth. Only (x, y) are
used (SPEC B.7). The files come from Matlab (3DDFA), whose pixel centres are
1-based like the iBUG .pts files, so the same rule applies: arrays here are
(y, x), 0-based (swap, subtract 1).
"""

from pathlib import Path

import numpy as np
import scipy.io

from face_alignment_tf.data.errors import DataError

MAT_KEY = "pt3d_68"


def read_pt3d_68(path: str | Path, num_points: int = 68) -> np.ndarray:
    """float64 [num_points, 2] (y, x) from a .mat file's `pt3d_68`; DataError naming the file
    when it is missing, unreadable, lacks the key or holds the wrong shape."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "landmark file does not exist")
    try:
        content = scipy.io.loadmat(str(path), variable_names=[MAT_KEY])
    except Exception as error:  # scipy raises ValueError, TypeError, MatReadError...
        raise DataError(path, f"cannot read .mat file: {error}") from None
    if MAT_KEY not in content:
        raise DataError(path, f"no '{MAT_KEY}' variable in the .mat file")
    points = np.asarray(content[MAT_KEY], np.float64)
    if points.ndim != 2 or points.shape[0] not in (2, 3) or points.shape[1] != num_points:
        raise DataError(path, f"'{MAT_KEY}' has shape {points.shape}, expected (3, {num_points})")
    if not np.all(np.isfinite(points[:2])):
        raise DataError(path, f"'{MAT_KEY}' holds non-finite coordinates")
    return points[1::-1].T - 1.0
