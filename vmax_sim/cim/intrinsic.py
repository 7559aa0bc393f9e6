"""Intrinsic operations over the model: GetInstance, enumerations,
association traversals, ModifyInstance, and the class operations.

Nothing here copies the estate: point reads resolve the inbound path to a
model object through the kinds (host ignored), enumerations walk only the
kinds whose class matches, and association traversals run only the sides
that the AssocClass / ResultClass / Role / ResultRole filters let through.
"""

import pywbem

from vmax_sim.cim import assocs
from vmax_sim.cim import errors
from vmax_sim.cim import kinds
from vmax_sim.model import ops

_CLASS_OPERATIONS = ('GetClass', 'EnumerateClassNames', 'EnumerateClasses',
                     'EnumerateQualifiers', 'GetQualifier')
_UNSUPPORTED = ('CreateInstance', 'DeleteInstance', 'CreateClass',
                'ModifyClass', 'DeleteClass', 'SetQualifier',
                'DeleteQualifier', 'ExecQuery', 'GetProperty',
                'SetProperty')

# Properties a client may change with ModifyInstance, per kind.
_WRITABLE = {
    kinds.VOLUME.name: ('ElementName',),
    kinds.SG.name: ('EMCMaximumIO', 'EMCMaximumBandwidth',
                    'EMCMaxIODynamicDistributionType'),
}


def _classname_of(value):
    if value is None:
        return None
    if isinstance(value, pywbem.CIMClassName):
        return value.classname
    return str(value)


def _wanted(property_list):
    if property_list is None:
        return None
    return {name.lower() for name in property_list}


