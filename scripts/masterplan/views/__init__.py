"""Every generated fragment of the site, one module per page family."""
