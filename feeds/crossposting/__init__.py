"""Scheduled cross-posting of public posts to X, Pinterest and TikTok (issue 6).

Connected accounts belong to a community; a cross-post is a small state machine published by
django-q2 jobs. Providers share one interface (`base.Provider`); their API base URLs come from
settings, so tests point them at local fake servers that speak the real wire formats.
"""
