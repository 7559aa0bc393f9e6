"""Packaging: entry points, data files, dependencies, generated sample.

The installed-package checks look at the environment the suite runs in
(``pip install -e '.[test]'``); the wheel checks build a real wheel from a
copy of the tree (no network: the environment's setuptools is used), so
what a ``pip install .`` would ship is checked too.
"""

import ast
import configparser
import filecmp
import glob
import importlib.metadata
import importlib.resources
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile

import fixtures
import testtools

from vmax_driver import options

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DISTRIBUTION = 'vmax-taskflow-driver'
PACKAGES = ('vmax_driver', 'vmax_flows', 'vmax_sim')
CONSOLE_SCRIPTS = {'vmax-sim': 'vmax_sim.cli:main',
                   'vmax-demo': 'vmax_driver.demo:main',
                   'vmax-flows': 'vmax_flows.cli:main'}
PROFILE_DATA_DIR = 'share/vmax-taskflow-driver/etc/vmax_sim'
BIN_DIR = os.path.dirname(sys.executable)


def _setup_cfg():
    parser = configparser.ConfigParser()
    parser.read(os.path.join(ROOT, 'setup.cfg'))
    return parser


def _requirement_names(text):
    names = set()
    for line in text.splitlines():
        line = line.split('#')[0].strip()
        if line:
            name = re.split(r'[<>=!~;\[ ]', line, maxsplit=1)[0]
            names.add(_normalise(name))
    return names


def _normalise(name):
    return re.sub(r'[-_.]+', '-', name).lower()


def _source_files(package):
    pattern = os.path.join(ROOT, package, '**', '*.py')
    return sorted(glob.glob(pattern, recursive=True))


def _top_level_imports(path):
    with open(path) as source:
        tree = ast.parse(source.read(), path)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split('.')[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split('.')[0])
    return names


