"""Flow graphs: the model read from TaskFlow's compilation, and DOT."""

import re
import xml.etree.ElementTree as ElementTree

import pydot
from taskflow.engines.action_engine import compiler
from taskflow.patterns import graph_flow
from taskflow.patterns import linear_flow
from taskflow.patterns import unordered_flow
from taskflow import retry
from taskflow import task
import testtools

from vmax_flows import graphs
from vmax_flows import registry


# ------------------------------------------------- a flow with everything

class Provide(task.Task):
    """Makes a thing.  Revert removes the "thing" <if made>."""

    def execute(self, **kwargs):
        return 1

    def revert(self, **kwargs):
        return None if kwargs.get('result') else 0


class Irreversible(task.Task):
    """Consumes x.  Irreversible, so last where it stands."""

    def execute(self, x):
        return 2


class EmptyRevert(task.Task):
    def execute(self):
        return 3

    def revert(self, **kwargs):
        """Says it undoes things, but its body is empty."""


class DocumentedRevert(task.Task):
    def execute(self, item):
        return 4

    def revert(self, item, **kwargs):
        """Puts ``item`` back into :class:`~vmax_flows.tasks.base.X`.

        More detail that the picture leaves out.
        """
        return item


def only_if_thin(history):
    return True


def nested_flow():
    """linear(a, graph(retry r; b -> c data y; b => d decider),
    unordered(e, f), last) -- every edge kind and pattern."""
    root = linear_flow.Flow('demo')
    root.add(Provide('demo.a', provides='x'))
    inner = graph_flow.Flow('demo.graph', retry=retry.Times(2, 'demo.r'))
    b = Irreversible('demo.b', provides='y')
    c = Provide('demo.c', requires=['y'], provides='z')
    d = DocumentedRevert('demo.d', rebind={'item': 'x'})
    inner.add(b, c, d)
    inner.link(b, d, decider=only_if_thin)
    root.add(inner)
    parallel = unordered_flow.Flow('demo.parallel')
    parallel.add(Provide('demo.e', requires=['z']), EmptyRevert('demo.f'))
    root.add(parallel)
    root.add(task.FunctorTask(lambda: None, name='demo.last'))
    return root


def nested_graph():
    return graphs.from_flow(nested_flow(), operation='demo',
                            families=('VMAX3',), description='All kinds.')


# -------------------------------------------------------------- checkers

def parse_dot(text):
    """pydot's reading of DOT text: (graph, {node: attrs}, [(u, v, attrs)])
    including nodes inside clusters."""
    parsed = pydot.graph_from_dot_data(text)
    if not parsed or len(parsed) != 1:
        raise AssertionError('pydot could not parse:\n' + text)
    graph = parsed[0]
    nodes, edges = {}, []

    def walk(holder):
        for node in holder.get_node_list():
            name = node.get_name().strip('"')
            if name not in ('node', 'edge', 'graph'):
                nodes[name] = node.get_attributes()
        for edge in holder.get_edge_list():
            edges.append((edge.get_source().strip('"'),
                          edge.get_destination().strip('"'),
                          edge.get_attributes()))
        for sub in holder.get_subgraph_list():
            walk(sub)
    walk(graph)
    return graph, nodes, edges


_MERMAID_ID = r'n_\w+'
_MERMAID_LABEL = r'"(?:[^"<>]|<br/>)*"'
_MERMAID_LINES = [
    ('comment', re.compile(r'%%.*')),
    ('node', re.compile(r'(%s)(?:\[%s\]|\{\{%s\}\})'
                        % (_MERMAID_ID, _MERMAID_LABEL, _MERMAID_LABEL))),
    ('subgraph', re.compile(r'subgraph (%s)\[%s\]'
                            % (_MERMAID_ID, _MERMAID_LABEL))),
    ('end', re.compile(r'end')),
    ('edge', re.compile(r'(%s) (?:-->|==>|-\.->)(?:\|%s\|)? (%s)'
                        % (_MERMAID_ID, _MERMAID_LABEL, _MERMAID_ID))),
    ('classdef', re.compile(r'classDef (\w+) [\w#:,-]+(?:;[\w#:,-]+)*')),
    ('class', re.compile(r'class ((?:%s,)*%s) (\w+)'
                         % (_MERMAID_ID, _MERMAID_ID))),
]


