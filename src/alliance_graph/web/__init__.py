"""The HTTP face of the graph: the SPARQL 1.1 Protocol, Graph Store reads and the server."""
