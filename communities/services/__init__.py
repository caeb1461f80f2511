"""Every write in the communities app. `do_*` functions execute atomically and check nothing;
`check_*` functions validate input and authorise the actor through `permissions`, then call
the matching `do_*`. Views, the admin and background jobs call these, never the ORM directly
for writes."""
