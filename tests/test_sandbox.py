"""The engine's sandbox: once it is set, no socket opens (internet, Unix or other), in any
thread, and a query's SERVICE call reaches nobody (checked against a real listener)."""

import socket
import subprocess
import sys
import textwrap

import servers

CHILD = textwrap.dedent("""
    import socket, sys, threading
    import pyoxigraph as ox
    from alliance_graph.engine.sandbox import deny_network
    port = int(sys.argv[1])
    unix_a, unix_b = socket.socketpair()
    assert deny_network() is None, "the filter was not installed"
    for family in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX, socket.AF_NETLINK):
        try:
            socket.socket(family, socket.SOCK_DGRAM)
            sys.exit(f"a socket opened: family {family!r}")
        except PermissionError:
            pass
    failures = []
    def connect():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2)
            failures.append("a thread connected")
        except OSError:
            pass
    thread = threading.Thread(target=connect); thread.start(); thread.join()
    try:
        list(ox.Store().query(f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"))
        failures.append("SERVICE answered")
    except OSError:
        pass
    unix_a.sendall(b"ok")
    assert unix_b.recv(2) == b"ok"
    sys.exit("; ".join(failures) or 0)
""")


def test_no_socket_opens_after_the_sandbox_is_set():
    # Unix sockets were allowed, so a name lookup reached the local daemons that resolve
    # names over the network (nscd, systemd-resolved, avahi): a SERVICE's host name left the
    # machine all the same.
    with socket.socket() as listener:
        port = servers.free_port()
        listener.bind(("127.0.0.1", port))
        listener.listen()
        listener.settimeout(0.5)
        child = subprocess.run([sys.executable, "-c", CHILD, str(port)], capture_output=True,
                               text=True, timeout=60)
        assert child.returncode == 0, child.stdout + child.stderr
        try:
            listener.accept()
            raise AssertionError("the listener was reached")
        except TimeoutError:
            pass
