"""Names-only pictures of the driver's flows, for review.

A :class:`FlowGraph` is read from what TaskFlow will actually run -- the
compiled execution graph of ``engines.load(flow).compile()`` and its
hierarchy -- rather than from the flow factory's code, so a picture cannot
disagree with the engine.  The compiled graph also holds no-op entry and
exit nodes for every (sub)flow; they are contracted away, keeping only
tasks and retries, and subflows come back as clusters.

Every task shows its name, task class, what it provides and requires (the
storage names, after rebinding) and what its revert undoes (see
:func:`describe_revert`).  Edges are the compiled graph's: ordering, data
links with their symbols (graph flows), decider (conditional) links and
retry links; data hand-overs in linear flows, which the compiled graph
does not hold, are derived from provides/requires and drawn on request.

Registered operations are drawn from ``sample_request(family)`` for each
family, with ``client=None``; families whose flows are the same share one
graph.

Renderers: DOT (no pydot needed), Mermaid ``flowchart LR``, an ASCII tree,
and SVG/PNG through graphviz's ``dot`` binary when it is installed.
"""

import dataclasses
import dis
import inspect
import os
import re
import shutil
import subprocess
import textwrap

import networkx as nx

from vmax_flows import registry
from vmax_flows.smis import discovery

FAMILIES = (discovery.FAMILY_VMAX3, discovery.FAMILY_VMAX2)
ALL_FAMILIES = 'all'

#: Output formats and their file extensions.
FORMATS = {'dot': '.dot', 'svg': '.svg', 'png': '.png', 'mermaid': '.mmd'}
GRAPHVIZ_FORMATS = ('svg', 'png')

# Node kinds of TaskFlow's compiled graph (the values of
# taskflow.engines.action_engine.compiler TASK, RETRY, FLOW).  Spelled
# out so that importing this module does not import taskflow.engines,
# whose eventlet probe prints a deprecation notice the CLI keeps out of
# its output (see vmax_flows.cli).
TASK = 'task'
RETRY_ATOM = 'retry'
FLOW = 'flow'

# Edge kinds, from the compiled graph's edge metadata (RETRY is a link
# from a retry controller; RETRY_ATOM above is the controller's node).
ORDER = 'order'          # invariant ordering (linear flows, flow borders)
DATA = 'data'            # graph_flow link inferred from a symbol
DECIDER = 'decider'      # conditional link: the target may be IGNOREd
RETRY = 'retry'          # from a retry controller to the atoms it retries

NOTHING = 'nothing'
_UNDOCUMENTED = 'undoes its own change (revert has no docstring)'
_IRREVERSIBLE = re.compile(r'irreversible|nothing to revert|cannot be undone',
                           re.IGNORECASE)
_SENTENCE_END = re.compile(r'(?<=[.!?])\s+(?=[A-Z(])')
_WRAP = 46


class GraphvizError(Exception):
    """graphviz's ``dot`` is missing or refused the graph."""


@dataclasses.dataclass(frozen=True)
class Node:
    """A task or retry atom of the flow."""

    name: str
    kind: str                  # 'task' or 'retry'
    class_name: str
    flow: str                  # name of the (sub)flow holding it
    provides: tuple = ()
    requires: tuple = ()
    optional: tuple = ()       # inputs used when present in storage
    rebind: tuple = ()         # (argument, storage name) pairs that differ
    reverts: str = NOTHING     # one line: what revert undoes
    revertible: bool = False   # False when revert is a no-op
    irreversible: bool = False  # its change cannot be undone at all
    retried_by: str = None

    def short_name(self, prefix):
        if prefix and self.name.startswith(prefix + '.'):
            return self.name[len(prefix) + 1:]
        return self.name

    @property
    def style(self):
        """'revertible', 'irreversible', 'noop' (changes nothing) or
        'retry': how renderers colour the node."""
        if self.kind == RETRY_ATOM:
            return 'retry'
        if self.revertible:
            return 'revertible'
        return 'irreversible' if self.irreversible else 'noop'


@dataclasses.dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str = ORDER
    symbols: tuple = ()        # symbols of a data link
    decider: str = None        # "<function name>[, depth <DEPTH>]"
    derived: bool = False      # data hand-over computed from provides /
    # requires, not an edge of the compiled graph (linear flows carry
    # their data without edges)


