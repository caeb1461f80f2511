"""Metrics back from the networks: each published cross-post's public counts, read on a
schedule that stays inside each network's documented rate limits, kept as a time series and
shown beside Sosoon's own visits and joins from the tracked link.

- `limits.py`: each network's documented limit for the endpoint the counts come from;
- `models.py`: the samples, when each cross-post is read next, each rate-limit bucket's use;
- `services.py`: the sweep that plans reads within budget, and the read itself;
- `tasks.py`: the q2 entry points (sosoon_site/jobs.py schedules the sweep);
- `charts.py`, `views.py`, `urls.py`: the pages, with server-rendered SVG charts.
"""
