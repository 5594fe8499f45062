"""The JSON API: ``views`` answers /api/v1/ (the model's figures, short links,
the OpenAPI document); ``openapi`` writes that document from the form and
the model, so the contract cannot drift from the code."""
