"""A cinder-volume process of the two-process attach test.

:func:`run_job` (in a forked child, or ``python -m
tests.driver.test_concurrency_worker JOB`` printing the result as JSON)
takes ``{'url', 'serial', 'lock_path', 'threads', 'work': [[host, volume
id, provider_location], ...]}``, builds the real driver against the
simulator served over HTTP (a real pywbem connection, no in-process
shortcut), attaches every volume of ``work`` to its host from ``threads``
threads and returns ``{'luns': {volume id: LUN}, 'errors': [...]}``.
No tests here.
"""

import concurrent.futures
import json
import sys
import time
import urllib.parse
import uuid
import warnings


def build_driver(url, serial, lock_path):
    from oslo_config import cfg
    from oslo_utils import importutils

    from tests import fixtures
    fixtures._prepare_conf()
    from cinder.volume import configuration
    from cinder.volume import driver as cinder_driver
    from vmax_driver import options
    section = 'vmax_worker_%s' % uuid.uuid4().hex[:8]
    conf = configuration.Configuration(cinder_driver.volume_opts,
                                       config_group=section)
    conf.append_config_values(options.VMAX_OPTS)
    conf.append_config_values(options.reused_cinder_opts())
    parts = urllib.parse.urlsplit(url)
    array = fixtures.PROFILE_ARRAYS['vmax3-allflash']
    values = {'vmax_smis_address': parts.hostname,
              'vmax_smis_port': parts.port, 'driver_use_ssl': False,
              'vmax_smis_user': 'admin', 'vmax_smis_password': 'secret',
              'vmax_array': serial, 'vmax_pool': array['pool'],
              'vmax_service_level': array['service_level'],
              'vmax_workload': array['workload'],
              'vmax_port_groups': array['port_groups'],
              'volume_backend_name': section}
    for name, value in values.items():
        cfg.CONF.set_override(name, value, group=section)
    driver = importutils.import_object(
        fixtures.DRIVER_CLASS, configuration=conf,
        host='cinder-volume@%s' % section, cluster_name=None,
        active_backend_id=None, is_vol_db_empty=False)
    driver.lock_path = lock_path
    driver.do_setup(None)
    driver.check_for_setup_error()
    return driver


def volume_object(volume_id, provider_location):
    from cinder import objects
    vtype = objects.VolumeType(id=str(uuid.uuid4()), name='vmax-type',
                               extra_specs={})
    return objects.Volume(id=volume_id, _name_id=None, size=1,
                          volume_type_id=vtype.id, volume_type=vtype,
                          provider_location=provider_location,
                          status='in-use', display_name='worker volume')


def run_job(job):
    warnings.filterwarnings('ignore')
    started = time.monotonic()
    from tests.driver import test_attach_support as support
    driver = build_driver(job['url'], job['serial'], job['lock_path'])
    ready = time.monotonic()

    def attach(item):
        host, volume_id, location = item
        info = driver.initialize_connection(
            volume_object(volume_id, location), support.connector(host))
        return volume_id, info['data']['target_lun']

    luns, errors = {}, []
    with concurrent.futures.ThreadPoolExecutor(job['threads']) as pool:
        futures = [pool.submit(attach, item) for item in job['work']]
        for future in futures:
            try:
                volume_id, lun = future.result()
                luns[volume_id] = lun
            except Exception as exc:
                errors.append('%s: %s' % (type(exc).__name__, exc))
    return {'luns': luns, 'errors': errors,
            'setup_s': round(ready - started, 2),
            'attach_s': round(time.monotonic() - ready, 2)}


def main(argv):
    print(json.dumps(run_job(json.loads(argv[1]))))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
