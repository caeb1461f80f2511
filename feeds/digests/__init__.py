"""Digests: a daily or weekly email per person and community of what they missed.

Built when sent, through the audience policy and the feed code, never from a copy made when
it was scheduled; sent through the outbox (sosoon_site/mail/); claimed once per person,
community and period (`DigestSent`) so two workers never send it twice. docs/digests.md
says how the pieces fit.
"""
