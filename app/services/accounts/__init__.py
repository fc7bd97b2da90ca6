"""People and organisations: accounts, passwords, tokens, who may do what, and the audit trail.

Owns the rules of access (`access.can`), which every other service asks. Uses models only.
"""
