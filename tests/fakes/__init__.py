"""Fake SMTP and Sentry servers on 127.0.0.1 speaking the real wire formats.

The X, Pinterest and TikTok fakes are product code (feeds/crossposting/sandbox/): the demo
serves the same servers the tests run against.
"""
