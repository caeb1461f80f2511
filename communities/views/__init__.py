"""Community pages. Each view fetches through `permissions`, then calls one service."""
