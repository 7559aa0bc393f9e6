"""The in-process transport: a real WBEMConnection, no socket."""

import io

import pywbem
import testtools

from tests.sim import test_wire_support as support
from vmax_sim.wire import adapter
from vmax_sim.wire import cimxml


class MakeConnectionTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.sim = support.new_simulator()
        self.handler = cimxml.CimXmlHandler(self.sim.dispatcher,
                                            support.USER, support.PASSWORD)

    def _connect(self, url='http://no-such-host.invalid:5988', **kwargs):
        return adapter.make_connection(
            self.handler, url, (support.USER, support.PASSWORD), **kwargs)

    def test_it_is_pywbems_own_connection_class(self):
        conn = self._connect()
        self.assertIs(pywbem.WBEMConnection, type(conn))
        self.assertEqual(support.NS, conn.default_namespace)

    def test_adapter_is_mounted_on_the_connection_url_only(self):
        conn = self._connect()
        self.assertIsInstance(
            conn.session.get_adapter(conn.url + '/cimom'),
            adapter.InProcessAdapter)
        # A longer port number with the same prefix is another server.
        self.assertNotIsInstance(
            conn.session.get_adapter('http://no-such-host.invalid:59880/x'),
            adapter.InProcessAdapter)

    def test_unresolvable_url_works_because_nothing_connects(self):
        conn = self._connect()
        self.assertEqual([support.srp_path()],
                         conn.EnumerateInstanceNames('CIM_StoragePool'))
        self.assertEqual(1, self.sim.calls.count('EnumerateInstanceNames'))

    def test_https_url_needs_no_certificate(self):
        conn = self._connect('https://no-such-host.invalid')
        pool = conn.AssociatorNames(support.system_path(),
                                    ResultClass='CIM_StoragePool')[0]
        self.assertEqual('no-such-host.invalid:5989', pool.host)

    def test_client_statistics_and_recorders_work(self):
        conn = self._connect(stats_enabled=True)
        record = io.StringIO()
        conn.add_operation_recorder(pywbem.TestClientRecorder(record))
        conn.EnumerateInstanceNames('CIM_StoragePool')
        stats = conn.statistics.get_op_statistic('EnumerateInstanceNames')
        self.assertEqual(1, stats.count)
        self.assertGreater(stats.avg_server_time, 0)
        self.assertIn('EnumerateInstanceNames', record.getvalue())
        self.assertIn('http_response', record.getvalue())

    def test_copy_builds_a_session_without_the_adapter(self):
        # Documented limit: WBEMConnection.copy() makes a new session.
        conn = self._connect().copy()
        self.assertNotIsInstance(conn.session.get_adapter(conn.url + '/'),
                                 adapter.InProcessAdapter)
