"""Threaded HTTP/1.1 (optionally HTTPS) CIM-XML server.

One thread per connection, keep-alive, TCP_NODELAY: without it Nagle plus
the client's delayed ACK costs about 40 ms per keep-alive request, because
``BaseHTTPRequestHandler`` sends headers and body separately.  The TLS
handshake runs in the connection's thread, so a slow or broken client never
blocks ``accept``.  Every request body goes to a ``CimXmlHandler``; the
server only frames HTTP and acts out transport faults:

* ``DropConnection``: close the connection without answering;
* ``Hang``: hold the connection ``seconds`` (cut short by ``stop()``), then
  close it without answering.
"""

import http.server
import logging
import shutil
import socket
import socketserver
import ssl
import tempfile
import threading

from vmax_sim import errors
from vmax_sim.wire import cimxml
from vmax_sim.wire import tls

LOG = logging.getLogger(__name__)

# Idle keep-alive connections are closed after this many seconds.
IDLE_TIMEOUT = 300
MAX_BODY_BYTES = 64 * 1024 * 1024


def _hostport(host, port):
    return ('[%s]:%d' if ':' in host else '%s:%d') % (host, port)


class _RequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    disable_nagle_algorithm = True
    # Buffered writes: headers and a small body leave in one send(),
    # flushed by handle_one_request() after each request.
    wbufsize = -1
    server_version = 'vmax-sim'
    sys_version = ''
    timeout = IDLE_TIMEOUT

    def setup(self):
        context = self.server.ssl_context
        if context is not None:
            self.request.settimeout(self.timeout)
            self.request = context.wrap_socket(self.request,
                                               server_side=True)
        super().setup()
        self.server.track(self.connection)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def log_message(self, format, *args):  # noqa: A002 (stdlib signature)
        # Request lines only: headers (Authorization) are never logged.
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug('%s %s', self.address_string(), format % args)

    def _server_hostport(self):
        sockname = self.connection.getsockname()
        return _hostport(sockname[0], sockname[1])

    def _read_chunked(self):
        chunks = []
        size = 0
        while True:
            line = self.rfile.readline(1024)
            length = int(line.split(b';', 1)[0].strip() or b'0', 16)
            if length == 0:
                # Trailer section ends with an empty line.
                while self.rfile.readline(1024).strip():
                    pass
                return b''.join(chunks)
            size += length
            if size > MAX_BODY_BYTES:
                raise ValueError('request body too large')
            chunks.append(self.rfile.read(length))
            self.rfile.readline(8)

    def _read_body(self):
        """The request body, or None after answering a framing error."""
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            try:
                return self._read_chunked()
            except ValueError as exc:
                self.close_connection = True
                self.send_error(400, str(exc))
                return None
        length = self.headers.get('Content-Length')
        if length is None:
            self.close_connection = True
            self.send_error(411)
            return None
        try:
            length = int(length)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True
            self.send_error(400, 'bad Content-Length')
            return None
        return self.rfile.read(length)

    def _abandon(self):
        """Close the connection without a response."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_POST(self):
        body = self._read_body()
        if body is None:
            return
        try:
            status, headers, payload = self.server.cim_handler.handle(
                body, self.headers, self._server_hostport())
        except errors.DropConnection:
            LOG.info('dropping connection from %s (fault injection)',
                     self.address_string())
            self._abandon()
            return
        except errors.Hang as hang:
            LOG.info('holding connection from %s for %.1f s '
                     '(fault injection)', self.address_string(),
                     hang.seconds)
            self.server.stopping.wait(hang.seconds)
            self._abandon()
            return
        except Exception:
            LOG.exception('request handler failed')
            status, headers, payload = 500, {'Content-Length': '0'}, b''
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        self.send_response(405)
        self.send_header('Allow', 'POST')
        self.send_header('Content-Length', '0')
        self.end_headers()


def _not_extended(handler):
    """M-POST: DSP0200 lets a server answer 501 so the client uses POST."""
    handler.send_response(501)
    handler.send_header('Content-Length', '0')
    handler.end_headers()


setattr(_RequestHandler, 'do_M-POST', _not_extended)


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    # Threads of idle keep-alive connections are released by stop()
    # shutting their sockets down, not by joining them.
    block_on_close = False
    allow_reuse_address = True
    # Many clients connecting at once (thread pools in tests, benchmarks)
    # must not overflow the default listen backlog of 5.
    request_queue_size = 64

    def __init__(self, address, cim_handler, ssl_context):
        if ':' in address[0]:
            self.address_family = socket.AF_INET6
        self.cim_handler = cim_handler
        self.ssl_context = ssl_context
        self.stopping = threading.Event()
        self._connections = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def server_bind(self):
        # HTTPServer.server_bind resolves the host name with getfqdn(),
        # which can take seconds without DNS; the simulator never needs it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def track(self, connection):
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection):
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self):
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        # Broken clients (failed TLS handshakes, resets) are routine for a
        # test server: log them instead of printing tracebacks to stderr.
        LOG.debug('connection from %s failed', client_address,
                  exc_info=True)


class ServerHandle(object):
    """A running server: ``url``, ``port``, ``certfile`` and ``stop()``.

    ``certfile`` is the certificate to trust (pywbem ``ca_certs=``) when the
    server speaks HTTPS, else None.  Usable as a context manager.
    """

    def __init__(self, server, thread, url, host, port, certfile,
                 temporary_dir=None):
        self._server = server
        self._thread = thread
        self._temporary_dir = temporary_dir
        self.url = url
        self.host = host
        self.port = port
        self.certfile = certfile
        self.handler = server.cim_handler

    def stop(self, timeout=5.0):
        """Stop accepting, end held and idle connections, close the port."""
        if self._server is None:
            return
        server, self._server = self._server, None
        server.stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        self._thread.join(timeout)
        if self._temporary_dir is not None:
            shutil.rmtree(self._temporary_dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()
        return False


def serve(dispatcher, host='127.0.0.1', port=0, user=None, password=None,
          https=False, certfile=None, keyfile=None, cert_dir=None):
    """Start a CIM-XML server for ``dispatcher`` in a background thread.

    ``port=0`` lets the OS choose.  With ``https`` and no ``certfile``, a
    self-signed certificate is generated (or reused) in ``cert_dir``, or a
    fresh temporary directory that ``stop()`` removes.  Returns a
    ServerHandle.
    """
    cim_handler = cimxml.CimXmlHandler(dispatcher, user, password)
    ssl_context = None
    temporary_dir = None
    if https:
        if certfile is None:
            if cert_dir is None:
                cert_dir = temporary_dir = tempfile.mkdtemp(
                    prefix='vmax-sim-tls-')
            certfile, keyfile = tls.ensure_certificate(cert_dir, [host])
        ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ssl_context.minimum_version = ssl.TLSVersion.TLSv1_2
        ssl_context.load_cert_chain(certfile, keyfile)
    else:
        certfile = None
    server = _Server((host, port), cim_handler, ssl_context)
    bound_port = server.server_address[1]
    url_host = '127.0.0.1' if host in ('', '0.0.0.0') else host
    if host == '::':
        url_host = '::1'
    url = '%s://%s' % ('https' if https else 'http',
                       _hostport(url_host, bound_port))
    thread = threading.Thread(target=server.serve_forever,
                              kwargs={'poll_interval': 0.1},
                              name='vmax-sim-http-%d' % bound_port,
                              daemon=True)
    thread.start()
    LOG.info('serving CIM-XML on %s', url)
    return ServerHandle(server, thread, url, host, bound_port, certfile,
                        temporary_dir)
