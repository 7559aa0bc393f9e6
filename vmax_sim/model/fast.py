"""VMAX2 FAST: associate storage groups with FAST policies
(``ModifyStorageTierPolicyRule`` Operation 5 add / 6 remove)."""

from vmax_sim.model import checks
from vmax_sim.model import errors
from vmax_sim.model import objects as o


def associate_fast_policy(estate, serial, storage_group, policy):
    """Put an SG under a FAST policy; refused when one of its devices is
    already in another FAST-managed SG, or the SG already has a policy."""
    estate.tick()
    arr = checks.array(estate, serial)
    if arr.is_vmax3:
        raise errors.ArrayError(errors.fast_policy_on_vmax3(serial),
                                errors.CODE_INVALID)
    checks.fast_policy(arr, policy)
    sg = checks.storage_group(arr, storage_group)
    checks.sg_unlocked(estate, arr, storage_group)
    if sg.is_parent:
        # A parent SG is never FAST managed: its children carry policies.
        raise errors.ArrayError(errors.parent_no_fast_policy(storage_group),
                                errors.CODE_INVALID)
    if sg.fast_policy:
        raise errors.ArrayError(errors.sg_already_fast(storage_group,
                                                       sg.fast_policy),
                                errors.CODE_IN_USE)
    probe = o.StorageGroup(name=sg.name, fast_policy=policy)
    for device_id in sg.members:
        checks.fast_conflict(arr, device_id, probe)
    sg.fast_policy = policy
    return sg


def disassociate_fast_policy(estate, serial, storage_group, policy):
    """Take an SG out of its FAST policy."""
    estate.tick()
    arr = checks.array(estate, serial)
    checks.fast_policy(arr, policy)
    sg = checks.storage_group(arr, storage_group)
    checks.sg_unlocked(estate, arr, storage_group)
    if sg.fast_policy != policy:
        raise errors.ArrayError(errors.sg_not_fast(storage_group, policy),
                                errors.CODE_INVALID)
    sg.fast_policy = None
    return sg


def storage_groups_of_policy(estate, serial, policy):
    """Names of the SGs associated with ``policy``."""
    arr = checks.array(estate, serial)
    checks.fast_policy(arr, policy)
    return [sg.name for sg in arr.storage_groups.values()
            if sg.fast_policy == policy]
