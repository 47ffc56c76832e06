"""Monitoring: reporting cycles, biennial progress reports, reminders, standing and lapse."""
