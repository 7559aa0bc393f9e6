"""Every array operation, in one place.

The CIM layer (and tests) call these; each takes the :class:`Estate`
first and the array serial second (relationship operations take the
session id instead), checks every rule before changing anything and
raises :class:`~vmax_sim.model.errors.ArrayError` (or its subclass
``ObjectNotFound``) with the array's message when refused.  Wrap one in
:func:`start_job` to give it a job and a completion rule.

Volumes (:mod:`.volumes`): create_volume, create_volumes, extend_volume,
compose_meta, delete_volume, delete_volumes, rename_volume,
unbind_volume, bind_volume, relocate_volumes, supported_size_range.

Masking (:mod:`.masking`): create_storage_group, create_initiator_group,
create_port_group, delete_group (+ delete_storage_group,
delete_initiator_group, delete_port_group), add_members, remove_members,
set_host_io_limits, create_hardware_id, delete_hardware_id,
create_masking_view, delete_masking_view.

Cascaded storage groups (:mod:`.cascade`): add_child_groups,
remove_child_groups, move_members.

Replication (:mod:`.replication`): create_snapshot, link_snapshot,
create_snapvx_replica, unlink_snapshot, terminate_snapshot, create_clone,
create_srdf_pair, dissolve, detach, suspend, resync, failover, failback,
modify_synchronization, create_replication_group,
delete_replication_group, add_replication_group_members,
remove_replication_group_members, create_group_replica,
dissolve_group_relationship, modify_group_synchronization,
group_copy_state.

FAST (:mod:`.fast`): associate_fast_policy, disassociate_fast_policy,
storage_groups_of_policy.

Jobs (:mod:`.jobs`): start_job, get_job, terminate_job,
purge_finished_jobs, key_of.
"""

from vmax_sim.model.cascade import add_child_groups  # noqa
from vmax_sim.model.cascade import move_members  # noqa
from vmax_sim.model.cascade import remove_child_groups  # noqa
from vmax_sim.model.fast import associate_fast_policy  # noqa
from vmax_sim.model.fast import disassociate_fast_policy  # noqa
from vmax_sim.model.fast import storage_groups_of_policy  # noqa
from vmax_sim.model.jobs import get_job  # noqa
from vmax_sim.model.jobs import key_of  # noqa
from vmax_sim.model.jobs import purge_finished_jobs  # noqa
from vmax_sim.model.jobs import start_job  # noqa
from vmax_sim.model.jobs import terminate_job  # noqa
from vmax_sim.model.masking import add_members  # noqa
from vmax_sim.model.masking import create_hardware_id  # noqa
from vmax_sim.model.masking import create_initiator_group  # noqa
from vmax_sim.model.masking import create_masking_view  # noqa
from vmax_sim.model.masking import create_port_group  # noqa
from vmax_sim.model.masking import create_storage_group  # noqa
from vmax_sim.model.masking import delete_group  # noqa
from vmax_sim.model.masking import delete_hardware_id  # noqa
from vmax_sim.model.masking import delete_initiator_group  # noqa
from vmax_sim.model.masking import delete_masking_view  # noqa
from vmax_sim.model.masking import delete_port_group  # noqa
from vmax_sim.model.masking import delete_storage_group  # noqa
from vmax_sim.model.masking import remove_members  # noqa
from vmax_sim.model.masking import set_host_io_limits  # noqa
from vmax_sim.model.replication import add_replication_group_members  # noqa
from vmax_sim.model.replication import create_clone  # noqa
from vmax_sim.model.replication import create_group_replica  # noqa
from vmax_sim.model.replication import create_replication_group  # noqa
from vmax_sim.model.replication import create_snapshot  # noqa
from vmax_sim.model.replication import create_snapvx_replica  # noqa
from vmax_sim.model.replication import create_srdf_pair  # noqa
from vmax_sim.model.replication import delete_replication_group  # noqa
from vmax_sim.model.replication import detach  # noqa
from vmax_sim.model.replication import dissolve  # noqa
from vmax_sim.model.replication import dissolve_group_relationship  # noqa
from vmax_sim.model.replication import failback  # noqa
from vmax_sim.model.replication import failover  # noqa
from vmax_sim.model.replication import group_copy_state  # noqa
from vmax_sim.model.replication import link_snapshot  # noqa
from vmax_sim.model.replication import modify_group_synchronization  # noqa
from vmax_sim.model.replication import modify_synchronization  # noqa
from vmax_sim.model.replication import remove_replication_group_members  # noqa
from vmax_sim.model.replication import resync  # noqa
from vmax_sim.model.replication import suspend  # noqa
from vmax_sim.model.replication import terminate_snapshot  # noqa
from vmax_sim.model.replication import unlink_snapshot  # noqa
from vmax_sim.model.volumes import bind_volume  # noqa
from vmax_sim.model.volumes import compose_meta  # noqa
from vmax_sim.model.volumes import create_volume  # noqa
from vmax_sim.model.volumes import create_volumes  # noqa
from vmax_sim.model.volumes import delete_volume  # noqa
from vmax_sim.model.volumes import delete_volumes  # noqa
from vmax_sim.model.volumes import extend_volume  # noqa
from vmax_sim.model.volumes import relocate_volumes  # noqa
from vmax_sim.model.volumes import rename_volume  # noqa
from vmax_sim.model.volumes import supported_size_range  # noqa
from vmax_sim.model.volumes import unbind_volume  # noqa