def check_mermaid(text):
    """A strict check of the Mermaid subset the renderer writes: every
    line is one known statement, labels carry no raw quote or angle
    bracket (only <br/>), subgraphs balance, edges and classes name
    declared nodes and classes.  Returns (node ids, edge pairs)."""
    lines = text.splitlines()
    if not lines or not re.fullmatch(r'flowchart (LR|RL|TB|TD|BT)',
                                     lines[0]):
        raise AssertionError('not a flowchart: %r' % lines[:1])
    nodes, edges, classes, depth = [], [], set(), 0
    for number, line in enumerate(lines[1:], 2):
        statement = line.strip()
        if not statement:
            continue
        for kind, pattern in _MERMAID_LINES:
            match = pattern.fullmatch(statement)
            if match:
                break
        else:
            raise AssertionError('line %d is no Mermaid statement we '
                                 'write: %r' % (number, line))
        if kind == 'node':
            if match.group(1) in nodes:
                raise AssertionError('node %s declared twice'
                                     % match.group(1))
            nodes.append(match.group(1))
        elif kind == 'subgraph':
            depth += 1
        elif kind == 'end':
            depth -= 1
            if depth < 0:
                raise AssertionError('line %d: end without subgraph'
                                     % number)
        elif kind == 'edge':
            for end in match.groups():
                if end not in nodes:
                    raise AssertionError('line %d: edge to undeclared %s'
                                         % (number, end))
            edges.append(match.groups())
        elif kind == 'classdef':
            classes.add(match.group(1))
        elif kind == 'class':
            if match.group(2) not in classes:
                raise AssertionError('class %s not defined'
                                     % match.group(2))
            for member in match.group(1).split(','):
                if member not in nodes:
                    raise AssertionError('class on undeclared %s' % member)
    if depth:
        raise AssertionError('%d subgraph(s) not closed' % depth)
    return nodes, edges


# ------------------------------------------------------------------ model

