"""exec-reporting: persona reports from a small-business owner's exports (the domain layer)."""
