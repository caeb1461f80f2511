"""Insights for a community's owner and admins: daily roll-ups and the page that reads them.

The roll-up job (`rollups.py`, queued by `tasks.py`) turns a day of posts, comments,
reactions, chat messages, feed visits and membership changes into a few summary rows; the
page (`views.py`) reads only those rows. docs/insights.md defines every number.
"""
