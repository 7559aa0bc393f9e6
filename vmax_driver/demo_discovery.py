"""What ``vmax-demo`` learns from the SMI-S provider before it writes the
backend section: the array, its pool and service level, its port groups,
and -- when the provider also manages an SRDF partner -- the
``replication_device`` that makes failover part of the run.

Only what a CIM client may rely on is read (doc/source/cim-surface.rst):
instance names of systems, SRPs / thin pools, service-level settings,
port groups, and the RDF groups with their labels.
"""

import dataclasses

SECTION = 'vmax_demo'
DRIVER_CLASS = 'vmax_driver.iscsi.VMAXISCSIDriver'
NAMESPACE = 'root/emc'
# Service level / workload the demo asks for when the array offers them.
PREFERRED_SETTINGS = (('Diamond', 'OLTP'), ('Gold', 'OLTP'))
SEPARATOR = '-+-'


class DemoError(Exception):
    """A problem worth one line, not a traceback."""


@dataclasses.dataclass
class ArrayChoice:
    serial: str
    pool: str
    service_level: str = None
    workload: str = None
    port_groups: list = dataclasses.field(default_factory=list)
    # The replication_device entry (key -> value), None without a partner.
    replication: dict = None


def _split_id(text):
    """Tokens of a VMAX InstanceID / Name (``-+-`` or ``+`` separated)."""
    return text.split(SEPARATOR) if SEPARATOR in text else text.split('+')


def _named_in(serial, instance_id):
    """The object name of ``SYMMETRIX<SEP><serial><SEP><name>`` when it
    belongs to ``serial`` (a name may contain ``+`` or ``-``), else
    None."""
    separator = SEPARATOR if SEPARATOR in instance_id else '+'
    parts = instance_id.split(separator, 2)
    return parts[2] if len(parts) == 3 and parts[1] == serial else None


def discover_array(url, creds, ca_certs=None, no_verification=False,
                   serial=None, pool=None):
    """Serial, pool, service level, port groups and SRDF partner of the
    array ``serial`` (default: the first) behind ``url``."""
    import pywbem
    conn = pywbem.WBEMConnection(url, creds, default_namespace=NAMESPACE,
                                 no_verification=no_verification,
                                 ca_certs=ca_certs, timeout=30)
    try:
        systems = sorted(_split_id(p.keybindings['Name'])[-1] for p in
                         conn.EnumerateInstanceNames('Symm_StorageSystem'))
        if not systems:
            raise DemoError('no Symm_StorageSystem at %s' % url)
        if serial and serial not in systems:
            raise DemoError('array %s is not behind %s (it manages %s)'
                            % (serial, url, ', '.join(systems)))
        serial = serial or systems[0]
        srps = _pools(conn, 'Symm_SRPStoragePool')
        if srps.get(serial):
            choice = ArrayChoice(serial, pool or srps[serial][0])
            _choose_service_level(conn, choice)
        else:
            thin = _pools(conn, 'Symm_VirtualProvisioningPool')
            if not thin.get(serial) and not pool:
                raise DemoError('array %s has no SRP and no thin pool'
                                % serial)
            choice = ArrayChoice(serial, pool or thin[serial][0])
        port_groups = _port_groups(conn)
        choice.port_groups = port_groups.get(serial, [])
        choice.replication = _replication_device(conn, serial, srps,
                                                 port_groups)
        return choice
    finally:
        conn.close()


def _pools(conn, class_name):
    """{serial: [pool name, ...]} of one pool class, names sorted."""
    found = {}
    for path in conn.EnumerateInstanceNames(class_name):
        tokens = _split_id(path.keybindings['InstanceID'])
        found.setdefault(tokens[1], []).append(tokens[-1])
    return {serial: sorted(names) for serial, names in found.items()}


