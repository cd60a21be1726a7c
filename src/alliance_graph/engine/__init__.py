"""Query evaluation in a process of its own: sandboxed, bounded in time and memory, killable.

Oxigraph cannot cancel a running query nor bound its memory, so the server evaluates queries in
one engine process that holds the store and answers several queries at once on threads (they
share the store: one copy however many run); the web front, a separate process, hands queries to
it over socket pairs, and kills and restarts it when a query outlives the time limit or the
engine outgrows the memory limit.  The engine cannot open an internet socket
(``sandbox.py``), so a query that slipped past the checks still cannot fetch anything.
"""
