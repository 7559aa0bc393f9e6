"""Enumeration contexts of the pull operations (clock injected)."""

import pywbem
import testtools

from tests.sim import test_wire_support as support
from vmax_sim.wire import pull


class _Clock(object):
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _class(name):
    return pywbem.CIMClassName(name, namespace=support.NS)


class EnumerationContextsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.sim = support.new_simulator()
        self.clock = _Clock()
        self.contexts = pull.EnumerationContexts(clock=self.clock,
                                                 max_open=3)

    def _open(self, max_count=None, timeout=None,
              name='OpenEnumerateInstances',
              classname='Symm_StoragePoolSetting'):
        params = {'ClassName': _class(classname)}
        if max_count is not None:
            params['MaxObjectCount'] = pywbem.Uint32(max_count)
        if timeout is not None:
            params['OperationTimeout'] = pywbem.Uint32(timeout)
        return self.contexts.run(self.sim.dispatcher, name, support.NS,
                                 params)

    def _pull(self, context_id, max_count,
              name='PullInstancesWithPath'):
        return self.contexts.run(
            self.sim.dispatcher, name, support.NS,
            {'EnumerationContext': context_id,
             'MaxObjectCount': pywbem.Uint32(max_count)})

    def test_open_runs_the_plain_operation_once(self):
        self.sim.calls.reset()
        result = self._open(max_count=2)
        self.assertEqual((2, False, 'instances'),
                         (len(result.items), result.end_of_sequence,
                          result.kind))
        self.assertEqual({'EnumerateInstances': 1}, self.sim.calls.counts())
        self.assertEqual(1, len(self.contexts))

    def test_pulls_continue_until_the_end_and_free_the_context(self):
        opened = self._open(max_count=1)
        seen = [i['InstanceID'] for i in opened.items]
        result = self._pull(opened.context_id, 0)
        self.assertEqual(([], False), (result.items, result.end_of_sequence))
        while True:
            result = self._pull(opened.context_id, 2)
            seen.extend(i['InstanceID'] for i in result.items)
            if result.end_of_sequence:
                break
        self.assertEqual(6, len(set(seen)))
        self.assertIsNone(result.context_id)
        self.assertEqual(0, len(self.contexts))

    def test_result_that_fits_needs_no_context(self):
        result = self._open(max_count=6)
        self.assertEqual((6, True, None),
                         (len(result.items), result.end_of_sequence,
                          result.context_id))
        self.assertEqual(0, len(self.contexts))

    def test_idle_context_expires_after_operation_timeout(self):
        opened = self._open(max_count=1, timeout=30)
        self.clock.now += 29
        self._pull(opened.context_id, 1)   # a pull renews the timeout
        self.clock.now += 29
        self._pull(opened.context_id, 1)
        self.clock.now += 31
        error = self.assertRaises(pywbem.CIMError, self._pull,
                                  opened.context_id, 1)
        self.assertEqual(pywbem.CIM_ERR_INVALID_ENUMERATION_CONTEXT,
                         error.status_code)

    def test_oldest_context_is_dropped_beyond_the_limit(self):
        first = self._open(max_count=1)
        for _ in range(3):
            self._open(max_count=1)
        self.assertEqual(3, len(self.contexts))
        self.assertRaises(pywbem.CIMError, self._pull, first.context_id, 1)

    def test_pull_of_the_wrong_kind_is_refused(self):
        opened = self._open(max_count=1,
                            name='OpenEnumerateInstancePaths')
        self.assertEqual('paths', opened.kind)
        self.assertIsInstance(opened.items[0], pywbem.CIMInstanceName)
        error = self.assertRaises(pywbem.CIMError, self._pull,
                                  opened.context_id, 1)
        self.assertEqual(pywbem.CIM_ERR_INVALID_ENUMERATION_CONTEXT,
                         error.status_code)
        self.assertEqual(1, len(self._pull(opened.context_id, 1,
                                           name='PullInstancePaths').items))

    def test_close_ends_the_context(self):
        opened = self._open(max_count=1)
        self.assertIsNone(self.contexts.run(
            self.sim.dispatcher, 'CloseEnumeration', support.NS,
            {'EnumerationContext': opened.context_id}))
        self.assertEqual(0, len(self.contexts))
        self.assertRaises(pywbem.CIMError, self.contexts.run,
                          self.sim.dispatcher, 'CloseEnumeration',
                          support.NS,
                          {'EnumerationContext': opened.context_id})

    def test_open_maps_instance_name_to_object_name(self):
        result = self.contexts.run(
            self.sim.dispatcher, 'OpenAssociatorInstancePaths', support.NS,
            {'InstanceName': support.system_path(),
             'AssocClass': _class('CIM_HostedStoragePool')})
        self.assertEqual([support.srp_path()], result.items)

    def test_unsupported_and_unknown_requests(self):
        cases = [
            ('OpenQueryInstances', {}, pywbem.CIM_ERR_NOT_SUPPORTED),
            ('EnumerationCount', {}, pywbem.CIM_ERR_NOT_SUPPORTED),
            ('OpenEnumerateInstances',
             {'ClassName': _class('CIM_StoragePool'),
              'ContinueOnError': True},
             pywbem.CIM_ERR_CONTINUATION_ON_ERROR_NOT_SUPPORTED),
            ('OpenEnumerateInstances',
             {'ClassName': _class('CIM_StoragePool'), 'Bogus': 'x'},
             pywbem.CIM_ERR_INVALID_PARAMETER),
            ('PullInstancesWithPath', {'EnumerationContext': 'x'},
             pywbem.CIM_ERR_INVALID_PARAMETER),
            ('PullInstances',
             {'EnumerationContext': 'x', 'MaxObjectCount': 1},
             pywbem.CIM_ERR_INVALID_ENUMERATION_CONTEXT),
        ]
        for name, params, code in cases:
            error = self.assertRaises(pywbem.CIMError, self.contexts.run,
                                      self.sim.dispatcher, name, support.NS,
                                      params)
            self.assertEqual(code, error.status_code, name)