class ModelTest(testtools.TestCase):

    def test_node_kinds_match_taskflow(self):
        self.assertEqual((compiler.TASK, compiler.RETRY, compiler.FLOW),
                         (graphs.TASK, graphs.RETRY_ATOM, graphs.FLOW))

    def test_atoms_in_run_order_without_flow_nodes(self):
        graph = nested_graph()
        self.assertEqual(['demo.a', 'demo.r', 'demo.b', 'demo.c', 'demo.d',
                          'demo.e', 'demo.f', 'demo.last'],
                         [n.name for n in graph.nodes])
        self.assertEqual(7, len(graph.tasks))
        self.assertEqual('retry', graph.node('demo.r').kind)
        self.assertEqual('demo.r', graph.node('demo.c').retried_by)
        self.assertIsNone(graph.node('demo.a').retried_by)

    def test_subflows_follow_the_hierarchy(self):
        graph = nested_graph()
        self.assertEqual(
            [('demo', 'linear_flow', None, None),
             ('demo.graph', 'graph_flow', 'demo', 'demo.r'),
             ('demo.parallel', 'unordered_flow', 'demo', None)],
            [(s.name, s.pattern, s.parent, s.retry)
             for s in graph.subflows])
        self.assertEqual(('demo.a', 'demo.graph', 'demo.parallel',
                          'demo.last'), graph.subflow('demo').members)
        self.assertEqual('demo.graph', graph.node('demo.d').flow)

    def test_edges_contracted_through_flow_nodes(self):
        graph = nested_graph()
        compiled = {(e.source, e.target): e for e in graph.edges
                    if not e.derived}
        self.assertEqual({
            ('demo.a', 'demo.r'): graphs.ORDER,
            ('demo.r', 'demo.b'): graphs.RETRY,
            ('demo.b', 'demo.c'): graphs.DATA,
            ('demo.b', 'demo.d'): graphs.DECIDER,
            ('demo.c', 'demo.e'): graphs.ORDER,
            ('demo.c', 'demo.f'): graphs.ORDER,
            ('demo.d', 'demo.e'): graphs.ORDER,
            ('demo.d', 'demo.f'): graphs.ORDER,
            ('demo.e', 'demo.last'): graphs.ORDER,
            ('demo.f', 'demo.last'): graphs.ORDER,
        }, {pair: edge.kind for pair, edge in compiled.items()})
        self.assertEqual(('y',), compiled['demo.b', 'demo.c'].symbols)
        self.assertEqual('only_if_thin',
                         compiled['demo.b', 'demo.d'].decider)

    def test_derived_hand_overs_from_nearest_provider(self):
        graph = nested_graph()
        derived = {(e.source, e.target): e.symbols for e in graph.edges
                   if e.derived}
        # x reaches b and d (d through its rebind); z reaches e; y is
        # already on the compiled b -> c edge and not repeated.
        self.assertEqual({('demo.a', 'demo.b'): ('x',),
                          ('demo.a', 'demo.d'): ('x',),
                          ('demo.c', 'demo.e'): ('z',)}, derived)

    def test_provides_requires_and_rebinding(self):
        graph = nested_graph()
        d = graph.node('demo.d')
        self.assertEqual(('x',), d.requires)
        self.assertEqual((('item', 'x'),), d.rebind)
        self.assertEqual(('y',), graph.node('demo.b').provides)
        create = graphs.for_operation('create_volume', 'VMAX3').node(
            'create_volume.create_device')
        self.assertEqual(('device',), create.provides)
        self.assertEqual(('volume', 'placement'), create.requires)
        self.assertEqual(('source',), create.optional)

    def test_revert_descriptions(self):
        graph = nested_graph()
        described = {n.name: (n.reverts, n.style) for n in graph.nodes}
        self.assertEqual({
            # the class docstring's "Revert ..." sentence
            'demo.a': ('removes the "thing" <if made>.', 'revertible'),
            'demo.r': ('nothing', 'retry'),
            # TaskFlow's default revert, "Irreversible" in the class doc
            'demo.b': ('nothing (irreversible)', 'irreversible'),
            'demo.c': ('removes the "thing" <if made>.', 'revertible'),
            # first sentence of the revert's own docstring, markup gone
            'demo.d': ('Puts item back into X.', 'revertible'),
            'demo.e': ('removes the "thing" <if made>.', 'revertible'),
            # a documented but empty body reverts nothing
            'demo.f': ('nothing', 'noop'),
            # a FunctorTask without a revert callable
            'demo.last': ('nothing', 'noop'),
        }, described)

    def test_driver_task_reverts(self):
        graph = graphs.for_operation('create_cloned_volume', 'VMAX3')
        styles = {n.short_name(graph.root): n.style for n in graph.nodes}
        self.assertEqual('noop', styles['check_licence'])
        self.assertEqual('revertible', styles['create_target'])
        self.assertEqual('irreversible', styles['finish_replica'])
        self.assertEqual('irreversible', styles['extend_device'])
        group = graph.node('create_cloned_volume.ensure_storage_group')
        self.assertTrue(group.reverts.startswith('deletes the group'),
                        group.reverts)

    def test_families_merged_only_when_equal(self):
        delete = graphs.operation_graphs('delete_volume')
        self.assertEqual([('VMAX3', 'VMAX2')], [g.families for g in delete])
        self.assertEqual('delete_volume-all', delete[0].stem)
        create = graphs.operation_graphs('create_volume')
        self.assertEqual(['create_volume-VMAX3', 'create_volume-VMAX2'],
                         [g.stem for g in create])
        self.assertEqual([2, 3], [len(g.tasks) for g in create])
        single = graphs.operation_graphs('delete_volume', ('VMAX2',))
        self.assertEqual(['delete_volume-VMAX2'], [g.stem for g in single])

    def test_graph_matches_registry_for_every_operation(self):
        # New operations are covered as soon as they are registered.
        for name in registry.names():
            for family in graphs.FAMILIES:
                graph = graphs.for_operation(name, family)
                self.assertEqual(registry.task_names(name, family),
                                 [n.name for n in graph.tasks],
                                 (name, family))
                flow = registry.get(name).build(
                    None, registry.get(name).sample_request(family))
                self.assertEqual(sorted(flow.requires), list(graph.inputs))


# -------------------------------------------------------------------- DOT

class DotTest(testtools.TestCase):

    def test_nested_flow_parses_back(self):
        graph = nested_graph()
        parsed, nodes, edges = parse_dot(graphs.to_dot(graph))
        self.assertEqual('"demo-VMAX3"', parsed.get_name())
        self.assertEqual({n.name for n in graph.nodes}, set(nodes))
        self.assertEqual({(e.source, e.target) for e in graph.edges
                          if not e.derived},
                         {(u, v) for u, v, _ in edges})
        self.assertEqual(['"cluster_demo.graph"', '"cluster_demo.parallel"'],
                         [s.get_name() for s in parsed.get_subgraph_list()])
        decider = [attrs for u, v, attrs in edges
                   if (u, v) == ('demo.b', 'demo.d')][0]
        self.assertEqual('"if only_if_thin"', decider['label'])
        self.assertEqual('bold', decider['style'])
        self.assertEqual('hexagon', nodes['demo.r']['shape'])
        label = nodes['demo.a']['label']
        self.assertIn('reverts: removes the \\"thing\\" <if made>.', label)
        self.assertIn('provides: x', label)

    def test_data_edges_on_request(self):
        graph = nested_graph()
        _, _, edges = parse_dot(graphs.to_dot(graph, data_edges=True))
        dotted = {(u, v): attrs['label'] for u, v, attrs in edges
                  if attrs.get('style') == 'dotted'}
        self.assertEqual({('demo.a', 'demo.b'): '"x"',
                          ('demo.a', 'demo.d'): '"x"',
                          ('demo.c', 'demo.e'): '"z"'}, dotted)

    def test_every_operation_parses_back_with_every_task(self):
        for graph in graphs.all_graphs():
            _, nodes, edges = parse_dot(graphs.to_dot(graph))
            for family in graph.families:
                steps = registry.task_names(graph.operation, family)
                self.assertEqual(set(steps), set(nodes), graph.stem)
                # Linear flows: the edges are exactly the run order.
                self.assertEqual(list(zip(steps, steps[1:])),
                                 [(u, v) for u, v, _ in edges], graph.stem)
            for name, attrs in nodes.items():
                self.assertIn('reverts: ', attrs['label'], name)