@dataclasses.dataclass(frozen=True)
class Subflow:
    name: str
    pattern: str               # 'linear_flow', 'graph_flow', ...
    parent: str = None
    retry: str = None
    members: tuple = ()        # direct children: atom and subflow names


@dataclasses.dataclass(frozen=True)
class FlowGraph:
    """One operation's flow for one or more families (same graph)."""

    operation: str
    families: tuple
    description: str
    root: str
    subflows: tuple            # Subflow, root first (depth first order)
    nodes: tuple               # Node, in run order
    edges: tuple               # Edge, sorted
    inputs: tuple = ()         # what the store must hold
    result: str = None         # the symbol the driver fetches

    @property
    def family_label(self):
        return ', '.join(self.families) if self.families else 'any family'

    @property
    def stem(self):
        """File name stem: ``<operation>-<family>``; ``-all`` when one
        graph serves every family."""
        if not self.families:
            return self.operation
        if len(self.families) > 1 and set(self.families) >= set(FAMILIES):
            return '%s-%s' % (self.operation, ALL_FAMILIES)
        return '%s-%s' % (self.operation, '-'.join(self.families))

    @property
    def tasks(self):
        return [n for n in self.nodes if n.kind == TASK]

    def node(self, name):
        for candidate in self.nodes:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    def subflow(self, name):
        for candidate in self.subflows:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    def same_shape(self, other):
        """Equal but for the families."""
        return dataclasses.replace(self, families=()) == \
            dataclasses.replace(other, families=())


# ---------------------------------------------------------------- building

def from_flow(flow, operation=None, families=(), description='',
              result=None):
    """The graph of an (unloaded) TaskFlow flow, via its compilation."""
    from taskflow import engines  # see TASK above
    engine = engines.load(flow)
    engine.compile()
    compilation = engine.compilation
    subflows, owner, position = _read_hierarchy(compilation.hierarchy)
    execution = compilation.execution_graph
    atoms = [item for item, data in execution.nodes(data=True)
             if data['kind'] in (TASK, RETRY_ATOM)]
    nodes = {atom.name: _node(atom, execution.nodes[atom], owner[atom.name])
             for atom in atoms}
    edges = _contract(execution, atoms)
    ordering = nx.DiGraph()
    ordering.add_nodes_from(nodes)
    ordering.add_edges_from((e.source, e.target) for e in edges)
    run_order = list(nx.lexicographical_topological_sort(
        ordering, key=position.__getitem__))
    edges.extend(_hand_overs(nodes, run_order, ordering, edges))
    edges.sort(key=lambda e: (position[e.source], position[e.target],
                              e.derived, e.symbols))
    return FlowGraph(
        operation=operation or flow.name, families=tuple(families),
        description=description, root=flow.name, subflows=tuple(subflows),
        nodes=tuple(nodes[name] for name in run_order), edges=tuple(edges),
        inputs=tuple(sorted(flow.requires)), result=result)


def for_operation(name, family):
    """The graph of a registered operation for one family."""
    operation = registry.get(name)
    flow = operation.build(None, operation.sample_request(family))
    return from_flow(flow, operation=name, families=(family,),
                     description=operation.description,
                     result=operation.result)


def operation_graphs(name, families=FAMILIES):
    """Graphs of a registered operation: one per family where the flow
    differs, families sharing one graph merged (``stem`` ends ``-all``).

    A family whose ``sample_request`` raises NotImplementedError is one the
    operation does not support; it is left out.
    """
    graphs = []
    for family in families:
        try:
            graph = for_operation(name, family)
        except NotImplementedError:
            continue
        for index, seen in enumerate(graphs):
            if seen.same_shape(graph):
                graphs[index] = dataclasses.replace(
                    seen, families=seen.families + (family,))
                break
        else:
            graphs.append(graph)
    return graphs


def all_graphs(families=FAMILIES):
    """Every registered operation's graphs, in registry order."""
    return [graph for name in registry.names()
            for graph in operation_graphs(name, families)]


