"""X's weighted count and validity, against twitter-text's conformance suite (validate.yml:
WeightedTweetsWithDiscountedEmojiCounterTest and UnicodeDirectionalMarkerCounterTest), plus
the cases where the old hand-written counter let an over-long or invalid post through."""

import pytest

from feeds.crossposting.tweet_length import measure

LONG_LABEL = "somesuperlongurl" * 249  # one domain label of 3,984 characters (X allows 63)
KANA = "あいうえおかきくけこ"


@pytest.mark.parametrize(
    ("text", "length", "valid"),
    [
        pytest.param("Hi http://test.co", 26, True, id="regular tweet with url"),
        pytest.param("http://test.co", 23, True, id="just url"),
        pytest.param("285 chars-" + "xxxxxxxxxx-" * 25, 285, False, id="overflow at 280"),
        pytest.param("https://www.twitter.com/aloha " * 10, 240, True, id="10 urls"),
        pytest.param(
            "Long url with invalid domain labels and a short url: "
            + " ".join([f"https://{LONG_LABEL}.com/foo"] * 3)
            + " https://validurl.com",
            12079,
            False,
            id="url with a label over 63 characters counts by its characters",
        ),
        pytest.param(
            "randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com",
            68,
            True,
            id="64-character domain without scheme is not a url",
        ),
        pytest.param(
            KANA * 12 + " http://" + KANA * 5 + "あいう.com",
            358,
            False,
            id="CJK host over 63 punycode characters is not a url",
        ),
        pytest.param(
            KANA * 12 + " http://" + KANA * 5 + "あい.com",
            264,
            True,
            id="CJK host within 63 punycode characters is a url",
        ),
        pytest.param("ABC\u202a\uffffABC\ufffe", 12, False, id="invalid characters"),
        pytest.param(
            "\u2066\u202ahttp://foobar.پاکستان/\u202c\u2069",
            31,
            True,
            id="directional markers around a url count",
        ),
        pytest.param("1\u20e3", 2, True, id="keycap emoji"),
        pytest.param("Unicode 9.0 emoji: 🤠; 💃; 💃🏾", 29, True, id="unicode 9 emoji"),
        pytest.param("👨‍👩‍👧‍👦" * 140, 280, True, id="140 family emoji"),
        # Beyond the suite: what the issue found the old counter got wrong.
        pytest.param(
            "https://example.com" + "の" * 150, 323, False, id="url then 150 CJK, no space"
        ),
        pytest.param("a" * 260 + " bit.ly/abcde", 284, False, id="ccTLD link counts 23"),
        pytest.param("hello\ufeffworld", 12, False, id="byte order mark inside the text"),
        pytest.param("write to a@b.com", 16, True, id="email address is not a link"),
    ],
)
def test_twitter_text_conformance(text, length, valid):
    measured = measure(text)
    assert (measured.weighted_length, measured.valid) == (length, valid)


def test_x_validation_refuses_what_x_refuses():
    """The scheduling form's check says why, in X's own count."""
    from feeds.crossposting.base import Content
    from feeds.crossposting.providers import provider_for

    x = provider_for("x")
    assert "characters X does not accept" in x.validate(Content(text="hi\ufeffthere"))["text"]
    assert "284" in x.validate(Content(text="a" * 260 + " bit.ly/abcde"))["text"]
    assert x.validate(Content(text="randomurl" * 7 + "s.com")) == {}
