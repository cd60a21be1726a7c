"""The website: entity, claim, source and ontology pages, the timeline, the query page."""
