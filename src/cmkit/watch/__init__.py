"""Veille: feeds, keyword searches and competitor counts, de-duplicated, stored, digested."""
