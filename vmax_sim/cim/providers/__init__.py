"""Extrinsic-method providers, by (instance kind, method name)."""

import pywbem

from vmax_sim.cim.providers import masking
from vmax_sim.cim.providers import replication
from vmax_sim.cim.providers import storage

_REGISTRY = pywbem.NocaseDict()
for _module in (storage, masking, replication):
    for (_kind, _method), _func in _module.PROVIDERS.items():
        _REGISTRY['%s/%s' % (_kind.name, _method)] = _func


def provider(kind, methodname):
    """The provider function for ``methodname`` on instances of ``kind``,
    or None."""
    return _REGISTRY.get('%s/%s' % (kind.name, methodname))
