"""The outbox: every mail the site sends is saved with the work that caused it and delivered
by background jobs, so no request waits on (or fails with) the mail server."""
