"""Where the built graph lives: in memory, in an on-disk Oxigraph directory, or a remote store."""
