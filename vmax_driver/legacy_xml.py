"""Reader of the 2.x VMAX driver's XML file (``cinder_emc_config_file``).

The file is deprecated: it only exists so that an operator upgrading from
the SMI-S driver of the Ocata era can keep the file for a while.  It is
parsed with defusedxml (no entity expansion, no external references), and
its values become the same cinder.conf option names the backend section
uses, so :mod:`vmax_driver.config` can merge the two sources with one rule:
a value set in cinder.conf wins over the file.

Format (flat "single pool" layout of driver 2.5)::

    <EMC>
      <EcomServerIp>10.0.0.5</EcomServerIp>
      <EcomServerPort>5989</EcomServerPort>
      <EcomUserName>admin</EcomUserName>
      <EcomPassword>...</EcomPassword>
      <PortGroups><PortGroup>OS-PG-1</PortGroup></PortGroups>
      <Array>000197200056</Array>
      <Pool>SRP_1</Pool>
      <ServiceLevel>Gold</ServiceLevel>
      <Workload>OLTP</Workload>
      <Interval>3</Interval>
      <Retries>200</Retries>
    </EMC>

As in the 2.x driver, each element is looked up anywhere in the document
and the first one counts; values are stripped of the whitespace and
newlines pretty-printed files carry (bug 1364232).  Unlike the 2.x driver
the path is used exactly as configured (no per-section file name
guessing), and a port group is not picked at random at parse time: the
whole de-duplicated list is handed on.
"""

import dataclasses
from xml.etree import ElementTree

from cinder import exception
import defusedxml
from defusedxml import ElementTree as SafeElementTree
from oslo_log import log as logging

LOG = logging.getLogger(__name__)

CONFIG_FILE_OPTION = 'cinder_emc_config_file'

# XML element -> the cinder.conf option that replaces it.
STRING_ELEMENTS = (
    ('EcomServerIp', 'vmax_smis_address'),
    ('EcomUserName', 'vmax_smis_user'),
    ('EcomPassword', 'vmax_smis_password'),
    ('Array', 'vmax_array'),
    ('Pool', 'vmax_pool'),
    ('FastPolicy', 'vmax_fast_policy'),
    ('ServiceLevel', 'vmax_service_level'),
    ('Workload', 'vmax_workload'),
)
# (element, option, smallest accepted value, largest accepted value)
INTEGER_ELEMENTS = (
    ('EcomServerPort', 'vmax_smis_port', 1, 65535),
    ('Interval', 'vmax_job_interval', 0, None),
    ('Retries', 'vmax_job_retries', 1, None),
)
PORT_GROUPS_ELEMENT = 'PortGroups'
PORT_GROUP_ELEMENT = 'PortGroup'
PORT_GROUPS_OPTION = 'vmax_port_groups'

# cinder.conf option -> the XML element an old file sets it with.
ELEMENT_FOR_OPTION = dict(
    [(option, element) for element, option in STRING_ELEMENTS]
    + [(option, element) for element, option, _l, _h in INTEGER_ELEMENTS]
    + [(PORT_GROUPS_OPTION,
        '%s/%s' % (PORT_GROUPS_ELEMENT, PORT_GROUP_ELEMENT))])

# Elements 2.x parsed but whose connection code ignored them in favour of
# Cinder's generic options (bug 1546184); this driver does the same and
# says so.
IGNORED_ELEMENTS = (
    ('EcomUseSSL', 'driver_use_ssl'),
    ('EcomCACert', 'driver_ssl_cert_path'),
    ('EcomNoVerification', 'driver_ssl_cert_verify'),
)
# Markers of the nested multi-pool layout of drivers 2.2-2.4.
MULTI_POOL_ELEMENTS = ('EcomServers', 'Pools')


@dataclasses.dataclass(frozen=True)
class LegacySettings:
    """What one legacy XML file says, keyed by cinder.conf option name."""

    path: str
    # option name -> value (str, int or tuple of str); only keys the file
    # sets to a non-empty value.
    values: dict
    # option name -> XML element it came from, for messages.
    sources: dict


def _error(path, section, detail):
    where = ('backend [%s]' % section) if section else 'this backend'
    return exception.InvalidConfigurationValue(
        message='Legacy VMAX XML file %s (option %s of %s): %s'
                % (path, CONFIG_FILE_OPTION, where, detail),
        option=CONFIG_FILE_OPTION)


