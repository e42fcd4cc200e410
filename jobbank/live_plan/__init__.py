"""The plan after publishing: events that change a published round's facts (absences, home
recalls, need changes, urgent needs, withdrawals), change sets that repair its plan with the
least disturbance, and what follows once one is applied (messages, calendars, checklists)."""
