"""The people who look after listings: accounts, roles, sign-in tokens, sessions and throttling."""
