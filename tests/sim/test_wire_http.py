"""The HTTP(S) server itself: framing, TLS, auth, keep-alive, shutdown."""

import http.client
import logging
import os
import socket
import ssl
import tempfile
import threading
import time

import fixtures
import pywbem
import testtools

from tests.sim import test_wire_support as support
from vmax_sim.wire import tls

ENUMERATE_POOLS = (
    b'<?xml version="1.0" encoding="utf-8" ?>'
    b'<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="9" '
    b'PROTOCOLVERSION="1.0"><SIMPLEREQ><IMETHODCALL '
    b'NAME="EnumerateInstanceNames"><LOCALNAMESPACEPATH>'
    b'<NAMESPACE NAME="root"></NAMESPACE><NAMESPACE NAME="emc"></NAMESPACE>'
    b'</LOCALNAMESPACEPATH><IPARAMVALUE NAME="ClassName">'
    b'<CLASSNAME NAME="CIM_StoragePool"></CLASSNAME></IPARAMVALUE>'
    b'</IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>')
CIM_HEADERS = {'CIMOperation': 'MethodCall',
               'CIMMethod': 'EnumerateInstanceNames',
               'CIMObject': 'root/emc',
               'Content-Type': 'application/xml; charset="utf-8"'}


class HttpServerTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.sim = support.new_simulator()
        self.server = self.useFixture(support.ServedSimulator(self.sim))
        self.port = self.server.handle.port

    def _raw(self):
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=10)
        self.addCleanup(conn.close)
        return conn

    def test_binds_loopback_and_reports_url(self):
        self.assertEqual('http://127.0.0.1:%d' % self.port, self.server.url)
        self.assertIsNone(self.server.handle.certfile)

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        conn = self._raw()
        for _ in range(3):
            conn.request('POST', '/cimom', ENUMERATE_POOLS, CIM_HEADERS)
            response = conn.getresponse()
            body = response.read()
            self.assertEqual(200, response.status)
            self.assertIn(support.SRP_INSTANCE_ID.encode(), body)
            self.assertEqual('MethodResponse',
                             response.getheader('CIMOperation'))
        self.assertEqual(3, self.sim.calls.count('EnumerateInstanceNames'))

    def test_server_sockets_have_nagle_disabled(self):
        conn = self._raw()
        conn.request('POST', '/cimom', ENUMERATE_POOLS, CIM_HEADERS)
        conn.getresponse().read()
        server_sockets = list(self.server.handle._server._connections)
        self.assertEqual(1, len(server_sockets))
        self.assertTrue(server_sockets[0].getsockopt(
            socket.IPPROTO_TCP, socket.TCP_NODELAY))

    def test_any_path_is_accepted(self):
        conn = self._raw()
        conn.request('POST', '/', ENUMERATE_POOLS, CIM_HEADERS)
        self.assertEqual(200, conn.getresponse().status)

    def test_chunked_request_body(self):
        conn = self._raw()
        chunks = [ENUMERATE_POOLS[:50], ENUMERATE_POOLS[50:]]
        conn.request('POST', '/cimom', iter(chunks), CIM_HEADERS,
                     encode_chunked=True)
        response = conn.getresponse()
        self.assertEqual(200, response.status)
        self.assertIn(b'SRP_1', response.read())

    def test_http_level_refusals(self):
        cases = [
            ('GET', None, {}, 405),
            ('M-POST', ENUMERATE_POOLS, CIM_HEADERS, 501),
            ('POST', b'<not xml', CIM_HEADERS, 400),
        ]
        for method, body, headers, status in cases:
            conn = self._raw()
            conn.request(method, '/cimom', body, headers)
            response = conn.getresponse()
            response.read()
            self.assertEqual(status, response.status, method)
        self.assertEqual(0, self.sim.calls.count())

    def test_missing_content_length_is_411(self):
        with socket.create_connection(('127.0.0.1', self.port), 10) as sock:
            sock.sendall(b'POST /cimom HTTP/1.1\r\nHost: x\r\n'
                         b'CIMOperation: MethodCall\r\n\r\n')
            self.assertIn(b' 411 ', sock.recv(4096).split(b'\r\n')[0])

    def test_malformed_body_answers_cim_error_header(self):
        conn = self._raw()
        conn.request('POST', '/cimom', b'<CIM>', CIM_HEADERS)
        response = conn.getresponse()
        response.read()
        self.assertEqual((400, 'request-not-well-formed'),
                         (response.status, response.getheader('CIMError')))

    def test_server_response_time_reaches_the_client(self):
        conn = self.server.connection()
        conn.EnumerateInstanceNames('CIM_StoragePool')
        self.assertGreater(conn.last_server_response_time, 0)
        self.assertLess(conn.last_server_response_time, 5)

    def test_stop_closes_the_port_and_idle_connections(self):
        # urllib3 logs its connect retries; keep them out of the output.
        self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        conn = self._raw()
        conn.request('POST', '/cimom', ENUMERATE_POOLS, CIM_HEADERS)
        conn.getresponse().read()
        started = time.monotonic()
        self.server.handle.stop()
        self.assertLess(time.monotonic() - started, 3)
        client = self.server.connection()
        self.assertRaises(pywbem.ConnectionError,
                          client.EnumerateInstanceNames, 'CIM_StoragePool')
        # The idle keep-alive connection was shut down as well.
        self.assertRaises((http.client.HTTPException, OSError),
                          self._reuse, conn)

    @staticmethod
    def _reuse(conn):
        conn.request('POST', '/cimom', ENUMERATE_POOLS, CIM_HEADERS)
        return conn.getresponse().read()

    def test_stop_releases_a_hanging_request(self):
        self.sim.faults.add('hang', operation='EnumerateInstanceNames',
                            seconds=60)
        client = self.server.connection(timeout=30)
        errors = []

        def call():
            try:
                client.EnumerateInstanceNames('CIM_StoragePool')
            except pywbem.Error as exc:
                errors.append(exc)
        caller = threading.Thread(target=call)
        caller.start()
        self._wait_for(lambda: self.sim.calls.count() == 1)
        started = time.monotonic()
        self.server.handle.stop()
        caller.join(10)
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual([pywbem.ConnectionError],
                         [type(e) for e in errors])

    @staticmethod
    def _wait_for(condition, timeout=5):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError('condition not met in time')
            time.sleep(0.01)


class HttpAuthTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.sim = support.new_simulator()
        self.server = self.useFixture(support.ServedSimulator(
            self.sim, user=support.USER, password=support.PASSWORD))

    def test_missing_or_wrong_credentials_are_auth_errors(self):
        for creds in (None, (support.USER, 'nope'), ('other',
                                                     support.PASSWORD)):
            conn = self.server.connection(creds)
            self.assertRaises(pywbem.AuthError,
                              conn.EnumerateInstanceNames, 'CIM_StoragePool')
        self.assertEqual(0, self.sim.calls.count())

    def test_401_names_the_ecom_realm(self):
        conn = http.client.HTTPConnection('127.0.0.1',
                                          self.server.handle.port, timeout=10)
        self.addCleanup(conn.close)
        conn.request('POST', '/cimom', ENUMERATE_POOLS, CIM_HEADERS)
        response = conn.getresponse()
        response.read()
        self.assertEqual((401, 'Basic realm="ECOM"'),
                         (response.status,
                          response.getheader('WWW-Authenticate')))

    def test_password_never_reaches_the_log(self):
        logger = self.useFixture(fixtures.FakeLogger(level=logging.DEBUG))
        good = self.server.connection((support.USER, support.PASSWORD))
        good.EnumerateInstanceNames('CIM_StoragePool')
        bad = self.server.connection((support.USER, support.PASSWORD + 'x'))
        self.assertRaises(pywbem.AuthError, bad.EnumerateInstanceNames,
                          'CIM_StoragePool')
        self.assertIn('POST /cimom', logger.output)
        self.assertIn('credentials', logger.output)
        self.assertNotIn(support.PASSWORD, logger.output)


class HttpsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(support.NoCaBundleVariables())
        self.sim = support.new_simulator()
        self.cert_dir = self.useFixture(fixtures.TempDir()).path
        certfile, keyfile = tls.ensure_certificate(self.cert_dir)
        self.server = self.useFixture(support.ServedSimulator(
            self.sim, user=support.USER, password=support.PASSWORD,
            https=True, certfile=certfile, keyfile=keyfile))

    def test_generated_certificate_is_trusted_as_ca(self):
        handle = self.server.handle
        self.assertTrue(handle.url.startswith('https://127.0.0.1:'))
        self.assertEqual(self.cert_dir, os.path.dirname(handle.certfile))
        conn = self.server.connection((support.USER, support.PASSWORD))
        self.assertEqual([support.srp_path()],
                         [p for p in conn.EnumerateInstanceNames(
                             'CIM_StoragePool')])

    def test_hostname_localhost_matches_too(self):
        url = 'https://localhost:%d' % self.server.handle.port
        conn = pywbem.WBEMConnection(
            url, (support.USER, support.PASSWORD),
            default_namespace=support.NS, ca_certs=self.server.handle.certfile)
        self.assertEqual(1, len(conn.EnumerateInstanceNames(
            'CIM_StoragePool')))

    def test_untrusted_certificate_is_refused(self):
        conn = pywbem.WBEMConnection(self.server.url,
                                     (support.USER, support.PASSWORD),
                                     default_namespace=support.NS)
        error = self.assertRaises(pywbem.ConnectionError,
                                  conn.EnumerateInstanceNames,
                                  'CIM_StoragePool')
        self.assertIn('CERTIFICATE_VERIFY_FAILED', str(error))
        self.assertEqual(0, self.sim.calls.count())

    def test_no_verification_works_and_auth_still_applies(self):
        conn = self.server.connection((support.USER, 'wrong'),
                                      no_verification=True)
        self.assertRaises(pywbem.AuthError, conn.EnumerateInstanceNames,
                          'CIM_StoragePool')

    def test_plain_http_to_the_tls_port_fails_without_harm(self):
        url = 'http://127.0.0.1:%d' % self.server.handle.port
        conn = pywbem.WBEMConnection(url, timeout=5)
        self.assertRaises(pywbem.ConnectionError,
                          conn.EnumerateInstanceNames, 'CIM_StoragePool')
        # The server is still fine for TLS clients.
        good = self.server.connection((support.USER, support.PASSWORD))
        self.assertEqual(1, len(good.EnumerateInstanceNames(
            'CIM_StoragePool')))


class CertificateTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.directory = self.useFixture(fixtures.TempDir()).path

    def test_certificate_names_loopback_and_extra_hosts(self):
        from cryptography import x509
        certfile, keyfile = tls.generate_self_signed(
            self.directory, extra_hosts=['sim.example', '0.0.0.0'])
        with open(certfile, 'rb') as src:
            cert = x509.load_pem_x509_certificate(src.read())
        san = cert.extensions.get_extension_for_class(
            x509.SubjectAlternativeName).value
        self.assertEqual(['localhost', 'sim.example'],
                         san.get_values_for_type(x509.DNSName))
        self.assertEqual(['127.0.0.1'], [
            str(ip) for ip in san.get_values_for_type(x509.IPAddress)])
        self.assertEqual(0o600, os.stat(keyfile).st_mode & 0o777)
        # The pair loads as a server certificate.
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(
            certfile, keyfile)

    def test_existing_certificate_is_reused_only_when_it_fits(self):
        first = tls.ensure_certificate(self.directory)
        with open(first[0], 'rb') as src:
            original = src.read()
        self.assertEqual(first, tls.ensure_certificate(self.directory))
        with open(first[0], 'rb') as src:
            self.assertEqual(original, src.read())
        tls.ensure_certificate(self.directory, extra_hosts=['other.host'])
        with open(first[0], 'rb') as src:
            self.assertNotEqual(original, src.read())

    def test_temporary_certificate_lives_as_long_as_the_server(self):
        self.useFixture(support.NoCaBundleVariables())
        sim = support.new_simulator()
        with sim.serve(port=0, https=True) as handle:
            self.assertTrue(handle.certfile.startswith(tempfile.gettempdir()))
            conn = pywbem.WBEMConnection(handle.url, ca_certs=handle.certfile,
                                         default_namespace=support.NS)
            self.assertEqual(1, len(conn.EnumerateInstanceNames(
                'CIM_StoragePool')))
        self.assertFalse(os.path.exists(os.path.dirname(handle.certfile)))
