"""Mermaid itself parses and renders every flow's Mermaid text.

Runs the npm ``mermaid`` package under node with jsdom as its DOM (no
browser).  The packages are installed once per machine into a cache
directory (``$VMAX_MERMAID_CHECK_DIR``, default
``~/.cache/vmax-taskflow-driver/mermaid-<version>``), about 30 s and
150 MB the first time, a few seconds afterwards.  Skips, saying why, when
node or npm is missing, node is too old, or the install fails (offline).
"""

import json
import os
import re
import shutil
import subprocess
import tempfile

import fixtures
import testtools

from tests.flows import test_graphs
from vmax_flows import graphs

MERMAID = '11.12.2'     # the last line supporting node 20 (12.x: >= 22)
JSDOM = '25.0.1'
NODE_MAJOR = 18
INSTALL_TIMEOUT = 300
CHECK_TIMEOUT = 120

# jsdom does no layout: getBBox and text lengths are estimated from the
# character count, which is enough for Mermaid to lay the graph out.
CHECK_SCRIPT = r"""
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
const dom = new JSDOM('<!DOCTYPE html><body></body>',
                      {pretendToBeVisual: true});
globalThis.window = dom.window;
globalThis.document = dom.window.document;
window.SVGElement.prototype.getBBox = function () {
  return {x: 0, y: 0, width: 7 * (this.textContent || '').length + 1,
          height: 16};
};
window.SVGElement.prototype.getComputedTextLength = function () {
  return 7 * (this.textContent || '').length;
};
const { default: mermaid } = await import('mermaid');
mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
const results = [];
let counter = 0;
for (const path of process.argv.slice(2)) {
  const text = readFileSync(path, 'utf8');
  const result = {path};
  try {
    result.type = (await mermaid.parse(text)).diagramType;
    result.svg = (await mermaid.render('graph' + counter++, text)).svg;
  } catch (error) {
    result.error = String((error && error.message) || error);
  }
  results.push(result);
}
process.stdout.write(JSON.stringify(results));
"""


def _node_major():
    try:
        done = subprocess.run(['node', '--version'], capture_output=True,
                              text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r'v(\d+)\.', done.stdout.strip())
    return int(match.group(1)) if match else None


def mermaid_checker():
    """Directory holding node_modules with mermaid and jsdom, and the
    check script; installs them the first time.  Raises RuntimeError
    with the reason when that is not possible."""
    if not shutil.which('node') or not shutil.which('npm'):
        raise RuntimeError('node and npm are needed (Debian: apt-get '
                           'install nodejs npm)')
    major = _node_major()
    if major is None or major < NODE_MAJOR:
        raise RuntimeError('node >= %d is needed, found %s'
                           % (NODE_MAJOR, major))
    home = os.environ.get('VMAX_MERMAID_CHECK_DIR') or os.path.join(
        os.path.expanduser('~'), '.cache', 'vmax-taskflow-driver',
        'mermaid-%s-jsdom-%s' % (MERMAID, JSDOM))
    if not all(os.path.exists(os.path.join(home, 'node_modules', package,
                                           'package.json'))
               for package in ('mermaid', 'jsdom')):
        _install(home)
    script = os.path.join(home, 'check.mjs')
    with open(script, 'w') as stream:
        stream.write(CHECK_SCRIPT)
    return home


def _install(home):
    # Install beside the target and rename, so that a half-done install
    # (killed test run, parallel worker) is never taken for a good one.
    parent = os.path.dirname(home)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix='.install-', dir=parent)
    try:
        with open(os.path.join(staging, 'package.json'), 'w') as stream:
            json.dump({'private': True}, stream)
        try:
            done = subprocess.run(
                ['npm', 'install', '--no-audit', '--no-fund',
                 '--ignore-scripts', '--fetch-retries=1',
                 'mermaid@' + MERMAID, 'jsdom@' + JSDOM],
                cwd=staging, capture_output=True, text=True,
                timeout=INSTALL_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise RuntimeError('npm install took more than %d s'
                               % INSTALL_TIMEOUT)
        if done.returncode != 0:
            raise RuntimeError('npm install mermaid@%s jsdom@%s failed: %s'
                               % (MERMAID, JSDOM,
                                  done.stderr.strip()[-500:]))
        if os.path.isdir(home):
            # Left incomplete by hand (a finished install is complete).
            shutil.rmtree(home, ignore_errors=True)
        try:
            os.rename(staging, home)
        except OSError:
            if not os.path.exists(home):
                raise
            # Another worker finished first; use its install.
    finally:
        if os.path.exists(staging):
            shutil.rmtree(staging, ignore_errors=True)


def run_mermaid(home, paths):
    done = subprocess.run(['node', os.path.join(home, 'check.mjs')] + paths,
                          cwd=home, capture_output=True, text=True,
                          timeout=CHECK_TIMEOUT, check=False)
    if done.returncode != 0:
        raise AssertionError('node failed: %s' % done.stderr[-2000:])
    return {os.path.basename(r['path']): r for r in json.loads(done.stdout)}


class MermaidRendersTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        try:
            self.home = mermaid_checker()
        except (RuntimeError, OSError) as exc:
            self.skipTest('Mermaid cannot be run here: %s' % exc)
        self.work = self.useFixture(fixtures.TempDir()).path

    def _write(self, name, text):
        path = os.path.join(self.work, name)
        with open(path, 'w') as stream:
            stream.write(text)
        return path

    def test_every_flow_parses_and_renders(self):
        # The nested graph has every pattern and edge kind, data
        # hand-overs included; the driver's flows are drawn as in the docs.
        nested = test_graphs.nested_graph()
        drawn = graphs.all_graphs() + [nested]
        paths = [self._write(graph.stem + '.mmd', graphs.to_mermaid(
            graph, data_edges=graph is nested)) for graph in drawn]
        # A control that must fail, so the check is known to bite: a raw
        # quote inside a label, which the renderer writes as #quot;.
        paths.append(self._write('broken.mmd', graphs.to_mermaid(
            drawn[0]).replace('reverts: ', 'reverts: "', 1)))
        results = run_mermaid(self.home, paths)
        self.assertIn('error', results.pop('broken.mmd'))
        self.assertEqual(len(drawn), len(results))
        for graph in drawn:
            result = results[graph.stem + '.mmd']
            self.assertNotIn('error', result, graph.stem)
            self.assertEqual('flowchart-v2', result['type'], graph.stem)
            svg = result['svg']
            for node in graph.nodes:
                self.assertRegex(
                    svg, r'id="[^"]*flowchart-%s-\d+"'
                    % re.escape(graphs._mermaid_id(node.name)), node.name)
            links = re.findall(r'<path [^>]*class="[^"]*flowchart-link',
                               svg)
            shown = [e for e in graph.edges
                     if graph is nested or not e.derived]
            self.assertEqual(len(shown), len(links), graph.stem)
