"""Stats cost against the array size: SMI-S round trips and wall time of
``get_volume_stats(refresh=True)`` with 10 and 10,000 devices, single and
multi-pool, on the VMAX3 and VMAX2 profiles.

Run: ``python bench/bench_stats.py`` (prints one line per case).
"""

import os
import sys
import time

from oslo_config import cfg
import testtools

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
from tests import fixtures  # noqa: E402
from vmax_driver import options  # noqa: E402
from vmax_sim.model import ops  # noqa: E402

GIB = 1024 ** 3
CASES = (('vmax3-allflash', False), ('vmax3-hybrid', True),
         ('vmax2', False))


class _Holder(testtools.TestCase):
    def runTest(self):
        pass


def measure(profile, multi_pool, devices):
    holder = _Holder()
    holder.setUp()
    try:
        sim = fixtures.simulator(profile)
        backend = holder.useFixture(fixtures.SimulatedBackend(profile,
                                                              sim=sim))
        if multi_pool:
            backend.driver.configuration.append_config_values(
                options.pool_opts)
            cfg.CONF.set_override('vmax_multi_pool_support', True,
                                  group=backend.section)
        with sim.dispatcher.lock:
            ops.create_volumes(sim.estate, backend.serial, 'bench', GIB,
                               devices,
                               pool=fixtures.PROFILE_ARRAYS[profile]['pool'])
        sim.calls.reset()
        started = time.perf_counter()
        stats = backend.driver.get_volume_stats(refresh=True)
        elapsed = time.perf_counter() - started
        return sim.calls.total, len(stats['pools']), elapsed
    finally:
        holder.doCleanups()


def main():
    print('%-16s %-6s %8s %6s %6s %12s %9s' % (
        'profile', 'multi', 'devices', 'pools', 'calls', 'calls/pool',
        'seconds'))
    for profile, multi in CASES:
        for devices in (10, 10000):
            calls, pools, elapsed = measure(profile, multi, devices)
            print('%-16s %-6s %8d %6d %6d %12.2f %9.3f' % (
                profile, multi, devices, pools, calls, calls / pools,
                elapsed))


if __name__ == '__main__':
    main()