def _read_hierarchy(hierarchy):
    """Subflows (depth first), the flow owning each atom, and every
    atom's position in the depth-first walk (the order it was added)."""
    subflows, owner, position = [], {}, {}
    for index, tree_node in enumerate(hierarchy.dfs_iter(include_self=True)):
        item = tree_node.item
        position[item.name] = index
        if tree_node.metadata['kind'] != FLOW:
            continue
        parent = tree_node.parent.item.name if tree_node.parent else None
        subflows.append(Subflow(
            name=item.name, pattern=type(item).__module__.rsplit('.')[-1],
            parent=parent, retry=item.retry.name if item.retry else None,
            members=tuple(child.item.name for child in tree_node)))
        for child in tree_node:
            owner[child.item.name] = item.name
    return subflows, owner, position


def _node(atom, data, flow_name):
    reverts, revertible, irreversible = describe_revert(atom)
    renamed = tuple((arg, stored) for arg, stored in atom.rebind.items()
                    if arg != stored)
    retry = data.get(RETRY_ATOM)
    return Node(name=atom.name, kind=data['kind'],
                class_name=type(atom).__name__, flow=flow_name,
                provides=tuple(atom.provides), requires=tuple(atom.requires),
                optional=tuple(sorted(atom.optional)), rebind=renamed,
                reverts=reverts, revertible=revertible,
                irreversible=irreversible,
                retried_by=retry.name if retry is not None else None)


def _contract(execution, atoms):
    """Atom-to-atom edges, walking through the no-op flow nodes.

    An edge into a subflow's entry node carries the link's metadata
    (symbols, decider); it is kept on every atom edge that passes through.
    """
    frontier_cache = {}

    def frontier(node):
        # (atom, [metadata along the way]) pairs reachable from ``node``
        # without crossing another atom.
        if node not in frontier_cache:
            reached = []
            for successor, meta in execution.adj[node].items():
                if execution.nodes[successor].get('noop'):
                    reached.extend((atom, [meta] + path)
                                   for atom, path in frontier(successor))
                else:
                    reached.append((successor, [meta]))
            frontier_cache[node] = reached
        return frontier_cache[node]

    merged = {}
    for atom in atoms:
        for target, path in frontier(atom):
            merged.setdefault((atom.name, target.name), []).extend(path)
    return [_edge(source, target, metas)
            for (source, target), metas in merged.items()]


def _edge(source, target, metas):
    symbols = set()
    deciders = []
    retry = False
    for meta in metas:
        symbols.update(meta.get('reasons', ()))
        retry = retry or bool(meta.get('retry'))
        if meta.get('decider') is not None:
            deciders.append(_decider_text(meta))
    if deciders:
        kind = DECIDER
    elif symbols:
        kind = DATA
    elif retry:
        kind = RETRY
    else:
        kind = ORDER
    # Several paths through flow nodes may carry the same decider.
    return Edge(source, target, kind, tuple(sorted(symbols)),
                '; '.join(dict.fromkeys(deciders)) or None)


def _decider_text(meta):
    decider = meta['decider']
    text = getattr(decider, '__name__', None) or type(decider).__name__
    depth = meta.get('decider_depth')
    if depth is not None:
        text += ', depth %s' % getattr(depth, 'name', depth)
    return text


def _hand_overs(nodes, run_order, ordering, edges):
    """Data edges the compiled graph does not show: for each input, the
    nearest earlier atom (in run order) that provides it.

    That is how TaskFlow resolves a symbol in a linear flow (the closest
    earlier provider wins, pitfall 14); graph_flow links already carry
    their symbols, so those are not repeated.
    """
    shown = {(e.source, e.target, s) for e in edges for s in e.symbols}
    rank = {name: index for index, name in enumerate(run_order)}
    found = {}
    for name in run_order:
        node = nodes[name]
        before = nx.ancestors(ordering, name)
        for symbol in node.requires + node.optional:
            providers = [p for p in before if symbol in nodes[p].provides]
            if not providers:
                continue
            provider = max(providers, key=rank.__getitem__)
            if (provider, name, symbol) not in shown:
                found.setdefault((provider, name), []).append(symbol)
    return [Edge(source, target, DATA, tuple(sorted(symbols)), derived=True)
            for (source, target), symbols in found.items()]


# ----------------------------------------------------------------- reverts

