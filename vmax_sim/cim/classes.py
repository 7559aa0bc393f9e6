"""The compiled class schema: hierarchy, declarations, class operations.

The hand-written MOF in ``schema/`` is compiled once per process with
pywbem's MOF compiler, and each class is resolved (inherited properties
and methods merged in) for the engine's own use: the hierarchy, method
declarations and property types.  The class operations that tools such as
pywbemcli send (GetClass, EnumerateClass(Name)s, EnumerateQualifiers,
class-level associations) are answered by a private
``pywbem_mock.FakedWBEMConnection`` loaded with the same MOF on first use,
so they follow DSP0200 exactly.  Array state never lives in either.
"""

import functools
import glob
import os
import threading

import pywbem
import pywbem_mock

NAMESPACE = 'root/emc'

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), 'schema')

# Association operations on a class name; their ObjectName is the class
# and they take no separate namespace argument.
_CLASS_LEVEL_ASSOCIATIONS = ('Associators', 'AssociatorNames', 'References',
                             'ReferenceNames')


def _is_embedded_instance(obj):
    qual = obj.qualifiers.get('EmbeddedInstance')
    return qual is not None and qual.value


def _mof_files(mof_dir):
    return sorted(glob.glob(os.path.join(mof_dir, '*.mof')))


def _compile(mof_dir, namespace):
    """Local (unresolved) classes of the MOF files, by name."""
    repo = pywbem.MOFWBEMConnection()
    compiler = pywbem.MOFCompiler(repo, log_func=None)
    for path in _mof_files(mof_dir):
        compiler.compile_file(path, namespace)
    return repo.classes[namespace]


def _merged(inherited, own, classname):
    """Inherited members (marked propagated) overridden by own ones."""
    result = pywbem.NocaseDict()
    for name, member in inherited.items():
        if name not in own:
            member = member.copy()
            member.propagated = True
            result[name] = member
    for name, member in own.items():
        member = member.copy()
        if member.class_origin is None:
            member.class_origin = classname
        result[name] = member
    return result


def _resolve(local):
    """Resolved copies of the local classes (superclasses first)."""
    resolved = pywbem.NocaseDict()

    def resolve(name):
        if name in resolved:
            return resolved[name]
        cls = local[name].copy()
        if cls.superclass:
            parent = resolve(cls.superclass)
            cls.properties = _merged(parent.properties, cls.properties,
                                     cls.classname)
            cls.methods = _merged(parent.methods, cls.methods,
                                  cls.classname)
        resolved[name] = cls
        return cls

    for name in local:
        resolve(name)
    return resolved


class ClassStore:
    """Resolved classes of the simulator schema and their hierarchy.

    All lookups are case-insensitive, as class names are in CIM.
    """

    def __init__(self, mof_dir=SCHEMA_DIR, namespace=NAMESPACE):
        self.namespace = namespace
        self._mof_dir = mof_dir
        self._conn = None
        # The class-operation connection is built on first use and is not
        # documented as thread-safe.
        self._lock = threading.Lock()
        self._classes = _resolve(_compile(mof_dir, namespace))
        for cls in self._classes.values():
            self._fix_embedded_parameters(cls)
        self._ancestors = pywbem.NocaseDict()
        self._descendants = pywbem.NocaseDict(
            (name, set()) for name in self._classes)
        for name in self._classes:
            chain = []
            sup = self._classes[name].superclass
            while sup:
                chain.append(self._classes[sup].classname)
                sup = self._classes[sup].superclass
            self._ancestors[name] = chain
            lower = name.lower()
            self._descendants[name].add(lower)
            for anc in chain:
                self._descendants[anc].add(lower)

    def _class_connection(self):
        if self._conn is None:
            conn = pywbem_mock.FakedWBEMConnection(
                default_namespace=self.namespace)
            for path in _mof_files(self._mof_dir):
                conn.compile_mof_file(path, namespace=self.namespace)
            self._conn = conn
        return self._conn

    @staticmethod
    def _fix_embedded_parameters(cls):
        # The MOF compiler sets embedded_object from the EmbeddedInstance
        # qualifier on properties only; method parameters need it too so
        # that embedded-instance arguments validate and out-parameters are
        # encoded as embedded instances.
        for method in cls.methods.values():
            for param in method.parameters.values():
                if _is_embedded_instance(param):
                    param.embedded_object = 'instance'

    # -- hierarchy -------------------------------------------------------

    def exists(self, name):
        return name in self._classes

    def canonical(self, name):
        """The class name in its declared spelling (KeyError if unknown)."""
        return self._classes[name].classname

    def get(self, name):
        """The resolved CIMClass (shared; do not modify)."""
        return self._classes[name]

    def ancestors(self, name):
        return list(self._ancestors[name])

    def is_subclass(self, name, parent):
        """True when ``name`` is ``parent`` or derives from it."""
        if parent is None:
            return True
        desc = self._descendants.get(parent)
        return desc is not None and name.lower() in desc

    def descendants(self, name):
        """Lower-case names of ``name`` and all its subclasses."""
        return frozenset(self._descendants[name])

    def is_association(self, name):
        qual = self._classes[name].qualifiers.get('Association')
        return bool(qual and qual.value)

    def method(self, classname, methodname):
        """The resolved CIMMethod, or None when the class has none such."""
        cls = self._classes.get(classname)
        if cls is None:
            return None
        return cls.methods.get(methodname)

    def property_type(self, classname, propname):
        prop = self._classes[classname].properties.get(propname)
        return None if prop is None else prop.type

    # -- class operations, served from the compiled store ----------------

    def class_operation(self, name, params):
        """Run a class-level intrinsic operation on the class store.

        ``params`` are the IPARAMVALUEs as the wire delivers them.
        """
        kwargs = {}
        for key, value in params.items():
            if isinstance(value, pywbem.CIMClassName):
                value = value.classname
            kwargs[key] = value
        if name not in _CLASS_LEVEL_ASSOCIATIONS:
            kwargs['namespace'] = self.namespace
        with self._lock:
            op = getattr(self._class_connection(), name)
            result = op(**kwargs)
        if name in ('EnumerateQualifiers', 'GetQualifier'):
            result = _plain_scopes(result)
        if name in _CLASS_LEVEL_ASSOCIATIONS:
            result = [_local_class_result(item) for item in result]
        return result


def _local_class_result(item):
    """A class-level association result as the dispatcher answers it: a
    CIMClassName, or a CIMClass with ``path`` set, without host."""
    if isinstance(item, tuple):
        path, cls = item
        path = path.copy()
        path.host = None
        cls = cls.copy()
        cls.path = path
        return cls
    item = item.copy()
    item.host = None
    return item


def _plain_scopes(result):
    """Qualifier declarations with DSP0201 scopes.

    The MOF compiler records ``Scope(any)`` as an extra ``ANY`` scope,
    which the SCOPE element of CIM-XML does not have (pywbem's own parser
    rejects it): spell it out as every scope instead.
    """
    declarations = result if isinstance(result, list) else [result]
    for decl in declarations:
        scopes = decl.scopes
        if scopes and 'ANY' in scopes:
            any_scope = scopes['ANY']
            decl.scopes = pywbem.NocaseDict(
                (name, bool(value or any_scope))
                for name, value in scopes.items() if name.upper() != 'ANY')
    return result


@functools.lru_cache(maxsize=1)
def class_store():
    """The process-wide compiled schema (compiled on first use)."""
    return ClassStore()
