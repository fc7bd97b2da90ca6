"""Email: composing messages in the reader's language and the outbox that delivers them.

Uses models and the accounts package; background delivery goes through `app.services.queue`.
"""
