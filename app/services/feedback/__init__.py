"""Partners' feedback: saving paragraph feedback and answers, submitting, follow-up, and the
feedback files staff import.

Uses models, accounts, mail and consultations.
"""
