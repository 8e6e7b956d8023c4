"""Deadlines around the engine's: cohort dates and region overrides, extension requests,
working days, the reminders planned for each deadline, the daily sweep that sends them, and
calendar feeds."""
