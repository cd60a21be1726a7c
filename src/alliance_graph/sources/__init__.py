"""The source texts: locating quotes in them and measuring how much of them is cited."""
