"""Notifications: telling people what concerns them, the way each chose on *My account*.

Owns the kinds of event (a consultation opened to one's organisation, a deadline a week and
a day away, a colleague's change to the organisation's submission, a synthesis released to
one, the Council's decisions published), each person's choice per kind (email now, a daily
digest, or nothing), the rows that make a reminder go once only, the daily digest, one-click
unsubscribing, and a deadline as an iCalendar event.

Uses models, the accounts package (access, audit) and mail (every email goes through the
outbox, with RFC 8058 unsubscribe headers). Other services call `events` when something
happens; beat calls `sweeps` and `digest`.
"""
