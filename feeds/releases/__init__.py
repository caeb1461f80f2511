"""Staged releases (issue 16): a post whose audience widens on a schedule, its release ladder.

The post's own audience is the ladder's opening step; each `ReleaseStep` widens it from its
time on. The audience policy (feeds/policy.py) reads the step reached when it is asked, so
access is right at the step's time with no job run; the job here (`tasks.announce_releases`)
only tells the people each step newly reaches, once.
"""
