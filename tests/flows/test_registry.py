"""The registry: every driver operation, buildable from plain data."""

import json

import taskflow.engines
import testtools

from vmax_flows import registry

# The operations the core driver cannot do without; the registry grows
# (manage, retype, attach, ...) so further names are checked generically.
CORE_OPERATIONS = ['create_volume', 'delete_volume', 'extend_volume',
                   'create_snapshot', 'delete_snapshot',
                   'create_cloned_volume', 'create_volume_from_snapshot']
# A name that can never be a Cinder driver method (not an identifier).
NEVER_AN_OPERATION = 'no such operation!'


class RegistryTest(testtools.TestCase):

    def test_every_operation_registered_once(self):
        names = registry.names()
        self.assertEqual(len(names), len(set(names)))
        # The core operations come first, in Cinder's order.
        self.assertEqual(CORE_OPERATIONS, names[:len(CORE_OPERATIONS)])
        self.assertEqual(names,
                         [op.name for op in registry.operations()])
        for operation in registry.operations():
            self.assertIs(operation, registry.get(operation.name))
            self.assertTrue(operation.description.strip())
            self.assertNotIn('\n', operation.description)

    def test_unknown_operation(self):
        error = self.assertRaises(KeyError, registry.get,
                                  NEVER_AN_OPERATION)
        self.assertIn(NEVER_AN_OPERATION, str(error))
        self.assertIn('create_volume', str(error))

    def test_flows_build_and_validate_without_an_array(self):
        for operation in registry.operations():
            for family in ('VMAX3', 'VMAX2'):
                request = operation.sample_request(family)
                # Stores are plain data.
                self.assertEqual(request, json.loads(json.dumps(request)))
                flow = operation.build(None, request)
                engine = taskflow.engines.load(flow, store=request)
                engine.compile()
                engine.prepare()
                engine.validate()
                names = [n.name for n, _ in flow.iter_nodes()]
                self.assertEqual(len(names), len(set(names)))
                self.assertTrue(all(n.startswith(operation.name + '.')
                                    for n in names), names)

    def test_irreversible_steps_are_last(self):
        self.assertEqual('delete_volume.delete_device',
                         registry.task_names('delete_volume', 'VMAX3')[-1])
        clone = registry.task_names('create_cloned_volume', 'VMAX3')
        self.assertEqual(['create_cloned_volume.finish_replica',
                          'create_cloned_volume.extend_device'], clone[-2:])

    def test_clone_without_growth_has_no_extend(self):
        request = registry.get('create_cloned_volume').sample_request(
            'VMAX3')
        request['size_gb'] = request['source']['size_gb']
        names = registry.task_names('create_cloned_volume', 'VMAX3',
                                    request=request)
        self.assertEqual('create_cloned_volume.finish_replica', names[-1])

    def test_dot_dump(self):
        dot = registry.to_dot('create_volume', 'VMAX2')
        self.assertIn('"create_volume.ensure_storage_group" -> '
                      '"create_volume.create_device";', dot)
        self.assertTrue(dot.startswith('digraph'))
