"""Events: a post with a time, a place and RSVPs.

An event is a post (`Event.post`), so the post carries its audience, its description, its
cover image, its comments and its reactions, and the one audience policy (feeds.policy)
decides who sees it: every event surface starts from `Post.objects.visible_to`.
"""
