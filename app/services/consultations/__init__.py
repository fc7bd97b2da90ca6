"""Consultations: creation from a parsed draft, lifecycle, versions and translations, the
Council's questions, and the plain data the API and the CLI print.

Uses models, accounts and drafts.
"""
