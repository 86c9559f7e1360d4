"""Manager views and exports (the API part: ``views_api``; pages come later)."""
