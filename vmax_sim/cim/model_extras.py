"""Array operations the CIM surface needs and the model does not offer
(yet), written with the model's own checks and index-keeping mutations so
the model's rules and indexes stay right.  Candidates to move into
``vmax_sim.model`` (see the CIM engineer's report).
"""

from vmax_sim.model import checks
from vmax_sim.model import errors
from vmax_sim.model import mutate
from vmax_sim.model import objects as o


def relocate_volumes(estate, serial, device_ids, pool_name):
    """Move VMAX2 devices to another thin pool
    (``RelocateStorageVolumesToStoragePool``); all or none.

    Refused on VMAX3, for a device already in that pool or unbound, and
    when the pool cannot take the devices' total size.  Returns the
    devices.
    """
    estate.tick()
    arr = checks.array(estate, serial)
    if arr.is_vmax3:
        raise errors.ArrayError(errors.wrong_family(serial, o.FAMILY_VMAX2),
                                errors.CODE_INVALID)
    checks.pool(arr, pool_name, o.POOL_THIN)
    devices = []
    total = 0
    for device_id in device_ids:
        dev = checks.device(arr, device_id)
        if not dev.bound:
            raise errors.ArrayError(errors.device_unbound(device_id),
                                    errors.CODE_INVALID)
        if dev.pool == pool_name:
            raise errors.ArrayError(
                'Device %s is already in pool %s' % (device_id, pool_name),
                errors.CODE_INVALID)
        if dev not in devices:
            devices.append(dev)
            total += dev.size_bytes
    checks.capacity(arr, pool_name, total)
    for dev in devices:
        mutate.set_binding(arr, dev, pool_name, True)
        for member in dev.meta_members:
            arr.devices[member].pool = pool_name
    return devices
