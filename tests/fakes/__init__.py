"""Fake X, Pinterest and TikTok: real HTTP servers on 127.0.0.1 speaking the real wire formats.

Each fake checks what the real provider checks (client credentials, redirect URI, `state`
round trip through the authorize redirect, PKCE verifier, required fields, single-use refresh
tokens) and can be told per test to answer a path with a fault: `fake.fail(path, "429")`.
"""
