"""Partner creators: the people (members or outsiders) a community works with to bring in
members, each with tracked invitation links of their own, and their numbers in Insights
(docs/insights.md, "Partners")."""
