"""Developer tools, not shipped (neither in the wheel nor in the installer): the one seeder of
demo and benchmark data (`seed`, over the synthetic vocabulary of `synthetic`) and the
screenshot tool (`python -m devtools.screenshots`). They may use the storage layer directly:
they fill databases."""
