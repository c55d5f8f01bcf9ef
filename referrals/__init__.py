"""Referrals: a warm, consented hand-over of a resident to an organisation, tracked to an outcome."""
