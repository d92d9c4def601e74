"""Block Kit builders (slack_sdk.models.blocks), one module per surface."""
