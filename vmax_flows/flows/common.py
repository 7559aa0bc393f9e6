"""Pieces shared by the flow factories, and sample data for graph dumps."""

from taskflow.patterns import linear_flow

from vmax_flows import naming
from vmax_flows.smis import discovery

VMAX3 = discovery.FAMILY_VMAX3
VMAX2 = discovery.FAMILY_VMAX2
SAMPLE_SERIAL = {VMAX3: '000197800123', VMAX2: '000195900551'}


def linear(operation):
    return linear_flow.Flow(operation)


def step(operation, name):
    """Deterministic, unique task names: ``<operation>.<step>``."""
    return '%s.%s' % (operation, name)


def is_vmax3(request):
    return request['placement']['family'] == VMAX3


def item(kind, object_id, size_gb, name_id=None, location=None):
    """Plain description of a Cinder volume or snapshot for a store."""
    key = name_id or object_id
    return {'kind': kind, 'id': object_id, 'name_id': key,
            'label': naming.label(key),
            'labels': naming.accepted_labels(key, object_id),
            'size_gb': int(size_gb), 'location': location}


def sample_placement(family):
    serial = SAMPLE_SERIAL[family]
    if family == VMAX3:
        return {'family': VMAX3, 'serial': serial, 'srp': 'SRP_1',
                'slo': 'Diamond', 'workload': 'OLTP',
                'disable_compression': False,
                'storage_group': naming.default_storage_group(
                    'SRP_1', 'Diamond', 'OLTP'),
                'pool_name': 'Diamond+OLTP+SRP_1+%s' % serial}
    return {'family': VMAX2, 'serial': serial, 'pool': 'FC_Pool',
            'fast_policy': 'GOLD1',
            'storage_group': naming.fast_storage_group('GOLD1'),
            'stripe_count': None, 'pool_name': 'FC_Pool+%s' % serial}


SAMPLE_VOLUME_ID = '11111111-2222-4333-8444-555555555555'
SAMPLE_SOURCE_ID = '66666666-7777-4888-9999-aaaaaaaaaaaa'
SAMPLE_SNAPSHOT_ID = 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff'


def sample_location(family, device_id):
    return {'array': SAMPLE_SERIAL[family], 'device_id': device_id,
            'label': None, 'system': None, 'version': None}
