"""The plan, seen: key dates, slots, the month's view, the content stock, the day's
checklist, the iCalendar export and plan diffs. Pure data; the CLI prints it."""
