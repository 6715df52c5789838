"""The REST API (JSON, /api/v1): session cookie or `Authorization: Bearer <token>`."""
