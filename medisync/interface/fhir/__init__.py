"""FHIR R4 representations of MediSync's read models (docs/fhir.md).

Pure functions: read-model rows in, FHIR resources (plain dicts) out, and a
FHIR Patient in, our registration command's body out. The HTTP routes live in
``medisync.interface.http.routes.fhir``.
"""
