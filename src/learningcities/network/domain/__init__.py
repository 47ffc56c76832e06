"""Every write to the register goes through a function of this package."""