def _parse(path, section):
    try:
        with open(path, 'rb') as xml_file:
            data = xml_file.read()
    except OSError as err:
        raise _error(path, section,
                     'cannot read the file: %s' % (err.strerror or err))
    try:
        return SafeElementTree.fromstring(data)
    except defusedxml.DefusedXmlException as err:
        raise _error(path, section,
                     'refused unsafe XML construct (%s)' % type(err).__name__)
    except ElementTree.ParseError as err:
        raise _error(path, section, 'malformed XML: %s' % err)


def _first(root, tag, path, section):
    # iter() walks the whole tree, root included, in document order:
    # the 2.x driver's getElementsByTagName semantics.
    found = list(root.iter(tag))
    if len(found) > 1:
        LOG.warning('Legacy VMAX XML file %(path)s has %(count)d <%(tag)s> '
                    'elements; only the first is used.',
                    {'path': path, 'count': len(found), 'tag': tag})
    return found[0] if found else None


def _text(element):
    return ''.join(element.itertext()).strip() if element is not None else ''


def _integer(text, element, low, high, path, section):
    try:
        number = int(text)
    except ValueError:
        raise _error(path, section, '<%s> must be an integer, got "%s"'
                     % (element, text))
    if number < low or (high is not None and number > high):
        bounds = ('between %d and %d' % (low, high) if high is not None
                  else 'at least %d' % low)
        raise _error(path, section, '<%s> must be %s, got %d'
                     % (element, bounds, number))
    return number


def _port_groups(root, path, section):
    container = _first(root, PORT_GROUPS_ELEMENT, path, section)
    if container is None:
        return None
    names = []
    for entry in container.iter(PORT_GROUP_ELEMENT):
        name = _text(entry)
        if name and name not in names:
            names.append(name)
    if not names:
        raise _error(path, section, '<%s> lists no non-empty <%s>'
                     % (PORT_GROUPS_ELEMENT, PORT_GROUP_ELEMENT))
    return tuple(names)


def read_legacy_file(path, section=None):
    """Parse a 2.x XML file into a :class:`LegacySettings`.

    ``section`` is the cinder.conf backend section, used in messages only.
    Raises ``cinder.exception.InvalidConfigurationValue`` naming the file
    and the offending element when the file cannot be read, is not
    well-formed (or unsafe) XML, uses the unsupported multi-pool layout,
    has an empty ``PortGroups`` or a non-integer ``EcomServerPort``,
    ``Interval`` or ``Retries``.
    """
    root = _parse(path, section)
    for marker in MULTI_POOL_ELEMENTS:
        if _first(root, marker, path, section) is not None:
            raise _error(path, section,
                         'the multi-pool layout (<%s>) of drivers 2.2-2.4 '
                         'is not supported; use the flat layout or the '
                         'vmax_* options in cinder.conf' % marker)
    values = {}
    sources = {}
    for element, option in STRING_ELEMENTS:
        text = _text(_first(root, element, path, section))
        if text:
            values[option] = text
            sources[option] = element
    for element, option, low, high in INTEGER_ELEMENTS:
        text = _text(_first(root, element, path, section))
        if text:
            values[option] = _integer(text, element, low, high, path,
                                      section)
            sources[option] = element
    port_groups = _port_groups(root, path, section)
    if port_groups is not None:
        values[PORT_GROUPS_OPTION] = port_groups
        sources[PORT_GROUPS_OPTION] = ELEMENT_FOR_OPTION[PORT_GROUPS_OPTION]
    for element, option in IGNORED_ELEMENTS:
        if _first(root, element, path, section) is not None:
            LOG.warning('Legacy VMAX XML file %(path)s: <%(element)s> is '
                        'ignored; set %(option)s in the backend section '
                        'of cinder.conf instead.',
                        {'path': path, 'element': element, 'option': option})
    return LegacySettings(path=path, values=values, sources=sources)


def log_deprecation(settings, section=None):
    """Warn that the file is deprecated, naming each replacement option.

    Only element and option names are logged, never values (the file
    holds the provider password).
    """
    replacements = ', '.join('<%s> -> %s' % (settings.sources[option], option)
                             for option in sorted(settings.sources))
    LOG.warning('Backend [%(section)s] reads the legacy VMAX XML file '
                '%(path)s (option %(option)s), which is deprecated and will '
                'be removed. Move its settings to the backend section of '
                'cinder.conf: %(replacements)s. Values set in cinder.conf '
                'already win over the file.',
                {'section': section or 'DEFAULT', 'path': settings.path,
                 'option': CONFIG_FILE_OPTION,
                 'replacements': replacements or '(the file sets nothing)'})
