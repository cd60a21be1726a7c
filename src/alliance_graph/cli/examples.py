"""The examples each command's ``--help`` ends with, and the group's: a command told what
it does but not how it is written left a new user to guess its arguments' order and form
(a quote's quotes, a catalogue name for a file, ``-`` for stdin).

Each line is a shell command as a user types it from the checkout (the README's proposal.ttl
beside it), and ``tests/test_cli.py`` runs every one of them, but the server's, in a copy of
the project: an example that no longer works fails the suite.
"""

from __future__ import annotations

EXAMPLES = {
    None: ["alliance-graph stats",
           "alliance-graph query source-disagreements",
           "alliance-graph --project ~/my-graph check      # a project of your own",
           "alliance-graph query --help                    # a command's options, examples"],
    "stats": ["alliance-graph stats",
              "alliance-graph stats --format json             # and each named graph's triples"],
    "query": ["alliance-graph query source-disagreements      # a named query of queries/",
              "alliance-graph query 'SELECT ?s ?l WHERE { ?s a ag:MissileDefenseSystem ; "
              "rdfs:label ?l }'",
              "alliance-graph query aid-amounts --format csv > aid.csv",
              "echo 'ASK { id:IronDome ag:coFundedBy id:UnitedStates }' | alliance-graph query -"],
    "export": ["alliance-graph export -o graph.ttl                      # Turtle: the extension's",
               "alliance-graph export --format trig -o graph.trig       # a graph per data file",
               "alliance-graph export --format nodes-csv --bom -o nodes.csv   # for Excel"],
    "cite": ['alliance-graph cite 000_06b6882714cf1880.txt "Negev U.S. Radar Base" '
             "--name 000-negev"],
    "check": ["alliance-graph check         # exit 1 if a check finds something"],
    "catalogue": ["alliance-graph catalogue             # which reviewed answers differ",
                  "alliance-graph catalogue --update    # rewrite them; review the diff"],
    "load": ["alliance-graph load                    # build the cache now",
             "alliance-graph --store .store load     # build a directory store"],
    "serve": ["alliance-graph serve --port 8080                       # http://127.0.0.1:8080/sparql",
              "alliance-graph serve --get '/sparql?query=ASK%7B%7D'   # one request, no port"],
    "validate": ["alliance-graph validate proposal.ttl     # findings with file:line",
                 "alliance-graph validate --format json proposal.ttl"],
    "add": ["alliance-graph add proposal.ttl         # only if it conforms",
            "alliance-graph add --into exercises.ttl proposal.ttl"],
    "coverage": ["alliance-graph coverage --source 000_06b6882714cf1880.txt"],
}


def epilog(name: str | None) -> str:
    """Return the help's closing section for command ``name`` (None: the group), unwrapped
    (click's ``\\b``: a command line must not be broken)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in EXAMPLES[name])

