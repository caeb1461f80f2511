"""The publishing calendar: every cross-post of every account a person manages, by week and
month in their time zone; posting slots and "next free slot"; account groups; the composer
that turns one Sosoon post into drafts for several accounts; accounts at a glance."""
