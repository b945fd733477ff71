"""The console's pages, one module per menu entry (each with its `router`)."""