def _choose_service_level(conn, choice):
    offered = set()
    for path in conn.EnumerateInstanceNames('Symm_StoragePoolSetting'):
        tokens = _split_id(path.keybindings['InstanceID'])
        if tokens[1] == choice.serial and tokens[-1] == choice.pool and \
                tokens[2].startswith('S') and ':' in tokens[2]:
            offered.add(tuple(tokens[2][1:].split(':', 1)))
    for level, workload in PREFERRED_SETTINGS:
        if (level, workload) in offered:
            choice.service_level, choice.workload = level, workload
            return


def _port_groups(conn):
    """{serial: [port group name, ...]}, names sorted."""
    found = {}
    for path in conn.EnumerateInstanceNames('SE_TargetMaskingGroup'):
        serial = _split_id(path.keybindings['InstanceID'])[1]
        name = _named_in(serial, path.keybindings['InstanceID'])
        found.setdefault(serial, []).append(name)
    return {serial: sorted(names) for serial, names in found.items()}


def _replication_device(conn, serial, srps, port_groups):
    """The replication_device entry for the first RDF group of ``serial``
    whose remote array has an SRP and a port group; None when there is
    none (a single array, or a VMAX2 without SRPs)."""
    import pywbem
    try:
        groups = conn.EnumerateInstances(
            'Symm_RemoteReplicationCollection', PropertyList=['ElementName'])
    except pywbem.CIMError as exc:
        # A provider without SRDF support may not know the class.
        if exc.status_code in (pywbem.CIM_ERR_INVALID_CLASS,
                               pywbem.CIM_ERR_NOT_SUPPORTED):
            return None
        raise
    for group in sorted(groups, key=lambda g: g.path['InstanceID']):
        tokens = _split_id(group.path['InstanceID'])
        if len(tokens) != 5 or tokens[1] != serial:
            continue
        remote = tokens[3]
        label = group.get('ElementName')
        if remote == serial or not label or not srps.get(remote) or \
                not port_groups.get(remote):
            continue
        return {'target_device_id': remote,
                'remote_pool': srps[remote][0],
                'remote_port_group': port_groups[remote][0],
                'rdf_group_label': label,
                'allow_extend': 'True'}
    return None


def backend_section(url, choice, user=None, password=None,
                    ca_certs=None, no_verification=False, chap=None,
                    state_path=None):
    """cinder.conf text with the demo's backend section; ``chap`` is
    ``(username, password)`` to turn CHAP on; ``state_path`` is where the
    driver keeps the state of its operations (crash recovery)."""
    scheme, _, hostport = url.partition('://')
    host, _, port = hostport.rstrip('/').rpartition(':')
    lines = ['[DEFAULT]',
             'enabled_backends = %s' % SECTION,
             '',
             '[%s]' % SECTION,
             'volume_driver = %s' % DRIVER_CLASS,
             'volume_backend_name = %s' % SECTION,
             'vmax_smis_address = %s' % host,
             'vmax_smis_port = %s' % port,
             'driver_use_ssl = %s' % (scheme == 'https'),
             'vmax_array = %s' % choice.serial,
             'vmax_pool = %s' % choice.pool]
    if user:
        lines += ['vmax_smis_user = %s' % user,
                  'vmax_smis_password = %s' % password]
    if scheme == 'https':
        if no_verification:
            lines.append('driver_ssl_cert_verify = false')
        elif ca_certs:
            lines.append('driver_ssl_cert_path = %s' % ca_certs)
    if choice.service_level:
        lines += ['vmax_service_level = %s' % choice.service_level,
                  'vmax_workload = %s' % (choice.workload or 'NONE')]
    if choice.port_groups:
        lines.append('vmax_port_groups = %s' % ', '.join(choice.port_groups))
    if chap:
        lines += ['use_chap_auth = true', 'chap_username = %s' % chap[0],
                  'chap_password = %s' % chap[1]]
    if choice.replication:
        lines.append('replication_device = %s' % ','.join(
            '%s:%s' % item for item in choice.replication.items()))
    if state_path:
        lines.append('vmax_state_path = %s' % state_path)
    # A simulator finishes jobs and copies in well under a second: poll
    # often, and for at most about a minute.
    lines += ['vmax_job_interval = 0.1', 'vmax_job_retries = 600', '']
    return '\n'.join(lines)
