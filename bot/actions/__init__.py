"""Custom actions for the signposting assistant: one per file, each reaching the directory through the
portal's Open Referral UK API, as a real deployment would."""
