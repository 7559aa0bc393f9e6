"""The SRDF replication target of a backend, from ``replication_device``.

Cinder declares ``replication_device`` itself (a multi-valued option of
``key:value`` dicts); a backend section lists at most one, e.g.::

    replication_device = target_device_id:000197800456,
        remote_pool:SRP_1, remote_port_group:OS-PG-iSCSI-R,
        rdf_group_label:os-rdf-1, allow_extend:True

Required keys: ``target_device_id`` (serial of the target array, managed
by the same SMI-S provider), ``remote_pool`` (its SRP), ``remote_port_group``
(used for attaches while failed over) and ``rdf_group_label`` (the SRDF
group joining the arrays).  Optional: ``allow_extend`` (default false:
extending a replicated volume means breaking and re-making its pair),
``backend_id`` (the name ``cinder failover-host --backend_id`` uses;
default the target serial) and ``mode`` (only ``Synchronous``).

Unlike the 2.x driver, which disabled replication with an error log when
the entry was incomplete or there were several, every problem is an
:class:`~vmax_flows.exceptions.InvalidSetting` raised at setup, naming the
key: a backend whose operator asked for replication does not silently run
without it.
"""

import dataclasses

from vmax_flows import exceptions

OPTION = 'replication_device'
REQUIRED_KEYS = ('target_device_id', 'remote_pool', 'remote_port_group',
                 'rdf_group_label')
OPTIONAL_KEYS = ('allow_extend', 'backend_id', 'mode')
SYNCHRONOUS = 'synchronous'
TRUE_WORDS = ('true', 'yes', '1', 'on', '<is> true')
FALSE_WORDS = ('false', 'no', '0', 'off', '<is> false')


@dataclasses.dataclass(frozen=True)
class ReplicationTarget:
    serial: str                 # target array (R2 side)
    remote_pool: str            # SRP of the target array
    remote_port_group: str      # attaches while failed over
    rdf_group_label: str
    allow_extend: bool = False
    backend_id: str = ''        # failover-host --backend_id; '' = serial

    @property
    def secondary_id(self):
        return self.backend_id or self.serial

    def names(self, secondary_id):
        """True when ``secondary_id`` designates this target."""
        return secondary_id in (self.serial, self.secondary_id)

    def store_data(self, remote_serial=None, failed_over=False):
        """The ``replication`` entry of a replicated flow's store; the
        remote array is the target unless given (after a failover the
        remote array is the primary)."""
        return {'remote_serial': remote_serial or self.serial,
                'rdf_group_label': self.rdf_group_label,
                'allow_extend': self.allow_extend,
                'failed_over': bool(failed_over)}


def parse(devices):
    """The :class:`ReplicationTarget` of ``replication_device`` values (a
    list of dicts, as Cinder gives them), or None when there is none."""
    entries = [d for d in (devices or ()) if d]
    if not entries:
        return None
    if len(entries) > 1:
        raise exceptions.InvalidSetting(
            OPTION, '%d entries' % len(entries),
            reason='only one SRDF target per backend is supported')
    entry = {str(k).strip(): str(v).strip()
             for k, v in dict(entries[0]).items()}
    missing = [key for key in REQUIRED_KEYS if not entry.get(key)]
    if missing:
        raise exceptions.InvalidSetting(
            OPTION, _shown(entry),
            reason='missing %s' % ', '.join(missing))
    unknown = sorted(set(entry) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise exceptions.InvalidSetting(
            OPTION, _shown(entry),
            reason='unknown key(s) %s; known keys: %s' % (
                ', '.join(unknown),
                ', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)))
    mode = entry.get('mode')
    if mode and mode.lower() != SYNCHRONOUS:
        raise exceptions.InvalidSetting(
            '%s mode' % OPTION, mode, ['Synchronous'],
            reason='only synchronous SRDF is supported')
    return ReplicationTarget(
        serial=entry['target_device_id'],
        remote_pool=entry['remote_pool'],
        remote_port_group=entry['remote_port_group'],
        rdf_group_label=entry['rdf_group_label'],
        allow_extend=_flag(entry.get('allow_extend')),
        backend_id=entry.get('backend_id') or '')


def target_backend_config(backend, target):
    """The settings of the target array as a backend of its own: same
    provider and waits, the target's serial, SRP and port group; the
    primary's service level and workload (dropped per volume type when
    the target does not offer them)."""
    return dataclasses.replace(
        backend, array_serial=target.serial, pool=target.remote_pool,
        port_groups=(target.remote_port_group,), fast_policy=None)


def _flag(value):
    if value is None or value == '':
        return False
    text = value.lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise exceptions.InvalidSetting('%s allow_extend' % OPTION, value,
                                    ['True', 'False'])


def _shown(entry):
    return ', '.join('%s:%s' % kv for kv in sorted(entry.items()))