def describe_revert(atom):
    """``(text, revertible, irreversible)`` for an atom's revert.

    ``text`` is the first sentence of the revert's own docstring, else the
    class docstring's sentence about its revert ("Revert deletes ..."),
    else a note that the revert is undocumented; "nothing" when revert is
    TaskFlow's default or an empty body.  ``irreversible`` is True for a
    task without revert whose class docstring says its change cannot be
    undone ("Irreversible", "Nothing to revert").
    """
    revert = _own_revert(atom)
    class_doc = _clean(inspect.getdoc(type(atom)) or '')
    if revert is None:
        irreversible = bool(_IRREVERSIBLE.search(class_doc))
        return (NOTHING + (' (irreversible)' if irreversible else ''),
                False, irreversible)
    own_doc = _clean(revert.__doc__ or '')
    if own_doc:
        return _first_sentence(own_doc), True, False
    for sentence in _sentences(class_doc):
        if sentence.lower().startswith('revert '):
            return sentence[len('revert '):], True, False
    return _UNDOCUMENTED, True, False


def _own_revert(atom):
    """The revert function written for this atom, or None when there is
    none (TaskFlow's default, a functor task without one, an empty body).
    """
    for klass in type(atom).__mro__:
        if 'revert' in vars(klass):
            break
    else:
        return None
    if klass.__module__.startswith('taskflow.'):
        # FunctorTask / retries: the revert is the callable given to it.
        revert = getattr(atom, '_revert', None)
        return revert if callable(revert) else None
    revert = vars(klass)['revert']
    return None if _is_empty(revert) else revert


_EMPTY_BODY_OPS = frozenset(['RESUME', 'NOP', 'RETURN_VALUE', 'CACHE'])


def _is_empty(func):
    """True for a body of only ``pass``, a docstring or ``return None``:
    its byte code does nothing but return the constant None."""
    if not hasattr(func, '__code__'):
        return False
    for instruction in dis.get_instructions(func):
        if instruction.opname in _EMPTY_BODY_OPS:
            continue
        if instruction.opname in ('LOAD_CONST', 'RETURN_CONST') and \
                instruction.argval is None:
            continue
        return False
    return True


def _clean(text):
    """Docstring text without reST markup, on one line."""
    text = re.sub(r':\w+:`~?(?:[\w.]+\.)?([^`]+)`', r'\1', text)
    text = text.replace('``', '').replace('`', '')
    return ' '.join(text.split())


def _sentences(text):
    return [s for s in _SENTENCE_END.split(text) if s]


def _first_sentence(text):
    sentences = _sentences(text)
    return sentences[0] if sentences else text


# --------------------------------------------------------------- renderers

_STYLE_FILL = {'revertible': '#e6f4e6', 'noop': '#f0f0f0',
               'irreversible': '#fbe0df', 'retry': '#fff5d6'}
_STYLE_STROKE = {'revertible': '#3c763d', 'noop': '#888888',
                 'irreversible': '#a94442', 'retry': '#8a6d3b'}
_LEGEND = ('green: revert undoes its change; grey: changes nothing; '
           'red: irreversible')


def title(graph):
    return '%s (%s)' % (graph.operation, graph.family_label)


def node_lines(graph, node, width=_WRAP):
    """Label lines of a node: short name, class, provides, requires,
    reverts (wrapped to ``width``)."""
    lines = [node.short_name(graph.root), '[%s]' % node.class_name]
    if node.provides:
        lines.append('provides: ' + ', '.join(node.provides))
    inputs = list(node.requires) + ['%s?' % name for name in node.optional]
    if inputs:
        lines.append('requires: ' + ', '.join(inputs))
    if node.kind == RETRY_ATOM:
        lines.append('retry controller')
    else:
        lines.extend(textwrap.wrap('reverts: ' + node.reverts, width,
                                   subsequent_indent='  '))
    return lines


def edge_label(edge):
    if edge.kind == DECIDER:
        text = 'if ' + edge.decider
        return text + (' (%s)' % ', '.join(edge.symbols)
                       if edge.symbols else '')
    if edge.kind == RETRY:
        return 'retry'
    return ', '.join(edge.symbols)


def _dot_quote(text):
    return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')


def _dot_label(lines):
    # \l left-justifies each line in graphviz.
    escaped = [line.replace('\\', '\\\\').replace('"', '\\"')
               for line in lines]
    return '"%s\\l"' % '\\l'.join(escaped)


