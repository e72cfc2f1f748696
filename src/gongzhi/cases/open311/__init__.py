"""Open311 GeoReport v2 at /open311/v2/: discovery, services, requests (GET and POST), tokens."""
