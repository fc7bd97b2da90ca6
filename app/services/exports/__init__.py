"""Exports of a consultation's data as files (CSV, XLSX, JSON)."""