def to_dot(graph, rankdir='TB', data_edges=False):
    """A DOT digraph: tasks as boxes coloured by revert behaviour, subflows
    as clusters, ordering edges solid (graph_flow links labelled with
    their symbols), decider edges bold blue ("if <decider>"); with
    ``data_edges`` also the derived data hand-overs, dotted."""
    header = [title(graph)]
    if graph.description:
        header.extend(textwrap.wrap(graph.description, 70))
    header.append('inputs: %s%s' % (
        ', '.join(graph.inputs) or 'none',
        '; result: %s' % graph.result if graph.result else ''))
    header.append(_LEGEND)
    out = ['digraph %s {' % _dot_quote(graph.stem),
           '  graph [rankdir=%s, labelloc=t, labeljust=l, fontname='
           '"Helvetica", fontsize=12, label=%s];'
           % (rankdir, _dot_label(header)),
           '  node [shape=box, style="rounded,filled", fontname="Helvetica",'
           ' fontsize=10];',
           '  edge [fontname="Helvetica", fontsize=9];']
    _dot_cluster(graph, graph.subflow(graph.root), out, '  ')
    for edge in _shown_edges(graph, data_edges):
        out.append('  %s -> %s%s;' % (_dot_quote(edge.source),
                                      _dot_quote(edge.target),
                                      _dot_edge_attrs(edge)))
    out.append('}')
    return '\n'.join(out) + '\n'


def _shown_edges(graph, data_edges):
    # Derived hand-overs repeat what the boxes' provides/requires say and
    # crowd a picture, so they are drawn on request only.
    return [e for e in graph.edges if data_edges or not e.derived]


def _dot_cluster(graph, subflow, out, indent):
    nested = indent
    if subflow.name != graph.root:
        out.append('%ssubgraph %s {' % (indent, _dot_quote(
            'cluster_' + subflow.name)))
        nested = indent + '  '
        out.append('%slabel=%s; style="rounded,dashed";' % (
            nested, _dot_quote(_subflow_caption(subflow))))
    names = {s.name for s in graph.subflows}
    for member in subflow.members:
        if member in names:
            _dot_cluster(graph, graph.subflow(member), out, nested)
            continue
        node = graph.node(member)
        shape = ', shape=hexagon' if node.kind == RETRY_ATOM else ''
        out.append('%s%s [label=%s, fillcolor="%s", color="%s"%s];' % (
            nested, _dot_quote(node.name), _dot_label(node_lines(graph,
                                                                 node)),
            _STYLE_FILL[node.style], _STYLE_STROKE[node.style], shape))
    if subflow.name != graph.root:
        out.append('%s}' % indent)


def _subflow_caption(subflow):
    caption = '%s %s' % (subflow.pattern, subflow.name)
    return caption + (' (retry: %s)' % subflow.retry if subflow.retry
                      else '')


def _dot_edge_attrs(edge):
    attrs = []
    label = edge_label(edge)
    if label:
        attrs.append('label=%s' % _dot_quote(label))
    if edge.kind == DECIDER:
        attrs.append('style=bold, color="#1f5fa8", fontcolor="#1f5fa8"')
    elif edge.derived:
        attrs.append('style=dotted, color="#8c8c8c", fontcolor="#6c6c6c",'
                     ' constraint=false')
    elif edge.kind == RETRY:
        attrs.append('style=dashed, color="#8a6d3b"')
    return ' [%s]' % ', '.join(attrs) if attrs else ''


def _mermaid_id(name):
    # Mermaid ids: letters, digits, underscores; the prefix keeps them
    # clear of keywords such as "end".
    return 'n_' + re.sub(r'\W', '_', name)


def _mermaid_text(text):
    # Inside "..." Mermaid reads #name; / #code; as entities; quotes and
    # angle brackets must be entities too.
    for raw, entity in (('#', '#35;'), ('"', '#quot;'), ('<', '#lt;'),
                        ('>', '#gt;')):
        text = text.replace(raw, entity)
    return text


