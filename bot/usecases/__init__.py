"""The application layer: one module per use case (see README, "Layout")."""
