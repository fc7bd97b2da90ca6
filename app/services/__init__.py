"""Business rules. Services take plain values, raise domain errors and own the commit."""
