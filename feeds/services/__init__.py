"""Writes, one module per use case: `check_*` validates and authorises, then calls `do_*`."""
