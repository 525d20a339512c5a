"""Restores the numpy / scipy names that menpo 0.11.1 and menpofit 0.7.1 still use.

numpy 2 removed `np.issubclass_`, `np.alltrue` and `np.Inf`, numpy 2.4 removed
`np.in1d`, and scipy 1.14 removed `scipy.integrate.simps`. Each is restored as
its documented replacement, and only when missing. Import this module before
menpo: every module that imports menpo does so first.
"""

import numpy as np
import scipy.integrate

# name -> replacement, exactly the names menpo / menpofit reference.
NUMPY_NAMES = {
    "issubclass_": lambda arg1, arg2: isinstance(arg1, type) and issubclass(arg1, arg2),
    "alltrue": np.all,
    "Inf": np.inf,
    "in1d": lambda ar1, ar2, assume_unique=False, invert=False: np.isin(
        np.ravel(ar1), ar2, assume_unique=assume_unique, invert=invert
    ),
}
SCIPY_INTEGRATE_NAMES = {"simps": scipy.integrate.simpson}


def install() -> list[str]:
    """Adds the missing names; returns those it added (empty on old numpy/scipy)."""
    added = []
    for name, value in NUMPY_NAMES.items():
        if not hasattr(np, name):
            setattr(np, name, value)
            added.append(f"numpy.{name}")
    for name, value in SCIPY_INTEGRATE_NAMES.items():
        if not hasattr(scipy.integrate, name):
            setattr(scipy.integrate, name, value)
            added.append(f"scipy.integrate.{name}")
    return added


install()
