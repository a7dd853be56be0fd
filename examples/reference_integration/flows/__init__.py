"""One module per step of the opportunity-to-invoice journey; each is idempotent."""
