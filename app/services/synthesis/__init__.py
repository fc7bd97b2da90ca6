"""Syntheses of the feedback: analysis methods, the computations of the sections, of the whole
consultation and of the merge, runs."""
