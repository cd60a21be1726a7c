"""The build pipeline: Turtle files -> checked quads -> truthy triples -> OWL 2 RL closure."""
