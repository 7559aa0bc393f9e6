"""vmax-flows: review the driver's TaskFlow flows without an array.

::

    vmax-flows list
    vmax-flows show OPERATION [--family VMAX3|VMAX2|all]
    vmax-flows dump OPERATION|--all [--family VMAX3|VMAX2|all]
                    [--format dot,svg,png,mermaid] [--output DIR]
    vmax-flows docs [DOC_SOURCE] [--check]

Every flow is built from its operation's sample request with no array
(``client=None``) and drawn from TaskFlow's compiled graph (see
:mod:`vmax_flows.graphs`).  Exit status: 0 done, 1 could not be done
(graphviz missing or failing, docs out of date, a file not writable),
2 wrong usage (unknown operation, family or format).

Subcommands are the entries of :data:`COMMANDS`, each a name, a help line,
a function adding its arguments and a function running it, so later
subcommands (the run ``history`` from the persistence store) slot in
without touching the others.
"""

import argparse
import collections
import difflib
import os
import sys
import warnings

from vmax_flows import graphs
from vmax_flows import registry

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

Command = collections.namedtuple('Command',
                                 'name help add_arguments run')


class UsageError(Exception):
    """Bad arguments that argparse cannot catch (exit status 2)."""


class CommandFailed(Exception):
    """The command could not do its work (exit status 1)."""


# ------------------------------------------------------------- arguments

def _family_choice(text):
    for choice in graphs.FAMILIES + (graphs.ALL_FAMILIES,):
        if text.lower() == choice.lower():
            return choice
    raise argparse.ArgumentTypeError(
        'unknown family %r (choose from %s)' % (
            text, ', '.join(graphs.FAMILIES + (graphs.ALL_FAMILIES,))))


def _families(choice):
    return graphs.FAMILIES if choice == graphs.ALL_FAMILIES else (choice,)


