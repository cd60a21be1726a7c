"""What ``import alliance_graph as ag`` offers a notebook or a script, re-exported by the
package: the graph (``graph.py``: ``load``, ``run``, ``rows``, ``export``), proposals and
citations (``proposals.py``: ``validate``, ``add``, ``cite``), and the checks of what a caller
gives them (``arguments.py``).  Each imports the modules doing the work only when called, so
``import alliance_graph`` stays light."""