class Engine:
    """Serves the intrinsic operations for one estate.  Not locked: the
    dispatcher serialises calls."""

    def __init__(self, estate, classes):
        self.estate = estate
        self.classes = classes
        self._instance_kinds = {kind.classname.lower(): kind
                                for kind in kinds.ALL}
        self._assoc_kinds = {assoc.classname.lower(): assoc
                             for assoc in assocs.ALL}
        for name in list(self._instance_kinds) + list(self._assoc_kinds):
            if not classes.exists(name):
                raise RuntimeError('schema lacks class %s' % name)
        self._sides = {}
        for assoc in assocs.ALL:
            for side in assoc.sides:
                self._sides.setdefault(side.near_kind.name, []).append(side)
        self._prop_types = {}

    # -- context used by kinds and associations ----------------------------

    def group_copy_state(self, group_rel):
        return ops.group_copy_state(self.estate, group_rel)

    # -- resolving inbound references ----------------------------------------

    def check_namespace(self, namespace):
        if namespace and namespace.strip('/').lower() != \
                self.classes.namespace:
            raise errors.invalid_namespace(namespace)

    def check_class(self, classname):
        if not classname or not self.classes.exists(classname):
            raise errors.invalid_class(classname)
        return self.classes.canonical(classname)

    def _candidate_kinds(self, classname):
        """Instance kinds whose class is ``classname`` or a subclass."""
        wanted = self.classes.descendants(classname)
        return [kind for name, kind in self._instance_kinds.items()
                if name in wanted]

    def _candidate_assocs(self, classname):
        wanted = self.classes.descendants(classname)
        return [assoc for name, assoc in self._assoc_kinds.items()
                if name in wanted]

    def resolve(self, path, array=None):
        """The node or association link an inbound path names.

        Raises CIM_ERR_INVALID_CLASS for a class outside the schema and
        CIM_ERR_NOT_FOUND when no such object exists (any more).  The
        host of the path is ignored.
        """
        if not isinstance(path, pywbem.CIMInstanceName):
            raise errors.invalid_parameter(
                'Expected an instance path, got %s' % type(path).__name__)
        self.check_namespace(path.namespace)
        self.check_class(path.classname)
        keys = path.keybindings
        for kind in self._candidate_kinds(path.classname):
            node = kind.find(self, keys, array)
            if node is not None:
                return node
        for assoc in self._candidate_assocs(path.classname):
            link = self._find_link(assoc, keys)
            if link is not None:
                return link
        raise errors.not_found(path)

    def _find_link(self, assoc, keys):
        ends = {}
        for role in assoc.roles:
            ref = keys.get(role)
            if not isinstance(ref, pywbem.CIMInstanceName):
                return None
            try:
                ends[role] = self.resolve(ref)
            except pywbem.CIMError:
                return None
            if not isinstance(ends[role], kinds.Node):
                return None
        return assoc.find(self, ends)

    # -- rendering ------------------------------------------------------------

    def _types(self, classname):
        types = self._prop_types.get(classname)
        if types is None:
            cls = self.classes.get(classname)
            types = {name.lower(): (prop.name, prop.type, prop.is_array,
                                    prop.reference_class)
                     for name, prop in cls.properties.items()}
            self._prop_types[classname] = types
        return types

    def instance(self, obj, property_list=None, path=None):
        """Render a node or link as a CIMInstance with ``path`` set."""
        if path is None:
            path = obj.path()
        if isinstance(obj, assocs.Link):
            values = {role: node.path() for role, node in obj.ends.items()}
            values.update(obj.props)
        else:
            values = dict(obj.kind.keys(obj))
            values.update(obj.kind.properties(self, obj))
        wanted = _wanted(property_list)
        types = self._types(obj.classname)
        props = []
        for name, value in values.items():
            lower = name.lower()
            if wanted is not None and lower not in wanted:
                continue
            decl_name, ptype, is_array, ref_class = types[lower]
            props.append(pywbem.CIMProperty(
                decl_name, value, type=ptype, is_array=is_array,
                reference_class=ref_class))
        return pywbem.CIMInstance(obj.classname, properties=props,
                                  path=path)

    # -- instance operations --------------------------------------------------

    def get_instance(self, params):
        path = params.get('InstanceName')
        obj = self.resolve(path)
        result_path = obj.path()
        return self.instance(obj, params.get('PropertyList'), result_path)

    def _each(self, classname):
        for kind in self._candidate_kinds(classname):
            yield from kind.each(self)
        for assoc in self._candidate_assocs(classname):
            yield from assoc.each(self)

    def enumerate_instance_names(self, params):
        classname = self.check_class(_classname_of(params.get('ClassName')))
        return [obj.path() for obj in self._each(classname)]

    def enumerate_instances(self, params):
        classname = self.check_class(_classname_of(params.get('ClassName')))
        property_list = params.get('PropertyList')
        deep = params.get('DeepInheritance')
        if deep is False:
            # Only the properties the requested class itself declares.
            own = [p for p in self.classes.get(classname).properties]
            if property_list is not None:
                keep = _wanted(property_list)
                own = [p for p in own if p.lower() in keep]
            property_list = own
        return [self.instance(obj, property_list)
                for obj in self._each(classname)]

    # -- associations ---------------------------------------------------------

    def _filter_class(self, name):
        name = _classname_of(name)
        if name is None:
            return None
        if not self.classes.exists(name):
            raise errors.invalid_parameter('Class %s does not exist' % name)
        return self.classes.canonical(name)

    def _links(self, node, assoc_class, result_class, role, result_role):
        """(side, far node, props) triples leaving ``node``."""
        role = role.lower() if role else None
        result_role = result_role.lower() if result_role else None
        seen = set()
        for side in self._sides.get(node.kind.name, ()):
            if assoc_class and not self.classes.is_subclass(
                    side.assoc.classname, assoc_class):
                continue
            if result_class and not self.classes.is_subclass(
                    side.far_kind.classname, result_class):
                continue
            if role and side.near_role.lower() != role:
                continue
            if result_role and side.far_role.lower() != result_role:
                continue
            for far, props in side.links(self, node):
                ident = (side.assoc.name, far.ident)
                if ident in seen:
                    continue
                seen.add(ident)
                yield side, far, props

    def _association_source(self, params):
        target = params.get('ObjectName')
        if isinstance(target, (str, pywbem.CIMClassName)):
            return None
        obj = self.resolve(target)
        if not isinstance(obj, kinds.Node):
            # Association instances are not themselves associated.
            return False
        return obj

    def associators(self, params, names_only):
        node = self._association_source(params)
        if node is None:
            op = 'AssociatorNames' if names_only else 'Associators'
            return self.classes.class_operation(op, params)
        if node is False:
            return []
        assoc_class = self._filter_class(params.get('AssocClass'))
        result_class = self._filter_class(params.get('ResultClass'))
        seen = set()
        result = []
        for side, far, props in self._links(
                node, assoc_class, result_class, params.get('Role'),
                params.get('ResultRole')):
            if far.ident in seen:
                continue
            seen.add(far.ident)
            if names_only:
                result.append(far.path())
            else:
                result.append(self.instance(far,
                                            params.get('PropertyList')))
        return result

    def references(self, params, names_only):
        node = self._association_source(params)
        if node is None:
            op = 'ReferenceNames' if names_only else 'References'
            return self.classes.class_operation(op, params)
        if node is False:
            return []
        result_class = self._filter_class(params.get('ResultClass'))
        result = []
        for side, far, props in self._links(node, result_class, None,
                                            params.get('Role'), None):
            link = assocs.Link(side.assoc, {side.near_role: node,
                                            side.far_role: far}, props)
            if names_only:
                result.append(link.path())
            else:
                result.append(self.instance(link,
                                            params.get('PropertyList')))
        return result

    # -- ModifyInstance -------------------------------------------------------

    def modify_instance(self, params):
        modified = params.get('ModifiedInstance')
        if not isinstance(modified, pywbem.CIMInstance) or \
                modified.path is None:
            raise errors.invalid_parameter(
                'ModifiedInstance must be an instance with its path')
        obj = self.resolve(modified.path)
        if isinstance(obj, assocs.Link):
            raise errors.not_supported(
                'Association instances cannot be modified')
        wanted = _wanted(params.get('PropertyList'))
        current = dict(obj.kind.keys(obj))
        current.update(obj.kind.properties(self, obj))
        current = {name.lower(): value for name, value in current.items()}
        writable = {name.lower(): name
                    for name in _WRITABLE.get(obj.kind.name, ())}
        changes = {}
        for name, prop in modified.properties.items():
            lower = name.lower()
            if wanted is not None and lower not in wanted:
                continue
            if current.get(lower) == prop.value:
                # Unchanged, or NULL for a property this object lacks.
                continue
            if lower not in writable:
                raise errors.not_supported(
                    'Property %s of %s cannot be modified'
                    % (name, obj.classname))
            changes[writable[lower]] = prop.value
        if changes:
            self._apply_modification(obj, changes)

    def _apply_modification(self, node, changes):
        serial = node.array.serial
        if node.kind is kinds.VOLUME:
            label = changes['ElementName']
            if not isinstance(label, str):
                raise errors.invalid_parameter('ElementName must be a string')
            ops.rename_volume(self.estate, serial, node.item.device_id,
                              label)
            return
        ops.set_host_io_limits(
            self.estate, serial, node.item.name,
            iops=_int_or_none(changes.get('EMCMaximumIO')),
            mbps=_int_or_none(changes.get('EMCMaximumBandwidth')),
            distribution=_int_or_none(
                changes.get('EMCMaxIODynamicDistributionType')))

    # -- dispatch -------------------------------------------------------------

    def call(self, name, namespace, params):
        """Serve one intrinsic operation (model errors propagate)."""
        self.check_namespace(namespace)
        if name in _CLASS_OPERATIONS:
            return self.classes.class_operation(name, params)
        if name == 'GetInstance':
            return self.get_instance(params)
        if name == 'EnumerateInstanceNames':
            return self.enumerate_instance_names(params)
        if name == 'EnumerateInstances':
            return self.enumerate_instances(params)
        if name == 'Associators':
            return self.associators(params, names_only=False)
        if name == 'AssociatorNames':
            return self.associators(params, names_only=True)
        if name == 'References':
            return self.references(params, names_only=False)
        if name == 'ReferenceNames':
            return self.references(params, names_only=True)
        if name == 'ModifyInstance':
            return self.modify_instance(params)
        if name in _UNSUPPORTED:
            raise errors.not_supported('%s is not supported by this provider'
                                       % name)
        raise errors.not_supported('Unknown operation %s' % name)


def _int_or_none(value):
    return None if value is None else int(value)