def to_mermaid(graph, direction='LR', data_edges=False):
    """Mermaid ``flowchart`` text with the same content as :func:`to_dot`.

    Ordering ``-->``, graph_flow data links ``-->|symbols|``, data
    hand-overs ``-.->|symbols|``, decider links ``==>|if decider|``.
    """
    out = ['flowchart %s' % direction,
           '  %%%% %s' % title(graph)]
    if graph.description:
        out.append('  %%%% %s' % graph.description)
    out.append('  %%%% inputs: %s%s' % (
        ', '.join(graph.inputs) or 'none',
        '; result: %s' % graph.result if graph.result else ''))
    out.append('  %%%% %s' % _LEGEND)
    _mermaid_subgraph(graph, graph.subflow(graph.root), out, '  ')
    for edge in _shown_edges(graph, data_edges):
        if edge.kind == DECIDER:
            arrow = '==>'
        elif edge.derived or edge.kind == RETRY:
            arrow = '-.->'
        else:
            arrow = '-->'
        label = edge_label(edge)
        if label:
            arrow += '|"%s"|' % _mermaid_text(label)
        out.append('  %s %s %s' % (_mermaid_id(edge.source), arrow,
                                   _mermaid_id(edge.target)))
    for style in sorted(_STYLE_FILL):
        out.append('  classDef %s fill:%s,stroke:%s,text-align:left'
                   % (style, _STYLE_FILL[style], _STYLE_STROKE[style]))
    by_style = {}
    for node in graph.nodes:
        by_style.setdefault(node.style, []).append(_mermaid_id(node.name))
    for style in sorted(by_style):
        out.append('  class %s %s' % (','.join(by_style[style]), style))
    return '\n'.join(out) + '\n'


def _mermaid_subgraph(graph, subflow, out, indent):
    nested = indent
    if subflow.name != graph.root:
        out.append('%ssubgraph %s["%s"]' % (
            indent, _mermaid_id('flow_' + subflow.name),
            _mermaid_text(_subflow_caption(subflow))))
        nested = indent + '  '
    names = {s.name for s in graph.subflows}
    for member in subflow.members:
        if member in names:
            _mermaid_subgraph(graph, graph.subflow(member), out, nested)
            continue
        node = graph.node(member)
        label = '<br/>'.join(_mermaid_text(line)
                             for line in node_lines(graph, node))
        opening, closing = ('{{', '}}') if node.kind == RETRY_ATOM \
            else ('[', ']')
        out.append('%s%s%s"%s"%s' % (nested, _mermaid_id(node.name),
                                     opening, label, closing))
    if subflow.name != graph.root:
        out.append('%send' % indent)


def to_tree(graph, width=79):
    """An ASCII tree of the flow's hierarchy with each atom's details."""
    out = ['%s -- %s' % (title(graph), graph.description)
           if graph.description else title(graph)]
    out.append('inputs: %s%s' % (
        ', '.join(graph.inputs) or 'none',
        '; result: %s' % graph.result if graph.result else ''))
    root = graph.subflow(graph.root)
    out.append(_subflow_caption(root))
    incoming = {}
    for edge in graph.edges:
        if not edge.derived:
            incoming.setdefault(edge.target, []).append(edge)
    _tree_members(graph, root, '', out, incoming, width)
    return '\n'.join(out) + '\n'


def _tree_members(graph, subflow, prefix, out, incoming, width):
    names = {s.name for s in graph.subflows}
    members = list(subflow.members)
    for index, member in enumerate(members):
        last = index == len(members) - 1
        branch, below = ('`-- ', '    ') if last else ('|-- ', '|   ')
        if member in names:
            child = graph.subflow(member)
            out.append(prefix + branch + _subflow_caption(child))
            _tree_members(graph, child, prefix + below, out, incoming,
                          width)
            continue
        node = graph.node(member)
        out.append('%s%s%s [%s]' % (prefix, branch, node.short_name(
            graph.root), node.class_name))
        details = []
        if node.provides:
            details.append('provides: ' + ', '.join(node.provides))
        inputs = [_input_text(node, name) for name in node.requires] + \
            [_input_text(node, name) + ' (optional)'
             for name in node.optional]
        if inputs:
            details.append('requires: ' + ', '.join(inputs))
        if subflow.pattern != 'linear_flow':
            after = ['%s%s' % (graph.node(e.source).short_name(graph.root),
                               ' (%s)' % edge_label(e) if edge_label(e)
                               else '')
                     for e in incoming.get(node.name, ())]
            details.append('after: ' + (', '.join(after) or 'flow start'))
        if node.retried_by:
            details.append('retried by: ' + node.retried_by)
        if node.kind == RETRY_ATOM:
            details.append('retry controller')
        else:
            details.append('reverts: ' + node.reverts)
        indent = prefix + below + '  '
        for detail in details:
            out.extend(textwrap.wrap(detail, width, initial_indent=indent,
                                     subsequent_indent=indent + '  '))


