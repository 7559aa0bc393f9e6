"""The vmax-flows CLI: list, show, dump, docs; outputs and errors."""

import contextlib
import io
import os
import subprocess
import sys

import docutils.core
import fixtures
import testtools

from tests.flows import test_graphs
from vmax_flows import cli
from vmax_flows import graphs
from vmax_flows import registry

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def run(*argv):
    """(exit status, stdout, stderr) of ``vmax-flows argv``; argparse's
    own usage errors come back as status 2 like on the command line."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            status = cli.main(list(argv), out=out, err=err)
        except SystemExit as exc:
            status = exc.code
    return status, out.getvalue(), err.getvalue()


class ListShowTest(testtools.TestCase):

    def test_list(self):
        status, out, err = run('list')
        self.assertEqual((0, ''), (status, err))
        lines = out.splitlines()
        self.assertEqual(['OPERATION', 'VMAX3', 'VMAX2', 'DESCRIPTION'],
                         lines[0].split())
        rows = {line.split()[0]: line for line in lines[1:] if line}
        for operation in registry.operations():
            row = rows[operation.name].split(None, 3)
            counts = {f: len(graphs.for_operation(operation.name, f).tasks)
                      for f in graphs.FAMILIES}
            self.assertEqual([str(counts['VMAX3']), str(counts['VMAX2']),
                              operation.description], row[1:],
                             operation.name)
        self.assertEqual('%d operations; task counts per family ("-": no '
                         'flow)' % len(registry.names()), lines[-1])

    def test_show_differing_families(self):
        status, out, err = run('show', 'create_volume')
        self.assertEqual((0, ''), (status, err))
        trees = out.split('\n\n')
        self.assertEqual(2, len(trees))
        self.assertTrue(trees[0].startswith('create_volume (VMAX3) -- '))
        self.assertTrue(trees[1].startswith('create_volume (VMAX2) -- '))
        self.assertIn('`-- add_to_storage_group [AddToStorageGroup]',
                      trees[1])
        self.assertNotIn('add_to_storage_group', trees[0])
        self.assertIn('|-- create_device [CreateDevice]\n'
                      '|     provides: device\n'
                      '|     requires: volume (as item), placement, source '
                      '(optional)\n', trees[1])
        self.assertIn('inputs: placement, volume; result: device', trees[0])

    def test_show_one_family_and_shared_graph(self):
        status, out, _ = run('show', 'delete_volume', '--family', 'vmax2')
        self.assertEqual(0, status)
        self.assertTrue(out.startswith('delete_volume (VMAX2) -- '))
        status, out, _ = run('show', 'delete_volume')
        self.assertTrue(out.startswith('delete_volume (VMAX3, VMAX2) -- '))
        for step in registry.task_names('delete_volume', 'VMAX3'):
            self.assertIn(step.split('.', 1)[1], out)
        self.assertEqual(4, out.count('reverts: '))
        self.assertIn('reverts: nothing (irreversible)', out)

    def test_show_nested_tree(self):
        # The same renderer on a flow with subflows, a retry and a decider.
        tree = graphs.to_tree(test_graphs.nested_graph())
        self.assertIn('|-- graph_flow demo.graph (retry: demo.r)\n'
                      '|   |-- r [Times]\n', tree)
        self.assertIn('|   `-- d [DocumentedRevert]\n'
                      '|         requires: x (as item)\n'
                      '|         after: b (if only_if_thin)\n'
                      '|         retried by: demo.r\n'
                      '|         reverts: Puts item back into X.\n', tree)
        self.assertIn('`-- last [FunctorTask]\n      reverts: nothing\n',
                      tree)

    def test_unknown_operation(self):
        status, out, err = run('show', 'create_volum')
        self.assertEqual((2, ''), (status, out))
        self.assertIn("unknown operation 'create_volum'; valid operations: "
                      + ', '.join(registry.names()), err)
        self.assertIn("(did you mean 'create_volume'?)", err)
        # A name that can never be registered (not an identifier).
        status, _, err = run('dump', 'no such operation!')
        self.assertEqual(2, status)
        self.assertIn("unknown operation 'no such operation!'", err)
        self.assertIn('valid operations: create_volume', err)

    def test_commands_slot_in(self):
        # Later subcommands (e.g. history) append to the table; the
        # reviewing ones stay first and every entry reaches the parser.
        names = [c.name for c in cli.COMMANDS]
        self.assertEqual(['list', 'show', 'dump', 'docs'], names[:4])
        self.assertEqual(len(names), len(set(names)))
        status, _, err = run()
        self.assertEqual(2, status)
        self.assertIn('required: COMMAND', err)
        parser = cli.build_parser()
        subparsers = parser._subparsers._group_actions[0].choices
        self.assertEqual(names, list(subparsers))
        for command in cli.COMMANDS:
            self.assertIn(command.help, ' '.join(
                subparsers[command.name].format_help().split()))

    def test_entry_point_output_is_clean(self):
        done = subprocess.run([sys.executable, '-m', 'vmax_flows.cli',
                               'list'], cwd=REPO, capture_output=True,
                              text=True, timeout=120, check=False)
        self.assertEqual((0, ''), (done.returncode, done.stderr))
        self.assertIn('create_volume', done.stdout)


class DumpTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.output = os.path.join(self.useFixture(fixtures.TempDir()).path,
                                   'graphs')

    def test_one_operation_text_formats(self):
        status, out, err = run('dump', 'create_volume', '--format',
                               'dot,mermaid', '--output', self.output)
        self.assertEqual((0, ''), (status, err))
        expected = ['create_volume-VMAX3.dot', 'create_volume-VMAX3.mmd',
                    'create_volume-VMAX2.dot', 'create_volume-VMAX2.mmd']
        self.assertEqual(sorted(expected), sorted(os.listdir(self.output)))
        self.assertEqual(['wrote %s' % os.path.join(self.output, name)
                          for name in expected] +
                         ['4 files for 2 graphs of 1 operations in %s'
                          % self.output], out.splitlines())
        with open(os.path.join(self.output,
                               'create_volume-VMAX2.dot')) as stream:
            _, nodes, edges = test_graphs.parse_dot(stream.read())
        self.assertEqual(set(registry.task_names('create_volume', 'VMAX2')),
                         set(nodes))
        self.assertEqual(2, len(edges))

    def test_all_operations_text_formats(self):
        # Every registered operation, new ones included, dumps cleanly;
        # the files are exactly the renderers' text, which test_graphs
        # parses back (pydot, Mermaid grammar) graph by graph.
        status, out, err = run('dump', '--all', '--format', 'dot,mermaid',
                               '-o', self.output)
        self.assertEqual((0, ''), (status, err))
        written = set(os.listdir(self.output))
        drawn = graphs.all_graphs()
        self.assertEqual({g.operation for g in drawn}, set(registry.names()))
        self.assertEqual({g.stem + graphs.FORMATS[f] for g in drawn
                          for f in ('dot', 'mermaid')}, written)
        self.assertIn('%d files for %d graphs of %d operations' % (
            len(written), len(drawn), len(registry.names())), out)
        for graph in drawn:
            path = os.path.join(self.output, graph.stem)
            with open(path + '.dot') as stream:
                self.assertEqual(graphs.to_dot(graph), stream.read(),
                                 graph.stem)
            with open(path + '.mmd') as stream:
                self.assertEqual(graphs.to_mermaid(graph), stream.read(),
                                 graph.stem)

    def test_graphviz_formats(self):
        # svg and png (graphviz) for a flow per family and a shared one;
        # "vmax-flows docs" renders the SVG of every graph in DocsTest.
        if not graphs.graphviz_available():
            self.skipTest("graphviz's dot is not installed")
        for operation in ('create_volume', 'delete_volume'):
            status, _, err = run('dump', operation, '-o', self.output)
            self.assertEqual((0, ''), (status, err))
        drawn = [g for g in graphs.all_graphs()
                 if g.operation in ('create_volume', 'delete_volume')]
        self.assertEqual(3, len(drawn))
        self.assertEqual({g.stem + ext for g in drawn
                          for ext in graphs.FORMATS.values()},
                         set(os.listdir(self.output)))
        for graph in drawn:
            path = os.path.join(self.output, graph.stem)
            with open(path + '.png', 'rb') as stream:
                self.assertEqual(b'\x89PNG', stream.read(4))
            with open(path + '.svg') as stream:
                svg = stream.read()
            for node in graph.nodes:
                self.assertIn('<title>%s</title>' % node.name, svg)

    def test_single_family_names(self):
        status, out, _ = run('dump', 'delete_volume', '--family', 'VMAX3',
                             '--format', 'mermaid', '-o', self.output)
        self.assertEqual(0, status)
        self.assertEqual(['delete_volume-VMAX3.mmd'],
                         os.listdir(self.output))

    def test_data_edges(self):
        run('dump', 'create_volume', '--family', 'VMAX2', '--format', 'dot',
            '--data-edges', '-o', self.output)
        with open(os.path.join(self.output,
                               'create_volume-VMAX2.dot')) as stream:
            _, _, edges = test_graphs.parse_dot(stream.read())
        dotted = [(u.split('.')[1], v.split('.')[1], a['label'])
                  for u, v, a in edges if a.get('style') == 'dotted']
        self.assertEqual([('create_device', 'add_to_storage_group',
                           '"device"')], dotted)

    def test_usage_errors(self):
        for argv, message in [
                (['dump'], 'one of the arguments operation --all is '
                           'required'),
                (['dump', 'create_volume', '--all'], 'not allowed with'),
                (['dump', 'create_volume', '--format', 'dot,jpg'],
                 "unknown format 'jpg' (choose from dot,svg,png,mermaid)"),
                (['dump', 'create_volume', '--family', 'VMAX1'],
                 "unknown family 'VMAX1' (choose from VMAX3, VMAX2, all)"),
                (['frobnicate'], "invalid choice: 'frobnicate'")]:
            status, out, err = run(*argv)
            self.assertEqual((2, ''), (status, out), argv)
            self.assertIn(message, err, argv)
        self.assertFalse(os.path.exists(self.output))

    def test_graphviz_formats_without_graphviz(self):
        # A PATH without dot: what a machine without graphviz sees.
        empty = self.useFixture(fixtures.TempDir()).path
        self.useFixture(fixtures.EnvironmentVariable('PATH', empty))
        status, out, err = run('dump', 'create_volume', '--format',
                               'dot,svg', '-o', self.output)
        self.assertEqual((1, ''), (status, out))
        self.assertIn("svg needs graphviz's 'dot' program, which is not "
                      "installed", err)
        self.assertFalse(os.path.exists(self.output))
        # The default falls back to the text formats, and says so.
        status, out, err = run('dump', 'create_volume', '-o', self.output)
        self.assertEqual(0, status)
        self.assertIn('writing dot and mermaid only', err)
        self.assertEqual(4, len(os.listdir(self.output)))

    def test_output_not_a_directory(self):
        with open(self.output, 'w') as stream:
            stream.write('a file')
        status, _, err = run('dump', 'create_volume', '--format', 'dot',
                             '-o', self.output)
        self.assertEqual(1, status)
        self.assertIn('cannot create directory %s' % self.output, err)


class DocsTest(testtools.TestCase):

    def test_committed_pictures_are_current(self):
        status, out, err = run('docs', os.path.join(REPO, 'doc', 'source'),
                               '--check')
        self.assertEqual(0, status, out + err)
        self.assertIn('flow pictures up to date (%d graphs)'
                      % len(graphs.all_graphs()), out)

    def test_regenerate_and_detect_stale_files(self):
        if not graphs.graphviz_available():
            self.skipTest("graphviz's dot is not installed")
        source = self.useFixture(fixtures.TempDir()).path
        pictures = os.path.join(source, 'flows')
        status, _, err = run('docs', source, '--check')
        self.assertEqual(1, status)
        self.assertIn('regenerate them with: vmax-flows docs %s' % source,
                      err)
        status, out, _ = run('docs', source)
        self.assertEqual(0, status)
        drawn = graphs.all_graphs()
        self.assertEqual(2 * len(drawn), len(os.listdir(pictures)))
        self.assertEqual(0, run('docs', source, '--check')[0])

        mmd = os.path.join(pictures, drawn[0].stem + '.mmd')
        with open(mmd, 'a') as stream:
            stream.write('  %% edited by hand\n')
        with open(os.path.join(pictures, 'retired-VMAX3.svg'), 'w') as s:
            s.write('<svg/>')
        status, out, _ = run('docs', source, '--check')
        self.assertEqual(1, status)
        self.assertEqual(['out of date %s' % mmd,
                          'no such flow any more: %s'
                          % os.path.join(pictures, 'retired-VMAX3.svg')],
                         out.splitlines())
        status, out, _ = run('docs', source)
        self.assertIn('removed %s' % os.path.join(pictures,
                                                  'retired-VMAX3.svg'), out)
        self.assertEqual(0, run('docs', source, '--check')[0])

    def test_index_is_valid_rest_linking_every_picture(self):
        drawn = graphs.all_graphs()
        html = docutils.core.publish_string(
            graphs.docs_index(drawn), writer_name='html',
            settings_overrides={'halt_level': 2, 'report_level': 2,
                                'output_encoding': 'unicode'})
        for graph in drawn:
            self.assertIn('<object data="flows/%s.svg"' % graph.stem, html)
            self.assertIn('href="flows/%s.mmd"' % graph.stem, html)
        for name in registry.names():
            self.assertIn('>%s</h' % name, html)
