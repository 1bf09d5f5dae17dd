"""The REST API (aiohttp), base path ``/api/v1``."""
