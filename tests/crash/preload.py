"""Imported by the crash children's forkserver (only there): everything a
child needs is imported and Cinder's objects and options are registered
once, so each forked child starts at the operation."""

import warnings

warnings.filterwarnings('ignore')

import pywbem  # noqa: E402,F401
import taskflow.engines  # noqa: E402,F401

from tests.crash import harness  # noqa: E402,F401
from tests import fixtures  # noqa: E402
import vmax_driver.iscsi  # noqa: E402,F401
from vmax_flows import persistence  # noqa: E402,F401
from vmax_flows import recovery  # noqa: E402,F401

fixtures._prepare_conf()