def _format_list(text):
    formats = [f.strip().lower() for f in text.split(',') if f.strip()]
    unknown = [f for f in formats if f not in graphs.FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(
            'unknown format %s (choose from %s)' % (
                ', '.join(map(repr, unknown)) or "''",
                ','.join(graphs.FORMATS)))
    return list(dict.fromkeys(formats))


def _add_family(parser):
    parser.add_argument(
        '--family', type=_family_choice, default=graphs.ALL_FAMILIES,
        metavar='|'.join(graphs.FAMILIES + (graphs.ALL_FAMILIES,)),
        help='array family; "all" (default) draws one graph per family '
             'where the flows differ and one "-all" graph where they are '
             'the same')


def _operation(name):
    if name in registry.names():
        return name
    message = 'unknown operation %r; valid operations: %s' % (
        name, ', '.join(registry.names()))
    close = difflib.get_close_matches(name, registry.names(), n=1)
    if close:
        message += ' (did you mean %r?)' % close[0]
    raise UsageError(message)


def _graphs_of(names, family):
    found = []
    for name in names:
        drawn = graphs.operation_graphs(name, _families(family))
        if not drawn:
            raise UsageError('operation %r has no flow for family %s'
                             % (name, family))
        found.extend(drawn)
    return found


# ------------------------------------------------------------------ list

def _add_list(parser):
    pass


def run_list(args, out, err):
    rows = []
    for operation in registry.operations():
        counts = dict.fromkeys(graphs.FAMILIES, '-')
        for graph in graphs.operation_graphs(operation.name):
            for family in graph.families:
                counts[family] = str(len(graph.tasks))
        rows.append([operation.name] + [counts[f] for f in graphs.FAMILIES]
                    + [operation.description])
    header = ['OPERATION'] + list(graphs.FAMILIES) + ['DESCRIPTION']
    widths = [max(len(row[i]) for row in rows + [header])
              for i in range(len(header) - 1)]
    for row in [header] + rows:
        cells = [row[0].ljust(widths[0])] + \
            [cell.rjust(widths[i + 1]) for i, cell in enumerate(row[1:-1])]
        out.write('  '.join(cells + [row[-1]]).rstrip() + '\n')
    out.write('\n%d operations; task counts per family ("-": no flow)\n'
              % len(rows))
    return EXIT_OK


# ------------------------------------------------------------------ show

def _add_show(parser):
    parser.add_argument('operation', help='operation name (see "list")')
    _add_family(parser)


def run_show(args, out, err):
    drawn = _graphs_of([_operation(args.operation)], args.family)
    out.write('\n'.join(graphs.to_tree(graph) for graph in drawn))
    return EXIT_OK


# ------------------------------------------------------------------ dump

def _add_dump(parser):
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument('operation', nargs='?',
                       help='operation name (see "list")')
    which.add_argument('--all', action='store_true',
                       help='every registered operation')
    _add_family(parser)
    parser.add_argument(
        '--format', type=_format_list, default=None,
        metavar='FORMATS',
        help='comma-separated, from %s (default: all of them, without '
             'svg/png when graphviz is not installed)'
             % ','.join(graphs.FORMATS))
    parser.add_argument('--output', '-o', default='.', metavar='DIR',
                        help='directory for <operation>-<family>.<ext> '
                             'files (created if missing; default: .)')
    parser.add_argument('--data-edges', action='store_true',
                        help='also draw dotted data hand-overs from each '
                             'provider to the tasks requiring its symbol')


def _dump_formats(requested, err):
    if requested is None:
        if graphs.graphviz_available():
            return list(graphs.FORMATS)
        err.write("note: graphviz's 'dot' is not installed; writing dot "
                  "and mermaid only (apt-get install graphviz for svg, "
                  "png)\n")
        return [f for f in graphs.FORMATS
                if f not in graphs.GRAPHVIZ_FORMATS]
    needs_graphviz = [f for f in requested if f in graphs.GRAPHVIZ_FORMATS]
    if needs_graphviz and not graphs.graphviz_available():
        raise CommandFailed(
            "%s needs graphviz's 'dot' program, which is not installed "
            "(Debian: apt-get install graphviz); --format dot,mermaid "
            "works without it" % '/'.join(needs_graphviz))
    return requested


def run_dump(args, out, err):
    names = registry.names() if args.all else [_operation(args.operation)]
    drawn = _graphs_of(names, args.family)
    formats = _dump_formats(args.format, err)
    _make_directory(args.output)
    written = 0
    for graph in drawn:
        for path in _write(graph, formats, args.output, args.data_edges):
            out.write('wrote %s\n' % path)
            written += 1
    out.write('%d files for %d graphs of %d operations in %s\n' % (
        written, len(drawn), len(names), args.output))
    return EXIT_OK


def _make_directory(path):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise CommandFailed('cannot create directory %s: %s' % (path, exc))


def _write(graph, formats, directory, data_edges=False):
    try:
        return graphs.write(graph, formats, directory,
                            data_edges=data_edges)
    except graphs.GraphvizError as exc:
        raise CommandFailed('%s: %s' % (graph.stem, exc))
    except OSError as exc:
        raise CommandFailed('cannot write %s: %s' % (graph.stem, exc))


# ------------------------------------------------------------------ docs

PICTURES = 'flows'
INDEX = 'flows.rst'
DOC_FORMATS = ('svg', 'mermaid')
# Text outputs compared byte for byte by --check; SVG only for presence,
# since its bytes depend on the graphviz version.
_CHECKED_TEXT = ('mermaid',)


def _add_docs(parser):
    parser.add_argument('doc_source', nargs='?',
                        default=os.path.join('doc', 'source'),
                        help='Sphinx source directory; pictures go to '
                             '<doc_source>/%s/, the index to '
                             '<doc_source>/%s (default: doc/source)'
                             % (PICTURES, INDEX))
    parser.add_argument('--check', action='store_true',
                        help='write nothing; exit 1 if the pictures or the '
                             'index are missing or out of date')


def run_docs(args, out, err):
    drawn = graphs.all_graphs()
    pictures = os.path.join(args.doc_source, PICTURES)
    index_path = os.path.join(args.doc_source, INDEX)
    index = graphs.docs_index(drawn, PICTURES)
    if args.check:
        return _check_docs(drawn, pictures, index_path, index, out)
    _dump_formats(list(DOC_FORMATS), err)
    _make_directory(pictures)
    expected = set()
    for graph in drawn:
        for path in _write(graph, DOC_FORMATS, pictures):
            expected.add(os.path.basename(path))
            out.write('wrote %s\n' % path)
    for stale in sorted(_generated_files(pictures) - expected):
        os.remove(os.path.join(pictures, stale))
        out.write('removed %s (no such flow any more)\n'
                  % os.path.join(pictures, stale))
    with open(index_path, 'w') as stream:
        stream.write(index)
    out.write('wrote %s (%d graphs of %d operations)\n' % (
        index_path, len(drawn), len({g.operation for g in drawn})))
    return EXIT_OK


def _generated_files(directory):
    extensions = tuple(graphs.FORMATS[f] for f in DOC_FORMATS)
    try:
        return {name for name in os.listdir(directory)
                if name.endswith(extensions)}
    except FileNotFoundError:
        return set()


def _check_docs(drawn, pictures, index_path, index, out):
    problems = []
    expected = set()
    for graph in drawn:
        for fmt in DOC_FORMATS:
            name = graph.stem + graphs.FORMATS[fmt]
            expected.add(name)
            path = os.path.join(pictures, name)
            if not os.path.exists(path):
                problems.append('missing %s' % path)
            elif fmt in _CHECKED_TEXT and \
                    _read(path) != graphs.render(graph, fmt).decode('utf-8'):
                problems.append('out of date %s' % path)
    for stale in sorted(_generated_files(pictures) - expected):
        problems.append('no such flow any more: %s'
                        % os.path.join(pictures, stale))
    if not os.path.exists(index_path):
        problems.append('missing %s' % index_path)
    elif _read(index_path) != index:
        problems.append('out of date %s' % index_path)
    for problem in problems:
        out.write(problem + '\n')
    if problems:
        raise CommandFailed('flow pictures are out of date; regenerate '
                            'them with: vmax-flows docs %s'
                            % os.path.dirname(index_path))
    out.write('flow pictures up to date (%d graphs)\n' % len(drawn))
    return EXIT_OK


def _read(path):
    with open(path) as stream:
        return stream.read()


# ------------------------------------------------------------------ main

def _add_history(parser):
    parser.add_argument('object_id', nargs='?',
                        help='id of a Cinder volume, snapshot or group '
                             '(default: every run)')
    parser.add_argument('--state-path', default='/var/lib/cinder/vmax',
                        help='the backend\'s vmax_state_path (default: '
                             '%(default)s)')
    parser.add_argument('--connection',
                        help='the backend\'s vmax_flow_persistence_'
                             'connection URL (wins over --state-path)')
    parser.add_argument('--owner', help='only runs of this service host, '
                                        'e.g. cinder-volume@vmax1')
    parser.add_argument('--json', action='store_true',
                        help='print the runs as JSON')


def run_history(args, out, err):
    import json

    from vmax_flows import persistence
    if not args.connection:
        path = os.path.join(args.state_path, persistence.STATE_FILE)
        if not os.path.exists(path):
            raise CommandFailed('no flow state at %s (see --state-path and '
                                '--connection)' % path)
    try:
        backend = persistence.open_backend(args.connection, args.state_path)
    except Exception as exc:
        raise CommandFailed('cannot open the flow state: %s' % exc)
    try:
        runs = persistence.history(backend, args.object_id, args.owner)
    finally:
        backend.close()
    if args.json:
        out.write(json.dumps(runs, indent=2, sort_keys=True) + '\n')
        return EXIT_OK
    if not runs:
        out.write('no runs recorded%s\n' % (
            ' for %s' % args.object_id if args.object_id else ''))
        return EXIT_OK
    for run in runs:
        out.write(format_run(run))
    return EXIT_OK


def format_run(run):
    """One run as text: a head line, a line per task, recovery, error."""
    total = sum(task['seconds'] for task in run['tasks'])
    lines = ['%s  %s  %s  %.3f s  %d SMI-S call(s)  [%s, flow %s]' % (
        run['started_at'] or '?', run['operation'], run['state'], total,
        sum(task['calls'] for task in run['tasks']),
        run.get('owner', '?'), run['uuid'])]
    for task in run['tasks']:
        shown = task['state']
        if task['state'] == 'REVERTED' or task['intention'] == 'REVERT':
            shown += ' (reverted)' if task['state'] == 'REVERTED' else ''
        line = '    %-48s %-16s %8.3f s %3d call(s)' % (
            task['task'], shown, task['seconds'], task['calls'])
        if task['failure']:
            line += '  failed: %s' % task['failure']
        lines.append(line)
    recovery = run.get('recovery')
    if recovery:
        lines.append('    recovered at %s: %s (%s) %s' % (
            recovery['at'], recovery['action'], recovery['outcome'],
            recovery['message']))
    if run.get('error'):
        lines.append('    error: %s' % run['error'])
    return '\n'.join(lines) + '\n'


COMMANDS = [
    Command('list', 'operations, their descriptions and task counts per '
            'family', _add_list, run_list),
    Command('show', 'an ASCII tree of an operation\'s flow with what each '
            'task provides, requires and reverts', _add_show, run_show),
    Command('dump', 'write flow graphs as DOT, SVG, PNG (graphviz) and '
            'Mermaid files', _add_dump, run_dump),
    Command('docs', 'regenerate the flow pictures and their index page in '
            'the documentation', _add_docs, run_docs),
    Command('history', 'the runs recorded for a volume in the flow state: '
            'what ran, failed and was reverted, with durations',
            _add_history, run_history),
]


def build_parser():
    parser = argparse.ArgumentParser(
        prog='vmax-flows',
        description='Review the driver\'s TaskFlow flows: list them, show '
                    'them as trees, draw them (no array needed).')
    subparsers = parser.add_subparsers(dest='command', metavar='COMMAND')
    subparsers.required = True
    for command in COMMANDS:
        sub = subparsers.add_parser(command.name, help=command.help,
                                    description=command.help)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv=None, out=None, err=None):
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            # Importing taskflow.engines imports eventlet, which announces
            # its own deprecation; that is noise in a review tool's output.
            warnings.filterwarnings('ignore', message=r'\s*Eventlet is '
                                    r'deprecated', category=Warning)
            return args.run(args, out, err)
    except UsageError as exc:
        err.write('vmax-flows %s: error: %s\n' % (args.command, exc))
        return EXIT_USAGE
    except CommandFailed as exc:
        err.write('vmax-flows %s: %s\n' % (args.command, exc))
        return EXIT_FAILED


if __name__ == '__main__':
    sys.exit(main())