class InstalledPackageTest(testtools.TestCase):

    def _entry_points(self, group):
        dist = importlib.metadata.distribution(DISTRIBUTION)
        return {ep.name: ep for ep in dist.entry_points
                if ep.group == group}

    def test_console_scripts_declared_and_resolve(self):
        scripts = self._entry_points('console_scripts')
        self.assertEqual(CONSOLE_SCRIPTS,
                         {name: ep.value for name, ep in scripts.items()})
        for name, entry_point in scripts.items():
            self.assertTrue(callable(entry_point.load()), name)
            self.assertTrue(os.access(os.path.join(BIN_DIR, name), os.X_OK),
                            '%s not installed in %s' % (name, BIN_DIR))

    def test_oslo_config_entry_point(self):
        (entry_point,) = self._entry_points('oslo.config.opts').values()
        self.assertEqual('vmax_driver', entry_point.name)
        self.assertIs(options.list_opts, entry_point.load())

    def test_mof_schema_found_from_the_package(self):
        schema = importlib.resources.files('vmax_sim').joinpath('cim',
                                                                'schema')
        mofs = sorted(entry.name for entry in schema.iterdir()
                      if entry.name.endswith('.mof'))
        self.assertGreater(len(mofs), 0)
        self.assertIn('qualifiers', mofs[0])

    def test_generator_lists_every_option(self):
        result = subprocess.run(
            [os.path.join(BIN_DIR, 'oslo-config-generator'),
             '--namespace', 'vmax_driver'],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn('[backend_defaults]', result.stdout)
        listed = re.findall(r'^#(\w+) =', result.stdout, re.MULTILINE)
        self.assertEqual([opt.name for opt in options.VMAX_OPTS], listed)

    def test_committed_sample_is_current(self):
        out = self.useFixture(fixtures.TempDir()).path
        generated = os.path.join(out, 'sample.conf')
        result = subprocess.run(
            [os.path.join(BIN_DIR, 'oslo-config-generator'),
             '--config-file', 'etc/cinder/vmax-config-generator.conf',
             '--output-file', generated],
            cwd=ROOT, capture_output=True, text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr)
        committed = os.path.join(ROOT, 'etc/cinder/vmax_driver.conf.sample')
        self.assertTrue(filecmp.cmp(generated, committed, shallow=False),
                        'run tox -e genconfig and commit the sample')


class DependencyTest(testtools.TestCase):

    def test_every_third_party_import_is_declared(self):
        parser = _setup_cfg()
        runtime = _requirement_names(parser['options']['install_requires'])
        cinder_extra = _requirement_names(
            parser['options.extras_require']['cinder'])
        by_module = importlib.metadata.packages_distributions()
        undeclared = []
        for package in PACKAGES:
            # Only the Cinder-facing layer may need the cinder extra.
            allowed = runtime | (cinder_extra if package == 'vmax_driver'
                                 else set())
            for path in _source_files(package):
                for module in _top_level_imports(path):
                    if module in sys.stdlib_module_names or \
                            module in PACKAGES or module == '__future__':
                        continue
                    dists = {_normalise(d)
                             for d in by_module.get(module, [module])}
                    if not dists & allowed:
                        undeclared.append('%s imports %s' % (
                            os.path.relpath(path, ROOT), module))
        self.assertEqual([], sorted(set(undeclared)))

    def test_pywbem_pinned_exactly(self):
        requires = _setup_cfg()['options']['install_requires']
        self.assertIn('pywbem==1.9.1', requires.split())
        self.assertEqual('1.9.1', importlib.metadata.version('pywbem'))

    def test_simulator_imports_nothing_from_driver_or_flows(self):
        offenders = [path for path in _source_files('vmax_sim')
                     if _top_level_imports(path) & {'vmax_driver',
                                                    'vmax_flows', 'cinder'}]
        self.assertEqual([], offenders)


class WheelTest(testtools.TestCase):
    """What `pip install .` ships, from a wheel built here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._tmp = tempfile.mkdtemp(prefix='vmax-wheel-')
        source = os.path.join(cls._tmp, 'src')
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
            '.venv', '.git', '.tox', '.stestr', '*.egg-info', '__pycache__',
            'build', 'dist', 'cover', '*.pyc'))
        result = subprocess.run(
            [sys.executable, '-m', 'pip', 'wheel', '--no-deps',
             '--no-build-isolation', '--quiet', '-w',
             os.path.join(cls._tmp, 'out'), source],
            capture_output=True, text=True, timeout=300)
        cls._build_error = result.stderr if result.returncode else None
        wheels = glob.glob(os.path.join(cls._tmp, 'out', '*.whl'))
        cls._names = []
        cls._entry_points = ''
        if wheels:
            with zipfile.ZipFile(wheels[0]) as wheel:
                cls._names = wheel.namelist()
                points = [n for n in cls._names
                          if n.endswith('.dist-info/entry_points.txt')]
                cls._entry_points = wheel.read(points[0]).decode()
        # What the tree held when it was copied.
        cls._expected_py = sorted(
            os.path.relpath(path, source)
            for package in PACKAGES
            for path in glob.glob(os.path.join(source, package, '**', '*.py'),
                                  recursive=True))
        cls._profiles = sorted(os.path.basename(p) for p in glob.glob(
            os.path.join(source, 'etc', 'vmax_sim', '*.yaml')))
        cls._installed = cls._install_and_probe(wheels)

    @classmethod
    def _install_and_probe(cls, wheels):
        """Install the wheel into a bare venv; ask the simulator there
        where it finds its schema and profiles."""
        if not wheels:
            return None
        venv = os.path.join(cls._tmp, 'venv')
        subprocess.run([sys.executable, '-m', 'venv', '--without-pip',
                        venv], check=True, timeout=120)
        python = os.path.join(venv, 'bin', 'python')
        # pip --python acts on that venv only.  (With --prefix, pip would
        # uninstall the editable install of the running environment.)
        subprocess.run([sys.executable, '-m', 'pip', '--python', python,
                        'install', '--quiet', '--no-deps', '--no-index',
                        wheels[0]], check=True, timeout=300,
                       capture_output=True)
        site_dir = subprocess.run(
            [python, '-c', 'import sysconfig; '
             'print(sysconfig.get_paths()["purelib"])'],
            check=True, capture_output=True, text=True).stdout.strip()
        # Third-party dependencies come from this environment, appended
        # after the venv's own site-packages (a plain path line: the
        # editable install's finder is not activated there).
        with open(os.path.join(site_dir, 'zz_test_deps.pth'), 'w') as pth:
            pth.write(sysconfig.get_paths()['purelib'] + '\n')
        probe = (
            'import json, os, vmax_sim\n'
            'from vmax_sim.cim import classes\n'
            'from vmax_sim.model import profiles\n'
            'sim = vmax_sim.Simulator.from_profile("vmax3-allflash")\n'
            'print(json.dumps({"package": vmax_sim.__file__,\n'
            '  "schema": classes.SCHEMA_DIR,\n'
            '  "mofs": sorted(os.listdir(classes.SCHEMA_DIR)),\n'
            '  "profile": profiles.profile_path("vmax3-allflash"),\n'
            '  "profiles": profiles.available_profiles(),\n'
            '  "serial": sim.array().serial}))\n')
        result = subprocess.run([python, '-c', probe], cwd=cls._tmp,
                                capture_output=True, text=True, timeout=300)
        if result.returncode:
            return {'error': result.stderr[-3000:]}
        return dict(json.loads(result.stdout.splitlines()[-1]), venv=venv)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls._tmp, ignore_errors=True)
        super().tearDownClass()

    def test_wheel_builds(self):
        self.assertIsNone(self._build_error)
        self.assertNotEqual([], self._names)

    def test_every_module_ships_and_no_tests(self):
        shipped = sorted(n for n in self._names if n.endswith('.py'))
        self.assertEqual(self._expected_py, shipped)
        self.assertEqual([], [n for n in self._names
                              if n.startswith(('tests/', 'bench/'))])

    def test_mof_schema_ships_as_package_data(self):
        mofs = [n for n in self._names
                if re.match(r'vmax_sim/cim/schema/[^/]+\.mof$', n)]
        self.assertEqual(
            sorted(os.listdir(os.path.join(ROOT, 'vmax_sim/cim/schema'))),
            sorted(os.path.basename(n) for n in mofs))

    def test_profiles_ship_as_data_files(self):
        shipped = sorted(os.path.basename(n) for n in self._names
                         if '.data/data/%s/' % PROFILE_DATA_DIR in n)
        self.assertEqual(self._profiles, shipped)

    def test_installed_simulator_finds_schema_and_profiles(self):
        installed = self._installed
        self.assertNotIn('error', installed, installed.get('error'))
        venv = installed['venv']
        # The code, the schema and the profiles all come from the install.
        self.assertTrue(installed['package'].startswith(venv))
        self.assertTrue(installed['schema'].startswith(venv))
        self.assertEqual(
            sorted(os.listdir(os.path.join(ROOT, 'vmax_sim/cim/schema'))),
            installed['mofs'])
        self.assertEqual(os.path.join(venv, PROFILE_DATA_DIR,
                                      'vmax3-allflash.yaml'),
                         installed['profile'])
        self.assertEqual([name[:-5] for name in self._profiles],
                         installed['profiles'])
        self.assertEqual('000197800123', installed['serial'])

    def test_wheel_entry_points(self):
        for name, target in CONSOLE_SCRIPTS.items():
            self.assertIn('%s = %s' % (name, target), self._entry_points)
        self.assertIn('vmax_driver = vmax_driver.options:list_opts',
                      self._entry_points)


class ProjectFilesTest(testtools.TestCase):

    def _read(self, name):
        with open(os.path.join(ROOT, name)) as text:
            return text.read()

    def test_readme_quick_start_is_two_commands(self):
        readme = self._read('README.rst')
        self.assertIn("python3 -m venv .venv && .venv/bin/pip install -e "
                      "'.[cinder]' && .venv/bin/vmax-demo", readme)
        self.assertIn("python3 -m venv .venv && .venv/bin/pip install -e "
                      "'.[test]' && .venv/bin/stestr run", readme)

    def test_ci_runs_pep8_and_the_readme_test_command(self):
        path = os.path.join(ROOT, '.ci', 'run')
        self.assertTrue(os.access(path, os.X_OK))
        script = self._read('.ci/run')
        self.assertIn('set -euo pipefail', script)
        self.assertIn("pip\" install --quiet -e '.[test]'", script)
        self.assertIn('unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE', script)
        self.assertLess(script.index('/bin/flake8"'),
                        script.index('.venv/bin/stestr run'))
        result = subprocess.run(['bash', '-n', path], capture_output=True,
                                text=True)
        self.assertEqual(0, result.returncode, result.stderr)

    def test_stestr_finds_the_tests(self):
        conf = configparser.ConfigParser()
        conf.read(os.path.join(ROOT, '.stestr.conf'))
        self.assertEqual('./tests', conf['DEFAULT']['test_path'])

    def test_rst_documents_are_valid(self):
        try:
            from docutils import core
            from docutils import utils
        except ImportError:
            self.skipTest('docutils not installed')
        documents = ['README.rst'] + [
            os.path.relpath(path, ROOT) for path in glob.glob(
                os.path.join(ROOT, 'doc', 'source', '*.rst'))
            # Sphinx-only directives: index (toctree) and others' pages.
            if os.path.basename(path) not in ('index.rst',
                                              'cim-surface.rst')]
        for name in documents:
            try:
                core.publish_doctree(
                    self._read(name), source_path=name,
                    settings_overrides={'report_level': 2,
                                        'halt_level': 2,
                                        'warning_stream': False})
            except utils.SystemMessage as err:
                self.fail('%s: %s' % (name, err))
