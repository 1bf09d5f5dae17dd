"""Query use cases: read-model rows, filtered by tenant and role."""
