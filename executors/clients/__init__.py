"""Platform clients: HTTP and the platforms' shapes, nothing of approval or policy."""
