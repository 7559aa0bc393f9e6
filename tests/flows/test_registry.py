"""The registry: every driver operation, buildable from plain data."""

import json

import taskflow.engines
import testtools

from vmax_flows import registry

DRIVER_OPERATIONS = ['create_volume', 'delete_volume', 'extend_volume',
                     'create_snapshot', 'delete_snapshot',
                     'create_cloned_volume', 'create_volume_from_snapshot',
                     'create_group', 'delete_group', 'update_group',
                     'create_group_snapshot', 'delete_group_snapshot',
                     'create_group_from_src', 'create_volume_in_group',
                     'create_replicated_volume', 'delete_replicated_volume',
                     'extend_replicated_volume', 'failover_volume',
                     'failback_volume']


class RegistryTest(testtools.TestCase):

    def test_every_operation_registered_once(self):
        self.assertEqual(DRIVER_OPERATIONS, registry.names())
        for operation in registry.operations():
            self.assertTrue(operation.description.strip())
            self.assertNotIn('\n', operation.description)

    def test_unknown_operation(self):
        error = self.assertRaises(KeyError, registry.get, 'retype')
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
