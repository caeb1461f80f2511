"""Sandbox X, Pinterest and TikTok: real HTTP servers on 127.0.0.1 speaking the real wire formats.

The tests run against them and `manage.py serve` runs them beside the demo (DEBUG only), so a
brand owner can connect an account, schedule and watch a post go out without an account on any
network. Each sandbox enforces what the network's specification says the real one enforces
(client credentials, redirect URI, `state` round trip, scopes per endpoint, lengths in the
network's own units, media formats, single-use refresh tokens, rate limits with the network's
headers) and answers in the network's own error shapes; a test can make a path answer with a
fault: `sandbox.fail(path, "429")`.
"""
