"""Writes about events: creating, editing and cancelling them (`events`), answering them
(`rsvps`) and reminding the people going (`reminders`)."""
