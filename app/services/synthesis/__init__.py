"""Syntheses of the feedback: analysis methods, the per-section and merge computations, runs."""
