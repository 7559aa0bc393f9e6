"""A throw-away cinder.conf backend section for configuration tests.

Cinder's ``Configuration`` always works on the global ``cfg.CONF``, so
each test gets a section with a unique name, values loaded as if read from
a cinder.conf file (oslo.config's ``load_raw_values``), and the oslo
fixture resets everything afterwards.  No test here touches an array.
"""

import logging
import os
import uuid

from cinder.volume import configuration as cinder_configuration
from cinder.volume import driver as cinder_driver
import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class BackendSection(fixtures.Fixture):
    """One uniquely named backend section of cinder.conf."""

    def _setUp(self):
        self.config = self.useFixture(config_fixture.Config(cfg.CONF))
        if cfg.CONF._namespace is None:
            # Parse "no files" once, so raw values can be loaded; never
            # pick up a real /etc/cinder/cinder.conf.
            cfg.CONF([], project='vmax-tests', default_config_files=[],
                     default_config_dirs=[])
        self.name = 'vmax_test_%s' % uuid.uuid4().hex[:10]

    def set(self, **values):
        """Values as if written in this section of cinder.conf."""
        self.config.load_raw_values(group=self.name, **values)

    def set_shared(self, **values):
        """Values as if written in ``[backend_defaults]``."""
        self.config.load_raw_values(group='backend_defaults', **values)

    def configuration(self):
        """What cinder-volume hands the driver for this section."""
        return cinder_configuration.Configuration(
            cinder_driver.volume_opts, config_group=self.name)


class TempFiles(fixtures.Fixture):
    """Writes files into a temporary directory removed afterwards."""

    def _setUp(self):
        self.path = self.useFixture(fixtures.TempDir()).path

    def write(self, name, text):
        path = os.path.join(self.path, name)
        with open(path, 'w') as out:
            out.write(text)
        return path


class CapturedLogs(fixtures.Fixture):
    """Every log record of every logger, at DEBUG, as text."""

    def _setUp(self):
        self.logger = self.useFixture(
            fixtures.FakeLogger(level=logging.DEBUG, format='%(message)s'))

    @property
    def text(self):
        return self.logger.output


def minimal_values(**overrides):
    values = {'vmax_smis_address': '10.20.30.40',
              'vmax_array': '000197200056',
              'vmax_pool': 'SRP_1'}
    values.update(overrides)
    return values