def _input_text(node, name):
    arguments = [arg for arg, stored in node.rebind if stored == name]
    return '%s (as %s)' % (name, ', '.join(arguments)) if arguments \
        else name


# --------------------------------------------------------------- graphviz

def graphviz_available():
    return shutil.which('dot') is not None


def render_graphviz(dot_text, fmt, timeout=60):
    """Run ``dot -T<fmt>`` on DOT text; returns the image bytes."""
    executable = shutil.which('dot')
    if executable is None:
        raise GraphvizError("graphviz's 'dot' program is not installed "
                            "(Debian: apt-get install graphviz)")
    try:
        done = subprocess.run([executable, '-T' + fmt],
                              input=dot_text.encode('utf-8'),
                              capture_output=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        raise GraphvizError('dot -T%s took more than %d s' % (fmt, timeout))
    if done.returncode != 0 or not done.stdout:
        raise GraphvizError('dot -T%s failed (exit %d): %s' % (
            fmt, done.returncode,
            done.stderr.decode('utf-8', 'replace').strip()))
    return done.stdout


def render(graph, fmt, data_edges=False):
    """The graph in one of :data:`FORMATS`, as bytes."""
    if fmt == 'dot':
        return to_dot(graph, data_edges=data_edges).encode('utf-8')
    if fmt == 'mermaid':
        return to_mermaid(graph, data_edges=data_edges).encode('utf-8')
    if fmt in GRAPHVIZ_FORMATS:
        return render_graphviz(to_dot(graph, data_edges=data_edges), fmt)
    raise ValueError('unknown format %r (known: %s)'
                     % (fmt, ', '.join(FORMATS)))


def write(graph, formats, directory, data_edges=False):
    """Write ``<stem><ext>`` for each format into ``directory``; returns
    the paths written, in the order of ``formats``."""
    paths = []
    for fmt in formats:
        path = os.path.join(directory, graph.stem + FORMATS[fmt])
        data = render(graph, fmt, data_edges=data_edges)
        with open(path, 'wb') as stream:
            stream.write(data)
        paths.append(path)
    return paths


# ------------------------------------------------------------ docs index

def docs_index(graphs, pictures='flows'):
    """reST page linking each graph's SVG and Mermaid text under
    ``pictures`` (relative to the page)."""
    heading = 'Operation flows'
    out = ['.. This page is generated by "vmax-flows docs"; do not edit.',
           '', '=' * len(heading), heading, '=' * len(heading), '',
           'Every driver operation is a TaskFlow flow of small tasks.  The',
           'pictures below are drawn from the compiled TaskFlow graphs (names',
           'only, no array needed).  Each box is a task: its class, what it',
           'provides and requires (a trailing ``?``: used when present), and',
           'what its revert undoes.  Green: the revert undoes the task\'s',
           'change; grey: the task changes nothing; red: irreversible, no',
           'revert can undo it.  Arrows give the run order; in graph flows',
           'they carry the symbols that link two tasks, bold blue arrows are',
           'conditional (decider) links and dashed ones lead from a retry',
           'controller.  ``vmax-flows show OPERATION`` prints the same as',
           'text; regenerate this page and its pictures with::', '',
           '    vmax-flows docs doc/source', '']
    seen = []
    for graph in graphs:
        if graph.operation not in seen:
            seen.append(graph.operation)
            out.extend([graph.operation, '=' * len(graph.operation), ''])
            if graph.description:
                out.extend([graph.description, ''])
        caption = 'same flow for %s' % ' and '.join(graph.families) \
            if len(graph.families) > 1 else graph.family_label
        out.extend([
            '%s (%d tasks): `picture <%s/%s.svg>`__, '
            '`Mermaid text <%s/%s.mmd>`__' % (
                caption[0].upper() + caption[1:], len(graph.tasks),
                pictures, graph.stem, pictures, graph.stem), '',
            '.. image:: %s/%s.svg' % (pictures, graph.stem),
            '   :alt: %s' % title(graph), ''])
    return '\n'.join(out)