# ---------------------------------------------------------------- Mermaid

class MermaidGrammarTest(testtools.TestCase):
    """The always-on check; tests/flows/test_graphs_mermaid.py also has
    Mermaid itself parse and render the text when node is available."""

    def test_nested_flow(self):
        graph = nested_graph()
        text = graphs.to_mermaid(graph, data_edges=True)
        self.assertTrue(text.startswith('flowchart LR\n'))
        nodes, edges = check_mermaid(text)
        self.assertEqual(len(graph.nodes), len(nodes))
        self.assertEqual(len(graph.edges), len(edges))
        self.assertIn('n_demo_b ==>|"if only_if_thin"| n_demo_d', text)
        self.assertIn('n_demo_b -->|"y"| n_demo_c', text)
        self.assertIn('n_demo_a -.->|"x"| n_demo_b', text)
        self.assertIn('subgraph n_flow_demo_graph["graph_flow demo.graph '
                      '(retry: demo.r)"]', text)
        self.assertIn('removes the #quot;thing#quot; #lt;if made#gt;.',
                      text)
        self.assertIn('n_demo_r{{"r<br/>', text)

    def test_checker_rejects_what_mermaid_rejects(self):
        good = graphs.to_mermaid(nested_graph())
        check_mermaid(good)
        for broken in (good.replace('#quot;', '"', 1),
                       good.replace('  end\n', '', 1),
                       good.replace('flowchart LR', 'flowchart', 1),
                       good + '  n_demo_a --> n_nowhere\n'):
            self.assertRaises(AssertionError, check_mermaid, broken)

    def test_every_operation(self):
        for graph in graphs.all_graphs():
            nodes, edges = check_mermaid(graphs.to_mermaid(graph))
            self.assertEqual(len(graph.nodes), len(nodes), graph.stem)
            self.assertEqual(len(graph.nodes) - 1, len(edges), graph.stem)


# --------------------------------------------------------------- graphviz

class GraphvizTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        if not graphs.graphviz_available():
            self.skipTest("graphviz's dot is not installed "
                          "(apt-get install graphviz)")

    def test_svg_has_every_node_and_edge(self):
        graph = graphs.for_operation('create_cloned_volume', 'VMAX2')
        svg = ElementTree.fromstring(graphs.render(graph, 'svg'))
        ns = {'svg': 'http://www.w3.org/2000/svg'}
        groups = {}
        for group in svg.iterfind('.//svg:g', ns):
            title = group.find('svg:title', ns)
            if title is not None:
                groups.setdefault(group.get('class'), []).append(title.text)
        self.assertEqual([n.name for n in graph.nodes], groups['node'])
        self.assertEqual(len(graph.nodes) - 1, len(groups['edge']))
        texts = ' '.join(text.text or ''
                         for text in svg.iterfind('.//svg:text', ns))
        self.assertIn('finish_replica', texts)
        self.assertIn('reverts: nothing (irreversible)', texts)

    def test_png(self):
        png = graphs.render(nested_graph(), 'png')
        self.assertEqual(b'\x89PNG\r\n\x1a\n', png[:8])
        width, height = int.from_bytes(png[16:20], 'big'), \
            int.from_bytes(png[20:24], 'big')
        self.assertGreater(width, 200)
        self.assertGreater(height, 400)

    def test_dot_errors_are_reported(self):
        error = self.assertRaises(graphs.GraphvizError,
                                  graphs.render_graphviz, 'digraph {', 'svg')
        self.assertIn('dot -Tsvg failed', str(error))
