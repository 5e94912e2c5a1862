"""梯度培育: libraries as of any date, tiers, reminders and R&D monitoring."""
