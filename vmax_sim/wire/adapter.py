"""The full CIM-XML path without a socket: a ``requests`` transport adapter.

``make_connection`` builds a real ``pywbem.WBEMConnection`` and mounts an
``InProcessAdapter`` on its session for the connection's URL, so every
operation is serialised by pywbem, handed as bytes to the
``CimXmlHandler`` and parsed back by pywbem, exactly as over HTTP, with no
port, thread or TLS involved.

Transport faults are acted out the way ``requests`` reports them over a
real socket (checked against a socket server with pywbem 1.9.1 /
requests 2.34 / urllib3 2.7), so pywbem raises the same exception class
with the same kind of message:

* ``DropConnection`` -> ``requests.ConnectionError`` wrapping urllib3's
  ``ProtocolError('Connection aborted.', RemoteDisconnected(...))``, which
  pywbem turns into ``pywbem.ConnectionError('Connection aborted.')``;
* ``Hang`` longer than the read timeout -> ``requests.ReadTimeout``
  wrapping urllib3's ``ReadTimeoutError``, which pywbem turns into
  ``pywbem.ConnectionError('... Read timed out. (read timeout=N)')`` (not
  ``pywbem.TimeoutError``: pywbem maps a wrapped urllib3 error that way);
  raised at once, because virtual time keeps tests fast;
* ``Hang`` shorter than the read timeout -> the server gives up first and
  closes the connection, i.e. the same as ``DropConnection``.
"""

import http.client
import io
import urllib.parse

import pywbem
import requests
import requests.adapters
import requests.structures
import urllib3

from vmax_sim import errors


def _read_timeout(timeout):
    """The read timeout out of a requests ``timeout`` argument."""
    if isinstance(timeout, tuple):
        return timeout[1]
    return timeout


def _hostport(url):
    parts = urllib.parse.urlsplit(url)
    default_port = 5989 if parts.scheme == 'https' else 5988
    return parts.hostname, parts.port or default_port


class InProcessAdapter(requests.adapters.BaseAdapter):
    """Hand each request body to a CimXmlHandler; build the Response."""

    def __init__(self, handler):
        super().__init__()
        self.handler = handler

    def send(self, request, stream=False, timeout=None, verify=True,
             cert=None, proxies=None):
        host, port = _hostport(request.url)
        hostport = ('[%s]:%d' if ':' in host else '%s:%d') % (host, port)
        body = request.body or b''
        if isinstance(body, str):
            body = body.encode('utf-8')
        try:
            status, headers, payload = self.handler.handle(
                body, request.headers, hostport)
        except errors.DropConnection:
            raise self._connection_aborted(request)
        except errors.Hang as hang:
            read_timeout = _read_timeout(timeout)
            if read_timeout is not None and hang.seconds < read_timeout:
                raise self._connection_aborted(request)
            pool = '%sConnectionPool(host=%r, port=%d)' % (
                'HTTPS' if request.url.startswith('https') else 'HTTP',
                host, port)
            raise requests.exceptions.ReadTimeout(
                urllib3.exceptions.ReadTimeoutError(
                    pool, request.url,
                    'Read timed out. (read timeout=%s)' % read_timeout),
                request=request)
        return self._response(request, status, headers, payload)

    @staticmethod
    def _connection_aborted(request):
        return requests.exceptions.ConnectionError(
            urllib3.exceptions.ProtocolError(
                'Connection aborted.',
                http.client.RemoteDisconnected(
                    'Remote end closed connection without response')),
            request=request)

    @staticmethod
    def _response(request, status, headers, payload):
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(payload), headers=headers, status=status,
            version=11, reason=http.client.responses.get(status, ''),
            preload_content=False, decode_content=False)
        response = requests.Response()
        response.status_code = status
        response.headers = requests.structures.CaseInsensitiveDict(headers)
        response.raw = raw
        response.reason = raw.reason
        response.url = request.url
        response.request = request
        response.encoding = 'utf-8'
        return response

    def close(self):
        """Nothing to release: there is no connection pool."""


def make_connection(handler, url='http://vmax-sim:5988', creds=None,
                    **wbem_kwargs):
    """A real pywbem.WBEMConnection whose requests go to ``handler``.

    ``url`` only names the server (it appears as the host in returned
    paths and in pywbem's messages); nothing is resolved or connected.
    ``wbem_kwargs`` go to WBEMConnection (``default_namespace``,
    ``timeout``, ``stats_enabled`` ...); the namespace defaults to
    ``root/emc``.  Note that ``conn.copy()`` builds a fresh session
    without the adapter.
    """
    wbem_kwargs.setdefault('default_namespace', 'root/emc')
    conn = pywbem.WBEMConnection(url, creds, **wbem_kwargs)
    # pywbem posts to conn.url + '/cimom'; the trailing slash keeps the
    # prefix from also matching a longer port number.
    conn.session.mount(conn.url + '/', InProcessAdapter(handler))
    # Proxy, netrc and CA-bundle variables cannot apply to a connection
    # without a socket; not looking them up saves about 20 % per call.
    conn.session.trust_env = False
    return conn
