"""Hand-off to the hotline: tickets, priority and topic rules, unanswered questions."""
